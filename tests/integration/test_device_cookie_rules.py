"""Device cookies on a real database: guesses made with a copy of a known device's cookie from elsewhere never
refuse that device's correct password at home; a sign-in ticket without a browser's word for where it came from
opens only at the address it was issued to."""

import pytest

from domain import admin_auth, sign_in_throttle
from domain.admin_auth import LoginRefused, admin_account, sign_in
from domain.customer_accounts import AccountError, authenticate, customer_account, register
from domain.models import AdminUser
from domain.sessions import issue_ticket, new_token, redeem_ticket, remember_device
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD

ANN, PASSWORD = 'ann@example.com', 'lantern orchard 42'


@pytest.fixture(autouse=True)
def no_slow_answers(monkeypatch):
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)


async def test_guesses_with_a_copy_of_the_owners_device_cookie_elsewhere_never_refuse_the_owner(shop):
    owner = await AdminUser.get(email=ADMIN_EMAIL)
    device = new_token()
    await remember_device(admin_account(owner.id), device)
    for attempt in range(sign_in_throttle.DEVICE_LIMIT + 1):  # the device's own budget used up, from elsewhere
        with pytest.raises(LoginRefused, match='Wrong'):
            await sign_in(shop=shop, email=ADMIN_EMAIL, password=f'guess {attempt}', address='10.0.0.22',
                          device_token=device)
    for attempt in range(sign_in_throttle.FREE_ACCOUNT_FAILURES):  # and the account's slow-down started
        with pytest.raises(LoginRefused):
            await sign_in(shop=shop, email=ADMIN_EMAIL, password=f'other {attempt}', address=f'10.0.1.{attempt}')
    with pytest.raises(LoginRefused, match='Too many'):
        await sign_in(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.0.0.22',
                      device_token=device)  # the copy is refused where it guessed
    assert await sign_in(shop=shop, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, address='10.0.0.21',
                         device_token=device)  # the owner's browser, at home


async def test_guesses_with_a_copy_of_a_customers_device_cookie_elsewhere_never_refuse_the_customer(shop):
    customer = await register(shop, name='Ann Peeters', email=ANN, password=PASSWORD)
    phone = new_token()
    await remember_device(customer_account(customer.id), phone)
    for attempt in range(sign_in_throttle.DEVICE_LIMIT + 1):
        with pytest.raises(AccountError, match='Wrong'):
            await authenticate(shop, email=ANN, password=f'guess {attempt}', remote='10.0.0.22', device_token=phone)
    for attempt in range(sign_in_throttle.FREE_ACCOUNT_FAILURES):
        with pytest.raises(AccountError):
            await authenticate(shop, email=ANN, password=f'other {attempt}', remote=f'10.0.1.{attempt}')
    assert await authenticate(shop, email=ANN, password=PASSWORD, remote='10.0.0.21', device_token=phone)


async def test_a_ticket_held_to_its_address_opens_only_there_and_only_once(shop):
    ticket = await issue_ticket(kind='customer', account_id=7, browser_id='browser-a', address='10.0.0.1')
    assert await redeem_ticket(kind='customer', ticket=ticket, browser_id='browser-a', address='10.0.0.2') is None
    assert await redeem_ticket(kind='customer', ticket=ticket, browser_id='browser-a', address='10.0.0.1') == 7
    assert await redeem_ticket(kind='customer', ticket=ticket, browser_id='browser-a', address='10.0.0.1') is None
    other = await issue_ticket(kind='customer', account_id=7, browser_id='browser-a', address='10.0.0.1')
    assert await redeem_ticket(kind='customer', ticket=other, browser_id='browser-a') == 7  # not held to it
