"""Owns the summary's prose: the draft of one year and scope written from its figures, in the seed's
four parts and phrasing. A pure function of the figures, so "refresh figures" can redraft a saved
draft's untouched paragraphs and name what changed in the edited ones."""
from .document import PARTS, Paragraph, Section


def compose(year, unit, figures):
    """The draft of `year` for `unit`'s subtree from `figures` ({key: Figure}, figures.collect)."""
    sections = [Section(number, title) for number, title in PARTS]
    for figure in figures.values():
        sections[0].paragraphs.append(
            Paragraph(id=figure.key, text=f"{figure.label}{figure.value}{figure.unit}。", keys=(figure.key,)))
    return sections
