"""The invoice (and credit note) PDF: what an EU invoice must say (Directive 2006/112/EC, art. 226): issue and
supply date, the sequential number, the seller's name, address and VAT number, the buyer's name and address (and
VAT number when given), each line with quantity, description, unit price excl. VAT and VAT rate, the net amount
and the VAT per rate, and the total.

It is drawn from the issued `Invoice` record alone, so a PDF made again later is the same invoice.
`invoice_pdf` is CPU work on plain data: call it off the event loop.
"""

import asyncio
from dataclasses import dataclass
from typing import Any

from borb.pdf import Document, Page
from borb.pdf.color.hex_color import HexColor

from domain.invoices import invoice_settings, store_pdf
from domain.models import Invoice
from integrations.pdf.canvas import (
    A4,
    FOOTER_HEIGHT,
    GREY,
    MARGIN,
    PAGE_SIZES,
    Column,
    PageSize,
    draw_row,
    draw_table_pages,
    draw_text,
    label,
    row,
    rule,
    to_bytes,
)

WINDOW_LEFT, WINDOW_TOP, WINDOW_WIDTH = 57, 128, 255  # DIN 5008: 20 mm from the left, 45 mm from the top
FIRST_TABLE_TOP, NEXT_TABLE_TOP = 290, 140


@dataclass(frozen=True)
class InvoiceDocument:
    """An issued invoice as plain data (picklable, no database)."""

    kind: str  # invoice, credit_note
    number: str
    credited_number: str
    order_code: str
    issue_date: str
    supply_date: str
    currency: str
    seller: dict[str, Any]
    buyer: dict[str, Any]
    lines: tuple[dict[str, Any], ...]
    vat_breakdown: tuple[dict[str, Any], ...]
    net_total: str
    vat_total: str
    total: str
    page_size: str = 'A4'


def invoice_document(invoice: Invoice, *, page_size: str = 'A4') -> InvoiceDocument:
    return InvoiceDocument(
        kind=invoice.kind, number=invoice.number, credited_number=invoice.credited_number,
        order_code=invoice.order_code, issue_date=invoice.issue_date.strftime('%d %b %Y'),
        supply_date=invoice.supply_date.strftime('%d %b %Y'), currency=invoice.currency, seller=dict(invoice.seller),
        buyer=dict(invoice.buyer), lines=tuple(invoice.lines), vat_breakdown=tuple(invoice.vat_breakdown),
        net_total=str(invoice.net_total), vat_total=str(invoice.vat_total), total=str(invoice.total),
        page_size=page_size)


def invoice_pdf(invoice: InvoiceDocument) -> bytes:
    """The invoice as PDF bytes; long invoices continue on further pages with the header repeated."""
    size = PAGE_SIZES.get(invoice.page_size, A4)
    width = size.width - 2 * MARGIN
    columns = (Column(width - 280), Column(45, 'right'), Column(85, 'right'), Column(50, 'right'),
               Column(100, 'right'))
    currency = invoice.currency
    heading = row(('Description', 'Qty', f'Unit price excl. VAT ({currency})', 'VAT', f'Net ({currency})'), columns,
                  size=9, bold=True)
    rows = [row((_description(line), str(line['quantity']), _amount(line['unit_price_net']), f"{line['vat_rate']} %",
                 _amount(line['net'])), columns, size=9) for line in invoice.lines]
    document = Document()

    def frame(page: Page, number: int, count: int, top: float) -> None:
        _header(page, invoice, size, number, count)
        if number == 1:
            _first_page_blocks(page, invoice)
        if number == count:
            _totals(page, invoice, top + 14, size)
        _footer(page, invoice, size, number, count)
    draw_table_pages(document, size, heading, rows, columns, first_top=FIRST_TABLE_TOP, next_top=NEXT_TABLE_TOP,
                     closing=_closing_height(invoice), frame=frame)
    return to_bytes(document)


def _description(line: dict[str, Any]) -> str:
    return f"{line['name']} ({line['sku']})" if line.get('sku') else line['name']


def _amount(value: str) -> str:
    return f'{float(value):,.2f}' if abs(float(value)) < 1e15 else value


def _title(invoice: InvoiceDocument) -> str:
    return 'CREDIT NOTE' if invoice.kind == 'credit_note' else 'INVOICE'


def _closing_height(invoice: InvoiceDocument) -> float:
    footer = draw_text(None, invoice.seller.get('footer', ''), x=0, top=0, width=A4.width - 2 * MARGIN, size=9)
    return 40 + 18 * (len(invoice.vat_breakdown) + 1) + 100 + footer


