"""Simple A4 PDF documents with Chinese text: a title, paragraphs, captioned tables and a footer.

The building block of printable customer statements and dunning letters, and nothing domain-specific:
callers pass strings that are already translated and formatted, ``render`` lays them out.

Text is set in ``STSong-Light``, one of the Adobe Asian fonts that ReportLab knows by name. Such a CID
font is not embedded: the PDF names it and carries its metrics, and the viewer draws it with a Chinese
font of its own or of the system (Adobe Reader's Asian font pack; browsers and poppler use the system's
CJK fonts), as on any Chinese desktop; a system without a CJK font shows no usable text. So no font file
is needed here, the files stay small, and the text (encoding UniGB-UCS2-H, i.e. UCS-2) can be copied
and searched. Characters outside the Basic Multilingual Plane (emoji, CJK extension B) have no
code in that encoding and are not shown properly. The font has no bold face: bold text (the title,
captions, table headers and totals) is drawn with its outline stroked as well as filled.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab import platypus
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as landscape_of
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
MARGIN = 18 * mm
BOTTOM_MARGIN = 20 * mm  # room for the page number
CELL_PADDING = 3
KEEP_WITH_CAPTION = 35 * mm  # room needed for a caption and the first rows of its table
BOLD_STROKE = 0.035  # outline width for bold text, as a fraction of the font size


@dataclass(frozen=True)
class Table:
    """A table of text: one header row, rows of the same length and an optional bold total row."""

    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    numeric: Sequence[int] = ()  # indexes of the columns to align right
    total: Sequence[str] | None = None  # a bold last row

    def __post_init__(self) -> None:
        width = len(self.headers)
        if width == 0:
            raise ValueError("a table needs at least one column")
        for number, row in enumerate(self.rows, start=1):
            if len(row) != width:
                raise ValueError(f"row {number} has {len(row)} cells, the table has {width} columns")
        if self.total is not None and len(self.total) != width:
            raise ValueError(f"the total row has {len(self.total)} cells, the table has {width} columns")
        for index in self.numeric:
            if not 0 <= index < width:
                raise ValueError(f"numeric column {index} is not one of the {width} columns")


@dataclass(frozen=True)
class Document:
    """What ``render`` prints: every string already translated and formatted by the caller."""

    title: str
    lines: Sequence[str] = ()  # paragraphs under the title (company, customer, period, ...)
    tables: Sequence[tuple[str, Table]] = ()  # (caption, table); an empty caption prints none
    footer: Sequence[str] = ()  # paragraphs after the tables
    landscape: bool = False


def render(document: Document) -> bytes:
    """The document as a PDF: A4, tables split across pages with their header repeated, pages numbered."""
    _register_font()
    page_size = landscape_of(A4) if document.landscape else A4
    output = io.BytesIO()
    template = platypus.SimpleDocTemplate(
        output,
        pagesize=page_size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=document.title,
        author="",
        creator="",
    )
    story: list[Any] = [_BoldParagraph(_markup(document.title), _STYLES["title"])]
    story += [platypus.Paragraph(_markup(line), _STYLES["body"]) for line in document.lines]
    for caption, table in document.tables:
        # A caption and the first rows of its table start on a new page rather than at the foot of one.
        story.append(platypus.CondPageBreak(KEEP_WITH_CAPTION))
        if caption:
            story.append(_BoldParagraph(_markup(caption), _STYLES["caption"]))
        else:
            story.append(platypus.Spacer(0, 4 * mm))
        story.append(_table(table, template.width))
    if document.footer:
        story.append(platypus.Spacer(0, 4 * mm))
        story += [platypus.Paragraph(_markup(line), _STYLES["body"]) for line in document.footer]
    template.build(story, canvasmaker=_NumberedCanvas)
    return output.getvalue()


@cache
def _register_font() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _markup(text: str) -> str:
    """Plain text as Paragraph markup: shown literally, line breaks kept."""
    return escape(text).replace("\n", "<br/>")


def _style(name: str, size: float, **options: Any) -> ParagraphStyle:
    # CJK wrapping breaks lines between any two characters (Chinese has no spaces), so long text and
    # long unbroken numbers wrap inside table cells instead of overflowing them.
    return ParagraphStyle(name, fontName=FONT, fontSize=size, leading=size * 1.35, wordWrap="CJK", **options)


_STYLES = {
    "title": _style("title", 16, alignment=TA_CENTER, spaceAfter=4 * mm),
    "body": _style("body", 10, spaceAfter=1 * mm),
    "caption": _style("caption", 11, spaceBefore=5 * mm, spaceAfter=2 * mm),
    "cell": _style("cell", 9, alignment=TA_LEFT),
    "number": _style("number", 9, alignment=TA_RIGHT),
}


class _BoldParagraph(platypus.Paragraph):
    """A paragraph drawn in synthetic bold: text render mode 2 fills and strokes the glyph outlines."""

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(self.style.textColor)
        canvas.setLineWidth(self.style.fontSize * BOLD_STROKE)
        # The text render mode is part of the graphics state: set here, it applies to the text
        # objects the paragraph draws, and restoreState ends it.
        canvas.addLiteral("2 Tr")
        super().draw()
        canvas.restoreState()


def _table(table: Table, available_width: float) -> platypus.Table:
    numeric = set(table.numeric)
    width = len(table.headers)

    def row_of(texts: Sequence[str], *, bold: bool = False) -> list[platypus.Paragraph]:
        kind = _BoldParagraph if bold else platypus.Paragraph
        return [
            kind(_markup(text), _STYLES["number" if index in numeric else "cell"]) for index, text in enumerate(texts)
        ]

    data = [row_of(table.headers, bold=True)] + [row_of(row) for row in table.rows]
    if table.total is not None:
        data.append(row_of(table.total, bold=True))
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    if table.total is not None:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 1, colors.black))
    columns = [[table.headers[index]] + [row[index] for row in table.rows] for index in range(width)]
    if table.total is not None:
        for index in range(width):
            columns[index].append(table.total[index])
    return platypus.Table(
        data,
        colWidths=_column_widths(columns, available_width),
        repeatRows=1,
        style=platypus.TableStyle(commands),
        hAlign="LEFT",
    )


def _column_widths(columns: Sequence[Sequence[str]], available: float) -> list[float]:
    """Widths filling the frame: in proportion to the widest text of each column when it all fits.

    When it does not fit, the columns narrower than their share keep their natural width (so amounts
    and dates do not wrap) and the wider ones share the rest in proportion and wrap.
    """
    size = _STYLES["cell"].fontSize * 1.05  # a little room for the bold header and total
    natural = [
        max(pdfmetrics.stringWidth(line, FONT, size) for text in column for line in text.split("\n"))
        + 2 * CELL_PADDING
        + 1
        for column in columns
    ]
    if sum(natural) <= available:
        return [width * available / sum(natural) for width in natural]
    fixed: dict[int, float] = {}
    while True:
        flexible = [index for index in range(len(natural)) if index not in fixed]
        remaining = available - sum(fixed.values())
        flexible_total = sum(natural[index] for index in flexible)
        narrow = [index for index in flexible if natural[index] <= remaining / len(flexible)]
        if not narrow or len(narrow) == len(flexible):
            break
        for index in narrow:
            fixed[index] = natural[index]
    shares = {index: remaining * natural[index] / flexible_total for index in flexible}
    return [fixed.get(index, shares.get(index, 0.0)) for index in range(len(natural))]


class _NumberedCanvas(Canvas):
    """Holds the pages back until the end, then writes "n / N" at the bottom of each."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        count = len(self._pages)
        for number, page in enumerate(self._pages, start=1):
            self.__dict__.update(page)
            self.setFont(FONT, 9)
            self.drawCentredString(self._pagesize[0] / 2, BOTTOM_MARGIN / 2, f"{number} / {count}")
            super().showPage()
        super().save()
