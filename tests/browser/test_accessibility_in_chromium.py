"""axe-core in real Chromium: every kind of page the customer and the merchant see, at 1280 and 390 px, breaks no
WCAG 2.1 A/AA rule (and none of axe's best practices for headings and landmarks). axe comes from npm
(tests/browser/axe/package.json; `npm ci --prefix tests/browser/axe`, which .ci/run does) and is injected by
WebDriver's script execution, which the page's Content-Security-Policy does not govern."""

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By

from domain.models import Order
from tests.browser.conftest import LAPTOP, PHONE
from tests.browser.sync_db import run_query
from tests.browser.test_checkout_in_chromium import add_to_cart, field
from tests.browser.test_customers_in_chromium import admin_signs_in, start
from tests.mailed_links import mailed_token

RULES = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
# Beyond WCAG's letter: what Lighthouse also checks and a screen reader user feels (skipped levels, no main)
BEST_PRACTICES = ['heading-order', 'landmark-one-main', 'page-has-heading-one', 'region', 'landmark-unique',
                  'aria-dialog-name', 'empty-heading']
# Quasar's loading bar shows while axe itself fetches the page's style sheets (XMLHttpRequest): the only requests of
# that kind these pages make, so the bar is axe's own doing, not the page's
RUN = """
return axe.run({exclude: ['#q-loading-bar']},
               {runOnly: {type: 'tag', values: arguments[0]}, rules: arguments[1]}).then(result =>
    result.violations.map(v => v.nodes.map(n =>
        `${v.id} (${v.impact}) at ${n.target.join(' ')}: ${n.failureSummary.replace(/\\s+/g, ' ')}`)).flat());
"""


def visit_admin(screen, path: str, title: str) -> None:
    """An admin page, known by its title (the menu beside it has the same words)."""
    screen.open(path)
    screen.selenium.find_element(By.XPATH, f'//div[contains(@class, "text-2xl") and normalize-space()="{title}"]')


class Axe:
    """Runs axe on the open page at both widths and keeps what it found, per page."""

    def __init__(self, screen, source: str) -> None:
        self.screen = screen
        self.source = source
        self.found: list[str] = []

    def check(self, what: str) -> None:
        for width, size in (('1280', LAPTOP), ('390', PHONE)):
            self.screen.selenium.set_window_size(*size)
            self.screen.wait(0.5)  # Quasar lays the page out again for the width
            if not self.screen.selenium.execute_script("return typeof window.axe === 'object'"):
                self.screen.selenium.execute_script(self.source)
            rules = {rule: {'enabled': True} for rule in BEST_PRACTICES}
            self.found += [f'{what} at {width} px: {line}'
                           for line in self.screen.selenium.execute_script(RUN, RULES, rules)]
        self.screen.selenium.set_window_size(*LAPTOP)

    def assert_none(self) -> None:
        assert not self.found, f'{len(self.found)} accessibility violations:\n' + '\n'.join(self.found)


def test_storefront_pages_break_no_accessibility_rule(laptop, axe_source):
    screen, axe = laptop, Axe(laptop, axe_source)
    start(screen, '/')
    screen.should_contain('Espresso beans, 1 kg')
    axe.check('the catalogue')
    add_to_cart(screen, 'Espresso beans, 1 kg')
    screen.should_contain('Added Espresso beans, 1 kg to your cart.')
    screen.open('/cart')
    screen.should_contain('Your cart')
    axe.check('the cart')
    screen.open('/checkout')
    screen.should_contain('Your details')
    axe.check('the checkout')
    for label, value in {'Name': 'Ann Peeters', 'E-mail': 'ann@example.com', 'Street and number': 'Kerkstraat 1',
                         'Postal code': '9000', 'City': 'Gent'}.items():
        field(screen, label).send_keys(value)
    screen.click('Place order')
    screen.should_contain('Thank you, Ann Peeters!')
    axe.check('the confirmation')
    order = run_query(lambda: Order.get())
    screen.open(f'/order/{order.token}')
    screen.should_contain('Delivery')
    axe.check('the order page')
    screen.open('/account/login')
    screen.should_contain('Forgot your password?')
    axe.check('the sign-in')
    screen.open('/account/register')
    screen.should_contain('Create my account')
    axe.check('the registration')
    for label, value in {'Name': 'Ann Peeters', 'E-mail': 'ann@example.com',
                         'Password': 'lantern orchard 42'}.items():
        field(screen, label).send_keys(value)
    screen.click('Create my account')
    screen.should_contain('Please confirm your e-mail address')
    token = run_query(lambda: mailed_token('ann@example.com', 'customer_verification'))
    screen.open(f'/account/verify/{token}')
    screen.should_contain('ann@example.com is confirmed.')
    screen.open('/account')
    screen.should_contain('We found 1 earlier order placed with your e-mail as a guest.')
    axe.check('the account')
    screen.click('Add it to your account')
    screen.should_contain(order.code)
    axe.check("the account's orders")
    screen.open(f'/account/orders/{order.code}')
    screen.should_contain('Delivery')
    axe.check("the account's order")
    screen.allowed_js_errors.append('the server responded with a status of 404')  # the page's own status
    screen.open('/no-such-page')
    assert screen.find_by_class('text-2xl').text == 'Page not found'
    axe.check('the 404 page')
    axe.assert_none()


def test_admin_pages_break_no_accessibility_rule(laptop, axe_source):
    screen, axe = laptop, Axe(laptop, axe_source)
    start(screen, '/')
    add_to_cart(screen, 'Espresso beans, 1 kg')
    screen.open('/checkout')
    for label, value in {'Name': 'Ann Peeters', 'E-mail': 'ann@example.com', 'Street and number': 'Kerkstraat 1',
                         'Postal code': '9000', 'City': 'Gent'}.items():
        field(screen, label).send_keys(value)
    screen.click('Place order')
    screen.should_contain('Thank you, Ann Peeters!')
    order = run_query(lambda: Order.get())

    screen.open('/admin/login')
    screen.should_contain('Sign in to Orderly')
    axe.check('the admin sign-in')
    admin_signs_in(screen)
    screen.should_contain(order.code)
    axe.check('the orders grid')
    for _ in range(5):  # the grid may re-render the row right after it first shows
        try:
            screen.click(order.code)
            break
        except StaleElementReferenceException:
            screen.wait(0.2)
    screen.should_contain('Reference or tracking code')
    axe.check("the order's dialog")
    screen.open(f'/admin/orders/{order.code}')
    screen.should_contain('Add note')
    axe.check("the order's page")
    visit_admin(screen, '/admin/logs', 'Logs')
    axe.check('the logs')
    for page, title in {'shop': 'Shop', 'checkout': 'Checkout', 'invoices': 'Invoices',
                        'customers': 'Customers checkout', 'administrators': 'Administrators',
                        'api-keys': 'API keys', 'api-push': 'API PUSH', 'deliveries': 'Deliveries',
                        'notifications': 'Notifications', 'mailbox': 'Mailbox'}.items():
        visit_admin(screen, f'/admin/settings/{page}', title)
        axe.check(f'Settings > {title}')
    visit_admin(screen, '/admin/account', 'Your account')
    axe.check('your account')
    axe.assert_none()
