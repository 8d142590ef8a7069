"""The back office in real Chromium at 1280 and 390 px: the grid's rows are links and its checkboxes named, the
search follows typing, a mistyped code is explained, the columns hold still, one selection count; the order detail
on a phone puts what the merchant works with first; the history has no empty headings; Logs fit a phone."""

import time
from pathlib import Path

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from domain.models import Order
from tests.browser.conftest import LAPTOP, PHONE
from tests.browser.sync_db import run_query
from tests.browser.test_admin_in_chromium import customer_orders, eventually_rows, rows_shown
from tests.browser.test_checkout_in_chromium import field
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD

SHOTS = Path(__file__).parents[2] / 'screenshots' / 'back-office'


def shot(screen, name: str) -> None:
    """A screenshot kept apart from NiceGUI's per-run folders, which a later run clears; looked at when these
    screens change."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    screen.selenium.save_screenshot(str(SHOTS / f'{name}.png'))


def sign_in(screen) -> None:
    """On the sign-in page the test has opened first (the server runs from then on)."""
    field(screen, 'E-mail').send_keys(ADMIN_EMAIL)
    field(screen, 'Password').send_keys(ADMIN_PASSWORD + '\n')


def js(screen, script: str, *args):
    return screen.selenium.execute_script(script, *args)


def header_widths(screen) -> list[int]:
    return js(screen, "return [...document.querySelectorAll('.q-table thead th')]"
                      ".map(th => Math.round(th.getBoundingClientRect().width))")


def visible_text_of(screen, css: str) -> list[str]:
    return [element.text for element in screen.selenium.find_elements(By.CSS_SELECTOR, css) if element.is_displayed()]


def wait_for(condition, seconds: float = 5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    assert condition()


def test_the_grid_has_named_links_and_checkboxes_searches_as_typed_and_holds_its_columns(laptop):
    screen = laptop
    screen.open('/admin/login')
    eva = run_query(lambda: customer_orders('Eva Maes'))  # Antwerpen
    jonas = run_query(lambda: customer_orders('Jonas Peeters'))
    run_query(lambda: Order.filter(code=jonas).update(city='Gent', reference='3S123456789'))
    sign_in(screen)
    screen.should_contain(jonas)
    eventually_rows(screen, [jonas, eva])
    links = js(screen, "return [...document.querySelectorAll('.q-table tbody a')].map(a => a.href)")  # at once
    assert links == [f'{screen.url}/admin/orders/{jonas}', f'{screen.url}/admin/orders/{eva}']
    names = js(screen, "return [...document.querySelectorAll('.q-table [role=checkbox]')]"
                       ".map(box => box.getAttribute('aria-label'))")
    assert names == ['Select all', f'Select order {jonas}', f'Select order {eva}']
    assert all(text.strip() for text in js(screen, "return [...document.querySelectorAll('.q-table thead th')]"
                                                   ".map(th => th.textContent)")), 'an empty header cell'
    widths = header_widths(screen)

    search = screen.selenium.find_element(By.CSS_SELECTOR, 'input[aria-label="Search orders"]')
    search.send_keys('antw')  # no Enter: the search follows typing
    eventually_rows(screen, [eva])
    assert header_widths(screen) == widths  # the columns hold still when the rows change
    search.send_keys(Keys.CONTROL, 'a')
    search.send_keys('3s1234')
    eventually_rows(screen, [jonas])
    search.send_keys(Keys.CONTROL, 'a')
    wrong = jonas[:-1] + ('A' if jonas[-1] != 'A' else 'B')
    search.send_keys(wrong.lower().replace('-', ''))
    screen.should_contain(f'{wrong}: its check characters do not fit, so it is no order code (a typo?).')
    screen.should_not_contain('No data')
    shot(screen, 'admin-orders-mistyped-code-1280')
    screen.click(f'Show {jonas}')
    eventually_rows(screen, [jonas])
    assert search.get_attribute('value') == jonas
    search.send_keys(Keys.CONTROL, 'a')
    search.send_keys(Keys.BACKSPACE)
    eventually_rows(screen, [jonas, eva])

    for code in (jonas, eva):  # each click draws the rows anew: find the next box afresh, once this one shows it
        box = f'[aria-label="Select order {code}"]'
        screen.selenium.find_element(By.CSS_SELECTOR, box).click()
        for _ in range(50):
            if js(screen, f"return document.querySelector('{box}')?.getAttribute('aria-checked')") == 'true':
                break
            screen.wait(0.1)
    screen.should_contain('2 selected')
    screen.should_not_contain('records selected')
    assert header_widths(screen) == widths
    shot(screen, 'admin-orders-selected-1280')
    screen.selenium.find_element(By.CSS_SELECTOR, 'button[aria-label="Clear selection"]').click()

    wait_for(lambda: not visible_text_of(screen, '.q-table tbody .q-checkbox__inner--truthy'))
    for _ in range(20):  # the rows are drawn anew without their selection
        try:
            link = screen.selenium.find_element(By.CSS_SELECTOR, f'.q-table tbody a[href="/admin/orders/{eva}"]')
            link.send_keys(Keys.ENTER)  # the keyboard opens the order over the grid, as a plain click does
            break
        except StaleElementReferenceException:
            screen.wait(0.1)
    screen.should_contain('Reference or tracking code')
    assert screen.selenium.current_url.endswith('/admin/orders')
    empty = js(screen, "return [...document.querySelectorAll('.q-dialog h1, .q-dialog h2, .q-dialog h3, "
                       ".q-dialog h4, .q-dialog h5, .q-dialog h6')].filter(h => !h.textContent.trim()).length")
    assert empty == 0, 'empty headings in the order dialog'
    screen.wait(0.6)  # the dialog has faded in
    js(screen, "[...document.querySelectorAll('.q-dialog .q-card div')].find(d => d.textContent === 'History')"
               ".scrollIntoView()")
    shot(screen, 'admin-order-dialog-history-1280')

    screen.selenium.set_window_size(*PHONE)
    screen.open('/admin/orders')
    eventually_rows(screen, [jonas, eva])
    assert visible_text_of(screen, 'form button .q-btn__content > span') == ['Export', 'Test order']  # not icons
    tops = js(screen, "return [...document.querySelectorAll('form select, form button')]"
                      ".map(e => Math.round(e.getBoundingClientRect().top))")
    assert max(tops) - min(tops) <= 4, 'status, Export and Test order share one line'
    overflow = js(screen, "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, 'the grid is wider than the phone'
    shot(screen, 'admin-orders-toolbar-390')
    assert rows_shown(screen) == [jonas, eva]


def top_of(screen, text: str) -> float:
    element = screen.selenium.find_element(By.XPATH, f'//div[contains(@class, "q-card")]//div[text()="{text}"]')
    return element.rect['y']


def test_the_order_detail_on_a_phone_shows_status_products_and_customer_before_payments_and_history(screen):
    screen.selenium.set_window_size(*PHONE)
    screen.open('/admin/login')
    code = run_query(lambda: customer_orders('Eva Maes'))
    sign_in(screen)
    screen.should_contain(code)
    screen.open(f'/admin/orders/{code}')
    screen.should_contain('No payment attempts.')
    tops = [top_of(screen, heading) for heading in ('Status', 'Products', 'Customer', 'Payments', 'History')]
    assert tops == sorted(tops), tops
    assert top_of(screen, 'Customer') < 1200  # the address within reach, not after the whole history
    shot(screen, 'admin-order-detail-390')
    screen.selenium.set_window_size(*LAPTOP)
    screen.wait(0.5)
    assert top_of(screen, 'Products') == top_of(screen, 'Status')  # side by side on a laptop
    shot(screen, 'admin-order-detail-cards-1280')


def test_logs_on_a_phone_show_message_and_author_on_screen(screen):
    screen.selenium.set_window_size(*PHONE)
    screen.open('/admin/login')
    code = run_query(lambda: customer_orders('Eva Maes'))
    sign_in(screen)
    screen.should_contain(code)
    screen.open('/admin/logs')
    screen.should_contain('placed by Eva Maes')
    screen.wait(0.5)
    message = screen.selenium.find_element(By.XPATH, '//*[contains(text(), "placed by Eva Maes")]')
    right = message.rect['x'] + message.rect['width']
    assert message.is_displayed() and right <= PHONE[0], right
    author = [e for e in screen.selenium.find_elements(By.XPATH, '//*[text()="By"]') if e.is_displayed()]
    assert author, 'the author is not shown'
    assert author[0].rect['x'] + author[0].rect['width'] <= PHONE[0]
    shot(screen, 'admin-logs-390')
    screen.selenium.set_window_size(*LAPTOP)
    screen.wait(0.5)
    assert screen.selenium.find_elements(By.CSS_SELECTOR, '.q-table thead th')  # a table again on a laptop
    shot(screen, 'admin-logs-table-1280')
