"""The invoice PDF carries what an EU invoice needs, read back with pdftotext."""

import re
import shutil

import pytest

from domain.invoices import issue_credit_note, issue_invoice
from domain.models import Invoice, InvoiceSettings, PaymentSettings, Shop
from integrations.pdf.invoice import invoice_document, invoice_pdf, invoice_pdf_of
from tests.integration.test_invoices import NOW, order_with_two_rates
from tests.integration.test_order_export import add_order
from tests.integration.test_packing_slip import page_count, text_of

pytestmark = pytest.mark.skipif(shutil.which('pdftotext') is None, reason='needs pdftotext (poppler-utils)')


async def invoicing_shop(shop: Shop) -> Shop:
    await Shop.filter(id=shop.id).update(postal_address='Kerkstraat 12\n9000 Gent\nBelgium')
    await InvoiceSettings.create(shop_id=shop.id, legal_name='Demo Coffee BV', vat_number='BE0999999999',
                                 trade_register='RPR Gent 0999.999.999', footer='Payable within 14 days.')
    await PaymentSettings.create(shop_id=shop.id, iban='BE68539007547034')  # the shop's one IBAN
    return await Shop.get(id=shop.id)


async def test_the_invoice_pdf_has_every_field_an_eu_invoice_needs(shop, tmp_path):
    shop = await invoicing_shop(shop)
    order = await order_with_two_rates(shop)
    invoice = await issue_invoice(shop_id=shop.id, order_id=order.id, actor='owner@x', now=NOW)
    pdf = await invoice_pdf_of(invoice)
    assert (await Invoice.get(id=invoice.id)).pdf == pdf  # stored once issued
    text = text_of(pdf, tmp_path)
    for expected in ('INVOICE', '2026-000001', 'Issue date', 'Supply date', '26 Nov 2026',  # dates and number
                     'Demo Coffee BV', 'Kerkstraat 12', '9000 Gent', 'VAT BE0999999999', 'RPR Gent',  # seller
                     'Ann Peeters', 'Kerkstraat 1', 'VAT BE0123456749',  # buyer
                     'Espresso beans 1 kg (COF-ESP-1K)', 'Mug (MUG-SAG-35)', 'Shipping',  # lines
                     'Unit price excl.', '23.54', '11.98', '5.74', '21 %',
                     '47.08', '2.82', '17.73', '3.72',  # net and VAT per rate
                     'Total excl. VAT', '64.81', '6.54', 'EUR 71.35', 'BE68 5390 0754 7034', 'Payable within 14 days.',
                     order.code):
        assert expected in text, expected
    assert re.search(r'\b6 ?%', text)  # pdftotext may join the rate and its sign


async def test_a_long_invoice_continues_on_further_pages(shop, tmp_path):
    lines = tuple((f'SKU-{n:03d}', f'Product {n:03d}', 1, '1.00', '21.00', '1.00') for n in range(1, 61))
    order = await add_order(shop, lines=lines)
    invoice = await issue_invoice(shop_id=shop.id, order_id=order.id, actor='owner@x', now=NOW)
    pdf = invoice_pdf(invoice_document(invoice))
    pages = page_count(pdf, tmp_path)
    assert pages >= 2
    assert '2026-000001' in text_of(pdf, tmp_path, 2) and 'Page 2 of' in text_of(pdf, tmp_path, 2)
    everything = text_of(pdf, tmp_path)
    assert all(f'SKU-{n:03d}' in everything for n in range(1, 61))
    assert 'Total excl. VAT' in text_of(pdf, tmp_path, pages)


async def test_the_credit_note_pdf_refers_to_the_invoice_with_negative_amounts(shop, tmp_path):
    order = await order_with_two_rates(shop)
    invoice = await issue_invoice(shop_id=shop.id, order_id=order.id, actor='owner@x', now=NOW)
    note = await issue_credit_note(shop_id=shop.id, invoice_id=invoice.id, actor='owner@x', now=NOW)
    text = text_of(await invoice_pdf_of(note), tmp_path)
    for expected in ('CREDIT NOTE', 'CN-2026-000001', 'Cancels invoice', '2026-000001', '-71.35', '-2.82'):
        assert expected in text, expected
