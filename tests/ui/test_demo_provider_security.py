"""The built-in demo provider is no way in (issue 15): it exists only where the owner chose it, answers only the
shop's own random key, creates payments only for the open amounts of the shop's own orders, and never sends a
customer anywhere but the shop's own origin."""

import secrets
import sys
from decimal import Decimal

import pytest
from nicegui import ui
from nicegui.testing import User

from domain.catalogue import default_shop
from domain.checkout import place_order
from domain.models import Order, Product, Shop
from domain.payment_settings import PaymentOptions, demo_api_key, update_payment_methods
from domain.schemas import parse_checkout
from domain.statuses import OrderStatus

API = '/pay/demo-api/v2/payments'
BASE = 'http://127.0.0.1:8080'  # ORDERLY_BASE_URL's default in the tests: the shop's own origin
OLD_PUBLIC_KEY = 'test_orderly_demo'


def demo():
    """The demo module of the app as composed for this test (NiceGUI runs main.py afresh for each one)."""
    return sys.modules['integrations.payments.demo']


async def choose(shop: Shop, **options) -> None:
    await update_payment_methods(shop_id=shop.id, actor='owner@x', options=PaymentOptions(**options))


async def an_order(shop: Shop) -> Order:
    product = await Product.filter(shop_id=shop.id).first()
    form = parse_checkout({'name': 'Ann Peeters', 'email': 'ann@example.com', 'street': 'Kerkstraat 1',
                           'postal_code': '9000', 'city': 'Gent',
                           'lines': [{'product_id': product.id, 'quantity': 1}],
                           'idempotency_key': secrets.token_urlsafe(18)})
    placed = await place_order(shop=shop, form=form, initial_status=OrderStatus.AWAITING_PAYMENT)
    return await Order.get(id=placed.id)


def body(order: Order, **changes) -> dict:
    return {'amount': {'currency': order.currency, 'value': f'{order.total:.2f}'}, 'description': 'Order',
            'redirectUrl': f'{BASE}/order/{order.token}', 'webhookUrl': f'{BASE}/payments/webhook/demo',
            'metadata': {'order_code': order.code}, **changes}


async def create(user: User, key: str, payload: dict):
    return await user.http_client.post(API, json=payload, headers={'Authorization': f'Bearer {key}'.encode()})


@pytest.mark.parametrize('options', [{}, {'online': False, 'provider': 'demo', 'bank_transfer': False},
                                     {'online': True, 'provider': 'mollie'}])
async def test_demo_api_and_page_are_not_found_when_the_owner_did_not_choose_the_demo(user: User, options):
    await user.open('/')
    shop = await default_shop()
    if options:
        await choose(shop, **options)
    order = await an_order(shop)
    for key in (OLD_PUBLIC_KEY, 'test_' + 'x' * 20):
        assert (await create(user, key, body(order))).status_code == 404
    assert (await user.http_client.get(f'{API}/tr_anything')).status_code == 404
    assert (await user.http_client.get('/pay/demo/tr_anything')).status_code == 404
    assert (await user.http_client.get('/pay/demo-api/checkout/tr_anything')).status_code == 404
    assert not demo()._current['standin'].payments


async def test_demo_api_refuses_the_old_public_key_and_any_key_but_the_shops_own(user: User):
    await user.open('/')
    shop = await default_shop()
    await choose(shop, online=True, provider='demo')
    order = await an_order(shop)
    key = await demo_api_key(shop.id)
    assert key and key != OLD_PUBLIC_KEY and len(key) >= 64 and key == await demo_api_key(shop.id)
    other = await Shop.create(name='Other shop', code_prefix='OTHR')
    await choose(other, online=True, provider='demo')
    assert await demo_api_key(other.id) not in (None, key)  # each shop its own
    wrong = key[:-1] + ('0' if key[-1] != '0' else '1')
    for refused in (OLD_PUBLIC_KEY, wrong, key.upper(), key + '0', f'test_{shop.id}_', 'tëst_ünïcode', ''):
        answer = await create(user, refused, body(order))
        assert answer.status_code == 401, refused
        assert (await user.http_client.get(f'{API}/tr_x', headers={'Authorization': f'Bearer {refused}'.encode()})) \
            .status_code == 401
    assert not demo()._current['standin'].payments
    assert (await create(user, key, body(order))).status_code == 201  # the shop's own key, its own order


