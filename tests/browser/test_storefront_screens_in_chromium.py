"""The storefront's screens in real Chromium at 1280 and 390 px: nothing overlaps what it is next to, and what a
customer needs is on screen (screenshots in screenshots/, looked at when the screens change)."""

import itertools
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from tests.browser.conftest import LAPTOP, PHONE
from tests.browser.test_checkout_in_chromium import add_to_cart, field

SHOTS = Path(__file__).parents[2] / 'screenshots' / 'storefront'


def shot(screen, name: str) -> None:
    """A screenshot kept apart from NiceGUI's per-run folders, which a later run clears."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    screen.selenium.save_screenshot(str(SHOTS / f'{name}.png'))


def box(element: WebElement) -> tuple[float, float, float, float]:
    rect = element.rect
    return rect['x'], rect['y'], rect['x'] + rect['width'], rect['y'] + rect['height']


def overlap(a: WebElement, b: WebElement) -> bool:
    ax1, ay1, ax2, ay2 = box(a)
    bx1, by1, bx2, by2 = box(b)
    return ax1 < bx2 and bx1 < ax2 and ay1 < by2 and by1 < ay2


def text_box(screen, element: WebElement) -> tuple[float, float, float, float]:
    """The box of the text itself (a label's element may be wider than its words)."""
    rect = screen.selenium.execute_script(
        'const range = document.createRange(); range.selectNodeContents(arguments[0]);'
        'const r = range.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];', element)
    return tuple(rect)


def filled_cart(screen) -> None:
    screen.open('/', timeout=15)  # the first open starts the server
    add_to_cart(screen, 'Espresso beans, 1 kg')
    screen.should_contain('Added Espresso beans, 1 kg to your cart.')
    add_to_cart(screen, 'Stoneware mug, sage')
    screen.should_contain('Added Stoneware mug, sage to your cart.')
    screen.open('/cart')
    screen.should_contain('Your cart')


def test_cart_lines_show_name_quantity_and_line_total_side_by_side_on_a_phone_and_a_laptop(laptop):
    screen = laptop
    filled_cart(screen)
    for name, size in (('cart-1280', LAPTOP), ('cart-390', PHONE)):
        screen.selenium.set_window_size(*size)
        screen.wait(0.4)
        shot(screen, name)
        lines = screen.selenium.find_elements(By.CSS_SELECTOR, '.cart-line')
        assert len(lines) == 2
        for line in lines:
            product = line.find_element(By.CSS_SELECTOR, '.cart-product-name')
            quantity = line.find_element(By.CSS_SELECTOR, '.q-field')
            total = line.find_element(By.CSS_SELECTOR, '.cart-line-total')
            assert total.is_displayed() and total.text.startswith('€'), name
            assert not overlap(product, quantity), name
            assert not overlap(total, quantity), name
        assert screen.selenium.find_element(By.CSS_SELECTOR, '.cart-line-total').text == '€ 24.95'


def test_the_cart_badge_sits_beside_the_word_cart(laptop):
    screen = laptop
    filled_cart(screen)
    badge = screen.selenium.find_element(By.CSS_SELECTOR, '.cart-count')
    assert badge.text == '2'
    word = screen.selenium.find_element(By.XPATH, '//header//a[@href="/cart"]//div[text()="Cart"]')
    _wx1, wy1, wx2, wy2 = text_box(screen, word)
    bx1, by1, _bx2, by2 = box(badge)
    assert bx1 >= wx2 or not (by1 < wy2 and wy1 < by2), 'the badge covers the word "Cart"'
    screen.selenium.set_window_size(*PHONE)
    screen.wait(0.3)
    shot(screen, 'cart-badge-390')
    assert badge.is_displayed()


def test_an_unknown_address_shows_a_page_in_the_shops_frame_with_a_way_home(laptop):
    screen = laptop
    screen.allowed_js_errors.append('the server responded with a status of 404')  # the page's own status
    for name, size in (('not-found-1280', LAPTOP), ('not-found-390', PHONE)):
        screen.selenium.set_window_size(*size)
        screen.open('/no-such-page', timeout=15)  # the first open starts the server
        assert screen.find_by_class('text-2xl').text == 'Page not found'
        assert 'Demo shop' in screen.find_by_tag('header').text
        screen.should_not_contain('HTTPException')
        assert screen.selenium.find_element(By.LINK_TEXT, 'Back to the shop').get_attribute('href').endswith('/')
        shot(screen, name)
    screen.open('/admin/no-such-screen')
    assert screen.find_by_class('text-2xl').text == 'Page not found'
    screen.click('Go to the orders')
    screen.wait_for(lambda: '/admin/login' in screen.selenium.current_url)  # the orders, behind the sign-in


def top(element: WebElement) -> float:
    return element.rect['y']


def test_checkout_reads_top_down_contents_details_delivery_payment_place_order(laptop):
    screen = laptop
    filled_cart(screen)
    for name, size in (('checkout-1280', LAPTOP), ('checkout-390', PHONE)):
        screen.selenium.set_window_size(*size)
        screen.open('/checkout')
        screen.should_contain('Your details')
        screen.click('Pickup in the shop (free)')  # the demo shop asks how to pay for a pickup
        screen.should_contain('Pay on pickup')
        screen.wait(0.4)
        shot(screen, name)
        find = screen.selenium.find_element
        summary = find(By.CSS_SELECTOR, '.order-summary')
        details = find(By.XPATH, '//div[text()="Your details"]')
        delivery = find(By.XPATH, '//div[text()="Delivery"]')
        payment = find(By.XPATH, '//div[text()="Payment"]')
        button = find(By.XPATH, '//button[.//span[text()="Place order"]]')
        assert top(details) < top(delivery) < top(payment) < top(button), name
        if size == PHONE:
            assert top(summary) < top(details), 'the phone shows what is ordered first'
        else:
            assert summary.rect['x'] > details.rect['x'] + details.rect['width'], 'the summary sits beside'


def test_checkout_errors_sit_at_their_fields_with_a_summary_at_the_button_and_no_toast(laptop):
    screen = laptop
    filled_cart(screen)
    screen.selenium.set_window_size(*PHONE)
    screen.open('/checkout')
    screen.should_contain('Your details')
    field(screen, 'E-mail').send_keys('ann@')
    screen.selenium.find_element(By.XPATH, '//button[.//span[text()="Place order"]]').click()
    screen.should_contain('Please enter your name.')
    screen.wait(0.6)
    shot(screen, 'checkout-errors-390')
    assert not [n for n in screen.selenium.find_elements(By.CSS_SELECTOR, '.q-notification') if n.is_displayed()]
    summary = screen.selenium.find_element(By.CSS_SELECTOR, '.checkout-error-summary')
    assert summary.text == 'Please correct the 5 marked fields.'  # name, e-mail, street, postal code, city
    button = screen.selenium.find_element(By.XPATH, '//button[.//span[text()="Place order"]]')
    assert 0 < top(button) - top(summary) < 120, 'the summary is at the button'
    fields = [element for element in screen.selenium.find_elements(By.CSS_SELECTOR, 'label.q-field')
              if element.is_displayed()]
    for upper, lower in itertools.pairwise(fields):
        for message in upper.find_elements(By.CSS_SELECTOR, '.q-field__messages'):
            if message.text and top(lower) > top(upper):
                assert message.rect['y'] + message.rect['height'] <= top(lower) + 1, message.text
    first_error = screen.selenium.find_element(By.CSS_SELECTOR, '.q-field--error')
    assert screen.selenium.execute_script(
        'const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight;', first_error)


def test_the_status_page_says_where_the_order_stands_with_its_history_and_the_country_name(laptop):
    screen = laptop
    filled_cart(screen)
    screen.open('/checkout')
    screen.should_contain('Your details')
    for label, value in {'Name': 'Ann Peeters', 'E-mail': 'ann@example.com', 'Street and number': 'Kerkstraat 1',
                         'Postal code': '9000', 'City': 'Gent'}.items():
        field(screen, label).send_keys(value)
    screen.selenium.find_element(By.XPATH, '//button[.//span[text()="Place order"]]').click()
    screen.should_contain('Thank you, Ann Peeters!')
    for name, size in (('status-page-1280', LAPTOP), ('status-page-390', PHONE)):
        screen.selenium.set_window_size(*size)
        screen.wait(0.4)
        shot(screen, name)
        assert screen.find_by_class('history-entry').text.endswith('Order placed')
        screen.should_contain('We have received your order and sent a confirmation to ann@example.com.')
        screen.should_contain('Belgium')
