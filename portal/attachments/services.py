"""The one attachment mechanism: type by content, size limit, server-side names, scoped access.

Modules register the record types that own files (register_owner); a file is served only
to users who may see its owning record.
"""
import hashlib
import os
import uuid

import filetype
from flask import current_app

from .. import audit
from ..access import get_or_404
from ..db import database
from ..models import Attachment, Unit
from ..workflow import RuleError

# Allowed types, decided by the file's content, never by its name or the browser's claim.
ALLOWED = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
}
ALLOWED_LABEL = "PDF、JPG、PNG、DOCX、XLSX"

# owner_type -> (model, label); the model's visible_to decides who may see the owner's files.
OWNERS = {"unit": (Unit, "单位档案")}


def read_upload(storage, missing="请选择要上传的文件。"):
    """The bytes of one uploaded file, refused when there is none, it is empty, or it is larger than
    MAX_ATTACHMENT_BYTES (read only that far). The one upload size check, for files and imports."""
    if storage is None or not getattr(storage, "filename", ""):
        raise RuleError(missing)
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    data = storage.stream.read(limit + 1)
    if len(data) > limit:
        raise RuleError(f"文件“{storage.filename}”超过 {limit // (1024 * 1024)} MB，请压缩或拆分后再上传。")
    if not data:
        raise RuleError(f"文件“{storage.filename}”是空文件。")
    return data


def register_owner(owner_type, model, label):
    OWNERS[owner_type] = (model, label)


def owner_of(owner_type, owner_id, user):
    """The owning record, through its scope (404 when the user may not see it)."""
    if owner_type not in OWNERS:
        from flask import abort

        abort(404)
    model, _ = OWNERS[owner_type]
    return get_or_404(model, owner_id, user)


def _unit_of(owner):
    """The unit that scopes an owner's files; a record not yet owned by a unit may name another
    through `attachment_unit` (e.g. a petition files its letters under the bureau until assigned)."""
    if isinstance(owner, Unit):
        return owner
    return getattr(owner, "attachment_unit", None) or owner.unit


def rehome(owner_type, owner, user):
    """Move a record's files to the unit that now scopes it (e.g. a petition assigned to a unit, whose
    users then see the letters they must answer); audited."""
    unit = _unit_of(owner)
    moved = (Attachment.update(unit=unit).where(Attachment.owner_type == owner_type, Attachment.owner_id == owner.id,
                                                Attachment.unit != unit.id).execute())
    if moved:
        audit.record("update", "attachment", None, unit=unit, actor=user,
                     summary=f"{moved} 个附件（{OWNERS[owner_type][1]}）随记录移交{unit.name}",
                     after={"owner_type": owner_type, "owner_id": owner.id, "unit": unit.id})
    return moved


def attachments_of(owner_type, owner, user, include_archived=False):
    query = Attachment.visible_to(user).where(
        (Attachment.owner_type == owner_type) & (Attachment.owner_id == owner.id)
    )
    if not include_archived:
        query = query.where(Attachment.archived == False)  # noqa: E712
    return list(query.order_by(Attachment.uploaded_at.desc()))


def path_of(attachment):
    return os.path.join(current_app.config["UPLOAD_FOLDER"], attachment.stored_name[:2], attachment.stored_name)


def save(owner_type, owner, storage, user, description=""):
    """Validate and store one uploaded file for a record; audited. Returns the Attachment."""
    data = read_upload(storage)
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED:
        raise RuleError(f"文件“{storage.filename}”的类型不被接受，只能上传 {ALLOWED_LABEL} 文件。")
    filename = os.path.basename(storage.filename.replace("\\", "/"))[:255] or "附件"
    stored_name = uuid.uuid4().hex
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], stored_name[:2], stored_name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "xb") as fh:
        fh.write(data)
    try:
        with database.atomic():
            attachment = Attachment.create(
                owner_type=owner_type, owner_id=owner.id, unit=_unit_of(owner), filename=filename,
                stored_name=stored_name, content_type=kind.mime, size=len(data),
                sha256=hashlib.sha256(data).hexdigest(), description=description[:200], uploaded_by=user,
            )
            audit.record("upload", "attachment", attachment.id, summary=f"上传附件“{filename}”（{OWNERS[owner_type][1]}）",
                         unit=attachment.unit_id, after={"owner_type": owner_type, "owner_id": owner.id,
                                                          "filename": filename, "size": len(data)})
    except Exception:
        os.remove(path)  # no orphan file when the record could not be written
        raise
    return attachment


def archive(attachment):
    """Hide a file from the record's list; the file and its row stay (records are not deleted)."""
    with database.atomic():
        Attachment.update(archived=True).where(Attachment.id == attachment.id).execute()
        audit.record("archive", "attachment", attachment.id, summary=f"归档附件“{attachment.filename}”",
                     unit=attachment.unit_id, before={"archived": False}, after={"archived": True})
