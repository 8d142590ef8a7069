"""The seed's payment rule through the REST API: only a payable order can be marked paid, and only the shop's own."""

from domain.models import ApiKeyAccess, LogEntry, Order, OutboxMessage, Payment
from domain.statuses import OrderStatus
from domain.webhook_payload import ORDER_PAID
from tests.integration.test_rest_api import bearer, client, error_of, other_shop, place, reader, writer  # noqa: F401


async def test_api_marks_a_payable_order_paid_once(client, shop, writer):  # noqa: F811
    order = await place(client, writer)
    response = await client.post(f'/orders/{order["code"].lower()}/mark-paid', headers=writer)
    assert response.status_code == 200, response.text
    assert response.json()['status'] == OrderStatus.PAYMENT_RECEIVED.value
    stored = await Order.get(code=order['code'])
    assert (await Payment.get(order_id=stored.id)).provider == 'manual'
    assert (await LogEntry.get(order_id=stored.id, kind='order.paid')).actor == 'API key "Point of sale"'
    assert await OutboxMessage.filter(order_id=stored.id, event=ORDER_PAID, channel='push').count() == 1
    again = error_of(await client.post(f'/orders/{order["code"]}/mark-paid', headers=writer), 409)
    assert again['code'] == 'not_payable' and 'nothing to mark as paid' in again['message']


async def test_api_cannot_mark_paid_a_shipped_order(client, shop, writer):  # noqa: F811
    order = await place(client, writer)
    await Order.filter(code=order['code']).update(status=OrderStatus.SHIPPED)
    assert error_of(await client.post(f'/orders/{order["code"]}/mark-paid', headers=writer), 409)['code'] == \
        'not_payable'
    assert await Payment.all().count() == 0


async def test_read_only_key_and_other_shops_cannot_mark_paid(client, shop, writer, reader, other_shop):  # noqa: F811
    order = await place(client, writer)
    assert (await client.post(f'/orders/{order["code"]}/mark-paid', headers=reader)).status_code == 403
    other = await bearer(other_shop, ApiKeyAccess.READ_WRITE)
    assert (await client.post(f'/orders/{order["code"]}/mark-paid', headers=other)).status_code == 404
    assert await Payment.all().count() == 0
