"""The packing slip: what goes into the parcel, without prices. The shipping address sits where a DIN 5008 window
envelope (DL, window on the left) shows it, so a folded slip doubles as the address label.

`packing_slip_pdf` is plain CPU work on plain data (`PackingSlip`): call it off the event loop.
"""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from borb.pdf import Document, Page
from borb.pdf.color.hex_color import HexColor

from domain.addresses import postal_lines, shipping_address_lines
from domain.models import Order, Shop
from domain.schemas import DeliveryMethod
from integrations.pdf.canvas import (
    A4,
    FOOTER_HEIGHT,
    GREY,
    MARGIN,
    PAGE_SIZES,
    Column,
    PageSize,
    draw_table_pages,
    draw_text,
    label,
    qr_code,
    row,
    to_bytes,
)

QR_SIZE = 64
WINDOW_LEFT, WINDOW_TOP, WINDOW_WIDTH, WINDOW_HEIGHT = 57, 128, 255, 128  # 20 mm, 45 mm; 90 x 45 mm
FIRST_TABLE_TOP, NEXT_TABLE_TOP = 280, 130


@dataclass(frozen=True)
class SlipLine:
    sku: str
    name: str
    quantity: int


@dataclass(frozen=True)
class PackingSlip:
    """Everything printed on one order's slip, as text."""

    shop_name: str
    shop_address: str  # lines separated by newlines
    order_code: str
    order_date: str  # in the shop's time zone
    delivery_method: str
    recipient: tuple[str, ...]  # the address block's lines
    lines: tuple[SlipLine, ...]
    note: str = ''
    footer: str = 'Thank you for your order!'
    brand_color: str = '#2f3e46'
    page_size: str = 'A4'


def packing_slip_of(shop: Shop, order: Order, *, page_size: str = 'A4') -> PackingSlip:
    """The slip of `order` (its lines prefetched) as the shop prints it today, on A4 or Letter paper."""
    if order.delivery_method is DeliveryMethod.SHIPPING:
        recipient = (order.customer_name, *shipping_address_lines(order))
    else:
        recipient = (order.customer_name, 'Picks up the order at', *shop.pickup_address.splitlines())
    return PackingSlip(
        shop_name=shop.name, shop_address='\n'.join(postal_lines(shop.postal_address, without=(shop.name,))),
        order_code=order.code,
        order_date=order.created_at.astimezone(ZoneInfo(shop.timezone)).strftime('%d %b %Y'),
        delivery_method=order.delivery_method.label, recipient=tuple(line for line in recipient if line.strip()),
        lines=tuple(SlipLine(line.sku, line.name, line.quantity) for line in order.lines), note=order.note,
        brand_color=shop.brand_color, page_size=page_size)


def _note_lines(note: str, most: int = 30) -> str:
    """The note without blank lines, in at most `most` lines: 1,000 characters must fit on one page."""
    lines = [line.strip() for line in note.splitlines() if line.strip()]
    return '\n'.join([*lines[:most - 1], ' '.join(lines[most - 1:])] if len(lines) > most else lines)


def packing_slip_pdf(slip: PackingSlip) -> bytes:
    """The slip as PDF bytes: the header on every page, the lines flowing onto as many pages as they need."""
    return packing_slips_pdf([slip])


def packing_slips_pdf(slips: list[PackingSlip]) -> bytes:
    """Several orders' slips in one PDF, to print in one go; each slip starts on a page of its own."""
    document = Document()
    for slip in slips:
        _add_slip(document, slip)
    return to_bytes(document)


def _add_slip(document: Document, slip: PackingSlip) -> None:
    size = PAGE_SIZES.get(slip.page_size, A4)
    width = size.width - 2 * MARGIN
    columns = (Column(110), Column(width - 110 - 60), Column(60, align='right', bold=True))
    heading = row(('SKU', 'Product', 'Quantity'), columns, bold=True)
    rows = [row((line.sku, line.name, str(line.quantity)), columns) for line in slip.lines]

    def frame(page: Page, number: int, count: int, top: float) -> None:
        _header(page, slip, size, number, count)
        if number == 1:
            _first_page_blocks(page, slip)
        if number == count:
            _closing(page, slip, top + 12, width)
        _footer(page, slip, size, number, count)
    draw_table_pages(document, size, heading, rows, columns, first_top=FIRST_TABLE_TOP, next_top=NEXT_TABLE_TOP,
                     closing=_closing_height(slip, width), frame=frame)


def _closing_height(slip: PackingSlip, width: int) -> float:
    height = 40
    if slip.note.strip():
        height += draw_text(None, _note_lines(slip.note), x=0, top=0, width=width, size=10) + 30
    return height


def _header(page: Page, slip: PackingSlip, size: PageSize, number: int, count: int) -> None:
    brand = HexColor(slip.brand_color)
    label(page, slip.shop_name, x=MARGIN, top=40, width=300, size=16, bold=True, color=brand)
    draw_text(page, '\n'.join(slip.shop_address.splitlines()[:4]), x=MARGIN, top=64, width=300, size=9, color=GREY)
    right = size.width - MARGIN - QR_SIZE - 12
    label(page, 'PACKING SLIP', x=right - 200, top=40, width=200, size=14, bold=True, align='right')
    label(page, slip.order_code, x=right - 200, top=60, width=200, size=12, bold=True, align='right')
    if count > 1:
        label(page, f'Page {number} of {count}', x=right - 200, top=80, width=200, size=9, color=GREY, align='right')
    qr_code(page, slip.order_code, x=size.width - MARGIN - QR_SIZE, top=38, size=QR_SIZE)


def _first_page_blocks(page: Page, slip: PackingSlip) -> None:
    sender = ' · '.join([slip.shop_name, *(line for line in slip.shop_address.splitlines() if line.strip())])
    label(page, sender, x=WINDOW_LEFT + 14, top=WINDOW_TOP + 6, width=WINDOW_WIDTH - 28, size=7, color=GREY)
    draw_text(page, '\n'.join(slip.recipient[:6]), x=WINDOW_LEFT + 14, top=WINDOW_TOP + 26, width=WINDOW_WIDTH - 28,
              size=11)
    details = (('Order', slip.order_code), ('Order date', slip.order_date), ('Delivery', slip.delivery_method))
    for index, (name, value) in enumerate(details):
        top = WINDOW_TOP + 26 + index * 18
        label(page, name, x=350, top=top, width=80, color=GREY)
        label(page, value, x=430, top=top, width=125, bold=True)


def _closing(page: Page, slip: PackingSlip, top: float, width: int) -> None:
    items = sum(line.quantity for line in slip.lines)
    label(page, f'{len(slip.lines)} lines, {items} items', x=MARGIN, top=top, width=width, bold=True, align='right')
    if slip.note.strip():
        label(page, 'Customer note', x=MARGIN, top=top + 28, width=width, bold=True)
        draw_text(page, _note_lines(slip.note), x=MARGIN, top=top + 46, width=width, size=10)


def _footer(page: Page, slip: PackingSlip, size: PageSize, number: int, count: int) -> None:
    text = f'{slip.footer}  ·  {slip.shop_name}  ·  {slip.order_code}  ·  page {number} of {count}'
    label(page, text, x=MARGIN, top=size.height - FOOTER_HEIGHT + 10, width=size.width - 2 * MARGIN, size=8,
          color=GREY, align='center')
