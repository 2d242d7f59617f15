"""Access matrix: every route of the URL map × every role × an out-of-scope unit.

Routes are discovered from the URL map, so a new route is covered the day it is added;
a route whose URL parameters this file cannot fill fails the test until it is taught here.
"""
import datetime
import io

import pytest
from conftest import PortalClient, login

from portal.access import ALL_ROLES, PERMISSIONS, PUBLIC, UNIT_ROLES, view_permission
from portal.attachments.services import save
from portal import clock
from portal.models import Agreement, AgreementItem, Attachment, AuditLog, ExtensionRequest, Notification, SupervisedItem, Unit, User
from portal.agreements import printing
from portal.agreements import services as agreements
from portal.models import (AgreementTemplate, AssignedTask, Law, Petition, PetitionCategory, Sanction, StaffMember,
                           TemplateItem, VetoEvent)
from portal.supervision import services as supervision
from portal.inspections import services as inspections
from portal.legal import services as legal
from portal.veto import services as veto_services

# Records that belong to one user, not to a unit: everybody else gets 404, bureau roles included.
PER_USER = {"notification_id", "job_id"}

ROLES = sorted(ALL_ROLES)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Storage:
    def __init__(self, name, data):
        self.filename, self.stream = name, io.BytesIO(data)


@pytest.fixture
def outside(app, world):
    """Records of 界外基层单位乙, which no user of 测试商店 may see."""
    other_user = world.user("unit_clerk", unit=world.other_shop)
    office = world.user("office")
    with app.app_context():
        attachment = save("unit", world.other_shop, Storage("界外档案.pdf", PDF), other_user)
        item = supervision.supervise("task", unit=world.other_shop, title="界外督办事项", assigned_by=office,
                                     due_date=clock.today() + datetime.timedelta(days=10))
        extension = supervision.request_extension(item, other_user, item.due_date + datetime.timedelta(days=5), "理由")
        template = AgreementTemplate.create(year=2026, title="目标管理责任书", party_a="测试商务局", excellent_min=90,
                                            good_min=80, pass_min=60, bonus_cap=10)
        TemplateItem.create(template=template, seq=1, category="组织领导", content="落实一把手负责制", points=10)
        agreement = agreements.issue(template, [world.other_shop], office)[0]
        job = printing.start(other_user, "zip", [agreement.id], "界外打印")
        veto = veto_services.propose(unit=world.other_shop, year=2026, trigger="mass_incident", user=office,
                                     occurred_on=clock.today(), description="界外单位群体性上访")
        sanction = veto_services.issue_sanction(unit=world.other_shop, kind="yellow", reason="界外黄牌", user=office)
        checklist = inspections.save_checklist(None, "综治督查清单", "组织领导 | 一把手负责制落实 | 查阅资料 | 10", office)
        inspector = world.user("inspector")
        round_ = inspections.create_round(title="界外督查", start_date=clock.today(), end_date=clock.today(),
                                          template=checklist, inspectors=[inspector], units=[world.other_shop], user=office)
        inspections.advance(round_, office)
        finding = inspections.raise_finding(round_, world.other_shop, inspector, description="界外问题", severity="minor",
                                            requirement="限期整改", deadline=clock.today())
        person = StaffMember.create(unit=world.other_shop, name="界外职工", employee_no="X-001")
        law = Law.select().first()
        legal_session = legal.record_session(unit=world.other_shop, held_on=clock.today(), form="exam", title="界外普法",
                                             speaker="", notes="", laws=[law], attendees=[person], user=office)
        record = veto_services.record_accountability(sanction=sanction, persons=[{"name": "界外责任人"}],
                                                     measure="admonition", decided_on=clock.today(),
                                                     decision="诫勉谈话", follow_up="", user=office)
        petition, task = outside_petition(world, other_user, office)
    notification = Notification.get(Notification.user == other_user.id)
    return {
        "petition_id": petition.id,
        "other_id": petition.id,
        "task_id": task.id,
        "category_id": PetitionCategory.select().first().id,
        "agreement_id": agreement.id,
        "side": "self",
        "template_id": template.id,
        "job_id": job.id,
        "veto_id": veto.id,
        "staff_id": person.id,
        "session_id": legal_session.id,
        "attendance_id": legal_session.attendance.first().id,
        "law_id": law.id,
        "token": "0123456789abcdef",
        "round_id": round_.id,
        "check_id": checklist.items.first().id,
        "checklist_id": checklist.id,
        "finding_id": finding.id,
        "sanction_id": sanction.id,
        "record_id": record.id,
        "source_type": "supervision",
        "source_id": item.id,
        "item_id": item.id,
        "action": "acknowledge",
        "extension_id": extension.id,
        "decision": "approve",
        "notification_id": notification.id,
        "unit_id": world.other_shop.id,
        "user_id": other_user.id,
        "attachment_id": attachment.id,
        "owner_type": "unit",
        "owner_id": world.other_shop.id,
    }


