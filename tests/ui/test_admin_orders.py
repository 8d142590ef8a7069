"""The merchant's side with NiceGUI's simulated User: sign-in, the live orders grid, sessions."""

import asyncio
import secrets

import pytest
from nicegui import events
from nicegui.testing import User

from domain import admin_auth
from domain.catalogue import default_shop
from domain.checkout import place_order
from domain.models import Order, Product
from domain.order_changes import StatusUpdate, change_status
from domain.schemas import parse_checkout
from domain.statuses import OrderStatus
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD


@pytest.fixture(autouse=True)
def no_slow_answers(monkeypatch):
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)


async def sign_in(user: User, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD, *, ok: bool = True) -> None:
    await user.open('/admin/login')
    user.find(marker='email').type(email)
    user.find(marker='password').type(password)
    user.find(marker='sign-in').click()
    if ok:  # argon2 takes its time: wait for the grid longer than should_see's default
        await user.should_see(marker='orders-toolbar', retries=50)


async def customer_orders(name: str = 'Ann Peeters', quantity: int = 1, email: str = 'ann@example.com') -> str:
    shop = await default_shop()
    product = await Product.get(sku='FLT-100')
    form = parse_checkout({'name': name, 'email': email, 'street': 'Kerkstraat 1', 'postal_code': '9000',
                           'city': 'Gent', 'lines': [{'product_id': product.id, 'quantity': quantity}],
                           'idempotency_key': secrets.token_urlsafe(18)})
    return (await place_order(shop=shop, form=form)).code


async def eventually(condition, seconds: float = 3) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    assert condition()


async def opened(user: User, path: str) -> None:
    """Wait until the simulated browser's navigation to `path` is done (NiceGUI's User shares ui.notify between
    users: a navigation still under way would take the next user's notifications)."""
    await eventually(lambda: user.back_history[-1:] == [path])
    await asyncio.sleep(0.05)


def emit_page_event(user: User, event: str, args: dict | None = None) -> None:
    """What the page's own HTML sends with NiceGUI's `emitEvent` (the header's sign-out, the orders toolbar)."""
    layout = user.client.layout
    listeners = [listener for listener in layout._event_listeners.values() if listener.type == event]
    assert listeners, f'the page does not listen for {event}'
    with user.client:
        for listener in listeners:
            events.handle_event(listener.handler,
                                events.GenericEventArguments(sender=layout, client=user.client, args=args or {}))


def search(user: User, text: str, status: str = '') -> None:
    """Type `text` into the orders toolbar's search, with `status` chosen, and press Enter."""
    emit_page_event(user, 'orders_filter', {'search': text, 'status': status})


def table_rows(user: User) -> list[dict]:
    return user.find(marker='orders-table').elements.pop().rows


async def test_admin_pages_send_strangers_to_sign_in(user: User):
    await user.open('/admin/orders')
    await user.should_see('Sign in to Orderly')


async def test_wrong_password_is_refused_with_a_message(user: User):
    await sign_in(user, password='not the password', ok=False)
    await user.should_see('Wrong e-mail or password.', retries=50)
    await user.should_not_see(marker='orders-table')


async def test_owner_signs_in_and_sees_the_orders_newest_first(user: User):
    first, second = await customer_orders('Ann Peeters'), await customer_orders('Bert Claes')
    await sign_in(user)
    rows = table_rows(user)
    assert [row['code'] for row in rows] == [second, first]
    assert rows[0]['customer'] == 'Bert Claes' and rows[0]['total'] == '€ 13.90' and rows[0]['status'] == \
        'Order received'


async def test_empty_grid_offers_a_test_order_that_takes_the_customers_path(user: User):
    await sign_in(user)
    await user.should_see('No orders yet.')
    user.find(marker='empty-test-order').click()
    await user.should_see('New order DEMO-')
    order = await Order.get()
    assert order.is_test
    assert [row['code'] for row in table_rows(user)] == [order.code]
    assert table_rows(user)[0]['is_test'] is True


async def test_new_order_appears_live_at_the_top(user: User):
    await customer_orders()
    await sign_in(user)
    code = await customer_orders('Chris Live')
    await user.should_see(f'New order {code} from Chris Live (€ 13.90)')
    rows = table_rows(user)
    assert rows[0]['code'] == code and rows[0]['fresh'] is True and len(rows) == 2


