"""Owners edit admins, admins edit themselves: a new e-mail or password ends sessions, every change is logged."""

import pytest

from domain import admin_auth
from domain.admin_auth import LoginRefused, session_admin, sign_in
from domain.admins import InvalidAdmin, add_admin, change_own_account, list_admins, update_admin
from domain.models import AdminRole, AdminUser, LogEntry, Shop
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD

CLERK_PASSWORD = 'clerk password 1'


@pytest.fixture(autouse=True)
def no_slow_answers(monkeypatch):
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)


@pytest.fixture
async def clerk(shop) -> AdminUser:
    return await add_admin(shop=shop, email='clerk@demo-shop.example', password=CLERK_PASSWORD, name='Clara')


async def session_of(shop, email: str, password: str) -> str:
    return await sign_in(shop=shop, email=email, password=password, address='test')


async def owner_of(shop) -> AdminUser:
    return await AdminUser.get(shop_id=shop.id, email=ADMIN_EMAIL)


async def test_owner_edits_name_role_and_mails_and_the_admin_stays_signed_in(shop, clerk):
    token = await session_of(shop, clerk.email, CLERK_PASSWORD)
    changed = await update_admin(shop_id=shop.id, admin_id=clerk.id, name='Clara Clerk', role=AdminRole.OWNER,
                                 receives_order_mails=False, email=clerk.email, actor=ADMIN_EMAIL)
    assert changed == ['role', 'receives_order_mails', 'name']
    fresh = await AdminUser.get(id=clerk.id)
    assert (fresh.name, fresh.role, fresh.receives_order_mails) == ('Clara Clerk', AdminRole.OWNER, False)
    assert (await Shop.get(id=shop.id)).order_mail_recipients == [ADMIN_EMAIL]
    assert (await session_admin(token)).role is AdminRole.OWNER
    log = await LogEntry.filter(kind='settings.admins', actor=ADMIN_EMAIL).order_by('-id').first()
    assert log.message == ('Administrator clerk@demo-shop.example: role employee → owner; '
                           'name Clara → Clara Clerk; no more order mails')


async def test_a_new_password_from_the_owner_signs_the_admin_out_everywhere(shop, clerk):
    tokens = [await session_of(shop, clerk.email, CLERK_PASSWORD) for _ in range(2)]
    owner_token = await session_of(shop, ADMIN_EMAIL, ADMIN_PASSWORD)
    await update_admin(shop_id=shop.id, admin_id=clerk.id, role=clerk.role, receives_order_mails=True,
                       new_password='brand new password', actor=ADMIN_EMAIL)
    assert [await session_admin(token) for token in tokens] == [None, None]
    assert await session_admin(owner_token) is not None
    with pytest.raises(LoginRefused):
        await session_of(shop, clerk.email, CLERK_PASSWORD)
    assert await session_of(shop, clerk.email, 'brand new password')
    log = await LogEntry.filter(kind='settings.admins').order_by('-id').first()
    assert 'new password set; signed out everywhere' in log.message
    assert 'brand new password' not in log.message and 'password_hash' not in log.data


async def test_a_new_email_from_the_owner_signs_the_admin_out_and_moves_the_order_mails(shop, clerk):
    token = await session_of(shop, clerk.email, CLERK_PASSWORD)
    await update_admin(shop_id=shop.id, admin_id=clerk.id, role=clerk.role, receives_order_mails=True,
                       email=' Clara@Demo-Shop.example', actor=ADMIN_EMAIL)
    assert await session_admin(token) is None
    assert (await Shop.get(id=shop.id)).order_mail_recipients == [ADMIN_EMAIL, 'clara@demo-shop.example']
    assert await session_of(shop, 'clara@demo-shop.example', CLERK_PASSWORD)


@pytest.mark.parametrize(('changes', 'field', 'message'), [
    ({'email': ADMIN_EMAIL}, 'email', 'already an administrator'),
    ({'email': 'clara@'}, 'email', 'valid e-mail'),
    ({'new_password': 'too short'}, 'new_password', 'at least 12 characters'),
    ({'name': 'x' * 121}, 'name', '120 characters'),
])
async def test_bad_edits_are_refused_with_a_reason_and_change_nothing(shop, clerk, changes, field, message):
    with pytest.raises(InvalidAdmin, match=message) as refused:
        await update_admin(shop_id=shop.id, admin_id=clerk.id, role=AdminRole.OWNER, receives_order_mails=False,
                           actor=ADMIN_EMAIL, **changes)
    assert refused.value.field == field
    fresh = await AdminUser.get(id=clerk.id)
    assert (fresh.email, fresh.role, fresh.receives_order_mails, fresh.password_hash) == (
        clerk.email, AdminRole.EMPLOYEE, True, clerk.password_hash)
    assert await LogEntry.filter(kind='settings.admins').count() == 2  # the owner and the clerk added


