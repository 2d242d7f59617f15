"""Views of periodic screening: the live unit × period matrix, filing a report (or a zero report), the
schedule per level, and the monthly 排查情况表 of a unit or a second-level body's subtree (PDF, Excel)."""
import datetime

from flask import flash, redirect, request, url_for
from flask_login import current_user
from peewee import Case, fn
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .. import clock, excel, htmx, pdf
from ..access import can, get_or_404, permission
from ..forms import Form, choices, int_arg, year_arg
from ..models import Unit
from ..models.disputes import PERIODS, RISKS, Dispute, DisputeCategory, ScreeningReport, ScreeningSchedule
from ..workflow import RuleError
from . import bp, screening
from .printing import ymd


class FileForm(Form):
    unit = SelectField("填报单位", coerce=int, validate_choice=False)
    period = SelectField("排查周期", validate_choice=False)
    zero = BooleanField("零报告（本期未排查出矛盾纠纷）")
    note = TextAreaField("排查情况", validators=[Optional(), Length(max=4000)])
    signer = StringField("签发人", validators=[DataRequired("请填写签发人。"), Length(max=50)])


class ScheduleForm(Form):
    period = SelectField("周期", choices=choices(PERIODS.items()), validate_choice=False)
    due_days = IntegerField("报送期限（周期结束后天数）", validators=[Optional()])
    version = HiddenField()


def _user():
    return current_user._get_current_object()


def _matrix_context(args):
    level = int_arg(args, "level") or 3
    year = year_arg(args) or clock.today().year
    user = _user()
    filed, on_time, zero = screening.on_time_figures(user, year)
    return {"m": screening.matrix(user, level, year), "level": level, "year": year, "cells_label": screening.CELL,
            "marks": {"filed": "报", "zero": "零", "late": "迟", "missing": "缺", "open": "填", "pending": "·", "before": "—"},
            "sheet_units": [(u.id, u.name) for u in Unit.visible_to(user).where(Unit.active == True, Unit.kind != "office")  # noqa: E712
                            .order_by(Unit.level, Unit.sort_order, Unit.id)],
            "this_month": f"{clock.today():%Y-%m}",
            "schedules": list(screening.schedules().values()), "periods": PERIODS, "args": args,
            "figures": {"filed": filed, "on_time": on_time, "zero": zero}}


@bp.get("/screening", endpoint="screening")
@permission("disputes.view")
def screening_page():
    """排查情况: the live matrix of units × periods (filed, zero report, late, missing) by level."""
    context = _matrix_context(request.args)
    if htmx.is_htmx():
        return htmx.fragment("disputes/_matrix.html", **context)
    return htmx.render("disputes/screening.html", **context)


def _file_form():
    user = _user()
    form = FileForm(data={"signer": user.unit.head_name or "", "unit": user.unit_id} if request.method == "GET" else None)
    units = screening.screening_units() if can("disputes.manage") else Unit.select().where(Unit.id == user.unit_id)
    form.unit.choices = choices((u.id, u.name) for u in units)
    unit = Unit.get_or_none(Unit.id == (form.unit.data or user.unit_id))
    owed = screening.owed_periods(unit) if unit is not None else []
    form.period.choices = choices((p.key, f"{p.label}（{p.due_on} 前报送）") for p in owed)
    if request.method == "GET" and request.args.get("period"):
        form.period.data = request.args["period"][:16]
    return form, unit, owed


@bp.route("/screening/file", methods=["GET", "POST"])
@permission("disputes.screen")
def screening_file():
    """填报排查报告: the disputes found in the period (counted from the records) or a zero report."""
    form, unit, owed = _file_form()
    if form.validate_on_submit():
        try:
            report = screening.file(unit, form.period.data, _user(), zero=form.zero.data, note=form.note.data,
                                    signer=form.signer.data)
        except RuleError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(f"已填报{unit.name}{report.period}排查报告。" + ("（零报告）" if report.zero else ""), "success")
            return redirect(url_for("disputes.screening", level=unit.level))
    counts = {p.key: screening.counts(unit, p) for p in owed} if unit is not None else {}
    return htmx.render("disputes/screening_file.html", form=form, unit=unit, owed=owed, counts=counts,
                       status=422 if request.method == "POST" else 200)


