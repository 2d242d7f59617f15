"""The one Excel mechanism: exports declared as Sheets of Columns (rows from a query), with Chinese
headers, number formats, no formula injection and no illegal characters; uploads stashed for their
preview until the user confirms the import."""
import datetime
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from io import BytesIO
from typing import Callable, Iterable, Optional

from flask import current_app, flash, redirect, render_template, request, send_file
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .db import database
from .workflow import RuleError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A text cell starting with one of these would run as a formula in Excel.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters no .xlsx cell may hold
SHEET_TITLE_BAD = re.compile(r"[\\/?*:\[\]]")


@dataclass(frozen=True)
class Column:
    """One column of an export: its header, how a row gives its value, its width and number format."""

    label: str
    value: Callable = None
    width: int = 14
    number_format: Optional[str] = None

    def of(self, row):
        return self.value(row) if self.value is not None else row


@dataclass
class Sheet:
    """One worksheet: its title, its columns (declared once) and its rows (a query or any iterable)."""

    title: str
    columns: list
    rows: Iterable = ()

    def values(self):
        for row in self.rows:
            yield [column.of(row) for column in self.columns]


def clean(value):
    """A cell value Excel accepts: control characters dropped; a text starting like a formula is kept
    as text (no formula injection)."""
    if isinstance(value, str):
        value = ILLEGAL.sub("", value)
        if value.startswith(FORMULA_STARTS):
            value = "'" + value
    return value


# How imported sheets write dates when a cell holds text rather than a date.
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


def cell_text(value):
    """An imported cell as trimmed text: whole floats without ".0", and without the quote our own export
    puts before text that Excel would run as a formula (see clean)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] and text[1] in FORMULA_STARTS:
        text = text[1:]
    return text


def cell_date(value, label, problems, example="2025-03-08"):
    """An imported cell as a date (a date cell, or text in DATE_FORMATS); None when blank. A cell that is
    neither adds a Chinese problem naming the column and the expected form."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    problems.append(f"{label}“{text}”不是日期（应如 {example}）")
    return None


def sheet_title(title, taken):
    """A valid, unique worksheet title: at most 31 characters, none of \\ / ? * : [ ]."""
    base = (SHEET_TITLE_BAD.sub("_", ILLEGAL.sub("", str(title))).strip("'") or "Sheet")[:31]
    name, n = base, 2
    while name.lower() in taken:
        suffix = f"({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def workbook(sheets):
    """An .xlsx (BytesIO) of Sheets: bold shaded headers, widths, number formats, frozen header row."""
    wb = Workbook()
    wb.remove(wb.active)
    taken = set()
    for sheet in sheets:
        ws = wb.create_sheet(sheet_title(sheet.title, taken))
        for col, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=1, column=col, value=clean(column.label))
            cell.data_type = "s"
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE4EE")
            cell.alignment = Alignment(horizontal="center", vertical="center")
            ws.column_dimensions[get_column_letter(col)].width = column.width
        for r, values in enumerate(sheet.values(), start=2):
            for col, (column, value) in enumerate(zip(sheet.columns, values), start=1):
                value = clean(value)
                cell = ws.cell(row=r, column=col, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # openpyxl would turn "=..." into a formula otherwise
                elif column.number_format and value is not None:
                    cell.number_format = column.number_format
                cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str) and len(value) > 20)
        ws.freeze_panes = "A2"
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def response(filename, sheets):
    """Download a workbook of Sheets."""
    return send_file(workbook(sheets), mimetype=XLSX, as_attachment=True, download_name=filename)


# -- imports: an uploaded workbook is kept until the user confirms its preview ----------------------

def _stash_path(token):
    folder = os.path.join(current_app.instance_path, "imports")
    os.makedirs(folder, exist_ok=True)
    if not token or not token.isascii() or not token.isalnum() or len(token) > 64:
        raise RuleError("导入文件已失效，请重新上传。")
    return os.path.join(folder, token + ".xlsx")


def stash(storage):
    """Keep an uploaded workbook for its preview; returns the token that names it."""
    from .attachments.services import read_upload

    data = read_upload(storage, missing="请选择要导入的 Excel 文件。")
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
        raise RuleError("导入文件已失效，请重新上传。")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            return list(wb.worksheets[0].iter_rows(values_only=True))
        finally:
            wb.close()
    except Exception:  # openpyxl raises many kinds for a non-Excel file
        raise RuleError("上传的文件不是有效的 Excel（.xlsx）文件，请使用下载的模板填写。") from None


