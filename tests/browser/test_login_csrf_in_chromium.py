"""Login CSRF by cookie tossing, in real Chromium: a page of another site on the same host (another port; cookies
are not separated by port) plants the attacker's NiceGUI `session` cookie in the victim's browser and sends it on
to a sign-in ticket the attacker got for that cookie. The victim must not end up signed in as the attacker."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from domain.admin_auth import sign_in_ticket as admin_sign_in_ticket
from domain.catalogue import default_shop
from domain.customer_accounts import sign_in_ticket
from tests.browser.sync_db import run_query
from tests.browser.test_checkout_in_chromium import field
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.ui.test_customer_account_ui import PASSWORD, account

VICTIM, ATTACKER = 'ann@example.com', 'mallory@example.com'


def browser_id_of(session_cookie: str) -> str:
    """NiceGUI's browser id in a Starlette session cookie: base64 JSON before its signature (readable, not forged)."""
    data = session_cookie.split('.')[0]
    return json.loads(base64.b64decode(data + '=' * (-len(data) % 4)))['id']


@pytest.fixture
def tossing_site():
    """Another site on the same host: `/toss` answers with `Set-Cookie: session=…` and a redirect to the shop."""
    toss: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(302)
            self.send_header('Set-Cookie', f'session={toss["cookie"]}; Path=/; HttpOnly; SameSite=Lax')
            self.send_header('Location', toss['location'])
            self.end_headers()

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield toss, f'http://localhost:{server.server_port}/toss'
    server.shutdown()


def attackers_cookie(shop_url: str) -> str:
    """The attacker's own browser: a NiceGUI session cookie from the shop."""
    answer = httpx.get(f'{shop_url}/account/login')
    return answer.cookies['session']


def test_a_tossed_session_cookie_does_not_sign_the_victim_in_as_the_attacker(laptop, tossing_site):
    screen = laptop
    toss, toss_url = tossing_site
    screen.open('/account/login')  # starts the app
    run_query(account)
    attacker = run_query(lambda: account(ATTACKER, name='Mallory'))
    field(screen, 'E-mail').send_keys(VICTIM)
    field(screen, 'Password').send_keys(PASSWORD + '\n')
    screen.should_contain('You have no orders in your account yet.')
    cookie = attackers_cookie(screen.url)
    ticket = run_query(lambda: sign_in_ticket(attacker, browser_id=browser_id_of(cookie), address='127.0.0.1'))
    toss.update(cookie=cookie, location=f'{screen.url}/account/session/start?ticket={ticket}&next=/account/settings')
    screen.selenium.get(toss_url)
    screen.wait(1.5)
    screen.open('/account/settings')
    screen.wait(1)
    page = screen.find_by_tag('body').text
    assert ATTACKER not in page
    # the victim's own sign-in still works in this browser
    screen.open('/account')
    screen.should_contain('You have no orders in your account yet.')


def test_a_tossed_session_cookie_does_not_sign_the_victim_in_as_an_attacking_admin(laptop, tossing_site):
    screen = laptop
    toss, toss_url = tossing_site
    screen.open('/admin/login')
    cookie = attackers_cookie(screen.url)

    async def ticket() -> str:
        return await admin_sign_in_ticket(shop=await default_shop(), email=ADMIN_EMAIL, password=ADMIN_PASSWORD,
                                          address='127.0.0.1', browser_id=browser_id_of(cookie))

    toss.update(cookie=cookie, location=f'{screen.url}/admin/session/start?ticket={run_query(ticket)}')
    screen.selenium.get(toss_url)
    screen.wait(1.5)
    screen.open('/admin/orders')
    screen.should_contain('Sign in to Orderly')


def test_a_sign_in_in_the_browser_itself_still_works(laptop):
    screen = laptop
    screen.open('/account/login')
    run_query(account)
    field(screen, 'E-mail').send_keys(VICTIM)
    field(screen, 'Password').send_keys(PASSWORD + '\n')
    screen.should_contain('You have no orders in your account yet.')
    screen.open('/admin/login')
    field(screen, 'E-mail').send_keys(ADMIN_EMAIL)
    field(screen, 'Password').send_keys(ADMIN_PASSWORD + '\n')
    screen.should_contain('No orders yet.')
