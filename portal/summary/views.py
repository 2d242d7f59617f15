"""Views of the year-end summary: the drafts list, a draft edited paragraph by paragraph, its refresh,
history and exports."""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from .. import htmx, pdf
from ..access import get_or_404, permission
from ..forms import choices, error_text, year_arg
from ..models.org import Unit
from ..models.summary import SummaryDraft
from ..pagination import paginate
from ..workflow import RuleError, confirm_text
from . import bp, export, services
from .forms import AddParagraphForm, DraftForm, ParagraphForm


def _user():
    return current_user._get_current_object()


def _draft_form(formdata=None):
    form = DraftForm(formdata) if formdata is not None else DraftForm(data={"year": services.default_year()})
    form.unit.choices = choices(services.scope_choices(_user()))
    return form


def _index(form, status=200):
    year = year_arg(request.args)
    page = paginate(services.drafts(_user(), year), request.args)
    return htmx.render("summary/index.html", "summary/_drafts.html", page=page, year=year, form=form, status=status)


@bp.get("/")
@permission("summary.view")
def index():
    """年度总结: the drafts in the user's scope, and a new draft's year and scope."""
    return _index(_draft_form())


@bp.post("/new")
@permission("summary.draft")
def new():
    """Draft a year's summary for a scope from the figures as they stand now (version 1)."""
    form = _draft_form(request.form)
    if form.validate():
        unit = Unit.visible_to(_user()).where(Unit.id == form.unit.data).first() if form.unit.data else None
        try:
            draft = services.create(form.year.data, unit, _user())
        except RuleError as exc:
            found = unit is not None and form.year.data and services.existing(form.year.data, unit)
            if found and SummaryDraft.visible_to(_user()).where(SummaryDraft.id == found.id).exists():
                flash(f"{str(exc)}已为您打开。", "info")
                return htmx.redirect_to(url_for("summary.detail", summary_id=found.id))
            form.refuse(exc)
        else:
            flash("已根据业务数据起草总结，请逐段修改。", "success")
            return htmx.redirect_to(url_for("summary.detail", summary_id=draft.id))
    return _index(form, status=422)


def _paragraph_context(draft, version, section, paragraph, place, **extra):
    return {"d": draft, "section": section, "p": paragraph, "place": place, "figures": version.figure_data,
            "revision": draft.revision, "may": services.may(_user(), draft), **extra}


def _detail_context(draft, overrides=None):
    version = services.current(draft)
    return {"d": draft, "version": version, "sections": version.section_data, "figures": version.figure_data,
            "revision": draft.revision, "may": services.may(_user(), draft), "overrides": overrides or {},
            "add_form": AddParagraphForm(), "finalise_confirm": confirm_text("summary", "finalise", f"《{draft.title}》")}


@bp.get("/<int:summary_id>")
@permission("summary.view")
def detail(summary_id):
    """One draft: its four parts paragraph by paragraph, each with the lists its figures came from."""
    draft = get_or_404(SummaryDraft, summary_id)
    return htmx.render("summary/detail.html", **_detail_context(draft))


@bp.post("/<int:summary_id>/save")
@permission("summary.draft")
def save(summary_id):
    """Save one paragraph; another clerk's newer save of it is never overwritten silently."""
    draft = get_or_404(SummaryDraft, summary_id)
    form = ParagraphForm(request.form)
    pid = form.pid.data or ""
    error, conflict = None, None
    if form.validate():
        try:
            saved = services.save_paragraph(draft, pid, form.text.data, form.revision.data, _user())
        except services.Conflict as exc:
            error, conflict = str(exc), exc
        except RuleError as exc:
            error = str(exc)
    else:
        error = error_text(form)
    draft = SummaryDraft.get_by_id(draft.id)
    version = services.current(draft)
    section, place = services.where(version.section_data, pid)
    if section is None:
        flash(error or "该段落已不存在，请刷新页面。", "error")
        return htmx.redirect_to(url_for("summary.detail", summary_id=draft.id))
    paragraph = section["paragraphs"][place - 1]
    if error:
        # What was typed stays in the box; a conflict shows the newest text beside it and lets the next
        # save through, made against the version the clerk has now seen.
        typed = {"text": form.text.data or "", "error": error,
                 "current": conflict.current_text if conflict else None,
                 "revision": conflict.version if conflict else form.revision.data}
        if not htmx.is_htmx():
            return htmx.render("summary/detail.html", status=422, **_detail_context(draft, {pid: typed}))
        return htmx.fragment("summary/_paragraph.html", status=422,
                             **_paragraph_context(draft, version, section, paragraph, place, typed=typed))
    message = "已保存。" if saved else "内容没有变化。"
    if not htmx.is_htmx():
        flash(message, "success")
        return redirect(url_for("summary.detail", summary_id=draft.id) + f"#p-{section['number']}-{place}")
    return htmx.fragment("summary/_paragraph.html",
                         **_paragraph_context(draft, version, section, paragraph, place, saved=message))


