"""Owns the leaders' year view (/summary/year) and the office's wall display (数据大屏, /summary/display):
the year's figures beside last year's, the charts (each series one aggregate query over the modules'
records in the user's scope), the red items waiting on a leader, and the display-only session that shows
the display on a screen and can do nothing else (enforced by portal/access.py, not here)."""
import datetime
from dataclasses import dataclass

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from peewee import Case, fn

from .. import audit, clock, htmx, modules
from ..access import DISPLAY_SESSION, can, display_view, permission, sees_everything, view_permission
from ..agreements.grading import GRADES, grades_for
from ..forms import year_arg
from ..inspections.services import RECTIFICATION_OF, _overdue
from ..legal.services import coverage
from ..models import Agreement, ExtensionRequest, Finding, InspectionRound, Petition, SupervisedItem, Unit, VetoEvent
from ..models.disputes import Dispute
from ..models.governance import ContactUnit
from ..models.supervision import OPEN_STATES, STATES
from ..supervision.services import overdue_items
from . import bp
from .charts import AMBER, BLUE, GREEN, GREY, RED, TEAL, Chart, Row, Series, draw
from .figures import collect, show

audit.register_actions({"display_open": "打开数据大屏"})


def _count_if(condition, value=1):
    return fn.COALESCE(fn.SUM(Case(None, [(condition, value)], 0)), 0)


def _url(endpoint, **values):
    """A drill-down link, only when the user holds the permission its view declares."""
    return url_for(endpoint, **values) if can(view_permission(current_app, endpoint)) else ""


def scope_unit(user):
    """The unit whose subtree the figures count: the bureau's root for bureau roles, else the user's unit."""
    if sees_everything(user):
        root = Unit.select().where(Unit.parent.is_null()).order_by(Unit.sort_order, Unit.id).first()
        return root or user.unit
    return user.unit


# -- the figures, this year beside last year -------------------------------------------------------------

@dataclass
class FigureRow:
    """A figure of the year with last year's value and the change."""

    key: str
    label: str
    unit: str
    value: object
    last: object
    url: str

    show = staticmethod(show)

    @property
    def change(self):
        """"+3" / "-2" / "持平" for numbers; "—" where the values do not subtract (names, text, no last year)."""
        numbers = (int, float)
        if isinstance(self.value, bool) or not isinstance(self.value, numbers) or not isinstance(self.last, numbers):
            return "—"
        diff = self.value - self.last
        if diff == 0:
            return "持平"
        return f"{diff:+g}"

    @property
    def trend(self):
        text = self.change
        return "up" if text.startswith("+") else "down" if text.startswith("-") else ""


def figure_rows(year, unit):
    """[FigureRow] of every module's figures (portal/summary/figures.py) of `year`, with `year - 1`'s."""
    now, before = collect(year, unit), collect(year - 1, unit)
    return [FigureRow(f.key, f.label, f.unit, f.value, before[f.key].value if f.key in before else None, f.url)
            for f in now.values()]


def figure_groups(rows):
    """The rows by the module that gives them, under its label, in the modules' order."""
    labels = {m.name: m.label for m in modules.manifests()}
    groups = {}
    for row in rows:
        name = row.key.split(".", 1)[0]
        groups.setdefault(name, (labels.get(name, name), []))[1].append(row)
    return list(groups.values())


# -- the chart series: each one aggregate query over the records the user may see ---------------------------

