"""Views: upload to a record, download, archive."""
from flask import abort, flash, request, send_file
from flask_login import current_user

from .. import htmx
from ..access import can, get_or_404, permission
from ..models import Attachment
from ..workflow import RuleError
from . import bp, services


def _list(owner_type, owner, status=200):
    return htmx.fragment(
        "attachments/_list.html", status=status, owner_type=owner_type, owner=owner,
        attachments=services.attachments_of(owner_type, owner, current_user),
    )


@bp.post("/<owner_type>/<int:owner_id>")
@permission("attachments.upload")
def upload(owner_type, owner_id):
    """Attach a file to a record the user may see."""
    owner = services.owner_of(owner_type, owner_id, current_user)
    try:
        services.save(owner_type, owner, request.files.get("file"), current_user._get_current_object(),
                      request.form.get("description", "").strip())
        flash("附件已上传。", "success")
    except RuleError as exc:
        flash(str(exc), "error")
        return _list(owner_type, owner, status=422)
    return _list(owner_type, owner)


@bp.get("/<int:attachment_id>")
@permission("attachments.view")
def download(attachment_id):
    """Download a file, only when the user may see the record it belongs to."""
    attachment = get_or_404(Attachment, attachment_id)
    services.owner_of(attachment.owner_type, attachment.owner_id, current_user)
    if attachment.archived and not can("attachments.archive"):
        abort(404)
    # Werkzeug writes RFC 6266 filename*=UTF-8'' for Chinese names, with an ASCII fallback.
    return send_file(services.path_of(attachment), mimetype=attachment.content_type,
                     as_attachment=True, download_name=attachment.filename)


@bp.post("/<int:attachment_id>/archive")
@permission("attachments.archive")
def archive(attachment_id):
    """Archive a file: it leaves the list but is kept."""
    attachment = get_or_404(Attachment, attachment_id)
    owner = services.owner_of(attachment.owner_type, attachment.owner_id, current_user)
    services.archive(attachment)
    flash(f"附件“{attachment.filename}”已归档。", "success")
    return _list(attachment.owner_type, owner)
