"""The customer account with NiceGUI's simulated User: register, sign in and out, forgot/reset, verification,
the account's orders and one order, settings; another customer's order looks unknown; no way into /admin."""

import pytest
from nicegui import ui
from nicegui.testing import User

from domain import admin_auth
from domain.catalogue import default_shop
from domain.customer_accounts import end_sessions, register
from domain.customer_orders import attach_guest_orders
from domain.customer_tokens import verify_email
from domain.models import Customer, Order, OutboxMessage, PaymentSettings, Shop
from domain.order_changes import StatusUpdate, change_status
from domain.password_rule import PASSWORD_RULE
from domain.statuses import OrderStatus
from tests.mailed_links import mailed_token
from tests.ui.test_admin_orders import customer_orders, eventually
from tests.ui.test_admin_orders import sign_in as sign_in_admin
from ui.storefront.customer_session import local_path

ANN, PASSWORD = 'ann@example.com', 'lantern orchard 42'


@pytest.fixture(autouse=True)
def no_slow_answers(monkeypatch):
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)


async def account(email: str = ANN, *, name: str = 'Ann Peeters', verified: bool = True) -> Customer:
    shop = await default_shop()
    customer = await register(shop, name=name, email=email, password=PASSWORD)
    if verified:
        customer = await verify_email(shop, await mailed_token(email, 'customer_verification'))
    return customer


async def account_with_order(email: str = ANN, name: str = 'Ann Peeters') -> tuple[Customer, Order]:
    """A verified account with one order (placed as a guest, then added to the account)."""
    code = await customer_orders(name)
    await Order.filter(code=code).update(email=email)
    customer = await account(email, name=name)
    await attach_guest_orders(customer)
    return customer, await Order.get(code=code)


async def sign_in(user: User, email: str = ANN, password: str = PASSWORD, *, path: str = '/account/login') -> None:
    await user.open(path)
    user.find(marker='email').type(email)
    user.find(marker='password').type(password)
    user.find(marker='sign-in').click()


async def sign_out(user: User) -> None:
    """The account page's sign-out button (a page event: opening /account/logout signs no one out)."""
    await user.open('/account')
    user.find(marker='sign-out').click()
    await user.should_see('You are signed out', retries=50)


def error_of(user: User, marker: str) -> str | None:
    return user.find(marker=marker).elements.pop().error


def test_next_accepts_only_paths_of_this_site():
    assert local_path('/account/orders/DEMO-1001-AB') == '/account/orders/DEMO-1001-AB'
    assert local_path('/checkout?step=2') == '/checkout?step=2'
    for foreign in ('https://evil.example/', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '', None,
                    'account', '/\nLocation: x', '/' + 'a' * 600):
        assert local_path(foreign) == '/account', foreign


async def test_customer_registers_and_is_asked_to_confirm_the_e_mail(user: User):
    await user.open('/account')
    await user.should_see('Your orders and their status are in your account.')  # sent to sign in
    await user.open('/account/register')
    await user.should_see(PASSWORD_RULE)
    user.find(marker='name').type('Ann Peeters')
    user.find(marker='email').type(ANN)
    user.find(marker='password').type(PASSWORD)
    user.find(marker='register').click()
    await user.should_see('Please confirm your e-mail address', retries=50)
    await user.should_see('You have no orders in your account yet.')
    customer = await Customer.get(email=ANN)
    assert customer.has_account and customer.email_verified_at is None
    assert await OutboxMessage.filter(recipient=ANN, template='customer_verification').count() == 1


async def test_registration_marks_a_weak_password_and_a_taken_e_mail(user: User):
    await account()
    await user.open('/account/register')
    user.find(marker='name').type('Ann Peeters')
    user.find(marker='email').type('someone@example.com')
    user.find(marker='password').type('short')
    user.find(marker='register').click()
    await eventually(lambda: error_of(user, 'password'), seconds=20)
    assert error_of(user, 'password') == 'Please choose a password of at least 10 characters.'
    user.find(marker='email').clear().type(ANN)
    user.find(marker='password').clear().type(PASSWORD)
    user.find(marker='register').click()
    await eventually(lambda: error_of(user, 'email'), seconds=20)
    assert 'already an account' in error_of(user, 'email')
    assert await Customer.all().count() == 1


