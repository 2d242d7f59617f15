"""Views of the Excel exchange of letters and visits: ledger and task exports, ledger import with preview."""
from flask import request, url_for
from flask_login import current_user

from .. import excel, htmx
from ..access import permission
from ..models import AssignedTask
from . import bp, exchange
from .views import filtered, filtered_tasks, selected_year  # the list pages' own filters and scope


@bp.get("/export.xlsx")
@permission("petitions.view")
def export():
    """The ledger as Excel under the ledger page's filters; ID numbers and phones masked for everyone."""
    return exchange.export_ledger(filtered(current_user, request.args), f"信访台账-{selected_year(request.args)}.xlsx")


@bp.get("/tasks/export.xlsx")
@permission("petitions.view")
def tasks_export():
    """The assigned tasks of the list's filters (year, source, state, unit) that the user may see."""
    query = filtered_tasks(current_user, request.args).order_by(AssignedTask.received_on, AssignedTask.id)
    return exchange.export_tasks(query, f"上级交办事项-{selected_year(request.args)}.xlsx")


@bp.route("/import", methods=["GET", "POST"])
@permission("petitions.manage")
def import_ledger():
    """Upload an earlier ledger (the export's columns) and see which rows it adds and which it rejects."""
    if request.method == "GET":
        return htmx.render("petitions/import.html")
    return excel.preview_page(exchange.LEDGER, "petitions/import_preview.html", url_for("petitions.import_ledger"),
                              lambda token: url_for("petitions.import_commit", token=token),
                              user=current_user._get_current_object())


@bp.post("/import/<token>/commit")
@permission("petitions.manage")
def import_commit(token):
    """Create the previewed cases, all of them or none."""
    def done(preview):
        latest = max(row.fields["year"] for row in preview.added)
        return f"已导入 {len(preview.added)} 件信访事项。", url_for("petitions.index", year=latest)

    return excel.commit_page(exchange.LEDGER, token, current_user._get_current_object(),
                             url_for("petitions.import_ledger"), done)


@bp.get("/import/template.xlsx")
@permission("petitions.manage")
def import_template():
    """An empty import workbook with the ledger's columns, an example row and filling notes."""
    return exchange.template_workbook()