@bp.post("/screening/schedule/<int:schedule_id>")
@permission("disputes.manage")
def schedule_update(schedule_id):
    """Change how often one level screens and how long it has to file."""
    schedule = ScreeningSchedule.get_or_none(ScreeningSchedule.id == schedule_id)
    if schedule is None:
        return htmx.redirect_to(url_for("disputes.screening"))
    form = ScheduleForm()
    try:
        if not form.validate():
            raise RuleError("；".join(e for errs in form.errors.values() for e in errs))
        screening.update_schedule(schedule, _user(), period=form.period.data, due_days=form.due_days.data)
    except RuleError as exc:
        flash(str(exc), "error")
    else:
        flash(f"已调整{schedule.label}的排查周期。", "success")
    return htmx.redirect_to(url_for("disputes.screening", level=schedule.level))


# -- 排查情况表 (monthly, of a unit or a subtree) ------------------------------------------------------

def _month(args):
    text = (args.get("month") or "")[:7]
    try:
        year, month = int(text[:4]), int(text[5:7])
        if 2000 <= year <= 2100 and 1 <= month <= 12 and text[4] == "-":
            return datetime.date(year, month, 1)
    except (ValueError, IndexError):
        pass
    today = clock.today()
    return datetime.date(today.year, today.month, 1)


def _sheet_data(args):
    user = _user()
    unit = get_or_404(Unit, int_arg(args, "unit")) if int_arg(args, "unit") else user.unit
    first = _month(args)
    last = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    subtree = unit.subtree().select(Unit.id)
    in_month = Dispute.visible_to(user).where(Dispute.unit.in_(subtree), Dispute.reported_on.between(first, last))

    def count_if(cond):
        return fn.COALESCE(fn.SUM(Case(None, [(cond, 1)], 0)), 0)

    rows = list(in_month.select(DisputeCategory.name, fn.COUNT(Dispute.id).alias("total"),
                                *[count_if(Dispute.risk == k).alias(f"risk_{k}") for k in RISKS],
                                count_if(Dispute.outcome == "settled").alias("settled"),
                                count_if(Dispute.outcome == "partly").alias("partly"),
                                count_if(Dispute.outcome == "transferred").alias("transferred"),
                                count_if(Dispute.state == "open").alias("open"))
                .join(DisputeCategory, on=(Dispute.category == DisputeCategory.id))
                .group_by(DisputeCategory.name, DisputeCategory.seq).order_by(DisputeCategory.seq).dicts())
    keys = ["total"] + [f"risk_{k}" for k in RISKS] + ["settled", "partly", "transferred", "open"]
    total = {k: sum(int(r[k] or 0) for r in rows) for k in keys}
    signer = (ScreeningReport.select(ScreeningReport.signer).where(
        ScreeningReport.unit == unit.id, ScreeningReport.starts_on <= last, ScreeningReport.ends_on >= first)
        .order_by(ScreeningReport.id.desc()).scalar())
    return {"unit": unit, "month": first, "rows": rows, "total": total, "risks": RISKS, "signer": signer or "",
            "maker": user.display_name, "subtree": unit.subtree().count() > 1, "ymd": ymd, "today": clock.today()}


@bp.get("/screening/sheet.pdf")
@permission("disputes.view")
def screening_sheet_pdf():
    """矛盾纠纷排查情况表 of a month, of a unit or a second-level body with its units (填报单位, 签发人, 制表人)."""
    data = _sheet_data(request.args)
    return pdf.response(pdf.render("disputes/pdf/sheet.html", **data),
                        f"矛盾纠纷排查情况表-{data['unit'].name}-{data['month']:%Y-%m}.pdf")


@bp.get("/screening/sheet.xlsx")
@permission("disputes.view")
def screening_sheet_xlsx():
    """The same 排查情况表 as an Excel sheet."""
    data = _sheet_data(request.args)
    columns = [excel.Column("类别", lambda r: r["name"], 16), excel.Column("纠纷数", lambda r: r["total"], 10)]
    columns += [excel.Column(f"{v}风险", (lambda k: lambda r: r[f"risk_{k}"])(k), 10) for k, v in RISKS.items()]
    columns += [excel.Column("调解成功", lambda r: r["settled"], 10), excel.Column("部分化解", lambda r: r["partly"], 10),
                excel.Column("转出", lambda r: r["transferred"], 10), excel.Column("在调", lambda r: r["open"], 10)]
    rows = data["rows"] + [{"name": "合计", **data["total"]}]
    return excel.response(f"矛盾纠纷排查情况表-{data['unit'].name}-{data['month']:%Y-%m}.xlsx",
                          [excel.Sheet(f"{data['month']:%Y-%m}", columns, rows)])
