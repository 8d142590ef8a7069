"""`/order/{token}`, the guest's status page, and the option "guests get a status link" (Settings > Customers
checkout): on, the token opens the page anywhere; off, only the browser that just placed the order and the account
the order belongs to see it; anyone else sees what an unknown link shows."""

from datetime import UTC, datetime, timedelta

from nicegui.testing import User

from domain.invoices import issue_invoice
from domain.models import Invoice, Order
from domain.order_changes import StatusUpdate, change_status
from domain.statuses import OrderStatus
from tests.ui.test_checkout_flow import fill_checkout
from tests.ui.test_customer_checkout import PASSWORD, log_in, place, registered, set_accounts, to_checkout
from ui.storefront import order_access

NOT_FOUND = 'We could not find this order.'
OFF_TEXT = 'This page shows an order right after checkout only.'
OWNER = 'owner@demo-shop.example'


async def guest_order(user: User) -> Order:
    await to_checkout(user)
    await fill_checkout(user)
    await place(user)
    return await Order.get()


async def signed_in_elsewhere(browser: User, email: str) -> User:
    """Another browser, signed in to the account `email` (and back at the catalogue)."""
    await browser.open('/account/login?next=/')
    browser.find(marker='email').type(email)
    browser.find(marker='password').type(PASSWORD)
    browser.find(marker='sign-in').click()
    await browser.should_see('Our products', retries=50)
    return browser


async def ship(order: Order, reference: str) -> None:
    await change_status(shop_id=order.shop_id, order_id=order.id, expected_version=order.version, actor=OWNER,
                        update=StatusUpdate(OrderStatus.SHIPPED, reference=reference))


async def test_status_page_shows_the_status_and_the_tracking_link(user: User, create_user):
    order = await guest_order(user)
    await ship(order, 'JJD0123456789')
    elsewhere = create_user()  # the link works in any browser while guests get it
    await elsewhere.open(f'/order/{order.token}')
    await elsewhere.should_see('Order shipped', retries=20)
    await elsewhere.should_see('Track with DHL')
    link = elsewhere.find(marker='tracking-link').elements.pop()
    assert link.props['href'] == 'https://www.dhl.com/track?tracking-id=JJD0123456789'


async def test_an_internal_reference_is_not_shown_as_tracking(user: User):
    order = await guest_order(user)
    await ship(order, 'box 12, shelf B')
    await user.open(f'/order/{order.token}')
    await user.should_see('Order shipped', retries=20)
    await user.should_not_see(marker='tracking')
    await user.should_not_see('box 12, shelf B')


async def test_without_the_status_link_only_the_placing_browser_sees_the_order_right_after(user: User, create_user,
                                                                                             monkeypatch):
    await set_accounts('optional', status_link=False)
    order = await guest_order(user)  # the confirmation shows in the browser that placed it
    await user.should_see(order.code)

    elsewhere = create_user()
    await elsewhere.open(f'/order/{order.token}')
    await elsewhere.should_see(NOT_FOUND, retries=20)
    await elsewhere.should_see(OFF_TEXT)
    await elsewhere.should_not_see(order.code)
    await elsewhere.should_not_see('Ann Peeters')
    unknown = create_user()
    await unknown.open('/order/' + 'x' * 43)
    await unknown.should_see(NOT_FOUND, retries=20)
    await unknown.should_see(OFF_TEXT)  # the same page: a token reveals nothing

    monkeypatch.setattr(order_access, 'RECENT_WINDOW', timedelta(seconds=-1))  # "right after" is over
    await user.open(f'/order/{order.token}')
    await user.should_see(NOT_FOUND, retries=20)
    await user.should_not_see(order.code)


async def test_without_the_status_link_the_invoice_download_needs_the_same_right(user: User, create_user):
    await set_accounts('optional', status_link=False)
    order = await guest_order(user)
    invoice = await issue_invoice(shop_id=order.shop_id, order_id=order.id, actor=OWNER)
    path = f'/order/{order.token}/invoices/{invoice.id}.pdf'
    assert (await user.http_client.get(path)).status_code == 200
    elsewhere = create_user()
    response = await elsewhere.http_client.get(path)
    assert response.status_code == 404 and b'%PDF' not in response.content
    assert await Invoice.filter(id=invoice.id).exists()


async def test_without_the_status_link_the_account_sees_its_order_and_nobody_else(user: User, create_user):
    await set_accounts('optional', status_link=False)
    customer = await registered()
    await registered('bob@example.com')
    await to_checkout(user)
    await log_in(user)
    await fill_checkout(user)
    await place(user)
    order = await Order.get()
    assert order.customer_id == customer.id
    # placed more than the window ago: the account still sees it, signed in in another browser
    await Order.filter(id=order.id).update(created_at=datetime.now(UTC) - timedelta(days=2))
    owner = await signed_in_elsewhere(create_user(), 'ann@example.com')
    await owner.open(f'/order/{order.token}')
    await owner.should_see(order.code, retries=20)
    await owner.should_see('You can follow this order in your account too:')

    bob = await signed_in_elsewhere(create_user(), 'bob@example.com')
    await bob.open(f'/order/{order.token}')
    await bob.should_see(NOT_FOUND, retries=20)
    await bob.should_not_see(order.code)
