"""The storefront's screens in real Chromium at 1280 and 390 px: nothing overlaps what it is next to, and what a
customer needs is on screen (screenshots in screenshots/, looked at when the screens change)."""

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from tests.browser.conftest import LAPTOP, PHONE
from tests.browser.test_checkout_in_chromium import add_to_cart

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
