"""Stored text never becomes part of a component's props, in real Chromium: a shop name that closes the quotes of a
prop and adds a Vue binding (`:title="…"`, which NiceGUI evaluates as JavaScript) is shown as text and runs
nothing."""

from selenium.webdriver.common.by import By

from domain.models import Shop
from tests.browser.sync_db import run_query
from tests.browser.test_customers_in_chromium import admin_signs_in, start

PAYLOAD = 'Shop" :title="window.__pwned = 1" data-x="'


def rename_shop(name: str) -> None:
    async def update() -> None:
        await Shop.all().update(name=name)
    run_query(update)


def test_shop_name_with_a_vue_binding_runs_no_script_on_the_invoice_settings(laptop):
    screen = laptop
    start(screen, '/')
    rename_shop(PAYLOAD)
    admin_signs_in(screen)
    screen.open('/admin/settings/invoices')
    screen.should_contain('Legal name')
    screen.wait(0.5)
    assert screen.selenium.execute_script('return window.__pwned') is None
    assert f'Empty: {PAYLOAD}' in screen.find_by_tag('body').text  # the hint reads as typed
    with screen.implicitly_wait(0):
        assert not screen.selenium.find_elements(By.CSS_SELECTOR, '[data-x], [title="1"]')
