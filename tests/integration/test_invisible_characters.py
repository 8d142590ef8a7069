"""Every place that takes typed text refuses hidden characters with its field's message and changes nothing
(domain/text_rules.py): accounts and their addresses, shop and invoice settings, administrators, notes, references."""

from dataclasses import replace

import pytest

from domain.admins import InvalidAdmin, add_admin, change_own_account, list_admins
from domain.checkout import place_order
from domain.customer_accounts import AccountError, parse_address, register
from domain.customer_settings import update_customers_checkout
from domain.invoice_settings import InvoiceSettingsChanges, update_invoice_settings
from domain.models import AdminUser, Customer, InvoiceSettings, LogEntry, Order, Shop
from domain.order_changes import InvalidReference, StatusUpdate, change_status
from domain.order_notes import InvalidNote, add_note
from domain.shop_settings import InvalidSettings, update_shop
from domain.statuses import OrderStatus
from tests.conftest import ADMIN_EMAIL
from tests.integration.test_place_order import checkout, product
from tests.integration.test_shop_settings import DEMO

HIDDEN = ['\x00', '\u202e', '\u200b', '\x1b']


@pytest.mark.parametrize('hidden', HIDDEN)
@pytest.mark.parametrize('field', ['name', 'email'])
async def test_registration_refuses_hidden_characters_in_the_name_and_e_mail(shop, field, hidden):
    await update_customers_checkout(shop_id=shop.id, customer_accounts='optional', guest_status_link=True,
                                    actor=ADMIN_EMAIL)
    data = {'name': 'Ann Peeters', 'email': 'ann@example.com', 'password': 'lantern orchard 42'}
    data[field] = data[field].replace('n', f'n{hidden}', 1)
    with pytest.raises(AccountError) as refused:
        await register(shop, **data)
    assert f'U+{ord(hidden):04X}' in refused.value.errors[field]
    assert await Customer.all().count() == 0


@pytest.mark.parametrize('field', ['street', 'postal_code', 'city'])
def test_an_account_address_refuses_hidden_characters_per_field(field):
    address = {'street': 'Kerkstraat 1', 'postal_code': '9000', 'city': 'Gent', 'country': 'BE'}
    with pytest.raises(AccountError) as refused:
        parse_address({**address, field: address[field][:2] + '\u2066' + address[field][2:]})
    assert list(refused.value.errors) == [field] and 'U+2066' in refused.value.errors[field]
    assert parse_address({**address, 'city': 'Zürich 🇨🇭'})['city'] == 'Zürich 🇨🇭'


@pytest.mark.parametrize(('field', 'value'), [('name', 'Demo\x00shop'), ('email', 'orders\u200b@demo.example'),
                                              ('postal_address', 'Demo shop\nGrote\u202e Markt 1')])
async def test_shop_settings_refuse_hidden_characters_and_keep_the_lines_of_the_address(shop, field, value):
    with pytest.raises(InvalidSettings) as refused:
        await update_shop(shop_id=shop.id, actor='owner@x', changes=replace(DEMO, **{field: value}))
    assert 'invisible or control character' in refused.value.field_errors[field]
    assert (await Shop.get(id=shop.id)).name == 'Demo shop'
    await update_shop(shop_id=shop.id, actor='owner@x', changes=replace(DEMO, name='Café 東京 ☕'))
    assert (await Shop.get(id=shop.id)).name == 'Café 東京 ☕'


@pytest.mark.parametrize(('field', 'value'), [('legal_name', 'Demo\u202eBV'), ('trade_register', 'RPR\x07'),
                                              ('footer', 'Pay within\x0014 days')])
async def test_invoice_settings_refuse_hidden_characters(shop, field, value):
    changes = InvoiceSettingsChanges(legal_name='Demo BV', vat_number='', trade_register='', iban='',
                                     number_format='{year}-{seq:06d}', credit_note_format='CN-{year}-{seq:06d}',
                                     reset_yearly=False, footer='Payable within 14 days.\nThank you!',
                                     issue_when='manual')
    with pytest.raises(InvalidSettings) as refused:
        await update_invoice_settings(shop_id=shop.id, changes=replace(changes, **{field: value}), actor='o@x')
    assert 'invisible or control character' in refused.value.field_errors[field]
    await update_invoice_settings(shop_id=shop.id, changes=changes, actor='o@x')  # lines in the footer stay
    assert (await InvoiceSettings.get(shop_id=shop.id)).footer == 'Payable within 14 days.\nThank you!'


async def test_administrators_names_and_e_mails_refuse_hidden_characters(shop):
    with pytest.raises(InvalidAdmin, match='U\\+0000') as refused:
        await add_admin(shop=shop, email='clerk\x00@demo-shop.example', password='a long password')
    assert refused.value.field == 'email'
    with pytest.raises(InvalidAdmin, match='U\\+202E') as refused:
        await add_admin(shop=shop, email='clerk@demo-shop.example', password='a long password', name='Clerk\u202e')
    assert refused.value.field == 'name'
    owner = await AdminUser.get(email=ADMIN_EMAIL)
    with pytest.raises(InvalidAdmin, match='U\\+200B'):
        await change_own_account(shop_id=shop.id, admin_id=owner.id, name='Own\u200ber', email=ADMIN_EMAIL)
    assert len(await list_admins(shop.id)) == 1 and (await AdminUser.get(id=owner.id)).name == owner.name


async def test_notes_and_references_refuse_hidden_characters_but_notes_keep_their_lines(shop):
    order = await place_order(shop=shop, form=checkout(((await product(shop, 'FLT-100')).id, 1)))
    with pytest.raises(InvalidNote, match='U\\+0000'):
        await add_note(shop_id=shop.id, order_id=order.id, text='Called\x00', actor='o@x')
    await add_note(shop_id=shop.id, order_id=order.id, text='Called:\nwants gift wrap', actor='o@x')
    assert await LogEntry.filter(kind='order.note').count() == 1
    with pytest.raises(InvalidReference, match='U\\+202E'):
        await change_status(shop_id=shop.id, order_id=order.id, expected_version=1, actor='o@x',
                            update=StatusUpdate(OrderStatus.SHIPPED, reference='1Z\u202e999'))
    stored = await Order.get(id=order.id)
    assert (stored.status, stored.reference, stored.version) == (OrderStatus.ORDER_RECEIVED, '', 1)
