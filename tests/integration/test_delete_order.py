"""Deleting orders: test orders at once (stock back), real ones only with the typed code; logged and announced."""

import pytest

from domain.events import OrderDeleted, hub
from domain.models import LogEntry, Order, OrderLine, OutboxMessage, Product
from domain.order_deletion import Deletion, DeletionNotConfirmed, delete_order
from domain.test_orders import place_test_order
from domain.webhooks import EndpointForm, create_endpoint
from tests.integration.test_change_status import new_order


async def test_test_order_is_removed_at_once_and_gives_its_stock_back(shop):
    stock_before = {p.sku: p.stock for p in await Product.all()}
    placed = await place_test_order(shop=shop, actor='owner@x')
    seen = []
    hub.subscribe(OrderDeleted, seen.append)
    assert await delete_order(shop_id=shop.id, order_id=placed.id, typed_code='', actor='owner@x') \
        == Deletion(placed.code, deleted=True)
    assert not await Order.filter(id=placed.id).exists()
    assert not await OrderLine.filter(order_id=placed.id).exists()
    assert {p.sku: p.stock for p in await Product.all()} == stock_before
    assert [e.code for e in seen] == [placed.code]


async def test_real_order_needs_its_code_typed_and_leaves_a_snapshot(shop):
    await create_endpoint(shop_id=shop.id, actor='owner@x', form=EndpointForm(
        url='https://pos.example.com/orderly', events=['order.deleted']))
    order = await new_order(shop)
    with pytest.raises(DeletionNotConfirmed, match=f'Type {order.code} to confirm'):
        await delete_order(shop_id=shop.id, order_id=order.id, typed_code='DEMO', actor='owner@x')
    assert await Order.filter(id=order.id).exists()
    await delete_order(shop_id=shop.id, order_id=order.id, typed_code=order.code.lower(), actor='owner@x')
    log = await LogEntry.get(kind='order.deleted')
    assert (log.order_code, log.actor, log.message) == (order.code, 'owner@x', f'Order {order.code} deleted')
    assert log.data['customer_name'] == 'Ann Peeters' and log.data['lines'][0]['sku'] == 'FLT-100'
    event = await OutboxMessage.get(event='order.deleted')
    assert (event.channel, event.order_code, event.payload['order']['code']) == ('webhook', order.code, order.code)
    placed_log = await LogEntry.get(kind='order.placed')
    assert placed_log.order_code == order.code  # the history outlives the order


async def test_an_order_of_another_shop_cannot_be_deleted(shop):
    order = await new_order(shop)
    with pytest.raises(Exception, match='no longer exists'):
        await delete_order(shop_id=shop.id + 1, order_id=order.id, typed_code=order.code, actor='x')
