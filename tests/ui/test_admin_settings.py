"""Settings > Shop, Settings > Checkout, editing an admin and Your account, with NiceGUI's simulated User."""

import pytest
from nicegui import ui
from nicegui.testing import User

from domain import admin_auth
from domain.admins import add_admin
from domain.catalogue import default_shop
from domain.models import AdminRole, AdminUser, LogEntry, Shop
from domain.passwords import verify_password
from tests.ui.test_admin_orders import sign_in

EMPLOYEE, EMPLOYEE_PASSWORD = 'emp@demo-shop.example', 'employee password'


@pytest.fixture(autouse=True)
def no_slow_answers(monkeypatch):
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)


def element(user: User, marker: str) -> ui.element:
    return user.find(marker=marker).elements.pop()


async def test_owner_renames_the_shop_and_picks_its_time_zone(user: User):
    await sign_in(user)
    await user.open('/admin/settings/shop')
    await user.should_see('Order code prefix', retries=50)
    await user.should_see('Fixed: the order codes already issued carry it.')
    user.find(marker='name').clear().type('Koffie & Co')
    element(user, 'timezone').value = 'Europe/Amsterdam'
    user.find(marker='save').click()
    await user.should_see('Saved.', retries=50)
    shop = await default_shop()
    assert (shop.name, shop.timezone) == ('Koffie & Co', 'Europe/Amsterdam')
    assert await LogEntry.filter(kind='settings.shop', actor='owner@demo-shop.example').count() == 1


async def test_bad_shop_settings_are_marked_next_to_their_fields(user: User):
    await sign_in(user)
    await user.open('/admin/settings/shop')
    await user.should_see(marker='email', retries=50)
    user.find(marker='email').clear().type('orders@')
    element(user, 'brand_color').value = 'green'
    user.find(marker='save').click()
    await user.should_see('Please correct the marked fields.', retries=50)
    assert 'valid e-mail' in element(user, 'email').error
    assert element(user, 'brand_color').props['error-message'].startswith('Please enter a colour')
    assert element(user, 'name').error is None
    assert (await default_shop()).email == 'orders@demo-shop.example'


async def test_owner_switches_shipping_off_and_the_checkout_offers_only_pickup(user: User):
    await sign_in(user)
    await user.open('/admin/settings/checkout')
    await user.should_see(marker='shipping_enabled', retries=50)
    user.find(marker='shipping_enabled').click()
    user.find(marker='pickup_enabled').click()
    user.find(marker='save').click()
    await user.should_see('Offer at least one delivery method: pickup or shipping.', retries=50)
    user.find(marker='pickup_enabled').click()
    user.find(marker='save').click()
    await user.should_see('Saved: the checkout offers this from now on.', retries=50)
    assert not (await default_shop()).shipping_enabled

    await user.open('/')
    user.find(marker='add-KET-GN-1L').click()
    await user.open('/checkout')
    await user.should_see('Pickup in the shop (free)')
    await user.should_see('Pick up at Demo shop, Grote Markt 1, 1000 Brussels.')
    await user.should_not_see('Shipping (')
    await user.should_not_see(marker='street')


async def test_checkout_shows_free_shipping_from_the_threshold(user: User):
    await Shop.filter(id=(await default_shop()).id).update(free_shipping_from=50)
    await user.open('/')
    user.find(marker='add-KET-GN-1L').click()  # 59.00
    await user.open('/checkout')
    await user.should_see('Shipping (free)')
    await user.should_not_see('Free shipping from')
    await Shop.filter(id=(await default_shop()).id).update(free_shipping_from=100)
    await user.open('/checkout')
    await user.should_see('Shipping (€ 6.95)')
    await user.should_see('Free shipping from € 100.00.')


