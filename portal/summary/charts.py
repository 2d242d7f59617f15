"""Owns the summary's charts as server-drawn SVG: a chart's data (series and rows) is laid out here into
shapes in a viewBox, and one template (templates/summary/_chart.html) draws any layout. No script and no
chart library, so the leaders' page, the wall display and a print show exactly what the server drew."""
import math
from dataclasses import dataclass, field

# Colours that stay apart on a white page and on the display's dark ground.
BLUE, RED, GREEN, AMBER, GREY, TEAL = "#2f6db5", "#c62828", "#3f8f52", "#d08a16", "#8a94a3", "#2a9d8f"


@dataclass(frozen=True)
class Series:
    """One kind of value in a chart (a legend entry), e.g. Series("集体访", RED)."""

    label: str
    colour: str


@dataclass(frozen=True)
class Row:
    """One bar (or group of columns): its label, one value per series, the list it was counted from."""

    label: str
    values: tuple
    url: str = ""

    @property
    def total(self):
        return sum(self.values)


@dataclass
class Chart:
    """What a chart shows. `percent` charts run to 100 with an optional `target` line (e.g. 普法 coverage);
    `stacked` bars add their series end to end, otherwise columns stand side by side."""

    title: str
    series: list
    rows: list
    unit: str = ""
    percent: bool = False
    target: float = None
    stacked: bool = True
    # "bars" (horizontal, one row per label) or "columns" (vertical, e.g. one group per month).
    shape: str = "bars"
    # A line under the chart about what it leaves out (e.g. agreements not assessed yet).
    note: str = ""

    def value_of(self, label, series=0):
        """The value of one row's series (tests and the display's tiles read charts by label)."""
        for row in self.rows:
            if row.label == label:
                return row.values[series]
        return None

    def totals(self):
        """Each series summed over the rows."""
        return tuple(sum(row.values[i] for row in self.rows) for i in range(len(self.series)))


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    tip: str = ""
    url: str = ""


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    size: float
    anchor: str = "start"
    bold: bool = False
    muted: bool = False


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    dashed: bool = False


@dataclass
class Drawing:
    """A laid-out chart: a viewBox and the shapes in it."""

    title: str
    width: float
    height: float
    rects: list = field(default_factory=list)
    texts: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    empty: bool = False


def nice_max(value):
    """The axis maximum: the value rounded up to 1, 2 or 5 times a power of ten (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def text_width(text, size):
    """Rough width of a label: a CJK character is as wide as the font size, Latin about half."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.56 for ch in text)


