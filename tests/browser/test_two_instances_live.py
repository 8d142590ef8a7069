"""Two Orderly instances on one PostgreSQL, in real Chromium: the merchant's grid on instance B shows, without a
reload, the order a customer places through instance A's storefront (LISTEN/NOTIFY between the instances)."""

import time

import pytest
from nicegui.testing import Screen
from selenium.webdriver.common.by import By

from tests.browser.conftest import LAPTOP
from tests.browser.test_checkout_in_chromium import add_to_cart, field
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.orderly_instances import new_secret_key, running_instances


@pytest.fixture
def browser(nicegui_driver, caplog):
    """Chromium without NiceGUI's in-process server: the pages come from the instances."""
    nicegui_driver.set_window_size(*LAPTOP)
    nicegui_driver.get_log('browser')  # what earlier tests left
    yield Screen(nicegui_driver, caplog)
    while len(nicegui_driver.window_handles) > 1:
        nicegui_driver.switch_to.window(nicegui_driver.window_handles[-1])
        nicegui_driver.close()
    nicegui_driver.switch_to.window(nicegui_driver.window_handles[0])
    nicegui_driver.get('about:blank')


def grid_codes(browser: Screen) -> list[str]:
    rows = browser.selenium.find_elements(By.CSS_SELECTOR, '.q-table tbody tr td:nth-child(2) .font-mono')
    return [row.text for row in rows]


def test_merchant_on_one_instance_sees_an_order_placed_on_the_other_live(browser, postgres_server, tmp_path):
    with running_instances(tmp_path, database_url=postgres_server.database(), secret_key=new_secret_key()) as (a, b):
        driver = browser.selenium
        driver.get(f'{b.url}/admin/orders')
        browser.should_contain('Sign in to Orderly')
        field(browser, 'E-mail').send_keys(ADMIN_EMAIL)
        field(browser, 'Password').send_keys(ADMIN_PASSWORD + '\n')
        browser.should_contain('No orders yet.')
        driver.execute_script('window.stillTheSamePage = true')  # a reload or navigation would forget it
        grid = driver.current_window_handle

        driver.switch_to.new_window('tab')  # the customer, on instance A
        driver.get(f'{a.url}/')
        add_to_cart(browser, 'Espresso beans, 1 kg')
        browser.should_contain('Added Espresso beans, 1 kg to your cart.')
        driver.get(f'{a.url}/checkout')
        for label, value in {'Name': 'Ann Peeters', 'E-mail': 'ann@example.com', 'Street and number': 'Kerkstraat 1',
                             'Postal code': '9000', 'City': 'Gent'}.items():
            field(browser, label).send_keys(value)
        browser.click('Place order')
        browser.should_contain('Thank you, Ann Peeters!')
        code = browser.find_by_class('order-code').text

        driver.switch_to.window(grid)
        deadline = time.monotonic() + 10
        while grid_codes(browser) != [code]:
            assert time.monotonic() < deadline, f'{code} did not arrive in the grid on B: {grid_codes(browser)}'
            time.sleep(0.1)
        browser.should_contain(f'New order {code} from Ann Peeters (€ 31.90)')  # 24.95 + 6.95 shipping
        assert driver.execute_script('return window.stillTheSamePage') is True
        assert driver.current_url == f'{b.url}/admin/orders'
        for instance in (a, b):
            assert instance.errors() == [], instance.log_tail()
        assert [entry for entry in driver.get_log('browser') if entry['level'] == 'SEVERE'] == []
