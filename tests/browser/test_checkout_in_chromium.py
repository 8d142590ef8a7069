"""The checkout in real Chromium: clicking real buttons, typing into real inputs."""

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from domain.models import Order
from tests.browser.conftest import PHONE
from tests.browser.sync_db import run_query


def field(screen, label: str) -> WebElement:
    xpath = f'//label[.//div[text()="{label}"]]//*[self::input or self::textarea]'
    return screen.selenium.find_element(By.XPATH, xpath)


def add_to_cart(screen, product_name: str) -> None:
    xpath = f'//div[contains(@class, "product-card")][.//div[text()="{product_name}"]]'
    card = screen.selenium.find_element(By.XPATH, xpath)
    card.find_element(By.XPATH, './/button').click()


def test_customer_checks_out_by_clicking_real_buttons(laptop):
    screen = laptop
    screen.open('/')
    screen.should_contain('Espresso beans, 1 kg')
    add_to_cart(screen, 'Espresso beans, 1 kg')
    screen.should_contain('Added Espresso beans, 1 kg to your cart.')
    add_to_cart(screen, 'Stoneware mug, sage')
    screen.shot('catalogue-1280', failed=False)

    screen.click('Cart')
    screen.should_contain('Your cart')
    screen.should_contain('€ 39.45')
    screen.click('Checkout')
    screen.should_contain('Your details')
    for label, value in {'Name': 'Ann Peeters', 'E-mail': 'ann@example.com', 'Street and number': 'Kerkstraat 1',
                         'Postal code': '9000', 'City': 'Gent', 'Note for the shop (optional)': 'Ring twice'}.items():
        field(screen, label).send_keys(value)
    screen.shot('checkout-1280', failed=False)
    screen.click('Place order')
    screen.should_contain('Thank you, Ann Peeters!')

    code = run_query(lambda: Order.get().values_list('code', flat=True))
    assert screen.find_by_class('order-code').text == code
    screen.should_contain('Order received')
    screen.should_contain('€ 46.40')  # 24.95 + 14.50 + 6.95 shipping
    screen.should_contain('Ring twice')
    assert '/order/' in screen.selenium.current_url and code not in screen.selenium.current_url
    screen.shot('confirmation-1280', failed=False)
    screen.selenium.set_window_size(*PHONE)
    screen.wait(0.3)
    screen.shot('confirmation-390', failed=False)


def test_checkout_shows_messages_next_to_fields_in_the_browser(laptop):
    screen = laptop
    screen.open('/')
    add_to_cart(screen, 'Paper filters (100)')
    screen.should_contain('Added Paper filters (100) to your cart.')
    screen.selenium.set_window_size(*PHONE)
    screen.open('/checkout')
    field(screen, 'E-mail').send_keys('ann@')
    screen.click('Place order')
    screen.should_contain('Please enter your name.')
    screen.should_contain('Please enter a valid e-mail address, like name@example.com.')
    screen.should_contain('Please enter the street and number.')
    screen.shot('checkout-errors-390', failed=False)
    assert run_query(lambda: Order.all().count()) == 0
