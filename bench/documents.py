"""Packing slip and invoice PDFs (borb): median ms per document, one page and three pages.

Goals (issue 8): a one-page slip < 25 ms, a one-page invoice < 30 ms.
    python bench/documents.py [repeats]
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import integrations.pdf  # noqa: F401  (opts out of borb's usage statistics before any PDF)
from integrations.pdf.invoice import InvoiceDocument, invoice_pdf
from integrations.pdf.packing_slip import PackingSlip, SlipLine, packing_slip_pdf


def slip(lines: int) -> PackingSlip:
    return PackingSlip(shop_name='Demo Coffee Roasters', shop_address='Kerkstraat 12\n9000 Gent\nBelgium',
                       order_code='DEMO-1001-XY', order_date='26 Nov 2026', delivery_method='Shipping',
                       recipient=('Ann Peeters', 'Veldstraat 3', '9000 Gent', 'BE'),
                       lines=tuple(SlipLine(f'SKU-{n:03d}', f'Espresso beans, house blend {n}', n % 4 + 1)
                                   for n in range(lines)), note='Please ring twice.')


def invoice(lines: int) -> InvoiceDocument:
    line = {'sku': 'COF-ESP-1K', 'name': 'Espresso beans 1 kg', 'quantity': 2, 'unit_price_net': '23.54',
            'unit_price_gross': '24.95', 'vat_rate': '6', 'net': '47.08', 'vat': '2.82', 'gross': '49.90'}
    return InvoiceDocument(
        kind='invoice', number='2026-000001', credited_number='', order_code='DEMO-1001-XY',
        issue_date='26 Nov 2026', supply_date='26 Nov 2026', currency='EUR',
        seller={'name': 'Demo Coffee BV', 'address': ['Kerkstraat 12', '9000 Gent'], 'vat_number': 'BE0999999999',
                'iban': 'BE68 5390 0754 7034', 'footer': 'Payable within 14 days.'},
        buyer={'name': 'Ann Peeters', 'address': ['Veldstraat 3', '9000 Gent', 'BE'], 'vat_number': ''},
        lines=(line,) * lines, vat_breakdown=({'rate': '6', 'net': '47.08', 'vat': '2.82', 'gross': '49.90'},),
        net_total='47.08', vat_total='2.82', total='49.90')


def median_ms(make, document, repeats: int) -> float:
    make(document)  # warm up: fonts, the QR code library
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        make(document)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    for name, make, build, one, three in (('packing slip', packing_slip_pdf, slip, 10, 80),
                                          ('invoice', invoice_pdf, invoice, 10, 80)):
        print(f'{name:13} 1 page: {median_ms(make, build(one), repeats):6.1f} ms   '
              f'3 pages: {median_ms(make, build(three), repeats):6.1f} ms')


if __name__ == '__main__':
    main()