async def test_filtered_view_does_not_jump_but_counts_new_orders(user: User):
    ann = await customer_orders('Ann Peeters')
    await customer_orders('Bert Claes', email='bert@example.com')
    await sign_in(user)
    search(user, 'Ann')
    await eventually(lambda: [row['code'] for row in table_rows(user)] == [ann])  # the search has been applied
    before = [row['code'] for row in table_rows(user)]
    code = await customer_orders('Dirk Other')  # ann@example.com: it matches the search too
    await user.should_see('1 new order')
    assert [row['code'] for row in table_rows(user)] == before
    user.find(marker='new-orders').click()
    await user.should_not_see('1 new order')
    assert table_rows(user)[0]['code'] == code


async def test_two_admins_see_each_others_test_orders_live(user: User, create_user):
    other = create_user()
    await sign_in(user)
    await sign_in(other)
    await other.should_see('No orders yet.')
    user.find(marker='empty-test-order').click()
    await user.should_see('New order DEMO-', retries=20)
    code = (await Order.get()).code
    await eventually(lambda: [row['code'] for row in table_rows(other)] == [code])


async def test_signing_out_ends_the_session_in_every_browser(user: User, create_user):
    phone = create_user()
    await sign_in(user)
    await sign_in(phone)
    await user.should_see('No orders yet.')
    await phone.should_see('No orders yet.')
    emit_page_event(user, 'admin_sign_out')
    await user.should_see('Sign in to Orderly', retries=20)
    await opened(user, '/admin/session/end')  # the sign-out's HTTP round trip, done before the phone acts
    phone.find(marker='empty-test-order').click()  # the phone's next action finds its session ended
    await phone.should_see('Your session has ended. Please sign in again.')
    assert await Order.all().count() == 0
    await phone.open('/admin/orders')
    await phone.should_see('Sign in to Orderly', retries=20)


async def test_status_change_by_another_admin_updates_that_row_everywhere(user: User):
    code = await customer_orders()
    other_code = await customer_orders('Bert Claes')
    await sign_in(user)
    order = await Order.get(code=code)
    await change_status(shop_id=order.shop_id, order_id=order.id, expected_version=1, actor='clerk@demo-shop.example',
                        update=StatusUpdate(OrderStatus.SHIPPED))
    await eventually(lambda: {r['code']: r['status'] for r in table_rows(user)} == {
        code: 'Order shipped', other_code: 'Order received'})


async def test_status_filter_from_the_toolbar_and_hand_made_filter_events(user: User):
    shipped = await customer_orders('Ann Peeters')
    received = await customer_orders('Bert Claes', email='bert@example.com')
    order = await Order.get(code=shipped)
    await change_status(shop_id=order.shop_id, order_id=order.id, expected_version=1, actor='clerk@demo-shop.example',
                        update=StatusUpdate(OrderStatus.SHIPPED))
    await sign_in(user)
    search(user, '', 'shipped')
    await eventually(lambda: [row['code'] for row in table_rows(user)] == [shipped])
    search(user, 'bert', 'shipped')  # both at once: nothing matches
    await eventually(lambda: table_rows(user) == [])
    # what a browser's own script could send instead: an unknown status, a number, a huge search: no filter, no error
    for args in ({'search': '', 'status': 'deleted'}, {'search': 42, 'status': ['shipped']}, 'not a dict'):
        emit_page_event(user, 'orders_filter', args)  # type: ignore[arg-type]
        await eventually(lambda: {row['code'] for row in table_rows(user)} == {shipped, received})
    search(user, 'x' * 10_000)
    await eventually(lambda: table_rows(user) == [])


async def test_an_open_admin_page_keeps_its_request_without_the_asgi_call(user: User):
    """NiceGUI keeps each page's request while it is open; an admin page keeps a slim copy (bench/live.py)."""
    await customer_orders()
    await sign_in(user)
    scope = user.client.request.scope
    assert {'session', 'headers', 'client', 'state'} <= set(scope) and 'fastapi_astack' not in scope
    search(user, 'nobody')  # event handlers still find the session through the kept request
    await eventually(lambda: table_rows(user) == [])
