"""Customer text is shown escaped everywhere, in real Chromium: an order with markup in every text field that takes
it (the e-mail address's syntax refuses markup; it gets quotes and an ampersand instead), then the storefront's
account, status page, the admin grid, dialog and order page, the Mailbox, and the mails' own HTML: no script runs,
no element is made of it, the text reads as typed."""

import base64

import pytest
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
from selenium.webdriver.common.by import By

from domain.models import Order
from tests.browser.sync_db import run_query
from tests.browser.test_checkout_in_chromium import add_to_cart, field
from tests.browser.test_customers_in_chromium import PASSWORD, admin_signs_in, kept_mails, start
from tests.conftest import ADMIN_EMAIL

PAYLOAD = '<img src=x onerror=alert(1)>'
POSTAL_CODE = '<i>9000</i>'  # the field holds 16 characters: markup, if not a script
EMAIL = "o'brien&co@example.com"


def shows_text_and_runs_nothing(screen, *texts: str) -> None:
    screen.wait(0.6)  # an image that fails to load fires its onerror at once; give it time anyway
    with pytest.raises(NoAlertPresentException):
        screen.selenium.switch_to.alert  # noqa: B018  the property raises when no alert is open
    with screen.implicitly_wait(0):  # looking for what must not be there: no need to wait 4 s for it each time
        assert not screen.selenium.find_elements(By.CSS_SELECTOR, 'img[src="x"], i:not(.q-icon)')
    body = screen.selenium.find_element(By.TAG_NAME, 'body').text
    for text in texts:
        assert text in body, text


def open_and_check(screen, path: str, *texts: str) -> None:
    screen.open(path)
    screen.should_contain(texts[0])
    shows_text_and_runs_nothing(screen, *texts)


def test_markup_in_every_customer_field_is_shown_as_text_and_never_runs(laptop):
    screen = laptop
    start(screen, '/')
    add_to_cart(screen, 'Paper filters (100)')
    screen.should_contain('Added Paper filters (100) to your cart.')
    screen.open('/checkout')
    for label, value in {'Name': PAYLOAD, 'E-mail': EMAIL, 'Street and number': PAYLOAD, 'Postal code': POSTAL_CODE,
                         'City': PAYLOAD, 'Note for the shop (optional)': PAYLOAD}.items():
        field(screen, label).send_keys(value)
    screen.find_by_css('.create-account').click()
    field(screen, 'Choose a password').send_keys(PASSWORD)
    screen.click('Place order')
    screen.should_contain(f'Thank you, {PAYLOAD}!')
    shows_text_and_runs_nothing(screen, PAYLOAD, POSTAL_CODE, EMAIL)
    order = run_query(lambda: Order.get())
    assert (order.customer_name, order.street, order.city, order.note, order.postal_code, order.email) == (
        PAYLOAD, PAYLOAD, PAYLOAD, PAYLOAD, POSTAL_CODE, EMAIL)

    # the storefront: the account, its order, the status page
    open_and_check(screen, '/account', 'Sign out', order.code, PAYLOAD, EMAIL)
    open_and_check(screen, f'/account/orders/{order.code}', 'Delivery', order.code, PAYLOAD, POSTAL_CODE)
    open_and_check(screen, f'/order/{order.token}', 'Delivery', order.code, PAYLOAD, POSTAL_CODE)

    # the mails' own HTML, as a mail program without a sandbox would show it
    mails = kept_mails(EMAIL, order.code) + kept_mails(EMAIL, 'confirm') + kept_mails(ADMIN_EMAIL, order.code)
    assert len(mails) == 3
    for html in mails:
        screen.selenium.get('data:text/html;charset=utf-8;base64,' + base64.b64encode(html.encode()).decode())
        shows_text_and_runs_nothing(screen, PAYLOAD)

    # the merchant: the grid, the order's dialog, its page, and the Mailbox
    admin_signs_in(screen)
    screen.should_contain(order.code)
    shows_text_and_runs_nothing(screen, order.code, PAYLOAD)
    for _ in range(5):  # the grid may re-render the row right after it first shows
        try:
            screen.click(order.code)
            break
        except StaleElementReferenceException:
            screen.wait(0.2)
    screen.should_contain('Reference or tracking code')
    shows_text_and_runs_nothing(screen, PAYLOAD, POSTAL_CODE, EMAIL)
    open_and_check(screen, f'/admin/orders/{order.code}', 'Add note', order.code, PAYLOAD, POSTAL_CODE, EMAIL)
    open_and_check(screen, '/admin/settings/mailbox', 'Choose a mail')
    screen.click(f'Your order {order.code}')
    screen.should_contain('Plain text version')
    shows_text_and_runs_nothing(screen)
    frame = screen.find_by_css('iframe')
    screen.selenium.switch_to.frame(frame)
    try:
        shows_text_and_runs_nothing(screen, PAYLOAD)
    finally:
        screen.selenium.switch_to.default_content()
    screen.shot('xss-mailbox-1280', failed=False)
