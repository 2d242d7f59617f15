"""The yearly governance archive (综治工作档案): one ZIP per year and body, built in the background on the
bulk-print mechanism (a PrintJob, portal.tasks), holding a contents page and the year's documents grouped
and numbered. Each document is produced by the module that owns it: the archive calls that module's own
printable (its view, under the requesting user's scope) and never renders another module's document."""
import datetime
import io
import logging
import os
import uuid
import zipfile

from flask import current_app, g, request, url_for
from flask_login import current_user

from .. import audit, clock, htmx, tasks
from ..access import can, in_scope, permission
from ..agreements import printing as bulk
from ..db import INNER_REQUEST, database
from ..models import (Accountability, Agreement, InspectionRound, PrintJob, RoundUnit, Unit, User)
from ..models.governance import DutyRoster, LeadingGroup, Meeting
from ..workflow import RuleError
from . import bp, printing, services
from .forms import ArchiveForm

log = logging.getLogger(__name__)
ARCHIVE_JOB = "governance.archive"
# A built archive's title (its job's), which the year-end summary counts by.
ARCHIVE_TITLE = "{year}年{unit}综治工作档案"
audit.register_object_type("archive", "综治工作档案")
GROUPS = ["一、组织领导", "二、目标管理责任书", "三、综治工作议事会议纪要", "四、督查情况报告及督查清单",
          "五、一票否决与领导责任查究", "六、普法教育", "七、信访台账", "八、值班表"]


def _subtree(unit):
    return Unit.select(Unit.id).where(Unit.path.startswith(unit.path))


def plan(user, year, unit):
    """[(group, title, endpoint, url values, query, extension)] of the documents the archive holds, fixed
    (and scoped to the user) when it is requested."""
    if not in_scope_unit(user, unit):
        raise RuleError("只能为本单位（含下属单位）建立档案。")
    subtree = _subtree(unit)
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    as_of = min(last, clock.today())
    docs = []
    for group in (LeadingGroup.visible_to(user).where(LeadingGroup.unit.in_(subtree), LeadingGroup.active == True,  # noqa: E712
                                                      LeadingGroup.established_on <= last).order_by(LeadingGroup.id)):
        docs.append((GROUPS[0], f"关于调整{group.name}成员及分工的通知", "governance.group_pdf", {"group_id": group.id},
                     {"on": as_of.isoformat()}, "pdf"))
    for a in (Agreement.visible_to(user).where(Agreement.unit.in_(subtree), Agreement.year == year,
                                               Agreement.state.not_in(("draft", "issued"))).order_by(Agreement.id)):
        docs.append((GROUPS[1], f"{year}年度目标管理责任书（{a.party_b}）", "agreements.contract_pdf",
                     {"agreement_id": a.id}, {}, "pdf"))
    for m in (Meeting.visible_to(user).where(Meeting.unit.in_(subtree), Meeting.year == year)
              .order_by(Meeting.held_on, Meeting.id)):
        docs.append((GROUPS[2], f"{m.body.name}第{m.quarter}季度综治工作议事会议纪要（{m.held_on}）",
                     "governance.minutes_pdf", {"meeting_id": m.id}, {}, "pdf"))
    rounds = (InspectionRound.visible_to(user).where(InspectionRound.start_date.between(first, last))
              .order_by(InspectionRound.start_date, InspectionRound.id))
    for r in rounds:
        targets = [t.unit for t in RoundUnit.select(RoundUnit, Unit).join(Unit)
                   .where(RoundUnit.round == r.id, RoundUnit.unit.in_(subtree)).order_by(RoundUnit.id)]
        if not targets:
            continue
        docs.append((GROUPS[3], f"督查情况报告：{r.title}", "inspections.report_pdf", {"round_id": r.id}, {}, "pdf"))
        for t in targets:
            docs.append((GROUPS[3], f"督查清单：{r.title}（{t.name}）", "inspections.checklist_pdf",
                         {"round_id": r.id, "unit_id": t.id}, {}, "pdf"))
    for record in (Accountability.visible_to(user).where(Accountability.unit.in_(subtree),
                                                         Accountability.decided_on.between(first, last))
                   .order_by(Accountability.decided_on, Accountability.id)):
        docs.append((GROUPS[4], f"领导责任查究决定书（{record.unit.name}，{record.decided_on}）",
                     "veto.accountability_pdf", {"record_id": record.id}, {}, "pdf"))
    if unit.level <= 1:
        docs.append((GROUPS[5], f"{year}年度普法工作情况", "legal.summary_pdf", {}, {"year": year}, "pdf"))
    docs.append((GROUPS[6], f"{year}年信访台账（身份证号、电话已隐去）", "petitions.export", {},
                 {"year": year, "unit": unit.id}, "xlsx"))
    for roster in (DutyRoster.visible_to(user).where(DutyRoster.unit.in_(subtree), DutyRoster.start_date <= last,
                                                     DutyRoster.end_date >= first)
                   .order_by(DutyRoster.start_date, DutyRoster.id)):
        docs.append((GROUPS[7], roster.title, "governance.roster_pdf", {"roster_id": roster.id}, {}, "pdf"))
    return [d for d in docs if _permitted(d[2], user)]


