"""Customers in real Chromium: register, confirm the e-mail from the mail's link, order, follow the order in the
account while the merchant ships it; and the checkout per Settings > Customers checkout, at 1280 and 390 px."""

import re
import time
from urllib.parse import urlsplit

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By

from domain.catalogue import default_shop
from domain.customer_settings import update_customers_checkout
from domain.mailbox import kept_mail
from domain.models import Customer, MailboxMail, Order
from tests.browser.conftest import LAPTOP, PHONE
from tests.browser.sync_db import run_query
from tests.browser.test_checkout_in_chromium import add_to_cart, field
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD

PASSWORD = 'three green teapots'


def kept_mails(recipient: str, subject_part: str, *, timeout: float = 20) -> list[str]:
    """The HTML of the mails kept for `recipient` whose subject has `subject_part`, once the dispatcher kept one."""
    async def query() -> list[str]:
        shop = await default_shop()
        rows = await MailboxMail.filter(recipient=recipient, subject__icontains=subject_part).order_by('id')
        return [(await kept_mail(shop.id, row.id)).html for row in rows]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if mails := run_query(query):
            return mails
        time.sleep(0.3)
    raise AssertionError(f'no mail "{subject_part}" for {recipient} within {timeout} s')


def start(screen, path: str) -> None:
    """The first `open` starts the server: on a busy machine that takes longer than Screen's 3 s."""
    screen.open(path, timeout=20)


def set_accounts(accounts: str) -> None:
    async def update() -> None:
        shop = await default_shop()
        await update_customers_checkout(shop_id=shop.id, customer_accounts=accounts, guest_status_link=True,
                                        actor=ADMIN_EMAIL)
    run_query(update)


def both_widths(screen, name: str) -> None:
    screen.selenium.set_window_size(*LAPTOP)
    screen.wait(0.4)
    screen.shot(f'{name}-1280', failed=False)
    screen.selenium.set_window_size(*PHONE)
    screen.wait(0.4)
    screen.shot(f'{name}-390', failed=False)
    screen.selenium.set_window_size(*LAPTOP)


def admin_signs_in(screen) -> None:
    screen.open('/admin/login')
    screen.should_contain('Sign in to Orderly')
    field(screen, 'E-mail').send_keys(ADMIN_EMAIL)
    field(screen, 'Password').send_keys(ADMIN_PASSWORD + '\n')
    for _ in range(50):  # argon2 takes its time
        if screen.selenium.current_url.endswith('/admin/orders'):
            break
        screen.wait(0.1)
    # the admin frame's drawer asks the browser for its state once connected (1 s timeout): let it answer
    screen.wait(1.2)


def merchant_ships(screen, code: str, tracking_code: str) -> None:
    admin_signs_in(screen)
    screen.should_contain(code)
    for _ in range(5):  # the grid may re-render the row right after it first shows
        try:
            screen.click(code)
            break
        except StaleElementReferenceException:
            screen.wait(0.2)
    screen.should_contain('Reference or tracking code')
    for _ in range(10):  # a click while the dialog is still rendering may only focus the select
        screen.selenium.find_element(By.CSS_SELECTOR, '.q-dialog .q-select').click()
        screen.wait(0.3)
        options = screen.selenium.find_elements(By.XPATH, '//*[contains(@class, "q-menu")]//*[text()="Order shipped"]')
        if options and options[0].is_displayed():
            options[0].click()
            break
    else:
        raise AssertionError('the status menu did not open')
    field(screen, 'Reference or tracking code').send_keys(tracking_code)
    screen.click('Send an e-mail to the customer with this status update')
    screen.click('Save')
    screen.should_contain(f'{code} saved: Order shipped')


def test_customer_registers_verifies_orders_and_sees_the_shipment_in_the_account(laptop):
    screen = laptop
    start(screen, '/account/register')
    field(screen, 'Name').send_keys('Ann Peeters')
    field(screen, 'E-mail').send_keys('ann@example.com')
    field(screen, 'Password').send_keys(PASSWORD)
    screen.click('Create my account')
    screen.should_contain('Please confirm your e-mail address')  # the account, not yet verified

    [mail] = kept_mails('ann@example.com', 'Confirm')
    [link] = [url for url in re.findall(r'href="([^"]+)"', mail) if '/account/verify/' in url]
    screen.open(urlsplit(link).path)
    screen.should_contain('ann@example.com is confirmed.')
    assert run_query(lambda: Customer.get(email='ann@example.com').values_list('email_verified_at', flat=True))

    screen.open('/')
    add_to_cart(screen, 'Paper filters (100)')
    screen.should_contain('Added Paper filters (100) to your cart.')
    screen.open('/checkout')
    screen.should_contain('Signed in as ann@example.com. This order goes to your account.')
    assert field(screen, 'Name').get_attribute('value') == 'Ann Peeters'
    assert field(screen, 'E-mail').get_attribute('value') == 'ann@example.com'
    for label, value in {'Street and number': 'Kerkstraat 1', 'Postal code': '9000', 'City': 'Gent'}.items():
        field(screen, label).send_keys(value)
    both_widths(screen, 'checkout-signed-in')
    screen.click('Place order')
    screen.should_contain('Thank you, Ann Peeters!')
    code = run_query(lambda: Order.get().values_list('code', flat=True))

    screen.open('/account')
    screen.should_contain(code)
    screen.should_contain('Order received')

    merchant_ships(screen, code, 'JJD0123456789')

    screen.open('/account')
    screen.should_contain(code)
    screen.should_contain('Order shipped')
    screen.open(f'/account/orders/{code}')
    screen.should_contain('Order shipped')
    link = screen.find_by_css('a.tracking-link')
    assert link.get_attribute('href') == 'https://www.dhl.com/track?tracking-id=JJD0123456789'
    assert link.text.startswith('Track with DHL')
    both_widths(screen, 'account-order-shipped')


def test_checkout_offers_an_account_or_asks_for_one_as_the_owner_set(laptop):
    screen = laptop
    start(screen, '/')
    admin_signs_in(screen)
    screen.open('/admin/settings/customers')
    screen.should_contain('Guests get a status link in their confirmation mail')
    both_widths(screen, 'settings-customers-checkout')

    screen.open('/')
    add_to_cart(screen, 'Paper filters (100)')
    screen.should_contain('Added Paper filters (100) to your cart.')
    screen.open('/checkout')
    screen.should_contain('Already have an account? Log in')
    assert not screen.find_all('Choose a password')[0].is_displayed()
    screen.find_by_css('.create-account').click()
    screen.should_contain('Choose a password')
    both_widths(screen, 'checkout-optional')

    set_accounts('required')
    screen.open('/checkout')
    screen.should_contain('Log in or create an account to order')
    with screen.implicitly_wait(0):
        assert not screen.selenium.find_elements(By.XPATH, '//button[.//span[text()="Place order"]]')
    both_widths(screen, 'checkout-required')
    screen.click('Create an account')
    screen.should_contain('Create my account')
    assert screen.selenium.current_url.endswith('/account/register?next=/checkout')

    set_accounts('guests')
    screen.open('/checkout')
    screen.should_contain('Your details')
    assert not screen.find_all('Create an account')
    both_widths(screen, 'checkout-guests')