@bp.post("/<int:summary_id>/add")
@permission("summary.draft")
def add(summary_id):
    """A paragraph of the clerk's own at the end of one part."""
    draft = get_or_404(SummaryDraft, summary_id)
    form = AddParagraphForm(request.form)
    try:
        if not form.validate():
            raise RuleError(error_text(form))
        services.add_paragraph(draft, form.section.data, form.text.data, _user())
    except RuleError as exc:
        flash(str(exc), "error")
    else:
        flash("已添加段落。", "success")
    return htmx.redirect_to(url_for("summary.detail", summary_id=draft.id) + f"#part-{form.section.data or ''}")


@bp.get("/<int:summary_id>/refresh")
@permission("summary.draft")
def refresh_preview(summary_id):
    """刷新数据: the figures recomputed, which changed since the saved version, and what saving does."""
    draft = get_or_404(SummaryDraft, summary_id)
    plan = services.plan_refresh(draft)
    return htmx.render("summary/refresh.html", d=draft, plan=plan, refusal=services.edit_refusal(_user(), draft),
                       paragraphs=services.by_id(plan.sections))


@bp.post("/<int:summary_id>/refresh")
@permission("summary.draft")
def refresh(summary_id):
    """Save the refreshed figures and the redrafted paragraphs as a new version."""
    draft = get_or_404(SummaryDraft, summary_id)
    try:
        plan = services.refresh(draft, _user(), request.form.get("version"))
    except RuleError as exc:
        flash(str(exc), "error")
        return htmx.redirect_to(url_for("summary.refresh_preview", summary_id=draft.id))
    if plan.empty:
        flash("数据没有变化，未生成新版本。", "info")
    else:
        flash(f"已{plan.note()}。标记的段落请核对修改。", "success")
    return htmx.redirect_to(url_for("summary.detail", summary_id=draft.id))


@bp.post("/<int:summary_id>/state")
@permission("summary.finalise")
def act(summary_id):
    """定稿, or 退回修改 of a finalised summary."""
    draft = get_or_404(SummaryDraft, summary_id)
    action = request.form.get("action", "")
    if action not in services.WORKFLOW:
        abort(400)
    try:
        services.act(draft, action, _user(), request.form.get("version"))
    except RuleError as exc:
        flash(str(exc), "error")
    else:
        flash(f"已{services.WORKFLOW.label(action)}。", "success")
    return htmx.redirect_to(url_for("summary.detail", summary_id=draft.id))


@bp.get("/<int:summary_id>/history")
@permission("summary.view")
def history(summary_id):
    """Every saved version: who, when, what it changed."""
    draft = get_or_404(SummaryDraft, summary_id)
    page = paginate(services.versions(draft), request.args)
    return htmx.render("summary/history.html", "summary/_versions.html", d=draft, page=page)


@bp.get("/<int:summary_id>/versions/<int:revision>")
@permission("summary.view")
def version(summary_id, revision):
    """One version: its paragraph-level changes from the version before it."""
    draft = get_or_404(SummaryDraft, summary_id)
    this = services.version_of(draft, revision)
    if this is None:
        abort(404)
    before = services.version_of(draft, revision - 1) if revision > 1 else None
    changes = services.diff(before.section_data if before else [], this.section_data)
    return htmx.render("summary/version.html", d=draft, v=this, before=before, changes=changes)


@bp.get("/<int:summary_id>/summary.pdf")
@permission("summary.view")
def export_pdf(summary_id):
    """The latest text as an official document (GB/T 9704-2012 layout)."""
    draft = get_or_404(SummaryDraft, summary_id)
    return pdf.response(export.pdf_bytes(draft, services.current(draft)), f"{draft.title}.pdf")


@bp.get("/<int:summary_id>/summary.docx")
@permission("summary.view")
def export_docx(summary_id):
    """The latest text as a Word document (.docx) with the same structure, for finishing by hand."""
    draft = get_or_404(SummaryDraft, summary_id)
    return export.docx_response(export.docx_bytes(draft, services.current(draft)), f"{draft.title}.docx")
