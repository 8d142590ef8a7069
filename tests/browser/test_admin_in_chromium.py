"""The merchant in real Chromium: sign in, and a customer's new order arrives in the grid without a reload."""

import secrets

from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from domain.catalogue import default_shop
from domain.checkout import place_order
from domain.models import Order, OutboxMessage, Product
from domain.schemas import parse_checkout
from tests.browser.conftest import PHONE
from tests.browser.sync_db import run_query
from tests.browser.test_checkout_in_chromium import field
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD


async def customer_orders(name: str) -> str:
    shop = await default_shop()
    product = await Product.get(sku='MUG-SAG-35')
    form = parse_checkout({'name': name, 'email': 'eva@example.com', 'street': 'Meir 40', 'postal_code': '2000',
                           'city': 'Antwerpen', 'lines': [{'product_id': product.id, 'quantity': 2}],
                           'idempotency_key': secrets.token_urlsafe(18)})
    return (await place_order(shop=shop, form=form)).code


def test_merchant_sees_a_new_order_arrive_without_reload(laptop):
    screen = laptop
    screen.open('/admin/orders')
    screen.should_contain('Sign in to Orderly')
    field(screen, 'E-mail').send_keys(ADMIN_EMAIL)
    field(screen, 'Password').send_keys(ADMIN_PASSWORD + '\n')  # Enter signs in
    screen.should_contain('No orders yet.')
    first = run_query(lambda: customer_orders('Eva Maes'))
    screen.should_contain(first)
    url = screen.selenium.current_url
    second = run_query(lambda: customer_orders('Jonas Peeters'))
    screen.should_contain(f'New order {second} from Jonas Peeters (€ 35.95)')
    assert rows_shown(screen) == [second, first]
    assert screen.selenium.current_url == url  # no reload, no navigation
    screen.shot('admin-orders-1280', failed=False)
    screen.selenium.set_window_size(*PHONE)
    screen.wait(0.5)
    screen.shot('admin-orders-390', failed=False)


def test_merchant_ships_an_order_from_its_detail_dialog(laptop):
    screen = laptop
    screen.open('/admin/login')
    code = run_query(lambda: customer_orders('Eva Maes'))
    field(screen, 'E-mail').send_keys(ADMIN_EMAIL)
    field(screen, 'Password').send_keys(ADMIN_PASSWORD + '\n')
    screen.should_contain(code)
    for _ in range(5):  # the grid may re-render the row right after it first shows
        try:
            screen.click(code)  # a row opens its order over the grid
            break
        except StaleElementReferenceException:
            screen.wait(0.2)
    screen.should_contain('Reference or tracking code')
    assert screen.selenium.current_url.endswith('/admin/orders')
    assert screen.find_by_class('q-dialog').is_displayed()
    screen.selenium.find_element(By.CSS_SELECTOR, '.q-dialog .q-select').click()
    # the Quasar menu's option, not the toolbar's <option> of the same name behind the dialog
    screen.selenium.find_element(By.XPATH, '//div[@role="option"][.//span[text()="Order shipped"]]').click()
    field(screen, 'Reference or tracking code').send_keys('3S123456789')
    screen.click('Send an e-mail to the customer with this status update')
    screen.click('Save')
    screen.should_contain(f'{code} saved: Order shipped')
    screen.should_contain(f'{code}: status Order received → Order shipped, reference')  # history, live
    screen.should_contain('Track with PostNL ↗')
    assert run_query(lambda: OutboxMessage.filter(template='status_update', order_code=code).count()) == 1
    screen.shot('admin-order-dialog-1280', failed=False)
    screen.selenium.set_window_size(*PHONE)
    screen.wait(0.5)
    screen.shot('admin-order-dialog-390', failed=False)
    screen.selenium.set_window_size(1280, 900)
    screen.open(f'/admin/orders/{code}')
    screen.should_contain('Add note')
    screen.shot('admin-order-detail-1280', failed=False)
    screen.selenium.set_window_size(1280, 900)
    screen.open('/admin/logs')
    screen.should_contain('Status changed')
    screen.shot('admin-logs-1280', failed=False)
    screen.open('/admin/settings/administrators')
    screen.should_contain('Add an administrator')
    screen.shot('admin-administrators-1280', failed=False)
    screen.selenium.set_window_size(*PHONE)
    screen.wait(0.5)
    screen.shot('admin-administrators-390', failed=False)