async def test_wrong_password_is_refused_and_the_right_one_opens_the_page_asked_for(user: User):
    await account()
    await sign_in(user, password='not my password')
    await user.should_see('Wrong e-mail or password.', retries=50)
    await sign_in(user, path='/account/login?next=/account/settings')
    await user.should_see('Account settings', retries=50)


async def test_sign_in_never_sends_the_browser_to_another_site(user: User):
    await account()
    await sign_in(user, path='/account/login?next=https://evil.example/account')
    await user.should_see('Your orders', retries=50)


async def test_signing_out_ends_the_session_in_every_browser(user: User, create_user):
    await account()
    phone = create_user()
    await sign_in(user)
    await user.should_see(marker='sign-out', retries=50)
    await sign_in(phone)
    await phone.should_see(marker='sign-out', retries=50)
    await user.open('/account/logout')  # opening it asks, it signs no one out
    await user.should_see('Sign out?')
    user.find(marker='sign-out-everywhere').click()
    await user.should_see('You are signed out', retries=50)
    await phone.open('/account')
    await phone.should_see('Your orders and their status are in your account.', retries=50)


async def test_customer_session_never_opens_the_admin(user: User):
    await account()
    await sign_in(user)
    await user.should_see(marker='sign-out', retries=50)
    await user.open('/admin/orders')
    await user.should_see('Sign in to Orderly')
    await user.should_not_see(marker='orders-table')


async def test_forgot_password_mails_a_link_that_works_once(user: User):
    await account()
    await user.open('/account/forgot')
    user.find(marker='email').type('nobody@example.com')
    user.find(marker='send-link').click()
    await user.should_see('If nobody@example.com has an account with us, we have sent it a link')
    assert await OutboxMessage.filter(template='password_reset').count() == 0
    user.find(marker='email').clear().type(ANN)
    user.find(marker='send-link').click()
    await user.should_see(f'If {ANN} has an account with us, we have sent it a link')
    token = await mailed_token(ANN, 'password_reset')
    await user.open(f'/account/reset/{token}')
    user.find(marker='password').type('a brand new secret')
    user.find(marker='save-password').click()
    await user.should_see('Your orders', retries=50)
    await user.open(f'/account/reset/{token}')
    await user.should_see('This link has expired')
    await sign_out(user)
    await sign_in(user, password='a brand new secret')
    await user.should_see(marker='sign-out', retries=50)


async def test_verification_link_then_guest_orders_are_added_on_request(user: User):
    code = await customer_orders()
    await account(verified=False)
    await sign_in(user)
    await user.should_see('Please confirm your e-mail address', retries=50)
    await user.should_not_see('earlier order')
    await user.open(f'/account/verify/{await mailed_token(ANN, "customer_verification")}')
    await user.should_see(f'{ANN} is confirmed.')
    await user.open('/account')
    await user.should_see('We found 1 earlier order placed with your e-mail as a guest.')
    await user.should_not_see(code)
    user.find(marker='attach-orders').click()
    await user.should_see(code, retries=20)
    await user.should_see('Order received')
    await user.should_see('€ 13.90')
    await user.should_not_see('earlier order')


async def test_account_lists_the_orders_newest_first_and_opens_one(user: User):
    customer, first = await account_with_order()
    second_code = await customer_orders(quantity=2)
    await Order.filter(code=second_code).update(customer_id=customer.id)
    await PaymentSettings.update_or_create(shop_id=customer.shop_id, defaults={'online': True})
    await sign_in(user)
    await user.should_see(second_code, retries=50)
    listed = [label.text for label in user.find(marker='account-orders').elements.pop().descendants()
              if 'order-code' in label.classes]
    assert listed == [second_code, first.code]
    hrefs = [element.props['href'] for element in user.find(marker='account-orders').elements.pop().descendants()
             if isinstance(element, ui.link)]
    assert hrefs == [f'/account/orders/{second_code}', f'/account/orders/{first.code}']
    await user.open(hrefs[1])
    await user.should_see('1 × Paper filters (100)', retries=20)
    await user.should_see('History')
    await user.should_see('Order placed')
    await user.should_see(marker='pay-now')  # payable: the pay link
    await change_status(shop_id=first.shop_id, order_id=first.id, expected_version=first.version,
                        update=StatusUpdate(OrderStatus.SHIPPED, reference='1Z999AA10123456784'), actor='owner')
    await user.open(f'/account/orders/{first.code}')
    await user.should_see('Order shipped')
    await user.should_see('Track with UPS')
    await user.should_not_see(marker='pay-now')


