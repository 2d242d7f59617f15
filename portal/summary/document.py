"""Owns the shape of a summary draft: four numbered parts (一、取得的主要成效 … 四、存在的问题), each a
list of paragraphs. A paragraph has a stable id, so a saved and edited draft can be matched with a
fresh draft of new figures ("refresh figures"), and names the figure keys its sentences state."""
from dataclasses import dataclass, field

PARTS = (("一", "取得的主要成效"), ("二", "具体做法"), ("三", "主要特点"), ("四", "存在的问题"))


@dataclass
class Paragraph:
    # Stable across drafts of the same year and scope, e.g. "petitions.group".
    id: str
    text: str
    # Keys of the figures (portal.summary.figures) the text states; their urls are the drill-down.
    keys: tuple = ()


@dataclass
class Section:
    number: str
    title: str
    paragraphs: list = field(default_factory=list)
