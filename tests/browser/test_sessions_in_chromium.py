"""Session attacks in real Chromium: a session cookie taken before the sign-in is worth nothing after it (fixation),
and a page of another site (another port) that opens the sign-out links signs no one out."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from selenium.webdriver.common.by import By

from tests.browser.sync_db import run_query
from tests.browser.test_checkout_in_chromium import field
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.ui.test_customer_account_ui import account

ANN, PASSWORD = 'ann@example.com', 'lantern orchard 42'


@pytest.fixture
def other_site():
    """A second site on another port whose page loads `/evil` with the shop's sign-out links in it."""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, '').encode()
            self.send_response(200)
            self.send_header('Content-Type', 'text/html')
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield pages, f'http://127.0.0.1:{server.server_port}'
    server.shutdown()


def cookies_of(screen) -> dict[str, str]:
    return {cookie['name']: cookie['value'] for cookie in screen.selenium.get_cookies()}


def test_a_session_cookie_taken_before_the_admin_signs_in_is_not_signed_in_after(laptop):
    screen = laptop
    screen.open('/admin/login')
    screen.should_contain('Sign in to Orderly')
    before = cookies_of(screen)
    field(screen, 'E-mail').send_keys(ADMIN_EMAIL)
    field(screen, 'Password').send_keys(ADMIN_PASSWORD + '\n')
    screen.should_contain('No orders yet.')
    assert cookies_of(screen)['session'] != before['session']
    # an attacker's browser with the cookies taken before: sent to sign in
    screen.selenium.delete_all_cookies()
    for name, value in before.items():
        screen.selenium.add_cookie({'name': name, 'value': value, 'path': '/'})
    screen.open('/admin/orders')
    screen.should_contain('Sign in to Orderly')


def test_another_sites_page_with_the_sign_out_links_signs_no_one_out(laptop, other_site):
    screen = laptop
    pages, origin = other_site
    screen.open('/account/login')  # starts the app
    run_query(account)
    field(screen, 'E-mail').send_keys(ANN)
    field(screen, 'Password').send_keys(PASSWORD + '\n')
    screen.should_contain('You have no orders in your account yet.')
    screen.open('/admin/login')
    field(screen, 'E-mail').send_keys(ADMIN_EMAIL)
    field(screen, 'Password').send_keys(ADMIN_PASSWORD + '\n')
    screen.should_contain('No orders yet.')
    shop = screen.url
    for target in ('/account/logout', '/account/session/end', '/admin/session/end'):
        # a top-level navigation from the other site: the one kind of cross-site request Lax cookies go with
        pages['/evil'] = f'<a id="go" href="{shop}{target}">Win a prize</a>'
        screen.selenium.get(f'{origin}/evil')
        screen.selenium.find_element(By.ID, 'go').click()
        screen.wait(1)
    screen.open('/account')
    screen.should_contain('You have no orders in your account yet.')  # still signed in
    screen.open('/admin/orders')
    screen.should_contain('No orders yet.')
