"""Owners manage administrators: who gets order mails, roles, and a shop that always keeps an owner."""

import pytest

from domain.admins import InvalidAdmin, add_admin, list_admins, remove_admin, update_admin
from domain.models import AdminRole, LogEntry, Shop
from tests.conftest import ADMIN_EMAIL


async def recipients(shop) -> list[str]:
    return (await Shop.get(id=shop.id)).order_mail_recipients


async def test_added_admin_gets_order_mails_until_switched_off(shop):
    clerk = await add_admin(shop=shop, email=' Clerk@Demo-Shop.example ', password='a long password', actor='o@x')
    assert clerk.email == 'clerk@demo-shop.example'
    assert await recipients(shop) == [ADMIN_EMAIL, 'clerk@demo-shop.example']
    await update_admin(shop_id=shop.id, admin_id=clerk.id, role=AdminRole.EMPLOYEE, receives_order_mails=False,
                       actor='o@x')
    assert await recipients(shop) == [ADMIN_EMAIL]
    await remove_admin(shop_id=shop.id, admin_id=clerk.id, actor='o@x')
    assert [a.email for a in await list_admins(shop.id)] == [ADMIN_EMAIL]
    assert await LogEntry.filter(kind='settings.admins', actor='o@x').count() == 3


@pytest.mark.parametrize(('email', 'password', 'message'), [
    ('not-an-email', 'a long password', 'valid e-mail'),
    ('new@x.example', 'short', 'at least 12 characters'),
    (ADMIN_EMAIL, 'a long password', 'already an administrator'),
])
async def test_bad_admin_input_is_refused_with_a_reason(shop, email, password, message):
    with pytest.raises(InvalidAdmin, match=message):
        await add_admin(shop=shop, email=email, password=password)
    assert len(await list_admins(shop.id)) == 1


async def test_the_last_owner_can_be_neither_removed_nor_demoted(shop):
    owner = (await list_admins(shop.id))[0]
    with pytest.raises(InvalidAdmin, match='at least one owner'):
        await remove_admin(shop_id=shop.id, admin_id=owner.id, actor='x')
    with pytest.raises(InvalidAdmin, match='at least one owner'):
        await update_admin(shop_id=shop.id, admin_id=owner.id, role=AdminRole.EMPLOYEE, receives_order_mails=True,
                           actor='x')
    second = await add_admin(shop=shop, email='second@x.example', password='a long password', role=AdminRole.OWNER)
    await remove_admin(shop_id=shop.id, admin_id=owner.id, actor='x')
    assert [a.id for a in await list_admins(shop.id)] == [second.id]


async def test_admins_of_another_shop_are_out_of_reach(shop):
    other = await Shop.create(name='Other', code_prefix='OTHR')
    stranger = await add_admin(shop=other, email='s@other.example', password='a long password')
    with pytest.raises(InvalidAdmin, match='no longer exists'):
        await remove_admin(shop_id=shop.id, admin_id=stranger.id, actor='x')
