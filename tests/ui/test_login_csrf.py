"""The sign-in routes open a session only for a navigation from the shop's own pages (login CSRF by cookie
tossing), and a device cookie planted before a sign-in never becomes a known device of the account."""

from datetime import timedelta

import pytest
from nicegui.testing import User

from domain import admin_auth
from domain.admin_auth import admin_account
from domain.admin_auth import sign_in_ticket as admin_ticket
from domain.catalogue import default_shop
from domain.customer_accounts import customer_account, sign_in_ticket
from domain.models import AdminSession, AdminUser, CustomerSession
from domain.sessions import device_after_sign_in, is_known_device
from tests.browser.test_login_csrf_in_chromium import browser_id_of
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.ui.test_admin_orders import sign_in as sign_in_admin
from tests.ui.test_customer_account_ui import account
from tests.ui.test_customer_account_ui import sign_in as sign_in_customer

PLANTED = 'a-device-value-another-site-planted-123'
TEST_CLIENT = '127.0.0.1'  # the address httpx's ASGI transport gives the User fixture's requests


@pytest.fixture(autouse=True)
def no_slow_answers(monkeypatch):
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)


async def nicegui_cookie(user: User) -> str:
    await user.open('/account/login')
    return user.http_client.cookies['session']


async def start(user: User, ticket: str, headers: dict[str, str], *, admin: bool = False) -> str:
    route = '/admin/session/start' if admin else '/account/session/start'
    answer = await user.http_client.get(f'{route}?ticket={ticket}&next=/account/settings', headers=headers)
    return answer.headers['location']


@pytest.mark.parametrize('headers', [
    {'Sec-Fetch-Site': 'cross-site'}, {'Sec-Fetch-Site': 'same-site'}, {'Sec-Fetch-Site': 'none'},
    {'Referer': 'http://localhost:8000/toss'}, {'Origin': 'http://127.0.0.1:8000'}, {'Origin': 'null'},
    {'Referer': 'http://test/account/login', 'Origin': 'http://evil.example'},
])
async def test_a_ticket_opens_nothing_when_the_browser_came_from_another_site(user: User, headers):
    customer = await account()
    cookie = await nicegui_cookie(user)
    ticket = await sign_in_ticket(customer, browser_id=browser_id_of(cookie), address=TEST_CLIENT)
    assert (await start(user, ticket, headers)).startswith('/account/login')
    assert await CustomerSession.filter(customer_id=customer.id).count() == 0
    admin = await AdminUser.get(email=ADMIN_EMAIL)
    ticket = await admin_ticket(shop=await default_shop(), email=ADMIN_EMAIL, password=ADMIN_PASSWORD,
                                address=TEST_CLIENT, browser_id=browser_id_of(cookie))
    assert await start(user, ticket, headers, admin=True) == '/admin/login'
    assert await AdminSession.filter(admin_id=admin.id).count() == 0


@pytest.mark.parametrize('headers', [{'Sec-Fetch-Site': 'same-origin'}, {'Referer': 'http://test/account/login'}, {}])
async def test_a_ticket_opens_the_session_when_the_browser_came_from_the_shops_page(user: User, headers):
    customer = await account()
    cookie = await nicegui_cookie(user)
    ticket = await sign_in_ticket(customer, browser_id=browser_id_of(cookie), address=TEST_CLIENT)
    assert await start(user, ticket, headers) == '/account/settings'
    assert await CustomerSession.filter(customer_id=customer.id).count() == 1


async def test_a_request_with_two_nicegui_cookies_opens_nothing(user: User):
    customer = await account()
    cookie = await nicegui_cookie(user)
    ticket = await sign_in_ticket(customer, browser_id=browser_id_of(cookie), address=TEST_CLIENT)
    user.http_client.cookies.clear()
    location = await start(user, ticket, {'Cookie': f'session={cookie}; session={cookie}',
                                          'Sec-Fetch-Site': 'same-origin'})
    assert location.startswith('/account/login')
    assert await CustomerSession.filter(customer_id=customer.id).count() == 0


async def test_without_any_sign_of_where_it_came_from_a_ticket_opens_only_at_its_own_address(user: User):
    customer = await account()
    cookie = await nicegui_cookie(user)
    ticket = await sign_in_ticket(customer, browser_id=browser_id_of(cookie), address='10.6.6.6')
    assert (await start(user, ticket, {})).startswith('/account/login')
    assert await start(user, ticket, {'Sec-Fetch-Site': 'same-origin'}) == '/account/settings'


