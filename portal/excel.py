"""The one Excel mechanism: workbooks with Chinese headers, number formats, and no formula injection."""
import os
import time
import uuid
from io import BytesIO

from flask import current_app, send_file
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A text cell starting with one of these would run as a formula in Excel.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell_value(cell, value):
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would turn "=..." into a formula otherwise
        if value.startswith(FORMULA_STARTS):
            cell.value = "'" + value


def workbook(sheets):
    """sheets: [{"title", "headers": [(label, width, number_format or None)], "rows": [[...]]}]."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet["title"][:31])
        for col, (label, width, _) in enumerate(sheet["headers"], start=1):
            cell = ws.cell(row=1, column=col, value=label)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE4EE")
            cell.alignment = Alignment(horizontal="center", vertical="center")
            ws.column_dimensions[get_column_letter(col)].width = width
        for r, row in enumerate(sheet["rows"], start=2):
            for col, value in enumerate(row, start=1):
                cell = ws.cell(row=r, column=col)
                _cell_value(cell, value)
                number_format = sheet["headers"][col - 1][2]
                if number_format and value is not None and not isinstance(value, str):
                    cell.number_format = number_format
                cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str) and len(value) > 20)
        ws.freeze_panes = "A2"
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def response(filename, sheets):
    return send_file(workbook(sheets), mimetype=XLSX, as_attachment=True, download_name=filename)


# -- imports: an uploaded workbook is kept until the user confirms its preview ----------------------

class ExcelError(ValueError):
    """An upload that cannot be read; the message is shown to the user."""


def _stash_path(token):
    folder = os.path.join(current_app.instance_path, "imports")
    os.makedirs(folder, exist_ok=True)
    if not token or not token.isalnum():
        raise ExcelError("导入文件已失效，请重新上传。")
    return os.path.join(folder, token + ".xlsx")


def stash(storage):
    """Keep an uploaded workbook for its preview; returns the token that names it."""
    if storage is None or not storage.filename:
        raise ExcelError("请选择要导入的 Excel 文件。")
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    data = storage.stream.read(limit + 1)
    if len(data) > limit:
        raise ExcelError(f"文件超过 {limit // (1024 * 1024)} MB。")
    token = uuid.uuid4().hex
    path = _stash_path(token)
    _sweep(os.path.dirname(path))
    with open(path, "wb") as fh:
        fh.write(data)
    return token


STASH_HOURS = 24


def _sweep(folder):
    """Uploads never confirmed (they may hold personal data) are removed after a day."""
    cutoff = time.time() - STASH_HOURS * 3600
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if name.endswith(".xlsx") and os.path.getmtime(path) < cutoff:
            os.remove(path)


def stashed_rows(token):
    """The first sheet of a stashed workbook as tuples of cell values."""
    path = _stash_path(token)
    if not os.path.exists(path):
        raise ExcelError("导入文件已失效，请重新上传。")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            return list(wb.worksheets[0].iter_rows(values_only=True))
        finally:
            wb.close()
    except Exception:  # openpyxl raises many kinds for a non-Excel file
        raise ExcelError("上传的文件不是有效的 Excel（.xlsx）文件，请使用下载的模板填写。") from None


def discard(token):
    """Forget a stashed workbook once it is imported."""
    path = _stash_path(token)
    if os.path.exists(path):
        os.remove(path)
