"""A pay link only where it leads to a page that takes the open amount; otherwise how to pay. The confirmation mail
as a real SMTP server receives it and the REST API's order say the same (domain/payment_guidance.py)."""

import re

import httpx
import pytest
from fastapi import FastAPI

from domain.api_keys import create_api_key
from domain.checkout import place_order
from domain.models import ApiKeyAccess, Order
from domain.payment_settings import PaymentOptions, update_payment_methods
from domain.schemas import DeliveryMethod
from domain.statuses import OrderStatus
from integrations.api import mount_api
from tests.conftest import ADMIN_EMAIL
from tests.integration.conftest import BASE_URL
from tests.integration.test_order_mails import parts
from tests.integration.test_place_order import checkout, product

CUSTOMER = 'ann@example.com'
IBAN = 'BE68 5390 0754 7034'


async def shipping_order(shop, status: OrderStatus = OrderStatus.ORDER_RECEIVED, **fields):
    """One packet of filters (€ 6.95 + € 6.95 shipping), placed in the status the checkout gives it."""
    filters = await product(shop, 'FLT-100')
    return await place_order(shop=shop, form=checkout((filters.id, 1), **fields), initial_status=status)


def confirmation(catcher) -> tuple[str, str]:
    [mail] = catcher.to(CUSTOMER)
    return parts(mail)


def pay_links(text: str, html: str) -> list[str]:
    return [link for link in re.findall(r'href="([^"]+)"', html) + re.findall(r'https?://\S+', text)
            if '/pay' in link]


async def test_demo_shop_as_installed_mails_no_pay_link_for_a_shipping_order(shop, catcher, dispatcher):
    placed = await shipping_order(shop)
    await dispatcher.deliver_due()
    text, html = confirmation(catcher)
    assert pay_links(text, html) == []
    assert 'still pay' not in text and 'still pay' not in html
    for part in (text, html):  # no IBAN, no online payment: the shop says how, and the customer is told so
        assert 'Still to pay: € 13.90' in part and 'The shop will tell you how to pay.' in part
    assert (await Order.get(id=placed.id)).status is OrderStatus.ORDER_RECEIVED


async def test_bank_transfer_mails_the_details_and_no_pay_link(shop, catcher, dispatcher):
    await update_payment_methods(shop_id=shop.id, actor=ADMIN_EMAIL, options=PaymentOptions(
        bank_transfer=True, iban=IBAN))
    placed = await shipping_order(shop, OrderStatus.AWAITING_PAYMENT)
    await dispatcher.deliver_due()
    text, html = confirmation(catcher)
    assert pay_links(text, html) == []
    assert f'IBAN: {IBAN}\nIn the name of: Demo shop\nReference: {placed.code}\n' in text
    assert 'Please transfer € 13.90 to:' in text
    for expected in (IBAN, 'Demo shop', placed.code, 'Please transfer € 13.90 to:'):
        assert expected in html


async def test_a_parcel_without_a_payment_method_is_paid_to_the_shops_iban(shop, catcher, dispatcher):
    # bank transfer is not offered at the checkout, but the shop has its IBAN (the one on its invoices)
    await update_payment_methods(shop_id=shop.id, actor=ADMIN_EMAIL, options=PaymentOptions(iban=IBAN))
    await shipping_order(shop)
    await dispatcher.deliver_due()
    text, html = confirmation(catcher)
    assert pay_links(text, html) == [] and f'IBAN: {IBAN}' in text


async def test_the_demo_provider_chosen_the_mail_links_to_the_pay_page(shop, catcher, dispatcher):
    await update_payment_methods(shop_id=shop.id, actor=ADMIN_EMAIL, options=PaymentOptions(
        online=True, bank_transfer=True, iban=IBAN))
    placed = await shipping_order(shop, OrderStatus.AWAITING_PAYMENT)
    await dispatcher.deliver_due()
    text, html = confirmation(catcher)
    pay_link = f'{BASE_URL}/order/{placed.token}/pay'
    assert pay_link in html and f'Pay for your order: {pay_link}\n' in text
    assert 'Or transfer € 13.90 to:' in text  # the other way stays


async def test_mollie_without_an_api_key_gets_no_pay_link(shop, catcher, dispatcher):
    await update_payment_methods(shop_id=shop.id, actor=ADMIN_EMAIL, options=PaymentOptions(
        online=True, provider='mollie'))  # this installation has no Mollie key: no provider can take it
    await shipping_order(shop, OrderStatus.AWAITING_PAYMENT)
    await dispatcher.deliver_due()
    text, html = confirmation(catcher)
    assert pay_links(text, html) == [] and 'The shop will tell you how to pay.' in text


async def test_a_pickup_order_is_paid_at_the_pickup(shop, catcher, dispatcher):
    await shipping_order(shop, delivery_method=DeliveryMethod.PICKUP.value)
    await dispatcher.deliver_due()
    text, html = confirmation(catcher)
    assert pay_links(text, html) == [] and 'You pay when you pick up your order.' in text


# ---- the REST API


@pytest.fixture
async def api(shop) -> tuple[httpx.AsyncClient, dict]:
    app = FastAPI()
    mount_api(app, base_url=BASE_URL)
    new = await create_api_key(shop_id=shop.id, label='Till', access=ApiKeyAccess.READ, actor=ADMIN_EMAIL)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url='http://test/api/v1') as client:
        yield client, {'Authorization': f'Bearer {new.secret}'}


async def test_api_order_of_the_demo_shop_as_installed_has_no_pay_url(shop, api):
    client, headers = api
    placed = await shipping_order(shop)
    payment = (await client.get(f'/orders/{placed.code}', headers=headers)).json()['payment']
    assert payment['payment_url'] is None
    assert payment['open_amount'] == '13.90'
    assert payment['payment_instructions'] == 'The shop will tell you how to pay € 13.90.'


async def test_api_order_says_how_to_transfer_and_links_only_a_working_pay_page(shop, api):
    client, headers = api
    await update_payment_methods(shop_id=shop.id, actor=ADMIN_EMAIL, options=PaymentOptions(
        bank_transfer=True, iban=IBAN))
    placed = await shipping_order(shop, OrderStatus.AWAITING_PAYMENT)
    payment = (await client.get(f'/orders/{placed.code}', headers=headers)).json()['payment']
    assert payment['payment_url'] is None
    assert payment['bank_transfer'] == {'iban': IBAN, 'beneficiary': 'Demo shop', 'reference': placed.code,
                                        'amount': '13.90'}
    assert payment['payment_instructions'] == f'Transfer € 13.90 to {IBAN} (Demo shop) with the reference ' \
                                              f'{placed.code}.'
    await update_payment_methods(shop_id=shop.id, actor=ADMIN_EMAIL, options=PaymentOptions(
        online=True, bank_transfer=True, iban=IBAN))
    payment = (await client.get(f'/orders/{placed.code}', headers=headers)).json()['payment']
    assert payment['payment_url'] == f'{BASE_URL}/order/{placed.token}/pay'
    await Order.filter(id=placed.id).update(status=OrderStatus.SHIPPED)  # past paying: nothing to pay
    payment = (await client.get(f'/orders/{placed.code}', headers=headers)).json()['payment']
    assert payment == {'open_amount': '0.00', 'payment_url': None, 'payment_instructions': '',
                       'bank_transfer': None, 'pay_on_pickup': False}