async def test_a_next_parameter_never_leads_to_a_sign_in_route(user: User):
    from ui.storefront.customer_session import local_path
    for target in ('/account/session/start?ticket=abc', '/admin/session/start?ticket=abc', '/account/session/end',
                   '/account/./session/start?ticket=abc', '/%2e/admin/session/start'):
        assert local_path(target) == '/account', target


async def test_a_planted_device_cookie_does_not_become_a_known_device_of_the_customer(user: User):
    customer = await account()
    user.http_client.cookies.set('orderly_device', PLANTED, domain='test.local')
    await sign_in_customer(user)
    await user.should_see(marker='sign-out', retries=50)
    assert user.http_client.cookies['orderly_device'] != PLANTED
    assert not await is_known_device(customer_account(customer.id), PLANTED)
    assert await is_known_device(customer_account(customer.id), user.http_client.cookies['orderly_device'])


async def test_a_planted_device_cookie_does_not_become_a_known_device_of_the_admin(user: User):
    user.http_client.cookies.set('orderly_device', PLANTED, domain='test.local')
    await sign_in_admin(user)
    admin = await AdminUser.get(email=ADMIN_EMAIL)
    assert user.http_client.cookies['orderly_device'] != PLANTED
    assert not await is_known_device(admin_account(admin.id), PLANTED)


async def test_a_known_device_keeps_its_cookie_and_a_browser_of_two_accounts_stays_known_to_both(user: User):
    customer = await account()
    await sign_in_customer(user)
    await user.should_see(marker='sign-out', retries=50)
    first = user.http_client.cookies['orderly_device']
    await sign_in_admin(user)
    device = user.http_client.cookies['orderly_device']
    admin = await AdminUser.get(email=ADMIN_EMAIL)
    assert await is_known_device(admin_account(admin.id), device)
    assert await is_known_device(customer_account(customer.id), device)
    assert not await is_known_device(customer_account(customer.id), first)
    assert await device_after_sign_in(customer_account(customer.id), device) == device  # signing in again


@pytest.fixture
def cookie_settings(monkeypatch):
    """Change the cookie settings of `browser_session` for one test (the originals come back after it)."""
    from ui.components import browser_session
    monkeypatch.setattr(browser_session, '_secure', browser_session._secure)
    monkeypatch.setattr(browser_session, '_public_host', browser_session._public_host)
    return browser_session


def test_on_https_our_cookies_are_host_only_and_named_so_that_no_other_site_can_set_them(cookie_settings):
    from starlette.requests import Request
    from starlette.responses import Response

    request = Request({'type': 'http', 'scheme': 'https', 'headers': [], 'path': '/'})
    cookie_settings.use_secure_cookies(False)
    assert cookie_settings.session_middleware_options() == {'https_only': False, 'session_cookie': 'session'}
    cookie_settings.use_secure_cookies(True, 'https://shop.example')
    assert cookie_settings.session_middleware_options() == {'https_only': True, 'session_cookie': '__Host-session'}
    response = Response()
    cookie_settings.set_cookie(response, request, 'orderly_admin', 'token', path='/admin', max_age=timedelta(1))
    header = response.headers['set-cookie']
    assert header.startswith('__Host-orderly_admin=token;') and 'Path=/;' in header and 'Secure' in header
    assert 'Domain' not in header


def test_an_older_browsers_referer_of_the_public_address_counts_as_the_shops_page_behind_a_proxy(cookie_settings):
    from starlette.requests import Request

    def request(**headers: str) -> Request:
        return Request({'type': 'http', 'headers': [(key.encode(), value.encode()) for key, value in headers.items()]})

    cookie_settings.use_secure_cookies(False, 'https://shop.example')
    assert cookie_settings.from_this_site(request(host='127.0.0.1:8080', referer='https://shop.example/a'))
    assert cookie_settings.from_this_site(request(host='127.0.0.1:8080', referer='https://evil.example/')) is False
    assert cookie_settings.from_this_site(request(host='127.0.0.1:8080')) is None


@pytest.mark.parametrize('target', ['/.//evil.example', '/%2e//evil.example', '/%2E%2E//evil.example',
                                    '/account/../..//evil.example', '/account/./..//evil.example?x=1'])
def test_a_next_parameter_with_dot_segments_stays_on_this_site(target):
    from ui.storefront.customer_session import local_path
    # a browser resolves the dot segments (also %2e) and would read `//evil.example` as another host
    assert local_path(target).split('?')[0] in ('/account', '/evil.example')
    assert local_path('/account/./orders/../settings') == '/account/settings'
