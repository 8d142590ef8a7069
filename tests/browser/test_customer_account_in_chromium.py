"""The customer account in real Chromium, at laptop and phone width: register, confirm the e-mail, add a guest
order, follow it to "Order shipped" with its tracking link, settings. Screenshots go to screenshots/account-*."""

from selenium.webdriver.common.by import By

from domain.models import Order
from domain.order_changes import StatusUpdate, change_status
from domain.statuses import OrderStatus
from tests.browser.conftest import LAPTOP, PHONE
from tests.browser.sync_db import run_query
from tests.browser.test_checkout_in_chromium import field
from tests.mailed_links import mailed_token
from tests.ui.test_admin_orders import customer_orders

ANN, PASSWORD = 'ann@example.com', 'lantern orchard 42'


def both_widths(screen, name: str) -> None:
    for width, size in (('1280', LAPTOP), ('390', PHONE)):
        screen.selenium.set_window_size(*size)
        screen.wait(0.4)
        screen.shot(f'account-{name}-{width}', failed=False)
    screen.selenium.set_window_size(*LAPTOP)


async def _ship(code: str) -> None:
    order = await Order.get(code=code)
    await change_status(shop_id=order.shop_id, order_id=order.id, expected_version=order.version,
                        update=StatusUpdate(OrderStatus.SHIPPED, reference='1Z999AA10123456784'), actor='owner')


def test_customer_registers_adds_a_guest_order_and_follows_it_to_shipped(laptop):
    screen = laptop
    screen.open('/account/register')  # starts the app
    screen.should_contain('Create my account')
    code = run_query(customer_orders)
    both_widths(screen, 'register')
    for label, value in {'Name': 'Ann Peeters', 'E-mail': ANN, 'Password': 'short'}.items():
        field(screen, label).send_keys(value)
    screen.click('Create my account')
    screen.should_contain('Please choose a password of at least 10 characters.')
    field(screen, 'Password').send_keys(' and longer now')
    screen.click('Create my account')
    screen.should_contain('Please confirm your e-mail address')
    both_widths(screen, 'unverified')

    token = run_query(lambda: mailed_token(ANN, 'customer_verification'))
    screen.open(f'/account/verify/{token}')
    screen.should_contain(f'{ANN} is confirmed.')
    screen.open('/account')
    screen.should_contain('We found 1 earlier order placed with your e-mail as a guest.')
    both_widths(screen, 'guest-orders')
    screen.click('Add it to your account')
    screen.should_contain(code)
    both_widths(screen, 'orders')

    run_query(lambda: _ship(code))
    screen.selenium.find_element(By.CSS_SELECTOR, f'a[href="/account/orders/{code}"]').click()
    screen.should_contain('Order shipped')
    link = screen.selenium.find_element(By.CSS_SELECTOR, '.tracking-link')
    assert link.text == 'Track with UPS'
    assert link.get_attribute('href') == 'https://www.ups.com/track?tracknum=1Z999AA10123456784'
    both_widths(screen, 'order')

    screen.open('/account/settings')
    screen.should_contain('Change password')
    both_widths(screen, 'settings')
    screen.click('Sign out')  # a page event: opening /account/logout only asks
    screen.should_contain('You are signed out')
    screen.open('/account/login')
    screen.should_contain('Forgot your password?')
    both_widths(screen, 'login')
