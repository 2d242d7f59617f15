"""Attachments: type by content, size limit, scoped download with an RFC 6266 Chinese filename, archive."""
import io
import zipfile
from urllib.parse import quote

import pytest

from portal.models import Attachment, AuditLog

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def office_zip(kind):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buf.getvalue()


def upload(client, unit, name, data, **extra):
    return client.post(f"/attachments/unit/{unit.id}", {"file": (io.BytesIO(data), name), **extra}, htmx=True,
                       content_type="multipart/form-data")


@pytest.mark.parametrize("name,data,mime", [
    ("领导小组文件.pdf", PDF, "application/pdf"),
    ("值班表.png", PNG, "image/png"),
    ("现场.jpg", JPEG, "image/jpeg"),
    ("制度.docx", office_zip("docx"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("台账.xlsx", office_zip("xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_allowed_types_are_stored_under_generated_names(app, login_as, world, name, data, mime):
    clerk = login_as("unit_clerk")
    response = upload(clerk, world.shop, name, data, description="年度档案")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert name in response.get_data(as_text=True)
    attachment = Attachment.get(Attachment.filename == name)
    assert attachment.content_type == mime and attachment.size == len(data)
    assert attachment.stored_name != name and "." not in attachment.stored_name
    assert AuditLog.select().where(AuditLog.action == "upload", AuditLog.object_id == attachment.id).exists()


@pytest.mark.parametrize("name,data", [
    ("假装是PDF.pdf", b"just some text, not a pdf at all"),
    ("程序.exe", b"MZ\x90\x00" + b"\x00" * 200),
    ("压缩包.zip", b"PK\x03\x04" + b"\x00" * 100),
    ("网页.html", b"<html><script>alert(1)</script></html>"),
])
def test_other_types_are_rejected_by_content(login_as, world, name, data):
    clerk = login_as("unit_clerk")
    response = upload(clerk, world.shop, name, data)
    assert response.status_code == 422
    assert "类型不被接受" in response.get_data(as_text=True)
    assert Attachment.select().count() == 0


def test_files_over_ten_megabytes_are_rejected(login_as, world):
    clerk = login_as("unit_clerk")
    response = upload(clerk, world.shop, "大文件.pdf", PDF + b"0" * (10 * 1024 * 1024))
    assert response.status_code == 422
    assert "超过 10 MB" in response.get_data(as_text=True)
    assert Attachment.select().count() == 0


def test_far_too_large_requests_are_cut_off(login_as, world):
    clerk = login_as("unit_clerk")
    response = upload(clerk, world.shop, "巨大.pdf", PDF + b"0" * (11 * 1024 * 1024))
    assert response.status_code == 413
    assert Attachment.select().count() == 0


def test_download_has_an_rfc6266_chinese_filename(login_as, world):
    clerk = login_as("unit_clerk")
    upload(clerk, world.shop, "综治档案 2026.pdf", PDF)
    attachment = Attachment.get()
    response = clerk.get(f"/attachments/{attachment.id}")
    assert response.status_code == 200 and response.data == PDF
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('综治档案 2026.pdf')}" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_files_of_other_units_are_not_served(login_as, world):
    other = login_as(world.user("unit_clerk", unit=world.other_shop))
    upload(other, world.other_shop, "界外.pdf", PDF)
    attachment = Attachment.get()
    assert login_as("unit_head").get(f"/attachments/{attachment.id}").status_code == 404
    assert login_as("leader").get(f"/attachments/{attachment.id}").status_code == 200
    # Uploading to another unit's record is refused as if it did not exist.
    assert upload(login_as("unit_clerk"), world.other_shop, "x.pdf", PDF).status_code == 404


def test_archiving_keeps_the_file_but_hides_it(login_as, world):
    clerk = login_as("unit_clerk")
    upload(clerk, world.shop, "旧档案.pdf", PDF)
    attachment = Attachment.get()
    office = login_as("office")
    response = office.post(f"/attachments/{attachment.id}/archive", htmx=True)
    body = response.get_data(as_text=True)
    assert "已归档" in body and f"/attachments/{attachment.id}\"" not in body
    assert Attachment.get_by_id(attachment.id).archived
    assert clerk.get(f"/attachments/{attachment.id}").status_code == 404
    assert office.get(f"/attachments/{attachment.id}").status_code == 200
    assert clerk.post(f"/attachments/{attachment.id}/archive", htmx=True).status_code == 403