def _year_bounds(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def petitions_by_month(user, year):
    """信访 per month of receipt: all cases, and group petitions among them."""
    month = Petition.received_on.month
    counts = {int(m): (int(n), int(g)) for m, n, g in (
        Petition.visible_to(user).where(Petition.year == year)
        .select(month, fn.COUNT(Petition.id), _count_if(Petition.is_group == True))  # noqa: E712
        .group_by(month).tuples())}
    rows = [Row(f"{m}月", (counts.get(m, (0, 0))[0] - counts.get(m, (0, 0))[1], counts.get(m, (0, 0))[1]),
                _url("petitions.index", year=year, month=m)) for m in range(1, 13)]
    return Chart("信访件次（按月）", [Series("个人访", BLUE), Series("集体访", RED)], rows, unit="件", shape="columns")


# The tiers of a dispute (portal/disputes/services.TIERS), shortened for a chart's labels.
TIER_LABELS = ("基层单位", "二级机构", "局调处中心", "县级")
# A dispute is open, or has an outcome (kept after the follow-up visit closes it).
DISPUTE_SERIES = (("open", "调处中", AMBER), ("settled", "调解成功", GREEN), ("partly", "部分化解", TEAL),
                  ("transferred", "转入其他渠道", GREY))


def disputes_by_tier(user, year):
    """矛盾纠纷 of the year by the tier that holds them (or where they ended) and their outcome."""
    tier = fn.COALESCE(Dispute.outcome_tier, Dispute.tier)
    counts = {}
    for t, state, outcome, n in (Dispute.visible_to(user).where(Dispute.year == year)
                                 .select(tier, Dispute.state, Dispute.outcome, fn.COUNT(Dispute.id))
                                 .group_by(tier, Dispute.state, Dispute.outcome).tuples()):
        key = (int(t), "open" if state == "open" else outcome)
        counts[key] = counts.get(key, 0) + int(n)
    rows = [Row(label, tuple(counts.get((t, key), 0) for key, _, _ in DISPUTE_SERIES),
                _url("disputes.index", year=year, tier=t, state="all"))
            for t, label in enumerate(TIER_LABELS)]
    return Chart("矛盾纠纷（按层级和结果）", [Series(label, colour) for _, label, colour in DISPUTE_SERIES], rows,
                 unit="件")


GRADE_COLOURS = {"优秀": GREEN, "良好": TEAL, "合格": BLUE, "不合格": RED}


def agreement_grades(user, year):
    """目标管理责任书 of the year by grade. A grade is not stored: it comes from the one grade function
    (scores, thresholds, failed veto items, confirmed vetoes), which grades many agreements with a fixed
    number of queries; agreements not assessed yet are counted apart."""
    agreements = list(Agreement.visible_to(user).where(Agreement.year == year, Agreement.state != "draft"))
    counts = dict.fromkeys(GRADES + ("未考核",), 0)
    for result in grades_for(agreements).values():
        counts[result.grade or "未考核"] += 1
    url = _url("agreements.ranking", year=year)
    rows = [Row(g, (counts[g],), url) for g in GRADES]
    return Chart("责任书考核等次", [Series("单位数", BLUE)], rows, unit="个",
                 note=f"另有 {counts['未考核']} 份责任书尚未考核。" if counts["未考核"] else "")


def legal_coverage(user, year):
    """普法受教育面 by unit against the plan's target (the legal module's own coverage, three queries)."""
    cov = coverage(user, year)
    target = float(cov.target)
    rates = [(u, float(cov.rate(u.id) or 0)) for u in cov.units]
    rows = [Row(u.name, (rate, 0.0) if rate >= target else (0.0, rate), _url("legal.coverage", year=year))
            for u, rate in rates]
    return Chart("各单位普法受教育面", [Series("达到目标", GREEN), Series("未达目标", RED)], rows, unit="%",
                 percent=True, target=target)


def findings_by_state(user, year):
    """督查发现问题 of the year's rounds by the state of their rectification, overdue apart."""
    start, end = _year_bounds(year)
    counts = {state: (int(n), int(late)) for state, n, late in (
        Finding.visible_to(user).join(SupervisedItem, on=RECTIFICATION_OF).switch(Finding).join(InspectionRound)
        .where(InspectionRound.start_date.between(start, end))
        .select(SupervisedItem.state, fn.COUNT(Finding.id), _count_if(_overdue()))
        .group_by(SupervisedItem.state).tuples())}
    rows = [Row(label, (counts.get(key, (0, 0))[0] - counts.get(key, (0, 0))[1], counts.get(key, (0, 0))[1]),
                _url("inspections.findings", status=key))
            for key, label in STATES.items()]
    return Chart("督查发现问题整改（按状态）", [Series("未逾期", BLUE), Series("逾期", RED)], rows, unit="个")


def charts(user, year):
    """Every chart of the year view, in the page's order."""
    return [petitions_by_month(user, year), disputes_by_tier(user, year), agreement_grades(user, year),
            findings_by_state(user, year), legal_coverage(user, year)]


# -- the red items: work waiting on a leader now ------------------------------------------------------

@dataclass
class RedItem:
    label: str
    count: int
    url: str
    note: str = ""


def red_items(user, today=None):
    """Counts of what waits on the bureau's leaders now, with the list each is drawn from: vetoes to
    confirm and appeals to hear, extension requests to decide, high-risk disputes still open, and overdue
    supervised work of the leaders' contact units (the user's own when the user has any)."""
    today = today or clock.today()
    vetoes = VetoEvent.visible_to(user).where(VetoEvent.state.in_(("proposed", "appealed")))
    proposed = vetoes.select(_count_if(VetoEvent.state == "proposed"), fn.COUNT(VetoEvent.id)).tuples().get()
    extensions = (ExtensionRequest.visible_to(user).join(SupervisedItem)
                  .where(ExtensionRequest.state == "pending", SupervisedItem.state.in_(OPEN_STATES)).count())
    high = Dispute.visible_to(user).where(Dispute.risk == "high", Dispute.state == "open").count()
    contacts = ContactUnit.select(ContactUnit.unit).where(ContactUnit.year == today.year,
                                                         ContactUnit.active == True)  # noqa: E712
    own = can("governance.visit", user) and contacts.where(ContactUnit.leader == user.id).exists()
    if own:
        contacts = contacts.where(ContactUnit.leader == user.id)
    overdue = (overdue_items(today).where(SupervisedItem.unit.in_(contacts),
                                          SupervisedItem.id.in_(SupervisedItem.visible_to(user, SupervisedItem.id)))
               .count())
    decide = can("supervision.approve", user)
    return [
        RedItem("待确认的一票否决", int(proposed[0] or 0), _url("veto.index", state="proposed"),
                f"另有申诉待审理 {int(proposed[1] or 0) - int(proposed[0] or 0)} 件"),
        RedItem("待审批的延期申请", extensions,
                _url("inbox.todo") if decide else _url("supervision.board")),
        RedItem("在办的高风险矛盾纠纷", high, _url("disputes.index", risk="high", state="open")),
        RedItem("我联系单位的逾期事项" if own else "领导联系单位的逾期事项", overdue,
                _url("governance.leader") if own else
                _url("governance.contacts")),
    ]


# -- the pages -------------------------------------------------------------------------------------------

def _selected_year():
    return year_arg(request.args) or clock.today().year


def _years(year):
    this = clock.today().year
    return sorted({*range(this - 4, this + 1), year}, reverse=True)


# The charts' viewBox on the page: near the width a chart is shown at on a laptop (two to a row), still
# legible scaled down to a phone.
PAGE = {"width": 480, "font": 14}
# On the wall display: four charts fill a 1920×1080 screen, their text readable across the room.
WALL = {"width": 800, "height": 300, "font": 22}
# The wall display's coverage chart: the units furthest behind (the page lists them all).
WALL_COVERAGE_ROWS = 6


@bp.get("/year")
@permission("summary.yearview")
def year():
    """领导年度视图: the year's figures beside last year's, the charts, and the red items needing a leader."""
    user = current_user._get_current_object()
    selected = _selected_year()
    return render_template(
        "summary/year.html", year=selected, years=_years(selected),
        figures=figure_groups(figure_rows(selected, scope_unit(user))), red=red_items(user),
        charts=[(chart, draw(chart, **PAGE)) for chart in charts(user, selected)])


def display_context(user):
    """What the wall display shows: this year's headline counts and four big charts, in the user's scope."""
    year = clock.today().year
    months, disputes, _, findings, legal = charts(user, year)
    individual, groups = months.totals()
    settled = disputes.totals()[1]
    screened = sum(row.total for row in disputes.rows)
    tiles = [("信访件次", individual + groups, "件", False), ("集体访", groups, "件", True),
             ("矛盾纠纷排查", screened, "件", False), ("调解成功", settled, "件", False)]
    tiles += [(r.label.replace("我联系单位", "联系单位"), r.count, "项", True) for r in red_items(user)[:3]]
    legal.rows = sorted(legal.rows, key=lambda row: row.total)[:WALL_COVERAGE_ROWS]
    legal.title = "普法受教育面最低的单位"
    return {"year": year, "tiles": tiles, "unit_name": scope_unit(user).name, "now": clock.to_local(clock.now()),
            "refresh": current_app.config["SUMMARY_DISPLAY_REFRESH"],
            "drawings": [draw(chart, **WALL) for chart in (months, disputes, legal, findings)]}


@bp.get("/display")
@permission("summary.display")
@display_view
def display():
    """数据大屏: full screen, large figures and charts of the year; polls its own panel every minute."""
    context = display_context(current_user._get_current_object())
    return htmx.render("summary/display.html", "summary/_display_panel.html", **context)


@bp.post("/display/open")
@permission("summary.display")
def display_open():
    """在此屏幕上打开大屏: this browser's session becomes a display-only one of the same account (it can load
    the display and nothing else, does not idle out, ends when the account logs out); audited."""
    user = current_user._get_current_object()
    with audit.atomic():
        audit.record("display_open", "session", user.id, unit=user.unit_id, actor=user,
                     summary=f"在此屏幕上打开数据大屏（{request.user_agent.string[:120] or '未知浏览器'}）")
    session.clear()  # nothing of the full session survives, its CSRF token included
    login_user(user)
    session[DISPLAY_SESSION] = True
    session.permanent = True
    return redirect(url_for("summary.display"))
