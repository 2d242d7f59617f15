"""Views of the register's Excel exchange and printables: the register and figures exports, the
one-person archive PDF, and the register import with its preview."""
from flask import request, url_for
from flask_login import current_user

from .. import excel, htmx, pdf, privacy
from ..access import get_or_404, permission
from ..models.keypersons import LEVELS, KeyPerson
from . import bp, exchange, stats
from .views import filtered  # the register page's own filters and scope


@bp.get("/export.xlsx")
@permission("keypersons.view")
def export():
    """The register under the page's filters; ID numbers and phones masked for everyone."""
    return exchange.export_register(filtered(current_user, request.args), "重点人员台账.xlsx")


@bp.get("/stats.xlsx")
@permission("keypersons.view")
def stats_export():
    """The year's figures as Excel."""
    return exchange.export_figures(current_user, stats.selected_year(request.args))


@bp.get("/<int:person_id>/archive.pdf")
@permission("keypersons.view")
def archive_pdf(person_id):
    """一人一档: the person's file in the official layout, personal numbers masked."""
    person = get_or_404(KeyPerson, person_id)
    return pdf.response(exchange.archive_pdf(person, current_user._get_current_object()), f"一人一档-{person.name}.pdf")


@bp.route("/import", methods=["GET", "POST"])
@permission("keypersons.manage")
def import_register():
    """Upload an existing register and see which rows it adds and which it rejects."""
    if request.method == "GET":
        return htmx.render("keypersons/import.html")
    return excel.preview_page(exchange.REGISTER, "keypersons/import_preview.html", url_for("keypersons.import_register"),
                              lambda token: url_for("keypersons.import_commit", token=token),
                              user=current_user._get_current_object(), mask_id=privacy.mask_id, levels=LEVELS)


@bp.post("/import/<token>/commit")
@permission("keypersons.manage")
def import_commit(token):
    """Register the previewed persons, all of them or none."""
    user = current_user._get_current_object()
    return excel.commit_page(exchange.REGISTER, token, user, url_for("keypersons.import_register"),
                             lambda preview: (f"已导入 {len(preview.added)} 名重点人员。", url_for("keypersons.index")))


@bp.get("/import/template.xlsx")
@permission("keypersons.manage")
def import_template():
    """An empty import workbook with an example row and filling notes."""
    return exchange.template_workbook()
