"""Admin sign-in on a real database: passwords, throttling, sessions that logout ends everywhere."""

import pytest

from domain import admin_auth, sign_in_throttle
from domain.admin_auth import LoginRefused, admin_account, session_admin, sign_in, sign_out_everywhere
from domain.models import AdminUser, LogEntry
from domain.sessions import new_token, remember_device
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD


@pytest.fixture(autouse=True)
def no_slow_answers(monkeypatch):
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)


async def known_device(shop) -> str:
    """The device cookie of a browser the owner signed in with before."""
    device = new_token()
    await remember_device(admin_account((await AdminUser.get(email=ADMIN_EMAIL)).id), device)
    return device


async def test_owner_signs_in_and_the_session_names_the_owner(shop):
    token = await sign_in(shop=shop, email=f'  {ADMIN_EMAIL.upper()} ', password=ADMIN_PASSWORD, address='10.0.0.1')
    assert len(token) >= 40
    admin = await session_admin(token)
    assert (admin.email, admin.shop_id, admin.is_owner) == (ADMIN_EMAIL, shop.id, True)
    assert await LogEntry.filter(kind='admin.login', actor=ADMIN_EMAIL).count() == 1


async def test_wrong_password_and_unknown_email_get_the_same_answer(shop):
    with pytest.raises(LoginRefused) as wrong_password:
        await sign_in(shop=shop, email=ADMIN_EMAIL, password='nope', address='10.0.0.1')
    with pytest.raises(LoginRefused) as unknown:
        await sign_in(shop=shop, email='nobody@example.com', password='nope', address='10.0.0.1')
    assert str(wrong_password.value) == str(unknown.value) == 'Wrong e-mail or password.'
    assert await LogEntry.filter(kind='admin.login_failed').count() == 2


async def test_ten_failures_for_one_account_slow_down_new_devices_but_not_a_known_one(shop):
    laptop = await known_device(shop)
    for attempt in range(10):
        with pytest.raises(LoginRefused, match='Wrong'):
            await sign_in(shop=shop, email=ADMIN_EMAIL, password=f'guess {attempt}', address=f'10.0.1.{attempt}')
    with pytest.raises(LoginRefused, match=r'Too many failed sign-ins for this account\. Please wait 15 seconds'):
        await sign_in(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.9.9.9')
    assert await sign_in(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.9.9.9',
                         device_token=laptop)


async def test_failures_from_one_address_refuse_new_devices_there_but_not_a_known_one(shop, monkeypatch):
    monkeypatch.setattr(sign_in_throttle, 'ADDRESS_LIMIT', 10)
    laptop = await known_device(shop)
    for attempt in range(10):
        with pytest.raises(LoginRefused, match='Wrong'):
            await sign_in(shop=shop, email=f'user{attempt}@example.com', password='x', address='10.0.0.66')
    with pytest.raises(LoginRefused, match='Too many failed sign-ins from your network'):
        await sign_in(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.0.0.66')
    assert await sign_in(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.0.0.66',
                         device_token=laptop)
    assert await sign_in(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.0.0.67')


async def test_sign_out_ends_every_session_of_the_admin(shop):
    laptop = await sign_in(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.0.0.1')
    phone = await sign_in(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.0.0.2')
    await sign_out_everywhere(await session_admin(phone))
    assert await session_admin(laptop) is None
    assert await session_admin(phone) is None
    assert await session_admin('made-up-token') is None
    assert await session_admin(None) is None