def test_the_menu_shows_beside_the_page_on_a_laptop_and_behind_its_button_on_a_phone(screen):
    screen.selenium.set_window_size(*PHONE)
    screen.open('/admin/login')
    field(screen, 'E-mail').send_keys(ADMIN_EMAIL)
    field(screen, 'Password').send_keys(ADMIN_PASSWORD + '\n')
    screen.should_contain('No orders yet.')
    logs = screen.selenium.find_element(By.CSS_SELECTOR, '.q-drawer a[href="/admin/logs"]')
    assert not logs.is_displayed()  # closed below the breakpoint
    screen.selenium.find_element(By.CSS_SELECTOR, 'button[aria-label="Menu"]').click()
    screen.wait(0.5)
    assert logs.is_displayed()
    logs.click()
    for _ in range(50):
        if screen.selenium.current_url.endswith('/admin/logs'):
            break
        screen.wait(0.1)
    assert screen.selenium.current_url.endswith('/admin/logs')
    screen.selenium.set_window_size(1280, 900)
    screen.open('/admin/orders')
    screen.should_contain('No orders yet.')
    screen.wait(0.5)
    assert screen.selenium.find_element(By.CSS_SELECTOR, '.q-drawer a[href="/admin/logs"]').is_displayed()


def rows_shown(screen) -> list[str]:
    """The order codes in the grid's rows, top to bottom."""
    cells = screen.selenium.find_elements(By.CSS_SELECTOR, '.q-table tbody tr td:nth-child(2)')
    return [cell.text.split()[0] for cell in cells]


def eventually_rows(screen, expected: list[str]) -> None:
    for _ in range(50):
        try:
            if rows_shown(screen) == expected:
                return
        except StaleElementReferenceException:
            pass
        screen.wait(0.1)
    assert rows_shown(screen) == expected


def test_the_toolbar_searches_filters_exports_places_test_orders_and_the_header_signs_out(laptop):
    screen = laptop
    screen.open('/admin/login')
    eva, jonas = run_query(lambda: customer_orders('Eva Maes')), run_query(lambda: customer_orders('Jonas Peeters'))
    field(screen, 'E-mail').send_keys(ADMIN_EMAIL)
    field(screen, 'Password').send_keys(ADMIN_PASSWORD + '\n')
    screen.should_contain(jonas)
    search = screen.selenium.find_element(By.CSS_SELECTOR, 'input[aria-label="Search orders"]')
    search.send_keys('jonas\n')
    eventually_rows(screen, [jonas])
    status = Select(screen.selenium.find_element(By.CSS_SELECTOR, 'select[aria-label="Status"]'))
    status.select_by_visible_text('Order shipped')
    eventually_rows(screen, [])
    status.select_by_visible_text('Order received')
    eventually_rows(screen, [jonas])
    status.select_by_visible_text('All statuses')
    eventually_rows(screen, [jonas])
    search.clear()
    search.send_keys('\n')
    eventually_rows(screen, [jonas, eva])
    screen.shot('admin-orders-toolbar-1280', failed=False)
    screen.selenium.find_element(By.XPATH, '//form//button[.//span[text()="Create test order"]]').click()
    screen.should_contain('New order DEMO-')
    test_order = run_query(lambda: Order.get(is_test=True)).code
    eventually_rows(screen, [test_order, jonas, eva])
    screen.selenium.find_element(By.XPATH, '//form//button[.//span[text()="Export CSV"]]').click()
    screen.should_contain('Export orders as CSV')
    screen.should_contain('All orders, newest first.')  # the search was cleared
    cancel = '//div[contains(@class, "q-dialog")]//button[.//span[text()="Cancel"]]'
    screen.selenium.find_element(By.XPATH, cancel).click()
    for _ in range(50):  # the dialog's backdrop fades out
        try:
            screen.selenium.find_element(By.CSS_SELECTOR, 'header button[aria-label="Sign out everywhere"]').click()
            break
        except ElementClickInterceptedException:
            screen.wait(0.1)
    screen.should_contain('Sign in to Orderly')
    screen.open('/admin/orders')
    screen.should_contain('Sign in to Orderly')  # the session ended, not just the page