async def test_the_last_owner_keeps_the_role_and_a_refused_edit_changes_nothing_else(shop):
    owner = await owner_of(shop)
    with pytest.raises(InvalidAdmin, match='at least one owner'):
        await update_admin(shop_id=shop.id, admin_id=owner.id, name='Renamed', role=AdminRole.EMPLOYEE,
                           receives_order_mails=False, actor='someone@else.example')
    fresh = await owner_of(shop)
    assert (fresh.name, fresh.role, fresh.receives_order_mails) == ('Owner', AdminRole.OWNER, True)


async def test_the_owner_edit_does_not_change_your_own_password_or_email(shop):
    owner = await owner_of(shop)
    for changes in ({'new_password': 'no current password asked'}, {'email': 'me@elsewhere.example'}):
        with pytest.raises(InvalidAdmin, match='under Your account'):
            await update_admin(shop_id=shop.id, admin_id=owner.id, role=AdminRole.OWNER, receives_order_mails=True,
                               actor=ADMIN_EMAIL, **changes)
    await update_admin(shop_id=shop.id, admin_id=owner.id, role=AdminRole.OWNER, receives_order_mails=True,
                       name='Olivia', email=ADMIN_EMAIL, actor=ADMIN_EMAIL)
    assert (await owner_of(shop)).name == 'Olivia'


async def test_an_admin_changes_their_password_with_the_current_one_and_other_sessions_end(shop, clerk):
    here, elsewhere = [await session_of(shop, clerk.email, CLERK_PASSWORD) for _ in range(2)]
    changed = await change_own_account(shop_id=shop.id, admin_id=clerk.id, name='Clara', email=clerk.email,
                                       current_password=CLERK_PASSWORD, new_password='my own new password',
                                       session_token=here)
    assert changed == ['password']
    assert await session_admin(here) is not None and await session_admin(elsewhere) is None
    assert await session_of(shop, clerk.email, 'my own new password')
    log = await LogEntry.filter(kind='settings.admins').order_by('-id').first()
    assert (log.actor, log.message) == (clerk.email, 'Administrator clerk@demo-shop.example: new password set; '
                                                     'signed out elsewhere')


async def test_a_wrong_current_password_changes_nothing_and_counts_as_a_failed_sign_in(shop, clerk):
    for _ in range(admin_auth.MAX_FAILURES):
        with pytest.raises(InvalidAdmin, match='current password is not correct') as refused:
            await change_own_account(shop_id=shop.id, admin_id=clerk.id, name='Clara', email='new@x.example',
                                     current_password='a guess')
        assert refused.value.field == 'current_password'
    with pytest.raises(InvalidAdmin, match='Too many wrong passwords'):
        await change_own_account(shop_id=shop.id, admin_id=clerk.id, name='Clara', email='new@x.example',
                                 current_password=CLERK_PASSWORD)
    assert (await AdminUser.get(id=clerk.id)).email == clerk.email
    with pytest.raises(LoginRefused, match='Too many'):
        await session_of(shop, clerk.email, CLERK_PASSWORD)


async def test_a_name_alone_needs_no_password_and_any_admin_may_change_their_own(shop, clerk):
    token = await session_of(shop, clerk.email, CLERK_PASSWORD)
    assert await change_own_account(shop_id=shop.id, admin_id=clerk.id, name=' Clara C. ', email=clerk.email,
                                    session_token=token) == ['name']
    assert (await AdminUser.get(id=clerk.id)).name == 'Clara C.'
    assert await session_admin(token) is not None
    with pytest.raises(InvalidAdmin, match='already an administrator'):
        await change_own_account(shop_id=shop.id, admin_id=clerk.id, name='Clara', email=ADMIN_EMAIL,
                                 current_password=CLERK_PASSWORD)
    assert [a.email for a in await list_admins(shop.id)] == [ADMIN_EMAIL, clerk.email]