async def test_demo_api_creates_payments_only_for_the_open_amount_of_the_shops_own_orders(user: User):
    await user.open('/')
    shop = await default_shop()
    await choose(shop, online=True, provider='demo')
    order = await an_order(shop)
    other = await Shop.create(name='Other shop', code_prefix='OTHR')
    await Product.create(shop=other, sku='X-1', name='Other thing', price=Decimal('5.00'), vat_rate=Decimal('21'),
                         stock=10)
    await choose(other, online=True, provider='demo')
    other_order = await an_order(other)
    key, other_key = await demo_api_key(shop.id), await demo_api_key(other.id)
    for refused in (
        body(other_order),  # another shop's order with this shop's key
        body(order, amount={'currency': order.currency, 'value': '0.01'}),  # not the open amount
        body(order, amount={'currency': order.currency, 'value': f'{order.total + 1:.2f}'}),
        body(order, amount={'currency': 'USD', 'value': f'{order.total:.2f}'}),
        body(order, metadata={'order_code': 'DEMO-9999-ZZ'}),  # no such order
        body(order, metadata=None), body(order, metadata={'order_code': ['x']}), body(order, metadata='x'),
    ):
        answer = await create(user, key, refused)
        assert answer.status_code == 422, refused
        assert answer.json()['title'] == 'Unprocessable Entity'
    assert (await create(user, other_key, body(order))).status_code == 422  # and the other way round
    await Order.filter(id=order.id).update(status=OrderStatus.SHIPPED)  # nothing left to pay
    assert (await create(user, key, body(order))).status_code == 422
    assert not demo()._current['standin'].payments

    created = await create(user, other_key, body(other_order, redirectUrl=f'{BASE}/order/{other_order.token}'))
    assert created.status_code == 201
    payment_id = created.json()['id']
    assert (await user.http_client.get(f'{API}/{payment_id}', headers={'Authorization': f'Bearer {key}'})) \
        .status_code == 404  # one shop cannot read another's payments
    assert (await user.http_client.get(f'{API}/{payment_id}', headers={'Authorization': f'Bearer {other_key}'})) \
        .status_code == 200


@pytest.mark.parametrize('target', [
    'javascript:alert(document.domain)', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)', 'java\nscript:alert(1)',
    'data:text/html,<script>alert(1)</script>', 'https://evil.example/order', '//evil.example/',
    f'{BASE}@evil.example/', 'http://127.0.0.1:8081/order', 'https://127.0.0.1:8080/order', '/\\evil.example',
])
async def test_demo_api_refuses_redirects_that_leave_the_shop(user: User, target):
    await user.open('/')
    shop = await default_shop()
    await choose(shop, online=True, provider='demo')
    order = await an_order(shop)
    key = await demo_api_key(shop.id)
    answer = await create(user, key, body(order, redirectUrl=target))
    assert answer.status_code == 422 and answer.json()['field'] == 'redirectUrl'
    answer = await create(user, key, body(order, webhookUrl=target))  # in-process calls: our own webhook only
    assert answer.status_code == 422 and answer.json()['field'] == 'webhookUrl'
    assert (await create(user, key, body(order, webhookUrl=f'{BASE}/api/v1/orders'))).status_code == 422
    assert not demo()._current['standin'].payments


async def stored_payment(user: User, redirect_url: str, status: str = 'open') -> str:
    """A payment whose redirect URL got into the stand-in's memory anyhow (the API refuses to take one)."""
    shop = await default_shop()
    await choose(shop, online=True, provider='demo')
    order = await an_order(shop)
    created = await create(user, await demo_api_key(shop.id), body(order))
    assert created.status_code == 201
    payment = demo()._current['standin'].payments[created.json()['id']]
    payment.redirect_url, payment.status = redirect_url, status
    return payment.id


@pytest.mark.parametrize('target', ['javascript:alert(document.domain)', 'https://evil.example/phish'])
async def test_demo_page_never_sends_the_customer_to_a_stored_foreign_redirect(user: User, target):
    await user.open('/')
    payment_id = await stored_payment(user, target)
    await user.open(f'/pay/demo/{payment_id}')
    user.find(marker='demo-pay').click()
    await user.should_see('Paper filters (100)', retries=30)  # the shop's home page instead
    assert user.back_history[-1] == f'{BASE}/'
    assert target not in user.back_history


async def test_demo_page_links_back_only_to_the_shop(user: User):
    await user.open('/')
    payment_id = await stored_payment(user, 'javascript:alert(document.domain)', status='paid')
    await user.open(f'/pay/demo/{payment_id}')
    await user.should_see('This payment is paid.')
    links = [element for element in user.find(marker='demo-back').elements if isinstance(element, ui.link)]
    assert [link.props['href'] for link in links] == [f'{BASE}/']


async def test_demo_checkout_form_of_the_standin_redirects_only_to_the_shop(user: User):
    await user.open('/')
    payment_id = await stored_payment(user, 'javascript:alert(document.domain)')
    answer = await user.http_client.post(f'/pay/demo-api/checkout/{payment_id}', data={'action': 'paid'})
    assert answer.status_code == 200 and 'location' not in answer.headers