async def test_another_customers_order_looks_exactly_like_an_unknown_code(user: User):
    _, bobs = await account_with_order('bob@example.com', 'Bob Claes')
    await account()
    await sign_in(user)
    await user.should_see(marker='sign-out', retries=50)

    async def visible_texts(path: str) -> list[str]:
        await user.open(path)
        await user.should_see('We could not find this order.')
        return sorted(getattr(e, 'text', '') for e in user.find(kind=object).elements if getattr(e, 'text', ''))

    unknown = await visible_texts('/account/orders/DEMO-9999-ZZ')
    others = await visible_texts(f'/account/orders/{bobs.code}')
    assert others == unknown
    assert bobs.code not in ' '.join(others) and 'Bob' not in ' '.join(others)


async def test_settings_change_the_password_and_sign_out_the_other_devices(user: User, create_user):
    await account()
    phone = create_user()
    await sign_in(phone)
    await phone.should_see(marker='sign-out', retries=50)
    await sign_in(user, path='/account/login?next=/account/settings')
    await user.should_see('Account settings', retries=50)
    user.find(marker='current-password').type('not my password')
    user.find(marker='new-password').type('a brand new secret')
    user.find(marker='change-password').click()
    await eventually(lambda: error_of(user, 'current-password'), seconds=20)
    assert error_of(user, 'current-password') == 'This is not your current password.'
    user.find(marker='current-password').clear().type(PASSWORD)
    user.find(marker='change-password').click()
    await user.should_see('Your password is changed.', retries=150)
    await phone.open('/account')
    await phone.should_see('Your orders and their status are in your account.')  # the other device is signed out


async def test_settings_keep_the_addresses(user: User):
    await account()
    await sign_in(user, path='/account/login?next=/account/settings')
    await user.should_see('Account settings', retries=50)
    user.find(marker='street-0').type('Kerkstraat 1')
    user.find(marker='postal_code-0').type('9000')
    user.find(marker='save-addresses').click()
    await user.should_see('Please enter the city.')
    user.find(marker='city-0').type('Gent')
    user.find(marker='save-addresses').click()
    await user.should_see('Your addresses are saved.')
    assert (await Customer.get(email=ANN)).addresses == [
        {'street': 'Kerkstraat 1', 'postal_code': '9000', 'city': 'Gent', 'country': 'BE'}]
    await user.open('/account/settings')
    assert user.find(marker='street-0').elements.pop().value == 'Kerkstraat 1'


async def test_admin_session_is_no_customer_session(user: User):
    await sign_in_admin(user)
    await user.open('/account')
    await user.should_see('Your orders and their status are in your account.')


async def test_a_guests_only_shop_shows_no_account_link_and_opens_no_accounts(user: User):
    await user.open('/')
    await user.should_see(marker='account-link')
    await Shop.filter(id=(await default_shop()).id).update(customer_accounts='guests')
    await user.open('/')
    await user.should_see('Espresso beans, 1 kg')
    await user.should_not_see(marker='account-link')
    await user.open('/account/register')
    await user.should_see('This shop does not offer customer accounts: you can order as a guest.')
    await user.should_not_see(marker='register')


async def test_a_button_on_an_open_page_does_nothing_once_the_session_ended(user: User):
    await customer_orders()
    customer = await account()
    await sign_in(user)
    await user.should_see('We found 1 earlier order placed with your e-mail as a guest.', retries=50)
    await end_sessions(customer)  # signed out on another device
    user.find(marker='attach-orders').click()
    await user.should_see('Your session has ended. Please sign in again.')
    assert await Order.filter(customer_id=customer.id).count() == 0
