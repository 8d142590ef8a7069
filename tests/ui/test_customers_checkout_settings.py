"""Settings > Customers checkout (owners) with NiceGUI's simulated User: saved, logged, followed by the storefront."""

from nicegui.testing import User

from domain.admins import add_admin
from domain.catalogue import default_shop
from domain.models import AdminRole, LogEntry
from tests.ui.test_admin_orders import sign_in
from tests.ui.test_admin_settings import EMPLOYEE, EMPLOYEE_PASSWORD, element


async def test_owner_requires_accounts_and_the_storefront_follows_at_once(user: User):
    await sign_in(user)
    await user.open('/admin/settings/customers')
    await user.should_see('Customer accounts', retries=50)
    assert element(user, 'customer_accounts').value == 'optional'
    assert element(user, 'guest_status_link').value is True
    element(user, 'customer_accounts').value = 'required'
    user.find(marker='guest_status_link').click()
    user.find(marker='save').click()
    await user.should_see('Saved: the checkout follows this from now on.', retries=50)
    shop = await default_shop()
    assert (shop.customer_accounts, shop.guest_status_link) == ('required', False)
    [entry] = await LogEntry.filter(kind='settings.customers')
    assert entry.actor == 'owner@demo-shop.example' and '"optional" → "required"' in entry.message

    await user.open('/')
    user.find(marker='add-FLT-100').click()
    await user.open('/checkout')
    await user.should_see('Log in or create an account to order', retries=20)


async def test_saving_unchanged_settings_says_so_and_logs_nothing(user: User):
    await sign_in(user)
    await user.open('/admin/settings/customers')
    await user.should_see(marker='save', retries=50)
    user.find(marker='save').click()
    await user.should_see('Nothing to save: no setting was changed.', retries=50)
    assert await LogEntry.filter(kind='settings.customers').count() == 0


async def test_an_employee_cannot_open_customers_checkout(user: User):
    shop = await default_shop()
    await add_admin(shop=shop, email=EMPLOYEE, password=EMPLOYEE_PASSWORD, role=AdminRole.EMPLOYEE,
                    actor='owner@demo-shop.example')
    await sign_in(user, EMPLOYEE, EMPLOYEE_PASSWORD)
    await user.open('/admin/settings/customers')
    await user.should_see('Only the shop owner can open this page.', retries=50)
    await user.should_not_see(marker='customer_accounts')


async def test_signed_out_visitor_is_sent_to_the_sign_in(user: User):
    await user.open('/admin/settings/customers')
    await user.should_see(marker='sign-in', retries=50)
    await user.should_not_see(marker='customer_accounts')
