"""The attack of issue 15 in real Chromium: a payment with a `javascript:` redirectUrl, created through the demo
provider's API, then its checkout page and "Pay": no script may run on the shop's origin."""

import sys
import time
from datetime import UTC, datetime

import httpx
import pytest
from nicegui.testing import Screen

from domain.catalogue import default_shop
from domain.payment_settings import PaymentOptions, update_payment_methods
from integrations.payments.mollie_standin import StandInPayment
from tests.browser.sync_db import run_query
from tests.ui.test_demo_provider_security import an_order

PAYLOAD = "javascript:localStorage.setItem('pwned',document.domain);void(0)"
OLD_PUBLIC_KEY = 'test_orderly_demo'


@pytest.fixture
def base_url(monkeypatch):
    monkeypatch.setenv('ORDERLY_BASE_URL', f'http://localhost:{Screen.PORT}')


def choose_demo_and_order():
    async def run():
        shop = await default_shop()
        await update_payment_methods(shop_id=shop.id, actor='owner@x', options=PaymentOptions(online=True))
        return await an_order(shop)
    return run_query(run)


def attack_body(order) -> dict:
    return {'amount': {'currency': 'EUR', 'value': f'{order.total:.2f}'}, 'description': 'Order',
            'redirectUrl': PAYLOAD, 'metadata': {'order_code': order.code}}


def pwned(screen: Screen) -> str | None:
    return screen.selenium.execute_script("return localStorage.getItem('pwned')")


def click_pay_if_offered(screen: Screen) -> None:
    if 'Pay' in screen.selenium.find_element('tag name', 'body').text:
        screen.click('Pay')
        time.sleep(1.5)  # the navigation (or the script) has happened by now


def test_a_payment_with_a_javascript_redirect_runs_no_script_on_the_shop(base_url, laptop):
    screen = laptop
    screen.open('/', timeout=20)  # the server may take a while to start on a busy machine
    order = choose_demo_and_order()
    screen.selenium.execute_script("localStorage.removeItem('pwned')")
    # the attacker's request, from outside, with the key that used to be public
    created = httpx.post(f'{screen.url}/pay/demo-api/v2/payments', json=attack_body(order),
                         headers={'Authorization': f'Bearer {OLD_PUBLIC_KEY}'})
    payment_id = created.json().get('id', 'tr_refused') if created.status_code == 201 else 'tr_refused'
    screen.open(f'/pay/demo/{payment_id}')
    click_pay_if_offered(screen)
    assert pwned(screen) is None
    assert created.status_code == 401


def test_a_stored_javascript_redirect_is_never_followed_by_pay(base_url, laptop):
    screen = laptop
    screen.open('/', timeout=20)  # the server may take a while to start on a busy machine
    order = choose_demo_and_order()
    screen.selenium.execute_script("localStorage.removeItem('pwned')")
    standin = sys.modules['integrations.payments.demo']._current['standin']
    created = stored_payment(standin, order, PAYLOAD)
    screen.open(f'/pay/demo/{created}')
    screen.should_contain('Demo payment provider · no real money')
    screen.click('Pay')
    screen.should_contain('Paper filters (100)')  # the shop's home page instead
    assert pwned(screen) is None
    assert screen.selenium.current_url == f'http://localhost:{Screen.PORT}/'


def stored_payment(standin, order, redirect_url: str) -> str:
    """A payment in the demo provider's memory that wants to send the customer to `redirect_url`, however it got
    there (its API refuses to take one)."""
    payment = StandInPayment(id='tr_stored1234', amount={'currency': 'EUR', 'value': f'{order.total:.2f}'},
                             description=f'Order {order.code}', redirect_url=redirect_url, webhook_url='',
                             metadata={'order_code': order.code}, created_at=datetime.now(UTC))
    payment.account = order.shop_id  # the shop it belongs to
    standin.payments[payment.id] = payment
    return payment.id
