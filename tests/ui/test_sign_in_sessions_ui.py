"""Sessions through NiceGUI's simulated browsers (which keep cookies as a browser does): a cookie taken before a
sign-in is worth nothing after it, links from elsewhere sign no one out, sessions are listed and ended one by one,
NiceGUI's storage holds no token and lives in DATA_DIR."""

import os
import stat
from pathlib import Path

import pytest
from nicegui.testing import User

from domain import admin_auth
from domain.models import AdminSession, CustomerSession
from tests.ui.test_admin_orders import sign_in as sign_in_admin
from tests.ui.test_customer_account_ui import account
from tests.ui.test_customer_account_ui import sign_in as sign_in_customer


@pytest.fixture(autouse=True)
def no_slow_answers(monkeypatch):
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)


def stolen_cookies(user: User) -> dict[str, str]:
    return {cookie.name: cookie.value for cookie in user.http_client.cookies.jar}


async def test_a_cookie_taken_before_the_admin_signs_in_is_not_signed_in_after(user: User, create_user):
    await user.open('/admin/login')
    before = stolen_cookies(user)
    await sign_in_admin(user)
    assert stolen_cookies(user)['session'] != before['session']  # NiceGUI's browser id is new
    attacker = create_user()
    for name, value in before.items():
        attacker.http_client.cookies.set(name, value, domain='test')
    await attacker.open('/admin/orders')
    await attacker.should_see('Sign in to Orderly', retries=20)


async def test_a_cookie_taken_before_the_customer_signs_in_is_not_signed_in_after(user: User, create_user):
    await account()
    await user.open('/account/login')
    before = stolen_cookies(user)
    await sign_in_customer(user)
    await user.should_see(marker='sign-out', retries=50)
    assert stolen_cookies(user)['session'] != before['session']
    attacker = create_user()
    for name, value in before.items():
        attacker.http_client.cookies.set(name, value, domain='test')
    await attacker.open('/account')
    await attacker.should_see('Your orders and their status are in your account.', retries=20)


async def test_links_from_elsewhere_sign_no_one_out(user: User, create_user):
    await account()
    await sign_in_customer(user)
    await user.should_see(marker='sign-out', retries=50)
    admin = create_user()
    await sign_in_admin(admin)
    for browser, path in ((user, '/account/logout'), (user, '/account/session/end'), (admin, '/admin/session/end'),
                          (user, '/account/session/start?ticket=x'), (admin, '/admin/session/start?ticket=x')):
        await browser.http_client.get(path, follow_redirects=True)
    assert await CustomerSession.filter(revoked_at__isnull=True).count() == 1
    assert await AdminSession.filter(revoked_at__isnull=True).count() == 1
    await user.open('/account')
    await user.should_see(marker='sign-out', retries=20)
    await admin.open('/admin/orders')
    await admin.should_see(marker='orders-toolbar', retries=20)


async def test_admin_sees_where_they_are_signed_in_and_signs_one_browser_out(user: User, create_user):
    phone = create_user()
    await sign_in_admin(user)
    await sign_in_admin(phone)
    await user.open('/admin/account')
    await user.should_see('Where you are signed in')
    assert len(user.find(marker='session').elements) == 2
    await user.should_see('this browser')
    other = await AdminSession.filter(revoked_at__isnull=True).order_by('-id').first()
    user.find(marker=f'end-session-{other.id}').click()
    await user.should_see('That browser is signed out.')
    assert len(user.find(marker='session').elements) == 1
    await phone.open('/admin/orders')
    await phone.should_see('Sign in to Orderly', retries=20)
    await user.open('/admin/orders')
    await user.should_see(marker='orders-toolbar', retries=20)


async def test_customer_sees_where_they_are_signed_in_and_signs_one_browser_out(user: User, create_user):
    await account()
    phone = create_user()
    await sign_in_customer(phone)
    await phone.should_see(marker='sign-out', retries=50)
    await sign_in_customer(user, path='/account/login?next=/account/settings')
    await user.should_see('Where you are signed in', retries=50)
    assert len(user.find(marker='session').elements) == 2
    other = await CustomerSession.filter(revoked_at__isnull=True).order_by('id').first()
    user.find(marker=f'end-session-{other.id}').click()
    await user.should_see('That browser is signed out.')
    await phone.open('/account')
    await phone.should_see('Your orders and their status are in your account.', retries=20)


async def test_nicegui_storage_is_private_in_the_data_folder_and_holds_no_token(user: User):
    await account()
    await sign_in_customer(user)
    await user.should_see(marker='sign-out', retries=50)
    folder = Path(os.environ['ORDERLY_DATA_DIR']).resolve() / 'sessions'
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    tokens = [cookie.value for cookie in user.http_client.cookies.jar
              if cookie.name in ('orderly_customer', 'orderly_device')]
    assert len(tokens) == 2
    for file in folder.glob('storage-*.json'):
        assert not any(token in file.read_text() for token in tokens)
    cookies = {cookie.name: cookie for cookie in user.http_client.cookies.jar}
    assert cookies['orderly_customer'].has_nonstandard_attr('HttpOnly')