def fit(text, size, room):
    """The label shortened with … to fit `room`."""
    if text_width(text, size) <= room:
        return text
    while text and text_width(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


def _number(value, chart):
    if chart.percent:
        return f"{value:.0f}%"
    return f"{value:g}"


def _legend(chart, drawing, y, size):
    """Legend entries in a row at `y` (only when there is more than one series)."""
    if len(chart.series) < 2:
        return y
    x = 0
    for series in chart.series:
        drawing.rects.append(Rect(x, y, size * 0.9, size * 0.9, series.colour))
        drawing.texts.append(Text(x + size * 1.2, y + size * 0.85, series.label, size * 0.9))
        x += size * 1.2 + text_width(series.label, size * 0.9) + size * 1.4
    return y + size * 1.8


def hbars(chart, width=640, font=13, height=None):
    """Horizontal bars, one row per label; a row's series stacked end to end, its total at the end, a
    dashed target line on percent charts. The height follows the rows (`height` is for columns)."""
    drawing = Drawing(chart.title, width, 0)
    top = _legend(chart, drawing, 0, font)
    step = font * 2.1
    label_w = min(width * 0.32, max((text_width(r.label, font) for r in chart.rows), default=0) + font * 0.6)
    value_w = text_width("100%" if chart.percent else f"{max((r.total for r in chart.rows), default=0):g}", font) + font
    room = width - label_w - value_w
    scale_max = 100 if chart.percent else nice_max(max((r.total for r in chart.rows), default=0))
    for i, row in enumerate(chart.rows):
        y = top + i * step
        drawing.texts.append(Text(0, y + font * 1.15, fit(row.label, font, label_w - font * 0.5), font))
        x = label_w
        for series, value in zip(chart.series, row.values):
            w = room * min(value, scale_max) / scale_max
            if w > 0:
                drawing.rects.append(Rect(round(x, 1), round(y + font * 0.3, 1), round(w, 1), round(font * 1.2, 1),
                                          series.colour, f"{row.label} {series.label}：{_number(value, chart)}{chart.unit}",
                                          row.url))
            x += w
        drawing.texts.append(Text(round(x + font * 0.4, 1), y + font * 1.15, _number(row.total, chart), font, bold=True))
    bottom = top + len(chart.rows) * step
    if chart.target is not None and chart.rows:
        tx = round(label_w + room * float(chart.target) / 100, 1)
        drawing.lines.append(Line(tx, top, tx, bottom, dashed=True))
        drawing.texts.append(Text(tx, bottom + font * 1.1, f"目标 {float(chart.target):.0f}%", font * 0.85, "middle",
                                  muted=True))
        bottom += font * 1.4
    drawing.empty = not chart.rows
    drawing.height = round(max(bottom, font * 2), 1)
    return drawing


def columns(chart, width=640, height=240, font=13):
    """Vertical columns, one group per row (e.g. a month), the series side by side (or stacked), the
    value over each column, three grid lines."""
    drawing = Drawing(chart.title, width, height)
    top = _legend(chart, drawing, 0, font) + font * 0.6
    peak = max(((r.total if chart.stacked else max(r.values, default=0)) for r in chart.rows), default=0)
    scale_max = nice_max(peak)
    axis_w = text_width(f"{scale_max:g}", font) + font * 0.8
    base = height - font * 1.8
    plot_h = base - top - font * 1.2
    for fraction in (0, 0.5, 1):
        y = round(base - plot_h * fraction, 1)
        drawing.lines.append(Line(axis_w, y, width, y, dashed=fraction > 0))
        drawing.texts.append(Text(axis_w - font * 0.4, y + font * 0.35, f"{scale_max * fraction:g}", font * 0.85,
                                  "end", muted=True))
    slot = (width - axis_w) / max(len(chart.rows), 1)
    bars = 1 if chart.stacked else len(chart.series)
    bar_w = slot * 0.7 / bars
    for i, row in enumerate(chart.rows):
        left = axis_w + i * slot + slot * 0.15
        stack = 0
        for j, (series, value) in enumerate(zip(chart.series, row.values)):
            h = plot_h * value / scale_max
            x = left if chart.stacked else left + j * bar_w
            y = base - stack - h
            if h > 0:
                drawing.rects.append(Rect(round(x, 1), round(y, 1), round(bar_w, 1), round(h, 1), series.colour,
                                          f"{row.label} {series.label}：{value:g}{chart.unit}", row.url))
            if not chart.stacked and value:
                drawing.texts.append(Text(round(x + bar_w / 2, 1), round(y - font * 0.3, 1), f"{value:g}",
                                          font * 0.8, "middle"))
            if chart.stacked:
                stack += h
        if chart.stacked and row.total:
            drawing.texts.append(Text(round(left + bar_w / 2, 1), round(base - stack - font * 0.3, 1),
                                      f"{row.total:g}", font * 0.85, "middle", bold=True))
        drawing.texts.append(Text(round(axis_w + i * slot + slot / 2, 1), round(base + font * 1.3, 1),
                                  fit(row.label, font * 0.9, slot), font * 0.9, "middle"))
    drawing.empty = not any(row.total for row in chart.rows)
    return drawing


def draw(chart, **size):
    """The chart laid out in its own shape; `size` (width, font, height) as hbars/columns take them."""
    return (columns if chart.shape == "columns" else hbars)(chart, **size)
