"""A customer sees only their own orders: every route that takes an order code, token or id, opened by another
customer and by a visitor who is not signed in, shows nothing of the order. A customer session never opens /admin."""

import pytest
from nicegui.testing import User

from domain import admin_auth
from domain.invoices import issue_invoice
from domain.models import Invoice, Order
from tests.ui.test_admin_orders import customer_orders
from tests.ui.test_customer_account_ui import PASSWORD, account, sign_in

ANN, BOB = 'ann@example.com', 'bob@example.com'
NOT_FOUND = 'We could not find this order.'


@pytest.fixture(autouse=True)
def no_slow_answers(monkeypatch):
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)


async def order_of(email: str, name: str) -> tuple[Order, Invoice]:
    """An order of the account `email` (placed under a name nobody else has) with an issued invoice."""
    code = await customer_orders(name)
    customer = await account(email, name=name)
    await Order.filter(code=code).update(email=email, customer_id=customer.id)
    order = await Order.get(code=code)
    return order, await issue_invoice(shop_id=order.shop_id, order_id=order.id, actor='owner@demo-shop.example')


async def shows_nothing_of(user: User, path: str, order: Order) -> None:
    await user.open(path)
    await user.should_see('Demo shop', retries=20)
    for secret in (order.code, order.customer_name, order.email, order.token, 'Kerkstraat'):
        await user.should_not_see(secret)


async def answers_nothing_of(user: User, path: str, order: Order, invoice: Invoice) -> None:
    response = await user.http_client.get(path, follow_redirects=False)
    assert response.status_code in {302, 303, 307, 401, 403, 404}, (path, response.status_code)
    body = response.content
    assert b'%PDF' not in body, path
    for secret in (order.code, order.customer_name, order.email, order.token, invoice.number):
        assert secret.encode() not in body, (path, secret)


async def assert_order_is_closed_to(user: User, ann: tuple[Order, Invoice], bob: tuple[Order, Invoice]) -> None:
    (order, invoice), (other, other_invoice) = ann, bob
    # the storefront: the account's order page, the token page and its payment link, by code, id and near tokens
    await shows_nothing_of(user, f'/account/orders/{order.code}', order)
    await shows_nothing_of(user, f'/account/orders/{order.code.lower()}', order)
    for guess in (order.code, str(order.id), order.token[:-1], order.token.swapcase(), order.token + 'x'):
        await shows_nothing_of(user, f'/order/{guess}', order)
        await user.should_see(NOT_FOUND)
        await shows_nothing_of(user, f'/order/{guess}/pay', order)
    # the customer's invoice download: another order's invoice with one's own token, or a guessed token
    await answers_nothing_of(user, f'/order/{other.token}/invoices/{invoice.id}.pdf', order, invoice)
    await answers_nothing_of(user, f'/order/{order.code}/invoices/{invoice.id}.pdf', order, invoice)
    # the merchant's pages, documents and the REST API
    await shows_nothing_of(user, f'/admin/orders/{order.code}', order)
    await user.should_see('Sign in to Orderly', retries=20)
    for path in (f'/admin/orders/{order.code}/packing-slip.pdf', f'/admin/invoices/{invoice.id}.pdf',
                 f'/admin/packing-slips.pdf?codes={order.code}', f'/api/v1/orders/{order.code}', '/api/v1/orders',
                 f'/api/v1/orders?search={order.code}'):
        await answers_nothing_of(user, path, order, invoice)
    assert other_invoice.order_code == other.code  # Bob's own invoice was there to be mixed up with


async def test_another_customer_sees_nothing_of_an_order_by_any_route(user: User):
    ann = await order_of(ANN, 'Ann Peeters')
    bob = await order_of(BOB, 'Bob Janssens')
    await sign_in(user, BOB, PASSWORD)
    await user.should_see('Bob Janssens', retries=50)  # Bob's account, with his order
    await assert_order_is_closed_to(user, ann, bob)
    # the same routes do answer Bob about his own order: what is closed above is closed, not broken
    other, other_invoice = bob
    await user.open(f'/account/orders/{other.code}')
    await user.should_see(other.code, retries=20)
    response = await user.http_client.get(f'/order/{other.token}/invoices/{other_invoice.id}.pdf')
    assert response.status_code == 200 and response.content.startswith(b'%PDF')


async def test_a_visitor_who_is_not_signed_in_sees_nothing_of_an_order_by_any_route(user: User):
    ann = await order_of(ANN, 'Ann Peeters')
    bob = await order_of(BOB, 'Bob Janssens')
    await user.open('/')
    await assert_order_is_closed_to(user, ann, bob)


async def test_a_customer_session_never_opens_admin(user: User):
    await order_of(ANN, 'Ann Peeters')
    await sign_in(user, ANN, PASSWORD)
    await user.should_see('Ann Peeters', retries=50)
    for path in ('/admin', '/admin/orders', '/admin/settings/customers', '/admin/logs', '/admin/account'):
        await user.open(path)
        await user.should_see('Sign in to Orderly', retries=20)
        await user.should_not_see(marker='orders-toolbar')
    response = await user.http_client.get('/api/v1/orders')
    assert response.status_code == 401