def discard(token):
    """Forget a stashed workbook once it is imported."""
    path = _stash_path(token)
    if os.path.exists(path):
        os.remove(path)


@dataclass
class Preview:
    """What importing a stashed workbook would do, row by row. It is committed all or nothing: not
    at all while any row is rejected."""

    token: str = ""
    added: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    rejected: list = field(default_factory=list)  # (line, reason)
    notes: list = field(default_factory=list)  # (line, text): warnings that do not stop the import
    unchanged: int = 0
    seen: dict = field(default_factory=dict)  # keys read so far (e.g. a number -> its line), for duplicates

    def reject(self, line, reason):
        self.rejected.append((line, reason))

    def note(self, line, text):
        self.notes.append((line, text))

    @property
    def ok(self):
        return not self.rejected and bool(self.added or self.changed)


class Import:
    """One kind of workbook import. A module subclasses it with its header row, reads each row into
    the preview (`read_row`, rejecting with a reason that names the problem), may look at the
    preview as a whole (`finish`), and applies a clean preview (`apply`, inside one transaction).

        ROSTER = RosterImport()               # headers = ("姓名", "职务", "工号", "在职")
        preview = ROSTER.preview(token, unit=unit)
        ROSTER.commit(token, user, unit=unit)
    """

    headers = ()
    # Columns that do not make a row count as filled in (e.g. a pre-printed 序号).
    ignored_when_blank = ()
    noun = "数据"
    header_hint = "请使用下载的模板填写"

    def rows(self, token):
        """(line number, {header: value}) of the filled rows, after checking the header row."""
        rows = stashed_rows(token)
        width = len(self.headers)
        if not rows or [str(c if c is not None else "").strip() for c in rows[0][:width]] != list(self.headers):
            raise RuleError(f"表头应为：{'、'.join(self.headers)}（第 1 行），{self.header_hint}。")
        for line, values in enumerate(rows[1:], start=2):
            cells = dict(zip(self.headers, (list(values) + [None] * width)[:width]))
            if any(str(v).strip() for h, v in cells.items() if v is not None and h not in self.ignored_when_blank):
                yield line, cells

    def preview(self, token, **context):
        preview = Preview(token)
        for line, cells in self.rows(token):
            self.read_row(preview, line, cells, **context)
        self.finish(preview, **context)
        preview.rejected.sort()
        return preview

    def commit(self, token, actor, **context):
        """Apply the previewed import in one transaction (audited as `actor`), then forget the upload."""
        preview = self.preview(token, **context)
        if preview.rejected:
            raise RuleError(f"有 {len(preview.rejected)} 行被拒绝，未导入任何数据。请修改后重新上传。")
        if not (preview.added or preview.changed):
            raise RuleError(f"文件中没有可导入的{self.noun}。")
        with database.atomic():
            self.apply(preview, actor, **context)
        discard(token)
        return preview

    def read_row(self, preview, line, cells, **context):
        """Read one filled row: append to preview.added (or preview.reject(line, reason))."""
        raise NotImplementedError

    def finish(self, preview, **context):
        """Checks across rows (duplicates against the database, links between rows)."""

    def apply(self, preview, actor, **context):
        raise NotImplementedError


def preview_page(importer, template, back_url, commit_url, **context):
    """The upload step of an import view: keep the file, preview it and show the preview page (which
    extends _import_preview.html); a refusal returns to back_url with its message.
    `commit_url(token)` names the confirm step."""
    try:
        token = stash(request.files.get("file"))
        preview = importer.preview(token, **context)
    except RuleError as exc:
        flash(str(exc), "error")
        return redirect(back_url)
    return render_template(template, preview=preview, commit_url=commit_url(token), cancel_url=back_url, **context)


def commit_page(importer, token, user, back_url, done, **context):
    """The confirm step of an import view: all of it or nothing; `done(preview)` gives the success
    message and where to go next."""
    try:
        preview = importer.commit(token, user, **context)
    except RuleError as exc:
        flash(str(exc), "error")
        return redirect(back_url)
    message, next_url = done(preview)
    flash(message, "success")
    return redirect(next_url)
