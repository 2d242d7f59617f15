"""The one Excel mechanism: workbooks with Chinese headers, number formats, and no formula injection."""
from io import BytesIO

from flask import send_file
from openpyxl import Workbook
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
