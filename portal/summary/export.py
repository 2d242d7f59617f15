"""Owns the summary's two exports of one saved version: the PDF in the official layout of GB/T 9704-2012
(through portal/pdf.py) and a .docx with the same structure (title, headings 一、…, body paragraphs,
page numbers in the footer) that the office finishes by hand in WPS or Word."""
from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from flask import send_file

from .. import clock, pdf

# The faces of GB/T 9704 as Word and WPS name them; a machine without one substitutes its own.
TITLE_FONT, HEADING_FONT, BODY_FONT = "方正小标宋简体", "黑体", "仿宋_GB2312"
LINE = Pt(28.9)  # 22 lines in the 225 mm text block


def body_of(version):
    """The saved text as exported: four parts of non-empty paragraphs, each line of a paragraph one
    paragraph of the document."""
    parts = []
    for section in version.section_data:
        paragraphs = [line for p in section["paragraphs"] for line in p["text"].split("\n") if line.strip()]
        parts.append({"heading": f"{section['number']}、{section['title']}", "paragraphs": paragraphs})
    return parts


def signature(draft, version):
    return draft.unit.name, clock.to_local(version.created_at).date()


def pdf_bytes(draft, version):
    issuer, day = signature(draft, version)
    return pdf.render("summary/pdf/summary.html", title=draft.title, parts=body_of(version), issuer=issuer, day=day)


def _font(run_or_style, name, size, bold=False):
    font = run_or_style.font
    font.name, font.size, font.bold = name, size, bold
    font.color.rgb = RGBColor(0, 0, 0)
    element = run_or_style.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    # A theme font (the default template's headings use one) would win over the face named here.
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def _spacing(paragraph_format, indent=True):
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = LINE
    paragraph_format.space_before = paragraph_format.space_after = Pt(0)
    paragraph_format.first_line_indent = Pt(32) if indent else Pt(0)  # two characters of 3号


def _page_number(footer, align):
    """"— n —" in 4号 with Word's PAGE field, so Word and WPS number the pages themselves."""
    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = Pt(14)

    def run(text=None):
        r = paragraph.add_run(text)
        _font(r, "宋体", Pt(14))
        return r

    run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        r = run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            r._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r._r.append(instr)
        else:
            r.text = text
    run(" —")


def docx_bytes(draft, version):
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)
    # Page numbers right on odd pages and left on even ones, as printed on both sides.
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    styles = document.styles
    _font(styles["Normal"], BODY_FONT, Pt(16))
    _spacing(styles["Normal"].paragraph_format)
    _font(styles["Title"], TITLE_FONT, Pt(22))
    title_format = styles["Title"].paragraph_format
    title_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title_format.line_spacing_rule, title_format.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(35)
    title_format.first_line_indent, title_format.space_before, title_format.space_after = Pt(0), Pt(0), LINE
    # The Title style of the default template draws a rule under itself: not part of an official document.
    ppr = styles["Title"].element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    heading = styles["Heading 1"]
    _font(heading, HEADING_FONT, Pt(16))
    _spacing(heading.paragraph_format)
    heading.paragraph_format.keep_with_next = True

    document.add_paragraph(draft.title, style="Title")
    for part in body_of(version):
        document.add_paragraph(part["heading"], style="Heading 1")
        for text in part["paragraphs"]:
            document.add_paragraph(text)
    issuer, day = signature(draft, version)
    for text in ("", issuer, f"{day.year}年{day.month}月{day.day}日"):
        p = document.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.right_indent = Pt(64)
    document.core_properties.title = draft.title
    document.core_properties.author = issuer
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def docx_response(data, filename):
    return send_file(BytesIO(data), as_attachment=True, download_name=filename,
                     mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
