"""What every Orderly PDF shares: page sizes, text that the built-in fonts can print, painting from the top left.

borb measures from the bottom left of the page; the helpers here take the distance from the top, as a designer
thinks of a letter. The standard Helvetica of PDF readers prints Latin-1 only: other characters are transliterated
(€ becomes EUR, ł becomes l) or shown as "?", never an error.
"""

import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from borb.pdf import PDF, Document, LayoutElement, Page, Paragraph, Standard14Fonts, UsageStatistics
from borb.pdf.color.color import Color
from borb.pdf.color.hex_color import HexColor

REGULAR, BOLD = 'Helvetica', 'Helvetica-Bold'
BLACK = HexColor('#000000')
GREY = HexColor('#57534e')
LIGHT = HexColor('#e7e5e4')


@dataclass(frozen=True)
class PageSize:
    name: str
    width: int  # points, 1/72 inch
    height: int


A4 = PageSize('A4', 595, 842)
LETTER = PageSize('Letter', 612, 792)
PAGE_SIZES = {size.name: size for size in (A4, LETTER)}
MARGIN = 50


def opt_out_of_usage_statistics() -> None:
    """borb otherwise posts usage data and, on its first write, takes over SIGINT and SIGTERM."""
    UsageStatistics.opt_out()


_REPLACEMENTS = {'€': 'EUR', '\u2018': "'", '\u2019': "'", '\u201a': "'", '“': '"', '”': '"', '„': '"',
                 '\u2013': '-', '—': '-', '…': '...', 'ł': 'l', 'Ł': 'L', 'œ': 'oe', 'Œ': 'OE', '\u0131': 'i',
                 'đ': 'd', 'Đ': 'D', '\t': ' ', '•': '-', '→': '->', '×': 'x'}


def printable(text: str) -> str:
    """`text` in the characters Helvetica prints (Latin-1 without control characters)."""
    out = []
    for char in str(text):
        if char == '\n' or (' ' <= char <= '~') or ('\xa0' <= char <= 'ÿ'):
            out.append(char)
        elif char in _REPLACEMENTS:
            out.append(_REPLACEMENTS[char])
        else:
            base = ''.join(c for c in unicodedata.normalize('NFKD', char) if not unicodedata.combining(c))
            out.append(base if base and all(' ' <= c <= 'ÿ' for c in base) else '?')
    return ''.join(out)


def paragraph(text: str, *, size: int = 10, bold: bool = False, color=None, align: str = 'left',
              **options) -> Paragraph:
    """A paragraph of printable text on one line or wrapped; long words break too. borb ignores newlines: use
    `draw_text` for text of several lines."""
    alignment = {'left': LayoutElement.TextAlignment.LEFT, 'right': LayoutElement.TextAlignment.RIGHT,
                 'center': LayoutElement.TextAlignment.CENTERED}[align]
    extra = {'font_color': color} if color is not None else {}
    return Paragraph(_breakable(' '.join(printable(text).split())) or ' ', font=BOLD if bold else REGULAR,
                     font_size=size,
                     text_alignment=alignment, horizontal_alignment={
                         'left': LayoutElement.HorizontalAlignment.LEFT,
                         'right': LayoutElement.HorizontalAlignment.RIGHT,
                         'center': LayoutElement.HorizontalAlignment.MIDDLE}[align], **extra, **options)


def _breakable(text: str, longest: int = 30) -> str:
    # borb does not break a word wider than its box: cut very long words (codes, URLs) into pieces
    return ' '.join(word if len(word) <= longest else ' '.join(word[i:i + longest]
                                                               for i in range(0, len(word), longest))
                    for word in text.split(' '))


def draw_text(page: Page | None, text: str, *, x: float, top: float, width: float, **style) -> float:
    """Paint `text` line by line (each wrapped to `width`) from `top` down; return where it ends. Without a page,
    only measure."""
    for line in text.splitlines() or ['']:
        element = paragraph(line, **style)
        height = height_of(element, int(width))
        if page is not None and line.strip():
            draw(page, element, x=x, top=top, width=width, height=height + 1)
        top += height
    return top


def height_of(element: LayoutElement, width: int) -> int:
    return element.get_size(available_space=(width, 10_000))[1]


