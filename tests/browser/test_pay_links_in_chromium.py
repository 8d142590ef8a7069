"""The order page's payment card in real Chromium, at 1280 and 390 px: in the demo shop as installed (no online
payment: how to pay, no pay button, no link to /pay) and with the demo provider chosen (the mail's pay link leads
to the provider's page for the open amount, and paying there settles the order)."""

import email
import email.policy
import re
import time

import pytest
from nicegui.testing import Screen
from selenium.webdriver.common.by import By

from domain.catalogue import default_shop
from domain.models import MailboxMail, Order
from domain.payment_settings import PaymentOptions, update_payment_methods
from domain.statuses import OrderStatus
from tests.browser.conftest import LAPTOP, PHONE
from tests.browser.sync_db import run_query
from tests.browser.test_checkout_in_chromium import add_to_cart, field

IBAN = 'BE68 5390 0754 7034'


@pytest.fixture
def base_url(monkeypatch):
    """The mail's links must name the test server, not the default port."""
    monkeypatch.setenv('ORDERLY_BASE_URL', f'http://localhost:{Screen.PORT}')


def place_shipping_order(screen: Screen) -> None:
    screen.should_contain('Paper filters (100)')
    add_to_cart(screen, 'Paper filters (100)')
    screen.should_contain('Added Paper filters (100) to your cart.')
    screen.open('/checkout')
    for label, value in {'Name': 'Ann Peeters', 'E-mail': 'ann@example.com', 'Street and number': 'Kerkstraat 1',
                         'Postal code': '9000', 'City': 'Gent'}.items():
        field(screen, label).send_keys(value)


def confirmation_html(code: str) -> str:
    async def kept() -> MailboxMail | None:
        return await MailboxMail.get_or_none(recipient='ann@example.com', order_code=code)
    for _ in range(100):
        if mail := run_query(kept):
            return email.message_from_string(mail.source, policy=email.policy.default).get_body(('html',)) \
                .get_content()
        time.sleep(0.05)
    raise AssertionError('no confirmation in the Mailbox')


def shots(screen: Screen, name: str) -> None:
    """The payment card in view, on a laptop and on a phone."""
    for width, size in (('1280', LAPTOP), ('390', PHONE)):
        screen.selenium.set_window_size(*size)
        screen.wait(0.5)
        panel = screen.selenium.find_element(By.XPATH, '//div[text()="Payment"]')
        screen.selenium.execute_script('arguments[0].scrollIntoView({block: "start"})', panel)
        screen.shot(f'{name}-{width}', failed=False)
    screen.selenium.set_window_size(*LAPTOP)


def hrefs(screen: Screen) -> list[str]:
    return [link.get_attribute('href') or '' for link in screen.selenium.find_elements(By.TAG_NAME, 'a')]


def test_demo_shop_as_installed_says_how_to_pay_without_a_pay_link(base_url, laptop):
    screen = laptop
    screen.open('/')
    place_shipping_order(screen)
    screen.click('Place order')
    screen.should_contain('Thank you, Ann Peeters!')
    screen.should_contain('Still to pay: € 13.90')
    screen.should_contain('The shop will tell you how to pay.')
    screen.should_not_contain('Pay now')
    assert not [href for href in hrefs(screen) if href.endswith('/pay')]
    code = run_query(lambda: Order.get().values_list('code', flat=True))
    assert '/pay' not in confirmation_html(code)
    shots(screen, 'pay-demo-as-installed')


def test_with_the_demo_provider_the_mails_pay_link_takes_the_open_amount(base_url, laptop):
    screen = laptop
    screen.open('/')

    async def online_and_transfer() -> None:
        shop = await default_shop()
        await update_payment_methods(shop_id=shop.id, actor='owner@x', options=PaymentOptions(
            online=True, bank_transfer=True, iban=IBAN))
    run_query(online_and_transfer)
    place_shipping_order(screen)
    screen.click('Bank transfer')  # to pay later: the order page then offers both ways
    screen.click('Place order')
    screen.should_contain('Thank you, Ann Peeters!')
    screen.should_contain('Pay now')
    screen.should_contain(IBAN)
    shots(screen, 'pay-demo-provider')
    order = run_query(lambda: Order.get())
    html = confirmation_html(order.code)
    [link] = set(re.findall(r'href="([^"]+/pay)"', html))
    assert link == f'http://localhost:{Screen.PORT}/order/{order.token}/pay'
    screen.selenium.get(link)  # followed from the mail: the provider's page for the open amount
    screen.should_contain('Demo payment provider · no real money')
    screen.should_contain('EUR 13.90')
    screen.click('Pay')
    screen.should_contain('Thank you, Ann Peeters!')
    screen.should_contain('Payment received')
    assert run_query(lambda: Order.get()).status is OrderStatus.PAYMENT_RECEIVED
    screen.should_not_contain('Still to pay')
