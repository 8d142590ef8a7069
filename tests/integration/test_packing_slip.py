"""The packing slip PDF, read back with pdftotext (poppler-utils) as a merchant's printer would see it."""

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from domain.checkout import place_order
from domain.models import Order, Product, Shop
from domain.schemas import parse_checkout
from integrations.pdf.packing_slip import PackingSlip, SlipLine, packing_slip_of, packing_slip_pdf, packing_slips_pdf

pytestmark = pytest.mark.skipif(shutil.which('pdftotext') is None, reason='needs pdftotext (poppler-utils)')


def text_of(pdf: bytes, tmp_path: Path, page: int | None = None) -> str:
    path = tmp_path / 'document.pdf'
    path.write_bytes(pdf)
    pages = ['-f', str(page), '-l', str(page)] if page else []
    return subprocess.run(['pdftotext', '-layout', *pages, str(path), '-'], check=True, capture_output=True,
                          text=True).stdout


def page_count(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / 'document.pdf'
    path.write_bytes(pdf)
    info = subprocess.run(['pdfinfo', str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith('Pages:')).split()[1])


async def placed_order(shop: Shop, **fields) -> Order:
    beans, mug = await Product.get(shop_id=shop.id, sku='COF-ESP-1K'), await Product.get(shop_id=shop.id,
                                                                                        sku='MUG-SAG-35')
    form = parse_checkout({'name': 'Zoë Maes', 'email': 'zoe@example.com', 'street': 'Veldstraat 3',
                           'postal_code': '9000', 'city': 'Gent', 'country': 'BE',
                           'lines': [{'product_id': beans.id, 'quantity': 2}, {'product_id': mug.id, 'quantity': 1}],
                           'idempotency_key': 'slip-test-0000000001', **fields})
    placed = await place_order(shop=shop, form=form)
    return await Order.get(id=placed.id).prefetch_related('lines')


def slip_with(count: int, **fields) -> PackingSlip:
    return PackingSlip(**{
        'shop_name': 'Demo Coffee', 'shop_address': 'Kerkstraat 12\n9000 Gent', 'order_code': 'DEMO-1001-XY',
        'order_date': '26 Nov 2026', 'delivery_method': 'Shipping', 'recipient': ('Ann Peeters', 'Veldstraat 3'),
        'lines': tuple(SlipLine(f'SKU-{n:03d}', f'Product {n:03d}', n % 4 + 1) for n in range(1, count + 1)),
        **fields})


async def test_packing_slip_shows_shop_order_address_lines_and_note_but_no_prices(shop, tmp_path):
    await Shop.filter(id=shop.id).update(postal_address='Kerkstraat 12\n9000 Gent\nBelgium')
    shop = await Shop.get(id=shop.id)
    order = await placed_order(shop, note='Please ring twice.\nThe back door is open.')
    pdf = packing_slip_pdf(packing_slip_of(shop, order))
    assert pdf.startswith(b'%PDF')
    text = text_of(pdf, tmp_path)
    for expected in (shop.name, 'Kerkstraat 12', '9000 Gent', 'PACKING SLIP', order.code, 'Zoë Maes',
                     'Veldstraat 3', 'Shipping', order.created_at.strftime('%Y')[:4], 'COF-ESP-1K', 'MUG-SAG-35',
                     'Please ring twice.', 'The back door is open.', 'Thank you for your order', '2 lines, 3 items'):
        assert expected in text, expected
    assert '€' not in text and 'EUR' not in text and '24.95' not in text  # no prices on a slip
    assert page_count(pdf, tmp_path) == 1


async def test_a_pickup_order_shows_the_pickup_address_instead_of_a_shipping_address(shop, tmp_path):
    order = await placed_order(shop, delivery_method='pickup')
    text = text_of(packing_slip_pdf(packing_slip_of(shop, order)), tmp_path)
    assert 'Pickup' in text and 'Picks up the order' in text
    assert 'Veldstraat' not in text


def test_a_120_line_order_flows_onto_several_pages_with_the_header_on_each(tmp_path):
    pdf = packing_slip_pdf(slip_with(120, note='Leave it at the neighbours.'))
    pages = page_count(pdf, tmp_path)
    assert pages >= 3
    everything = text_of(pdf, tmp_path)
    for n in range(1, 121):
        assert f'SKU-{n:03d}' in everything and f'Product {n:03d}' in everything
    for page in range(1, pages + 1):
        text = text_of(pdf, tmp_path, page)
        assert 'DEMO-1001-XY' in text and 'PACKING SLIP' in text and f'Page {page} of {pages}' in text
    assert 'SKU-060' in text_of(pdf, tmp_path, 2) or 'SKU-060' in text_of(pdf, tmp_path, 3)
    assert 'Leave it at the neighbours.' in text_of(pdf, tmp_path, pages)
    assert '120 lines, 300 items' in everything


def test_text_a_customer_typed_never_breaks_the_pdf(tmp_path):
    nasty = 'Emoji 😀 中文 Łódź €5 \x00\x07 tab\there ' + 'x' * 300 + ' \u202eRTL'
    slip = slip_with(3, recipient=(nasty, nasty), note=nasty + '\n' * 40 + nasty, shop_name=nasty,
                     lines=(SlipLine(nasty[:64], nasty[:200], 1),))
    text = text_of(packing_slip_pdf(slip), tmp_path)
    assert 'Emoji' in text and 'Lodz' in text.replace('ó', 'o') and 'EUR5' in text


def test_a_note_of_many_short_lines_is_kept_short_enough_for_a_page(tmp_path):
    pdf = packing_slip_pdf(slip_with(2, note='a\n' * 499 + 'the end'))
    assert page_count(pdf, tmp_path) == 2  # the note moves to its own page, and ends on it
    assert 'the end' in text_of(pdf, tmp_path, 2)


def test_one_page_slip_renders_quickly():
    slip = slip_with(10)
    packing_slip_pdf(slip)  # warm: fonts and the QR code library load once
    started = time.perf_counter()
    packing_slip_pdf(slip)
    assert time.perf_counter() - started < 1.0  # generous: CI machines are shared; bench/documents.py measures


def test_the_qr_code_holds_the_order_code(tmp_path):
    segno = pytest.importorskip('segno')
    path = tmp_path / 'slip.pdf'
    path.write_bytes(packing_slip_pdf(slip_with(1)))
    # the QR code's square, 64 pt wide at 481 pt from the left and 38 pt from the top, at 4 pixels a point
    pgm = subprocess.run(['pdftoppm', '-r', '288', '-gray', '-x', '1924', '-y', '152', '-W', '256', '-H', '256',
                          '-singlefile', str(path)], check=True, capture_output=True).stdout
    header, pixels = pgm.split(b'\n', 3)[:3], pgm.split(b'\n', 3)[3]
    assert header[0] == b'P5' and header[1] == b'256 256'
    expected = segno.make_qr('DEMO-1001-XY', error='m').matrix
    unit = 256 / len(expected)
    seen = [[pixels[int((row + 0.5) * unit) * 256 + int((column + 0.5) * unit)] < 128
             for column in range(len(expected))] for row in range(len(expected))]
    assert seen == [[bool(dark) for dark in row] for row in expected]


def test_us_letter_paper_when_the_shop_prints_on_it(tmp_path):
    path = tmp_path / 'letter.pdf'
    path.write_bytes(packing_slip_pdf(slip_with(120, page_size='Letter')))
    info = subprocess.run(['pdfinfo', str(path)], check=True, capture_output=True, text=True).stdout
    assert '612 x 792 pts (letter)' in info
    assert 'SKU-120' in text_of(path.read_bytes(), tmp_path)


def test_the_slips_of_several_orders_come_in_one_pdf_each_on_its_own_pages(tmp_path):
    slips = [slip_with(3, order_code='DEMO-1001-AA'), slip_with(120, order_code='DEMO-1002-BB')]
    pdf = packing_slips_pdf(slips)
    pages = page_count(pdf, tmp_path)
    assert pages == 1 + page_count(packing_slip_pdf(slips[1]), tmp_path)
    assert 'DEMO-1001-AA' in text_of(pdf, tmp_path, 1) and 'DEMO-1002-BB' not in text_of(pdf, tmp_path, 1)
    assert 'DEMO-1002-BB' in text_of(pdf, tmp_path, 2) and 'Page 1 of' in text_of(pdf, tmp_path, 2)