async def test_employee_is_refused_the_shop_and_checkout_settings(user: User):
    await add_admin(shop=await default_shop(), email=EMPLOYEE, password=EMPLOYEE_PASSWORD)
    await sign_in(user, email=EMPLOYEE, password=EMPLOYEE_PASSWORD)
    await user.should_not_see('Checkout')
    for page in ('/admin/settings/shop', '/admin/settings/checkout'):
        await user.open(page)
        await user.should_see('Only the shop owner can open this page.', retries=50)
        await user.should_not_see(marker='save')


async def test_owner_edits_an_employee_in_the_dialog_and_sets_a_new_password(user: User):
    await add_admin(shop=await default_shop(), email=EMPLOYEE, password=EMPLOYEE_PASSWORD, name='Emma')
    await sign_in(user)
    await user.open('/admin/settings/administrators')
    await user.should_see(marker=f'edit-{EMPLOYEE}', retries=50)
    user.find(marker=f'edit-{EMPLOYEE}').click()
    await user.should_see('Edit Emma', retries=50)
    user.find(marker='edit-name').clear().type('Emma Employee')
    user.find(marker='edit-password').type('short')
    user.find(marker='save-admin').click()
    await user.should_see('The password needs at least 12 characters.', retries=50)
    assert element(user, 'edit-password').error == 'The password needs at least 12 characters.'
    user.find(marker='edit-password').clear().type('a fresh password for emma')
    user.find(marker='save-admin').click()
    await user.should_see('Saved. They were signed out everywhere', retries=50)
    emma = await AdminUser.get(email=EMPLOYEE)
    assert emma.name == 'Emma Employee' and verify_password(emma.password_hash, 'a fresh password for emma')
    await user.should_see('Emma Employee')


async def test_owner_cannot_set_their_own_password_in_the_dialog(user: User):
    await sign_in(user)
    await user.open('/admin/settings/administrators')
    await user.should_see(marker='edit-owner@demo-shop.example', retries=50)
    user.find(marker='edit-owner@demo-shop.example').click()
    await user.should_see('Edit Owner', retries=50)
    await user.should_see('Your own e-mail and password:')
    assert not element(user, 'edit-password').enabled and not element(user, 'edit-email').enabled


async def test_employee_changes_their_own_password_from_the_header(user: User):
    await add_admin(shop=await default_shop(), email=EMPLOYEE, password=EMPLOYEE_PASSWORD)
    await sign_in(user, email=EMPLOYEE, password=EMPLOYEE_PASSWORD)
    await user.should_see(content='href="/admin/account" class="text-sm text-white opacity-80', retries=50)
    await user.should_see(content=f'>{EMPLOYEE}</a>')  # the header links their own e-mail to their account
    await user.open('/admin/account')
    await user.should_see('Your account', retries=50)
    user.find(marker='new_password').type('my brand new password')
    user.find(marker='current_password').type('not my password')
    user.find(marker='save').click()
    await user.should_see('Your current password is not correct.', retries=50)
    user.find(marker='current_password').clear().type(EMPLOYEE_PASSWORD)
    user.find(marker='save').click()
    await user.should_see('Saved. Your other sessions were signed out.', retries=50)
    emp = await AdminUser.get(email=EMPLOYEE)
    assert verify_password(emp.password_hash, 'my brand new password')
    await user.open('/admin/orders')  # this browser's session lives on
    await user.should_see(marker='orders-toolbar', retries=50)


async def test_an_owner_made_employee_meanwhile_cannot_save_the_open_settings_page(user: User):
    shop = await default_shop()
    await add_admin(shop=shop, email='second@demo-shop.example', password='second owner password',
                    role=AdminRole.OWNER)
    await sign_in(user)
    await user.open('/admin/settings/checkout')
    await user.should_see(marker='shipping_enabled', retries=50)
    await AdminUser.filter(email='owner@demo-shop.example').update(role=AdminRole.EMPLOYEE)
    user.find(marker='shipping_enabled').click()
    user.find(marker='save').click()
    await user.should_see('Only the shop owner can do this.', retries=50)
    assert (await default_shop()).shipping_enabled
