"""Settings > Administrators: owners add and change admins; employees are refused settings."""

from nicegui.testing import User

from domain.admins import add_admin
from domain.catalogue import default_shop
from domain.models import AdminRole, AdminUser, Shop
from tests.ui.test_admin_orders import sign_in


async def test_owner_adds_an_employee_who_gets_order_mails(user: User):
    await sign_in(user)
    await user.open('/admin/settings/administrators')
    await user.should_see('Add an administrator')
    user.find(marker='new-name').type('Clara Clerk')
    user.find(marker='new-email').type('clara@demo-shop.example')
    user.find(marker='new-password').type('a long enough password')
    user.find(marker='add-admin').click()
    await user.should_see('clara@demo-shop.example can now sign in.', retries=30)
    clara = await AdminUser.get(email='clara@demo-shop.example')
    assert (clara.role, clara.receives_order_mails) == (AdminRole.EMPLOYEE, True)
    assert 'clara@demo-shop.example' in (await Shop.get(id=clara.shop_id)).order_mail_recipients
    await user.should_see(marker='mails-clara@demo-shop.example')
    user.find(marker='mails-clara@demo-shop.example').click()
    await user.should_see('Saved.', retries=30)
    assert (await Shop.get(id=clara.shop_id)).order_mail_recipients == ['owner@demo-shop.example']


async def test_short_password_is_refused_with_a_message(user: User):
    await sign_in(user)
    await user.open('/admin/settings/administrators')
    user.find(marker='new-email').type('x@demo-shop.example')
    user.find(marker='new-password').type('short')
    user.find(marker='add-admin').click()
    await user.should_see('The password needs at least 12 characters.', retries=30)
    assert await AdminUser.filter(email='x@demo-shop.example').count() == 0


async def test_employee_is_refused_settings_and_does_not_see_them(user: User):
    await add_admin(shop=await default_shop(), email='emp@demo-shop.example', password='employee password')
    await sign_in(user, email='emp@demo-shop.example', password='employee password')
    await user.should_not_see('Administrators')
    await user.open('/admin/settings/administrators')
    await user.should_see('Only the shop owner can open this page.')
    await user.should_not_see('Add an administrator')


async def test_owner_sees_the_settings_in_the_menu(user: User):
    await sign_in(user)
    await user.should_see('Administrators')
    await user.should_see('API PUSH')
    await user.should_see('Notifications')