def in_scope_unit(user, unit):
    return unit is not None and in_scope(user, unit)


def _permitted(endpoint, user):
    view = current_app.view_functions.get(endpoint)
    return view is not None and can(view.permission, user)


def numbered(docs):
    """[(group, "二-3", title, filename, doc)]: numbered within their group, in the group order."""
    rows, counts = [], {}
    for doc in sorted(docs, key=lambda d: GROUPS.index(d[0])):
        group = doc[0]
        counts[group] = counts.get(group, 0) + 1
        g_no = GROUPS.index(group) + 1
        number = f"{group.split('、')[0]}-{counts[group]}"
        name = "".join(c for c in doc[1] if c not in '\\/:*?"<>|')[:80]
        rows.append((group, number, doc[1], f"{g_no:02d}-{counts[group]:02d}-{name}.{doc[5]}", doc))
    return rows


def start(user, year, unit):
    docs = plan(user, year, unit)
    title = ARCHIVE_TITLE.format(year=year, unit=unit.name)
    with database.atomic():
        job = PrintJob.start(user, "zip", title, {"year": year, "unit": unit.id, "documents": docs},
                             total=len(docs) + 1)
        audit.record("create", "archive", job.id, unit=unit, actor=user, summary=f"生成{title}（{len(docs)} 份文件）")
    tasks.launch(ARCHIVE_JOB, job.id)
    return job


def _produce(doc, user):
    """One document, from the view of the module that owns it, as the requesting user sees it."""
    _, _, endpoint, values, query, _ = doc
    with current_app.test_request_context():
        path = url_for(endpoint, **values)
    with current_app.test_request_context(path, query_string=query, environ_base={INNER_REQUEST: True}):
        # flask-login's current_user for this one call (no session, no login); `g` may be the caller's.
        previous = g.pop("_login_user", None)
        g._login_user = user
        try:
            response = current_app.view_functions[endpoint](**values)
        finally:
            g.pop("_login_user", None)
            if previous is not None:
                g._login_user = previous
        response.direct_passthrough = False
        return response.get_data()


@tasks.handler(ARCHIVE_JOB)
def build(job_id):
    """Build the archive: the contents page first, then each document, reporting progress."""
    job = PrintJob.get_by_id(job_id)
    PrintJob.update(state="running").where(PrintJob.id == job.id).execute()
    spec = job.spec
    user = User.get_by_id(job.requested_by_id)
    unit = Unit.get_by_id(spec["unit"])
    rows = numbered([tuple(d) for d in spec["documents"]])
    filename = f"{job.id}-{uuid.uuid4().hex}.zip"
    try:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            groups = []
            for group, number, title, name, _ in rows:
                if not groups or groups[-1][0] != group:
                    groups.append((group, []))
                groups[-1][1].append((number, title, name))
            archive.writestr("00-目录.pdf", printing.contents(job.title, unit, spec["year"], groups))
            PrintJob.update(done=1).where(PrintJob.id == job.id).execute()
            for n, (_, _, _, name, doc) in enumerate(rows, start=2):
                archive.writestr(name, _produce(doc, user))
                PrintJob.update(done=n).where(PrintJob.id == job.id).execute()
        with open(os.path.join(bulk._folder(), filename), "wb") as fh:
            fh.write(buffer.getvalue())
    except Exception as exc:  # reported on the job page, never swallowed
        log.exception("archive job %s failed", job.id)
        PrintJob.update(state="failed", error=f"{type(exc).__name__}: {exc}"[:2000],
                        finished_at=clock.now()).where(PrintJob.id == job.id).execute()
        return
    PrintJob.update(state="done", filename=filename, done=job.total,
                    finished_at=clock.now()).where(PrintJob.id == job.id).execute()


def _form(formdata=None):
    form = ArchiveForm(formdata, data={"year": clock.today().year} if formdata is None else None)
    form.unit.choices = [(u.id, u.name) for u in Unit.visible_to(current_user).where(
        Unit.id.in_(services.group_bodies().select(Unit.id))).order_by(Unit.level, Unit.sort_order)]
    return form


@bp.get("/archive")
@permission("governance.archive")
def archive():
    """综治工作档案: choose a year and a body; the ZIP is built in the background with a progress bar."""
    return htmx.render("governance/archive.html", form=_form(), job=None)


@bp.post("/archive")
@permission("governance.archive")
def archive_start():
    """Start building the archive ZIP (contents page + the year's documents) in the background."""
    form = _form(request.form)
    if form.validate_on_submit():
        unit = Unit.visible_to(current_user).where(Unit.id == form.unit.data).first()
        try:
            if unit is None:
                raise RuleError("请选择单位。")
            job = start(current_user._get_current_object(), form.year.data, unit)
        except RuleError as exc:
            form.refuse(exc, "unit")
        else:
            job = PrintJob.get_by_id(job.id)
            if htmx.is_htmx():
                return htmx.fragment("agreements/_print_job.html", job=job)
            return htmx.render("governance/archive.html", form=form, job=job)
    return htmx.render("governance/archive.html", form=form, job=None, status=422)