def outside_petition(world, other_user, office):
    """A case assigned to and answered by the out-of-scope unit, and a task assigned to it."""
    from portal.petitions import services as petitions

    today = clock.today()
    p, _ = petitions.register(received_on=today, channel="visit", headcount=6, concerned_unit=world.other_shop,
                              category=PetitionCategory.select().first(), title="界外信访", request="界外诉求", user=office,
                              persons=[petitions.PersonInput("界外信访人", "", "", True)])
    p = petitions.accept(p, office, on=today, note="")
    p = petitions.assign(p, office, unit=world.other_shop, handler_name="界外承办人", on=today)
    p = petitions.reply(p, other_user, on=today, text="界外答复", document=Storage("界外答复.pdf", PDF))
    task = petitions.create_task(source="npc", ref_number="", title="界外交办", content="", received_on=today,
                                 due_date=today, unit=world.other_shop, user=office)
    return p, task


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _fill(rule, values):
    missing = [arg for arg in rule.arguments if arg not in values]
    if missing:
        pytest.fail(f"{rule.rule}: teach test_access.py a value for {missing}")
    url = rule.rule
    for arg in rule.arguments:
        for conv in ("<int:%s>" % arg, "<%s>" % arg):
            url = url.replace(conv, str(values[arg]))
    return url


def fingerprint():
    """Everything an out-of-scope request must leave untouched."""
    return (
        [tuple(u.__data__.items()) for u in Unit.select().order_by(Unit.id)],
        [(u.id, u.role, u.unit_id, u.active, u.session_version, u.display_name) for u in User.select().order_by(User.id)],
        [(a.id, a.archived) for a in Attachment.select().order_by(Attachment.id)],
        [tuple(i.__data__.items()) for i in SupervisedItem.select().order_by(SupervisedItem.id)],
        [(e.id, e.state) for e in ExtensionRequest.select().order_by(ExtensionRequest.id)],
        [(n.id, n.read_at) for n in Notification.select().order_by(Notification.id)],
        [tuple(a.__data__.items()) for a in Agreement.select().order_by(Agreement.id)],
        [tuple(i.__data__.items()) for i in AgreementItem.select().order_by(AgreementItem.id)],
        [tuple(v.__data__.items()) for v in VetoEvent.select().order_by(VetoEvent.id)],
        [tuple(v.__data__.items()) for v in Sanction.select().order_by(Sanction.id)],
        [tuple(p.__data__.items()) for p in StaffMember.select().order_by(StaffMember.id)],
        [(a.id, a.score) for a in legal_attendance()],
        [tuple(p.__data__.items()) for p in Petition.select().order_by(Petition.id)],
        [tuple(t.__data__.items()) for t in AssignedTask.select().order_by(AssignedTask.id)],
    )


def legal_attendance():
    from portal.models import Attendance

    return Attendance.select().order_by(Attendance.id)


