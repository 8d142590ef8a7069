"""The Content-Security-Policy in real Chromium: every kind of page works under it without a single violation; a page
of another site on another port of the same host can neither frame the signed-in grid nor open its socket.io."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By

from domain.models import Order
from tests.browser.sync_db import run_query
from tests.browser.test_admin_in_chromium import customer_orders
from tests.browser.test_checkout_in_chromium import add_to_cart, field
from tests.browser.test_customers_in_chromium import admin_signs_in, kept_mails, start
from tests.mail_catcher import free_port

# Collects the page's CSP violations from its first script on; the page's own code cannot miss being seen.
LISTENER = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(
    `${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));
"""
# A load the policy must refuse (img-src 'self'): proves a policy is in force on the page at all. Port 9 is closed.
PROBE_URL = 'http://127.0.0.1:9/csp-probe.png'
PROBE = f"const probe = new Image(); probe.src = '{PROBE_URL}';"


@contextmanager
def violations_listened(screen) -> Iterator[None]:
    script = screen.selenium.execute_cdp_cmd('Page.addScriptToEvaluateOnNewDocument', {'source': LISTENER})
    try:
        yield
    finally:  # the browser outlives this test
        screen.selenium.execute_cdp_cmd('Page.removeScriptToEvaluateOnNewDocument',
                                        {'identifier': script['identifier']})


def works_under_the_policy(screen, what: str) -> None:
    """The page logged no CSP violation and no console error, and the policy is in force (it refuses the probe)."""
    screen.wait(0.5)  # late loads (fonts, Quasar's lazy parts, the socket) have reported by now
    screen.selenium.execute_script(PROBE)
    for _ in range(30):
        seen = screen.selenium.execute_script('return window.__violations || []')
        if any(PROBE_URL in violation for violation in seen):
            break
        screen.wait(0.1)
    others = [violation for violation in seen if PROBE_URL not in violation]
    assert others == [], f'{what}: {others}'
    assert any(PROBE_URL in violation for violation in seen), f'{what}: no Content-Security-Policy in force'
    console = [entry['message'] for entry in screen.selenium.get_log('browser')
               if entry.get('level') == 'SEVERE' or 'Content Security Policy' in entry['message']]
    assert [message for message in console if 'csp-probe' not in message] == [], f'{what}: {console}'


def visit(screen, path: str, text: str) -> None:
    screen.open(path)
    screen.should_contain(text)
    works_under_the_policy(screen, path)


def visit_admin(screen, path: str, title: str) -> None:
    """An admin page, known by its title (the menu beside it has the same words)."""
    screen.open(path)
    screen.selenium.find_element(By.XPATH, f'//div[contains(@class, "text-2xl") and normalize-space()="{title}"]')
    works_under_the_policy(screen, path)


