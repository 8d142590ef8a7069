"""What mails and documents print about addresses and the seller: country names instead of ISO codes, the shop's
name once in the sender line, and one IBAN for bank transfers and invoices."""

import shutil

import pytest

from domain.invoice_settings import InvoiceSettingsChanges, update_invoice_settings
from domain.invoices import issue_invoice
from domain.models import Order, Shop
from domain.payment_settings import PaymentOptions, payment_options, update_payment_methods
from domain.shop_settings import InvalidSettings
from integrations.pdf.invoice import invoice_pdf_of
from integrations.pdf.packing_slip import packing_slip_of, packing_slip_pdf
from tests.integration.test_invoices import NOW, order_with_two_rates
from tests.integration.test_order_mails import CUSTOMER, parts, place
from tests.integration.test_packing_slip import placed_order, text_of

needs_pdftotext = pytest.mark.skipif(shutil.which('pdftotext') is None, reason='needs pdftotext (poppler-utils)')
IBAN = 'BE68 5390 0754 7034'


def invoice_changes(**fields) -> InvoiceSettingsChanges:
    return InvoiceSettingsChanges(**{
        'legal_name': '', 'vat_number': 'BE0999999999', 'trade_register': '', 'iban': '',
        'number_format': '{year}-{seq:06d}', 'credit_note_format': 'CN-{year}-{seq:06d}', 'reset_yearly': True,
        'footer': '', 'issue_when': 'manual', **fields})


async def typed_with_its_name(shop: Shop) -> Shop:
    """The postal address as merchants often type it (and the demo shop once had it): the name first."""
    await Shop.filter(id=shop.id).update(postal_address='Demo shop\nGrote Markt 1\n1000 Brussels\nBelgium')
    return await Shop.get(id=shop.id)


async def test_the_demo_shops_postal_address_does_not_repeat_its_name(shop):
    assert not shop.postal_address.startswith(shop.name)


async def test_the_confirmation_mail_names_the_country(shop, catcher, dispatcher):
    await place(shop, ('COF-ESP-1K', 1), country='BE')
    await dispatcher.deliver_due()
    [mail] = catcher.to(CUSTOMER)
    for part in parts(mail):
        assert 'Belgium' in part
        assert '\n  BE\n' not in part and '<br>BE<' not in part


@needs_pdftotext
async def test_the_packing_slip_names_the_country_and_the_shop_once(shop, tmp_path):
    shop = await typed_with_its_name(shop)
    order = await placed_order(shop)
    text = text_of(packing_slip_pdf(packing_slip_of(shop, order)), tmp_path)
    assert 'Belgium' in text.split('Zoë Maes', 1)[1]  # the recipient's country
    assert 'Demo shop · Demo shop' not in text
    assert 'Demo shop · Grote Markt 1' in text


@needs_pdftotext
async def test_the_invoice_names_the_buyers_country_and_the_seller_once(shop, tmp_path):
    shop = await typed_with_its_name(shop)
    order = await order_with_two_rates(shop)
    invoice = await issue_invoice(shop_id=shop.id, order_id=order.id, actor='owner@x', now=NOW)
    assert invoice.seller['address'] == ['Grote Markt 1', '1000 Brussels', 'Belgium']
    assert invoice.buyer['address'][-1] == 'Belgium'
    text = text_of(await invoice_pdf_of(invoice), tmp_path)
    assert 'Belgium' in text.split('Ann Peeters', 1)[1]
    assert 'Demo shop · Demo shop' not in text


async def test_the_iban_for_bank_transfers_is_the_iban_on_invoices(shop):
    await update_payment_methods(shop_id=shop.id, actor='owner@x',
                                 options=PaymentOptions(pay_on_pickup=True, bank_transfer=True, iban=IBAN))
    order = await order_with_two_rates(shop)
    invoice = await issue_invoice(shop_id=shop.id, order_id=order.id, actor='owner@x', now=NOW)
    assert invoice.seller['iban'] == IBAN


async def test_an_iban_saved_in_invoice_settings_is_the_one_customers_transfer_to(shop):
    await update_payment_methods(shop_id=shop.id, actor='owner@x',
                                 options=PaymentOptions(pay_on_pickup=True, bank_transfer=True, iban=IBAN))
    await update_invoice_settings(shop_id=shop.id, actor='owner@x', changes=invoice_changes(iban='NL91ABNA0417164300'))
    assert (await payment_options(shop.id)).iban == 'NL91ABNA0417164300'


async def test_an_invalid_iban_in_invoice_settings_changes_nothing(shop):
    await update_payment_methods(shop_id=shop.id, actor='owner@x',
                                 options=PaymentOptions(pay_on_pickup=True, bank_transfer=True, iban=IBAN))
    with pytest.raises(InvalidSettings) as refused:
        await update_invoice_settings(shop_id=shop.id, actor='owner@x', changes=invoice_changes(iban='BE00 0000'))
    assert 'iban' in refused.value.field_errors
    assert (await payment_options(shop.id)).iban == IBAN.replace(' ', '')


async def test_bank_transfer_keeps_its_iban_when_invoice_settings_would_empty_it(shop):
    await update_payment_methods(shop_id=shop.id, actor='owner@x',
                                 options=PaymentOptions(pay_on_pickup=True, bank_transfer=True, iban=IBAN))
    with pytest.raises(InvalidSettings) as refused:
        await update_invoice_settings(shop_id=shop.id, actor='owner@x', changes=invoice_changes(iban=''))
    assert 'bank transfer' in refused.value.field_errors['iban'].lower()


async def test_orders_keep_their_country_code(shop):
    placed = await place(shop, ('COF-ESP-1K', 1), country='BE')
    assert (await Order.get(id=placed.id)).country == 'BE'  # the name is for people; the data stays a code
    assert (await Shop.get(id=shop.id)).name == 'Demo shop'