def test_every_view_declares_a_permission(app):
    undeclared = [rule.rule for rule, _ in routes(app) if view_permission(app, rule.endpoint) is None]
    assert undeclared == []
    for rule, _ in routes(app):
        perm = view_permission(app, rule.endpoint)
        assert perm == PUBLIC or perm in PERMISSIONS


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, world, outside, role):
    user = world.user(role)
    marker = world.other_shop.name  # the out-of-scope unit's name must never leak to unit roles
    failures = []
    checked = 0
    for rule, method in routes(app):
        if rule.endpoint == "auth.logout":
            continue  # ends the session; covered in test_auth
        permission = view_permission(app, rule.endpoint)
        url = _fill(rule, outside)
        flask_client = app.test_client()
        login(flask_client, user.username)
        client = PortalClient(flask_client, user)
        before = fingerprint()
        audit_before = AuditLog.select().where(AuditLog.unit == world.other_shop.id).count()
        response = client.get(url) if method == "GET" else client.post(url, htmx=True)
        status, body = response.status_code, response.get_data().decode("utf-8", "replace")
        checked += 1
        where = f"{role} {method} {url} -> {status}"
        if status >= 500:
            failures.append(f"{where}: server error")
            continue
        if permission == PUBLIC:
            continue
        allowed = role in PERMISSIONS[permission]
        if not allowed:
            if status != 403:
                failures.append(f"{where}: expected 403 for a role without {permission}")
        elif PER_USER & set(rule.arguments):
            if status != 404:
                failures.append(f"{where}: another user's record must answer 404")
        elif role in UNIT_ROLES:
            if rule.arguments:
                if status != 404:
                    failures.append(f"{where}: out-of-scope object must answer 404")
            elif marker in body:
                failures.append(f"{where}: page shows the out-of-scope unit")
        elif method == "GET" and status == 404:
            failures.append(f"{where}: bureau roles see every unit")
        if role in UNIT_ROLES or not allowed:
            if fingerprint() != before:
                failures.append(f"{where}: refused request changed data")
            if AuditLog.select().where(AuditLog.unit == world.other_shop.id).count() != audit_before:
                failures.append(f"{where}: refused request wrote an audit row for the other unit")
    assert checked > 10
    assert failures == []


@pytest.mark.parametrize("role", sorted(UNIT_ROLES))
def test_unit_roles_see_their_own_subtree(login_as, world, role):
    client = login_as(role)
    assert client.get(f"/units/{world.shop.id}").status_code == 200
    body = client.get("/units/").get_data(as_text=True)
    assert world.shop.name in body
    assert world.other_shop.name not in body and world.other_branch.name not in body
    # The parent is above the user's unit: not part of its subtree.
    assert client.get(f"/units/{world.branch.id}").status_code == 404


def test_a_branch_user_sees_units_below(login_as, world):
    branch_head = world.user("unit_head", unit=world.branch, username="branch_head")
    client = login_as(branch_head)
    assert client.get(f"/units/{world.shop.id}").status_code == 200
    assert client.get(f"/units/{world.other_shop.id}").status_code == 404


@pytest.mark.parametrize("role", ["admin", "leader", "office", "inspector"])
def test_bureau_roles_see_everything(login_as, world, role):
    body = login_as(role).get("/units/").get_data(as_text=True)
    for unit in (world.shop, world.other_shop, world.branch, world.other_branch):
        assert unit.name in body


@pytest.mark.parametrize("url", ["/", "/units/", "/users/", "/audit/", "/account"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_overlong_numbers_in_query_strings_are_ignored_not_errors(login_as):
    """A number too long to be an id or a year falls back to the default instead of a server error."""
    office = login_as("office")
    huge = "9" * 30
    for url in (f"/veto/?year={huge}", f"/legal/?year={huge}&unit={huge}&law={huge}", f"/agreements/?year={huge}",
                f"/supervision/?unit={huge}", f"/inspections/findings?round={huge}&unit={huge}",
                f"/petitions/stats?year={huge}"):
        assert office.get(url).status_code == 200, url
    admin = login_as("admin")
    for url in (f"/users/?unit={huge}", f"/audit/?unit={huge}&object_id={huge}&page={huge}"):
        assert admin.get(url).status_code == 200, url
