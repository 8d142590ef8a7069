"""The live orders grid sends each open page only the row that changed, and reads that row once for all pages."""

import importlib

from nicegui.testing import User

from domain.models import Order
from domain.order_changes import StatusUpdate, change_status
from domain.order_deletion import delete_order
from domain.statuses import OrderStatus
from tests.ui.test_admin_orders import customer_orders, eventually, sign_in, table_rows


def sent_messages(user: User) -> list[tuple[str, dict]]:
    """From now on, what the server sends to this user's page: (message type, data)."""
    sent = []
    emit = user.client.outbox._emit

    async def recording(message) -> None:
        sent.append((message[1], message[2]))
        await emit(message)
    user.client.outbox._emit = recording
    return sent


async def test_live_changes_send_the_row_and_not_the_whole_table(user: User):
    first = await customer_orders('Ann Peeters')
    await sign_in(user)
    table = user.find(marker='orders-table').elements.pop()
    sent = sent_messages(user)
    code = await customer_orders('Chris Live')
    await user.should_see(f'New order {code} from Chris Live')
    order = await Order.get(code=first)
    await change_status(shop_id=order.shop_id, order_id=order.id, expected_version=1, actor='clerk@demo-shop.example',
                        update=StatusUpdate(OrderStatus.SHIPPED))
    await eventually(lambda: table_rows(user)[1]['status'] == 'Order shipped')
    await delete_order(shop_id=order.shop_id, order_id=order.id, typed_code=first, actor='owner@demo-shop.example')
    await eventually(lambda: [row['code'] for row in table_rows(user)] == [code])
    assert table_rows(user)[0]['fresh'] is True and table.pagination['rowsNumber'] == 1

    def patches() -> list[str]:
        return [data['code'] for kind, data in sent if kind == 'run_javascript' and f'[{table.id}]' in data['code']]
    await eventually(lambda: len(patches()) == 3)
    placed, shipped, deleted = patches()
    assert code in placed and first not in placed
    assert first in shipped and 'Order shipped' in shipped and code not in shipped
    assert str(order.id) in deleted and 'Chris Live' not in deleted
    assert not [data for kind, data in sent if kind == 'update' and table.id in data]


async def test_a_changed_order_is_read_once_however_many_grids_show_it(user: User, create_user, monkeypatch):
    admins = [user, create_user(), create_user()]
    for admin in admins:
        await sign_in(admin)
    reads = []

    async def counted_order_row(shop_id: int, order_id: int):
        reads.append(order_id)
        return await order_row(shop_id, order_id)
    orders = importlib.import_module('ui.admin.orders')  # the app's: NiceGUI re-imports its pages for every test
    order_row = orders.order_row
    monkeypatch.setattr(orders, 'order_row', counted_order_row)
    code = await customer_orders('Chris Live')
    for admin in admins:
        await eventually(lambda admin=admin: [row['code'] for row in table_rows(admin)] == [code])
    order = await Order.get(code=code)
    await change_status(shop_id=order.shop_id, order_id=order.id, expected_version=1, actor='clerk@demo-shop.example',
                        update=StatusUpdate(OrderStatus.SHIPPED))
    for admin in admins:
        await eventually(lambda admin=admin: table_rows(admin)[0]['status'] == 'Order shipped')
    assert reads == [order.id, order.id]
