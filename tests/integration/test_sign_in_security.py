"""Sign-in security on a real database: parallel guesses against the limits, trusted proxies, sessions that expire
and are listed and ended one by one, tickets bound to one browser, `python main.py reset-password`."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from uvicorn import Config

from config import Settings
from domain import admin_auth, sign_in_throttle
from domain.admin_auth import (
    LoginRefused,
    end_session,
    live_sessions,
    redeem_sign_in,
    reset_password,
    session_admin,
    sign_in,
    sign_in_ticket,
)
from domain.customer_accounts import authenticate, register, session_customer
from domain.customer_accounts import open_session as open_customer_session
from domain.customer_accounts import sign_in_ticket as customer_ticket
from domain.models import AdminSession, AdminUser, CustomerSession, LogEntry, LoginFailure
from domain.sessions import Lifetimes, lifetimes, set_lifetimes
from integrations.commands import add_commands
from integrations.session_storage import proxy_options
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD


@pytest.fixture(autouse=True)
def no_slow_answers(monkeypatch):
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)


@pytest.fixture
def counted_checks(monkeypatch) -> list[str]:
    """Every password argon2 actually checked."""
    checked = []
    verify = sign_in_throttle.verify_password

    def counting(password_hash: str, password: str) -> bool:
        checked.append(password)
        return verify(password_hash, password)

    monkeypatch.setattr(sign_in_throttle, 'verify_password', counting)
    return checked


async def test_fifteen_parallel_guesses_for_one_account_are_not_all_checked(shop, counted_checks):
    async def guess(number: int) -> str:
        try:
            await sign_in(shop=shop, email=ADMIN_EMAIL, password=f'guess {number}', address=f'10.0.2.{number}')
        except LoginRefused as refused:
            return str(refused)
        return 'signed in'

    answers = await asyncio.gather(*(guess(number) for number in range(15)))
    assert len(counted_checks) <= sign_in_throttle.FREE_ACCOUNT_FAILURES
    assert answers.count('Wrong e-mail or password.') == len(counted_checks)
    assert all('Too many failed sign-ins' in answer for answer in answers if answer != 'Wrong e-mail or password.')


async def test_fifteen_parallel_guesses_from_one_address_are_not_all_checked(shop, counted_checks, monkeypatch):
    monkeypatch.setattr(sign_in_throttle, 'ADDRESS_LIMIT', 10)

    async def guess(number: int) -> None:
        with pytest.raises(LoginRefused):
            await sign_in(shop=shop, email=f'user{number}@example.com', password='x', address='10.0.0.99')

    await asyncio.gather(*(guess(number) for number in range(15)))
    assert len(counted_checks) <= 10


async def test_a_growing_delay_not_a_lockout_after_ten_failures(shop):
    for attempt in range(10):
        with pytest.raises(LoginRefused, match='Wrong'):
            await sign_in(shop=shop, email=ADMIN_EMAIL, password=f'guess {attempt}', address='10.0.3.1')
    assert sign_in_throttle.account_delay(9) == timedelta(0)
    assert [sign_in_throttle.account_delay(n).total_seconds() for n in (10, 11, 12)] == [15, 30, 60]
    assert sign_in_throttle.account_delay(40) == timedelta(minutes=15)
    with pytest.raises(LoginRefused, match='wait 15 seconds'):
        await sign_in(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.0.3.1')
    # refused unchecked attempts do not count: once the delay is over, the right password works
    await LoginFailure.all().update(created_at=datetime.now(UTC) - timedelta(seconds=16))
    assert await sign_in(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.0.3.1')


def forwarded_client(options: dict, peer: str, forwarded: str) -> str:
    """The client address the app sees behind uvicorn with `options` for a request from `peer`."""
    seen = {}

    async def app(scope, receive, send):
        seen['client'] = scope['client'][0]

    config = Config(app, **options)
    config.load()
    scope = {'type': 'http', 'client': (peer, 5000), 'headers': [(b'x-forwarded-for', forwarded.encode())],
             'scheme': 'http', 'path': '/', 'method': 'GET'}
    asyncio.run(config.loaded_app(scope, None, None))
    return seen['client']


def test_x_forwarded_for_counts_only_from_trusted_proxies(monkeypatch):
    monkeypatch.delenv('ORDERLY_TRUSTED_PROXIES', raising=False)
    default = proxy_options(Settings())
    assert forwarded_client(default, '127.0.0.1', '203.0.113.9') == '127.0.0.1'  # no proxy trusted by default
    monkeypatch.setenv('ORDERLY_TRUSTED_PROXIES', '127.0.0.1, 10.1.0.0/16')
    trusted = proxy_options(Settings())
    assert forwarded_client(trusted, '127.0.0.1', '203.0.113.9') == '203.0.113.9'
    assert forwarded_client(trusted, '10.1.2.3', '203.0.113.9') == '203.0.113.9'
    assert forwarded_client(trusted, '10.2.0.1', '203.0.113.9') == '10.2.0.1'
    monkeypatch.setenv('ORDERLY_TRUSTED_PROXIES', 'nginx.local')
    with pytest.raises(ValueError, match='no IP address or network'):
        Settings()


@pytest.fixture
def short_lifetimes():
    kept = lifetimes()
    set_lifetimes(Lifetimes(idle=timedelta(hours=12), absolute=timedelta(days=30)))
    yield
    set_lifetimes(kept)


async def test_sessions_end_after_12_idle_hours_and_after_30_days(shop, short_lifetimes):
    idle = await sign_in(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.0.0.1')
    old = await sign_in(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.0.0.1')
    used = await sign_in(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.0.0.1')
    now = datetime.now(UTC)
    sessions = await AdminSession.all().order_by('id')
    await AdminSession.filter(id=sessions[0].id).update(last_seen_at=now - timedelta(hours=12, minutes=1))
    await AdminSession.filter(id=sessions[1].id).update(created_at=now - timedelta(days=30, minutes=1),
                                                        expires_at=now - timedelta(minutes=1),
                                                        last_seen_at=now - timedelta(minutes=1))
    await AdminSession.filter(id=sessions[2].id).update(last_seen_at=now - timedelta(hours=11))
    assert await session_admin(idle) is None
    assert await session_admin(old) is None
    assert await session_admin(used) is not None
    assert (await AdminSession.get(id=sessions[2].id)).last_seen_at > now - timedelta(minutes=1)  # idle anew


async def test_customer_sessions_expire_too(shop, short_lifetimes):
    customer = await register(shop, name='Ann Peeters', email='ann@example.com', password='lantern orchard 42')
    token = await open_customer_session(customer, user_agent='Firefox', address='10.0.0.5')
    assert await session_customer(shop, token) is not None
    await CustomerSession.all().update(last_seen_at=datetime.now(UTC) - timedelta(hours=13))
    assert await session_customer(shop, token) is None


async def test_sessions_are_listed_and_end_one_by_one(shop):
    laptop = await sign_in(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.0.0.1',
                           user_agent='Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0')
    phone = await sign_in(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.0.0.2',
                          user_agent='Mozilla/5.0 (iPhone) Safari/604.1')
    admin = await session_admin(laptop)
    listed = await live_sessions(admin, laptop)
    assert sorted((s.address, s.current) for s in listed) == [('10.0.0.1', True), ('10.0.0.2', False)]
    other = next(s for s in listed if not s.current)
    assert 'iPhone' in other.user_agent
    clerk = await AdminUser.create(shop=shop, email='clerk@demo-shop.example', password_hash='x')
    assert not await end_session(admin_auth.SignedInAdmin(clerk.id, shop.id, clerk.email, '', clerk.role), other.id)
    assert await end_session(admin, other.id)
    assert await session_admin(phone) is None and await session_admin(laptop) is not None
    assert [s.address for s in await live_sessions(admin, laptop)] == ['10.0.0.1']


async def test_a_ticket_opens_a_session_once_and_only_in_its_own_browser(shop):
    ticket = await sign_in_ticket(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.0.0.1',
                                  browser_id='browser-a')
    assert await redeem_sign_in(ticket=ticket, browser_id='browser-b', user_agent='', address='') is None
    admin, token = await redeem_sign_in(ticket=ticket, browser_id='browser-a', user_agent='', address='')
    assert admin.email == ADMIN_EMAIL and await session_admin(token) is not None
    assert await redeem_sign_in(ticket=ticket, browser_id='browser-a', user_agent='', address='') is None
    assert await redeem_sign_in(ticket='made-up', browser_id='browser-a', user_agent='', address='') is None


async def test_a_customer_ticket_or_token_never_signs_in_an_admin(shop):
    customer = await register(shop, name='Ann Peeters', email='ann@example.com', password='lantern orchard 42')
    await authenticate(shop, email='ann@example.com', password='lantern orchard 42', remote='10.0.0.1')
    token = await open_customer_session(customer)
    assert await session_admin(token) is None
    ticket = await customer_ticket(customer, browser_id='browser-a', address='')
    assert await redeem_sign_in(ticket=ticket, browser_id='browser-a', user_agent='', address='') is None


async def test_reset_password_sets_a_new_one_logs_it_without_it_and_ends_the_sessions(shop):
    token = await sign_in(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.0.0.1')
    [(admin, password)] = await reset_password(f' {ADMIN_EMAIL.upper()} ')
    assert admin.email == ADMIN_EMAIL and len(password) >= 16
    assert await session_admin(token) is None
    assert await sign_in(shop=shop, email=ADMIN_EMAIL, password=password, address='10.0.0.1')
    with pytest.raises(LoginRefused):
        await sign_in(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.0.0.1')
    entry = await LogEntry.get(kind='admin.password_reset')
    assert ADMIN_EMAIL in entry.message and password not in entry.message and password not in str(entry.data)
    assert await reset_password('nobody@example.com') == []


def test_reset_password_is_a_command_of_main():
    import argparse

    parser = argparse.ArgumentParser()
    add_commands(parser)
    arguments = parser.parse_args(['reset-password', 'owner@demo-shop.example'])
    assert (arguments.command, arguments.email) == ('reset-password', 'owner@demo-shop.example')