def test_every_kind_of_page_works_under_the_content_security_policy(laptop):
    screen = laptop
    with violations_listened(screen):
        start(screen, '/')
        screen.should_contain('Espresso beans, 1 kg')
        works_under_the_policy(screen, 'the catalogue')
        add_to_cart(screen, 'Espresso beans, 1 kg')
        screen.should_contain('Added Espresso beans, 1 kg to your cart.')
        visit(screen, '/cart', 'Your cart')
        visit(screen, '/checkout', 'Your details')
        for label, value in {'Name': 'Ann Peeters', 'E-mail': 'ann@example.com', 'Street and number': 'Kerkstraat 1',
                             'Postal code': '9000', 'City': 'Gent'}.items():
            field(screen, label).send_keys(value)
        screen.click('Place order')
        screen.should_contain('Thank you, Ann Peeters!')
        works_under_the_policy(screen, 'the confirmation')
        order = run_query(lambda: Order.get())
        visit(screen, f'/order/{order.token}', 'Delivery')
        visit(screen, '/account/login', 'Forgot your password?')
        visit(screen, '/account/register', 'Create my account')

        visit(screen, '/admin/login', 'Sign in to Orderly')
        admin_signs_in(screen)
        screen.should_contain(order.code)
        works_under_the_policy(screen, 'the orders grid')
        for _ in range(5):  # the grid may re-render the row right after it first shows
            try:
                screen.click(order.code)
                break
            except StaleElementReferenceException:
                screen.wait(0.2)
        screen.should_contain('Reference or tracking code')
        works_under_the_policy(screen, "the order's dialog")
        visit(screen, f'/admin/orders/{order.code}', 'Add note')
        visit_admin(screen, '/admin/logs', 'Logs')
        for page, title in {'shop': 'Shop', 'checkout': 'Checkout', 'invoices': 'Invoices',
                            'customers': 'Customers checkout', 'administrators': 'Administrators',
                            'api-keys': 'API keys', 'api-push': 'API PUSH', 'deliveries': 'Deliveries',
                            'notifications': 'Notifications'}.items():
            visit_admin(screen, f'/admin/settings/{page}', title)
        visit_admin(screen, '/admin/account', 'Your account')

        kept_mails('ann@example.com', order.code)  # the dispatcher has kept the confirmation in the Mailbox
        visit_admin(screen, '/admin/settings/mailbox', 'Mailbox')
        screen.click(f'Your order {order.code}')
        screen.should_contain('Plain text version')
        frame = screen.find_by_css('iframe')
        screen.selenium.switch_to.frame(frame)
        try:  # the mail is shown in its sandboxed frame, styles and all
            assert order.code in screen.selenium.find_element(By.TAG_NAME, 'body').text
        finally:
            screen.selenium.switch_to.default_content()
        works_under_the_policy(screen, 'a mail in the Mailbox')


class OtherSite(BaseHTTPRequestHandler):
    """A page of another site on another port of the same host (same site, so the browser sends the shop's
    cookies): it frames the shop's grid and opens the shop's socket.io."""
    shop = ''

    def do_GET(self) -> None:
        socket_url = self.shop.replace('http', 'ws') + '/_nicegui_ws/socket.io/?EIO=4&transport=websocket'
        body = f"""<!doctype html><html><body><h1>Another site</h1>
<iframe id="victim" src="{self.shop}/admin/orders" width="1000" height="600"></iframe>
<script>
  window.socketState = 'pending';
  const socket = new WebSocket('{socket_url}');
  socket.onopen = () => {{ window.socketState = 'open'; }};
  socket.onerror = () => {{ if (window.socketState === 'pending') window.socketState = 'refused'; }};
</script></body></html>""".encode()
        self.send_response(200)
        self.send_header('Content-Type', 'text/html; charset=utf-8')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@contextmanager
def other_site(shop_url: str) -> Iterator[str]:
    handler = type('Handler', (OtherSite,), {'shop': shop_url})
    server = ThreadingHTTPServer(('127.0.0.1', free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f'http://localhost:{server.server_address[1]}/'
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_a_page_on_another_port_can_neither_frame_the_signed_in_grid_nor_open_its_socket(laptop):
    screen = laptop
    start(screen, '/admin/login')
    code = run_query(lambda: customer_orders('Eva Maes'))
    admin_signs_in(screen)
    screen.should_contain(code)  # signed in: the grid shows the order
    with other_site(screen.url) as url:
        screen.selenium.get(url)
        screen.should_contain('Another site')
        screen.wait(1.5)  # the frame has loaded what it will
        screen.selenium.switch_to.frame(screen.selenium.find_element(By.ID, 'victim'))
        try:
            assert code not in screen.selenium.page_source
            assert not screen.selenium.execute_script('return location.href').startswith(screen.url)
        finally:
            screen.selenium.switch_to.default_content()
        for _ in range(50):
            state = screen.selenium.execute_script('return window.socketState')
            if state != 'pending':
                break
            screen.wait(0.1)
        assert state == 'refused'
    # the browser reported both refusals; they are the point of this test, not errors of the shop
    refused = screen.selenium.get_log('browser')
    assert any('frame-ancestors' in entry['message'] or 'X-Frame-Options' in entry['message'] for entry in refused)
