"""The checkout as Settings > Customers checkout asks, with NiceGUI's simulated User: guests only, account optional
("Create an account" with a password, or as a guest), account required (log in or register first)."""

from nicegui.testing import User

from domain.catalogue import default_shop
from domain.customer_accounts import register
from domain.customer_settings import update_customers_checkout
from domain.models import Customer, Order, OutboxMessage
from tests.ui.test_admin_settings import element
from tests.ui.test_checkout_flow import fill_checkout

PASSWORD = 'three green teapots'


async def set_accounts(accounts: str, *, status_link: bool = True) -> None:
    shop = await default_shop()
    await update_customers_checkout(shop_id=shop.id, customer_accounts=accounts, guest_status_link=status_link,
                                    actor='owner@demo-shop.example')


async def to_checkout(user: User) -> None:
    await user.open('/')
    user.find(marker='add-FLT-100').click()
    await user.open('/checkout')


async def place(user: User) -> None:
    user.find(marker='place-order').click()
    await user.should_see('Thank you, Ann Peeters!', retries=50)


async def registered(email: str = 'ann@example.com', **address: str) -> Customer:
    customer = await register(await default_shop(), name='Ann Peeters', email=email, password=PASSWORD)
    if address:
        await Customer.filter(id=customer.id).update(addresses=[address], phone='+32 470 12 34 56')
    return customer


async def log_in(user: User, email: str = 'ann@example.com') -> None:
    await user.open('/account/login?next=/checkout')
    user.find(marker='email').type(email)
    user.find(marker='password').type(PASSWORD)
    user.find(marker='sign-in').click()
    await user.should_see('Your details', retries=50)  # back at the checkout


async def test_by_default_the_checkout_offers_an_account_and_a_guest_orders_without_one(user: User):
    await to_checkout(user)
    await user.should_see('Create an account', retries=20)
    await user.should_see('Already have an account? Log in')
    await user.should_not_see(marker='password')  # only with the box ticked
    await fill_checkout(user)
    await place(user)
    order = await Order.get()
    assert order.customer_id is None
    assert not await Customer.filter(password_hash__not='').exists()


async def test_customer_creates_an_account_while_ordering_and_the_order_is_theirs(user: User):
    await to_checkout(user)
    await fill_checkout(user)
    user.find(marker='create_account').click()
    await user.should_see(marker='password')
    user.find(marker='password').type('short')
    user.find(marker='place-order').click()
    await user.should_see('Please choose a password of at least 10 characters.', retries=20)
    assert 'at least 10' in element(user, 'password').error
    assert await Order.all().count() == 0 and await Customer.all().count() == 0  # nothing placed, no account

    user.find(marker='password').clear().type(PASSWORD)
    await place(user)
    order = await Order.get()
    customer = await Customer.get(email='ann@example.com')
    assert customer.has_account and order.customer_id == customer.id
    assert await OutboxMessage.filter(recipient='ann@example.com', template='customer_verification').count() == 1

    # signed in now: the next checkout knows them and offers no second account
    await to_checkout(user)
    await user.should_see('Signed in as ann@example.com', retries=20)
    await user.should_not_see('Create an account')
    assert (element(user, 'name').value, element(user, 'email').value) == ('Ann Peeters', 'ann@example.com')


async def test_an_address_taken_by_an_account_is_marked_and_nothing_is_placed(user: User):
    await registered()
    await to_checkout(user)
    await fill_checkout(user)
    user.find(marker='create_account').click()
    user.find(marker='password').type(PASSWORD)
    user.find(marker='place-order').click()
    await user.should_see('There is already an account with this e-mail address', retries=20)
    assert 'already an account' in element(user, 'email').error
    assert await Order.all().count() == 0


async def test_signed_in_customer_finds_the_form_filled_from_the_account(user: User):
    customer = await registered(street='Veldstraat 8', postal_code='9000', city='Gent', country='NL')
    await to_checkout(user)
    await log_in(user)
    await user.should_see('Signed in as ann@example.com', retries=20)
    values = {name: element(user, name).value for name in ('name', 'email', 'phone', 'street', 'postal_code', 'city',
                                                            'country')}
    assert values == {'name': 'Ann Peeters', 'email': 'ann@example.com', 'phone': '+32 470 12 34 56',
                      'street': 'Veldstraat 8', 'postal_code': '9000', 'city': 'Gent', 'country': 'NL'}
    await place(user)
    assert (await Order.get()).customer_id == customer.id


async def test_account_required_asks_to_log_in_or_register_instead_of_the_form(user: User):
    await set_accounts('required')
    await to_checkout(user)
    await user.should_see('Log in or create an account to order', retries=20)
    await user.should_not_see(marker='place-order')
    await user.should_not_see(marker='name')
    user.find(marker='to-register').click()
    await user.should_see(marker='password', retries=50)  # the registration page, which leads back here
    assert user.back_history[-1] == '/account/register?next=/checkout'


async def test_account_required_takes_the_order_of_a_signed_in_customer(user: User):
    await set_accounts('required')
    customer = await registered()
    await to_checkout(user)
    user.find(marker='to-login').click()
    await user.should_see(marker='password', retries=50)
    assert user.back_history[-1] == '/account/login?next=/checkout'
    await log_in(user)
    await user.should_see('Signed in as ann@example.com', retries=20)
    await user.should_not_see('Create an account')
    await fill_checkout(user)
    await place(user)
    assert (await Order.get()).customer_id == customer.id


async def test_a_page_opened_before_accounts_were_required_places_nothing(user: User):
    await to_checkout(user)
    await fill_checkout(user)
    await set_accounts('required')  # the owner saves Settings > Customers checkout meanwhile
    user.find(marker='place-order').click()
    await user.should_see('Log in or create an account to order', retries=50)  # the page shows the rule now
    assert await Order.all().count() == 0


async def test_guests_only_offers_no_account_and_links_no_order(user: User):
    await registered()
    await to_checkout(user)
    await log_in(user)  # signed in while accounts were still offered
    await set_accounts('guests')
    await to_checkout(user)
    await user.should_see('Your details', retries=20)
    await user.should_not_see('Create an account')
    await user.should_not_see('Signed in as')
    assert element(user, 'name').value == ''  # nothing of the account
    await fill_checkout(user)
    await place(user)
    assert (await Order.get()).customer_id is None