def _header(page: Page, invoice: InvoiceDocument, size: PageSize, number: int, count: int) -> None:
    seller = invoice.seller
    brand = HexColor(seller.get('brand_color') or '#2f3e46')
    label(page, seller['name'], x=MARGIN, top=40, width=300, size=16, bold=True, color=brand)
    details = [*seller.get('address', [])[:4]]
    details += [f"VAT {seller['vat_number']}"] if seller.get('vat_number') else []
    details += [f"Reg. {seller['trade_register']}"] if seller.get('trade_register') else []
    draw_text(page, '\n'.join(details), x=MARGIN, top=64, width=300, size=8, color=GREY)
    right = size.width - MARGIN - 220
    label(page, _title(invoice), x=right, top=40, width=220, size=16, bold=True, align='right')
    label(page, invoice.number, x=right, top=62, width=220, size=12, bold=True, align='right')
    if count > 1:
        label(page, f'Page {number} of {count}', x=right, top=80, width=220, size=9, color=GREY, align='right')


def _first_page_blocks(page: Page, invoice: InvoiceDocument) -> None:
    seller, buyer = invoice.seller, invoice.buyer
    sender = ' · '.join([seller['name'], *seller.get('address', [])])
    label(page, sender, x=WINDOW_LEFT + 14, top=WINDOW_TOP + 6, width=WINDOW_WIDTH - 28, size=7, color=GREY)
    recipient = [buyer.get('name', ''), *buyer.get('address', [])[:4]]
    recipient += [f"VAT {buyer['vat_number']}"] if buyer.get('vat_number') else []
    draw_text(page, '\n'.join(recipient), x=WINDOW_LEFT + 14, top=WINDOW_TOP + 26, width=WINDOW_WIDTH - 28,
              size=10)
    details = [('Invoice number' if invoice.kind == 'invoice' else 'Credit note', invoice.number),
               ('Issue date', invoice.issue_date), ('Supply date', invoice.supply_date),
               ('Order', invoice.order_code)]
    if invoice.credited_number:
        details.append(('Cancels invoice', invoice.credited_number))
    for index, (name, value) in enumerate(details):
        top = WINDOW_TOP + 26 + index * 16
        label(page, name, x=340, top=top, width=90, size=9, color=GREY)
        label(page, value, x=430, top=top, width=115, size=9, bold=True)


def _totals(page: Page, invoice: InvoiceDocument, top: float, size: PageSize) -> None:
    width = size.width - 2 * MARGIN
    columns = (Column(width - 300), Column(60, 'right'), Column(80, 'right'), Column(80, 'right'),
               Column(80, 'right'))
    currency = invoice.currency
    top = draw_row(page, row(('VAT breakdown', 'Rate', f'Net ({currency})', f'VAT ({currency})',
                              f'Total ({currency})'), columns, size=9, bold=True), columns, x=MARGIN, top=top)
    for rate in invoice.vat_breakdown:
        top = draw_row(page, row(('', f"{rate['rate']} %", _amount(rate['net']), _amount(rate['vat']),
                                  _amount(rate['gross'])), columns, size=9), columns, x=MARGIN, top=top)
    top += 10
    for name, value, bold in (('Total excl. VAT', invoice.net_total, False), ('VAT', invoice.vat_total, False),
                              (f'Total ({currency})', invoice.total, True)):
        label(page, name, x=MARGIN, top=top, width=width - 110, size=11 if bold else 10, bold=bold, align='right')
        label(page, f'{currency} {_amount(value)}', x=MARGIN + width - 110, top=top, width=110,
              size=11 if bold else 10, bold=bold, align='right')
        top += 17
    rule(page, x=MARGIN, top=top + 4, width=width)
    top += 14
    seller = invoice.seller
    notes = []
    if invoice.kind == 'credit_note':
        notes.append(f'This credit note cancels invoice {invoice.credited_number}.')
    elif seller.get('iban'):
        notes.append(f"Please transfer to IBAN {seller['iban']}, mentioning {invoice.number}.")
    if seller.get('footer'):
        notes.append(seller['footer'])
    draw_text(page, '\n'.join(notes), x=MARGIN, top=top, width=width, size=9)


def _footer(page: Page, invoice: InvoiceDocument, size: PageSize, number: int, count: int) -> None:
    seller = invoice.seller
    parts = [seller['name'], *([f"VAT {seller['vat_number']}"] if seller.get('vat_number') else []),
             *([f"IBAN {seller['iban']}"] if seller.get('iban') else []), invoice.number, f'page {number} of {count}']
    label(page, '  ·  '.join(parts), x=MARGIN, top=size.height - FOOTER_HEIGHT + 10, width=size.width - 2 * MARGIN,
          size=8, color=GREY, align='center')


async def invoice_pdf_of(invoice: Invoice) -> bytes:
    """The invoice's PDF: the stored one, or made now (in a worker thread) and stored for next time."""
    if invoice.pdf:
        return bytes(invoice.pdf)
    paper = (await invoice_settings(invoice.shop_id)).paper_size
    pdf = await asyncio.to_thread(invoice_pdf, invoice_document(invoice, page_size=paper))
    await store_pdf(invoice.id, pdf)
    return pdf