def draw(page: Page, element: LayoutElement, *, x: float, top: float, width: float, height: float) -> None:
    """Paint `element` into the box whose top-left corner is `top` points below the top edge of the page."""
    page_height = page.get_size()[1]
    element.paint(available_space=(int(x), int(page_height - top - height), int(width), int(height)), page=page)


def new_page(document: Document, size: PageSize) -> Page:
    page = Page(width_in_points=size.width, height_in_points=size.height)
    document.append_page(page)
    return page


def to_bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    PDF.write(what=document, where_to=buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Column:
    width: int
    align: str = 'left'
    bold: bool = False


@dataclass(frozen=True)
class Line:
    """Text that fits on one line of its cell, painted with PDF's own operators: borb paints each word as an
    object of its own, and table cells are most of a document's words (a one-page slip: 60 ms -> 25 ms)."""

    text: str  # printable, on one line
    size: int
    bold: bool
    align: str
    width: float
    color: Color | None = None


@dataclass(frozen=True)
class Row:
    """One table row, laid out once: its cells and its height. Rows are painted one by one (borb's own tables lay
    out all rows again for each row: a 120-line order took most of a second)."""

    cells: tuple[Paragraph | Line, ...]
    height: int


ROW_PADDING = 4
_METRICS = {REGULAR: Standard14Fonts.get(REGULAR), BOLD: Standard14Fonts.get(BOLD)}


@cache
def _line_height(size: int, bold: bool) -> int:
    return height_of(paragraph('Xg', size=size, bold=bold), 1000)


def _cell(text: str, column: Column, size: int, bold: bool) -> Paragraph | Line:
    flat = ' '.join(printable(text).split())
    font = BOLD if bold or column.bold else REGULAR
    width = _METRICS[font].get_width(text=flat, font_size=size) if flat else 0
    if width > column.width - 2 * ROW_PADDING - 2 or any(len(word) > 30 for word in flat.split(' ')):
        return paragraph(text, size=size, bold=bold or column.bold, align=column.align)
    return Line(flat, size, bold or column.bold, column.align, width)


def row(texts: tuple[str, ...] | list[str], columns: tuple[Column, ...], *, size: int = 10,
        bold: bool = False) -> Row:
    cells = tuple(_cell(text, column, size, bold) for text, column in zip(texts, columns, strict=True))
    height = max(_line_height(cell.size, cell.bold) if isinstance(cell, Line)
                 else height_of(cell, column.width - 2 * ROW_PADDING)
                 for cell, column in zip(cells, columns, strict=True))
    return Row(cells, height + 2 * ROW_PADDING)


def _font_name(page: Page, font: str) -> str | None:
    fonts = page.get('Resources', {}).get('Font', {})
    return next((str(key) for key, value in fonts.items() if str(value.get('BaseFont', '')) == font), None)


def _paint_line(page: Page, line: Line, *, x: float, top: float, width: float) -> None:
    font = BOLD if line.bold else REGULAR
    name = _font_name(page, font)
    if name is None:  # the page has no such font yet: borb adds it
        draw(page, paragraph(line.text, size=line.size, bold=line.bold, align=line.align, color=line.color),
             x=x, top=top, width=width, height=_line_height(line.size, line.bold) + 1)
        return
    left = x + (width - line.width if line.align == 'right' else (width - line.width) / 2
                if line.align == 'center' else 0)
    baseline = page.get_size()[1] - top - _line_height(line.size, line.bold)  # where borb puts a first line
    escaped = line.text.replace('\\', '\\\\').replace('(', '\\(').replace(')', '\\)')
    rgb = (line.color or BLACK).to_rgb_color()
    red, green, blue = rgb.get_red() / 255, rgb.get_green() / 255, rgb.get_blue() / 255
    LayoutElement._append_to_content_stream(
        page, f'\nq BT {red:.3f} {green:.3f} {blue:.3f} rg /{name} 1 Tf {line.size} 0 0 {line.size} '
              f'{left:.2f} {baseline:.2f} Tm ({escaped}) Tj ET Q\n')


def draw_row(page: Page, table_row: Row, columns: tuple[Column, ...], *, x: float, top: float,
             shade: bool = False) -> float:
    """Paint the row with a hairline under it (and a light band behind it when `shade`); return where it ends."""
    width = sum(column.width for column in columns)
    if shade:
        rectangle(page, x=x, top=top, width=width, height=table_row.height)
    for cell, column in zip(table_row.cells, columns, strict=True):
        if isinstance(cell, Line):
            _paint_line(page, cell, x=x + ROW_PADDING, top=top + ROW_PADDING, width=column.width - 2 * ROW_PADDING)
        else:
            draw(page, cell, x=x + ROW_PADDING, top=top + ROW_PADDING, width=column.width - 2 * ROW_PADDING,
                 height=table_row.height - 2 * ROW_PADDING + 1)
        x += column.width
    rule(page, x=x - width, top=top + table_row.height, width=width)
    return top + table_row.height


def rule(page: Page, *, x: float, top: float, width: float, color=LIGHT, thickness: float = 0.8) -> None:
    rectangle(page, x=x, top=top - thickness, width=width, height=thickness, color=color)


def rectangle(page: Page, *, x: float, top: float, width: float, height: float, color=LIGHT) -> None:
    """A filled rectangle, drawn with PDF operators: borb has no plain box element."""
    page_height = page.get_size()[1]
    rgb = color.to_rgb_color()
    red, green, blue = rgb.get_red() / 255, rgb.get_green() / 255, rgb.get_blue() / 255
    LayoutElement._append_to_content_stream(
        page, f'q {red:.3f} {green:.3f} {blue:.3f} rg {x:.1f} {page_height - top - height:.1f} '
              f'{width:.1f} {height:.1f} re f Q\n')


def label(page: Page, text: str, *, x: float, top: float, width: float, size: int = 10, bold: bool = False,
          color: Color | None = None, align: str = 'left') -> None:
    """One line of text in the box `width` wide (wrapped by borb if it does not fit)."""
    cell = _cell(text, Column(int(width) + 2 * ROW_PADDING + 2, align, bold), size, bold)
    if isinstance(cell, Line):
        _paint_line(page, Line(cell.text, size, bold, align, cell.width, color), x=x, top=top, width=width)
    else:
        element = paragraph(text, size=size, bold=bold, color=color, align=align)
        draw(page, element, x=x, top=top, width=width, height=height_of(element, int(width)) + 1)


def qr_code(page: Page, data: str, *, x: float, top: float, size: float) -> None:
    """A QR code of `data` as filled squares (no image: a few hundred bytes, no Pillow)."""
    try:
        import segno
    except ImportError:  # the code is printed as text anyway
        return
    matrix = [list(row) for row in segno.make_qr(data, error='m').matrix]
    modules = len(matrix)
    unit = size / modules
    bottom = page.get_size()[1] - top - size
    squares = ' '.join(f'{x + column * unit:.2f} {bottom + (modules - 1 - line) * unit:.2f} {unit:.2f} {unit:.2f} re'
                       for line, cells in enumerate(matrix) for column, dark in enumerate(cells) if dark)
    LayoutElement._append_to_content_stream(page, f'\nq 0 0 0 rg {squares} f Q\n')


FOOTER_HEIGHT = 50


def draw_table_pages(document: Document, size: PageSize, heading: Row, rows: list[Row], columns: tuple[Column, ...],
                     *, first_top: int, next_top: int, closing: float,
                     frame: Callable[[Page, int, int, float], None]) -> None:
    """A table over as many pages as it needs, its heading repeated; `frame(page, number, count, top)` draws the
    rest of each page (`top`: just below the page's last row), `closing` is the height the last page keeps free."""
    pages = paginate(rows, heading, size, first_top=first_top, next_top=next_top, closing=closing)
    for number, page_rows in enumerate(pages, start=1):
        page = new_page(document, size)
        top = first_top if number == 1 else next_top
        if page_rows:
            top = draw_row(page, heading, columns, x=MARGIN, top=top, shade=True)
        for table_row in page_rows:
            top = draw_row(page, table_row, columns, x=MARGIN, top=top)
        frame(page, number, len(pages), top)


def paginate(rows: list[Row], heading: Row, size: PageSize, *, first_top: int, next_top: int,
             closing: float) -> list[list[Row]]:
    """Rows per page; what closes the document (totals, note) gets a page of its own if it fits under no row."""
    bottom = size.height - FOOTER_HEIGHT - 10
    pages: list[list[Row]] = [[]]
    used = first_top + heading.height
    for table_row in rows:
        if used + table_row.height > bottom and pages[-1]:
            pages.append([])
            used = next_top + heading.height
        pages[-1].append(table_row)
        used += table_row.height
    if used + closing > bottom and pages[-1]:
        pages.append([])
    return pages

