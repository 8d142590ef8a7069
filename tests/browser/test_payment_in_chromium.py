"""The demo provider end to end in real Chromium: checkout -> provider page -> Cancel -> try again -> Pay."""

import pytest
from nicegui.testing import Screen

from domain.catalogue import default_shop
from domain.models import Order
from domain.payment_settings import PaymentOptions, update_payment_methods
from tests.browser.sync_db import run_query
from tests.browser.test_checkout_in_chromium import add_to_cart, field


@pytest.fixture
def base_url(monkeypatch):
    """Links (the provider's page, the way back) must name the test server, not the default port."""
    monkeypatch.setenv('ORDERLY_BASE_URL', f'http://localhost:{Screen.PORT}')


async def online_payment() -> None:
    shop = await default_shop()
    await update_payment_methods(shop_id=shop.id, actor='owner@x', options=PaymentOptions(online=True))


def test_customer_cancels_at_the_provider_then_pays(base_url, laptop):
    screen = laptop
    screen.open('/')
    run_query(online_payment)
    screen.should_contain('Paper filters (100)')
    add_to_cart(screen, 'Paper filters (100)')
    screen.should_contain('Added Paper filters (100) to your cart.')
    screen.open('/checkout')
    screen.should_contain('Pay online now')
    for label, value in {'Name': 'Ann Peeters', 'E-mail': 'ann@example.com', 'Street and number': 'Kerkstraat 1',
                         'Postal code': '9000', 'City': 'Gent'}.items():
        field(screen, label).send_keys(value)
    screen.click('Place order')
    screen.should_contain('Demo payment provider · no real money')
    code = run_query(lambda: Order.get().values_list('code', flat=True))
    screen.should_contain(f'Order {code}')
    screen.click('Cancel')
    screen.should_contain('Your payment was cancelled.')
    screen.click('Try again')
    screen.should_contain('Demo payment provider · no real money')
    screen.click('Pay')
    screen.should_contain('Thank you, Ann Peeters!')
    screen.should_contain('Payment received')
    screen.shot('payment-received-1280', failed=False)
