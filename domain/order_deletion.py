"""Deleting an order: test orders at once, real ones only after the merchant types the code; always logged."""

from datetime import UTC, datetime

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from domain.errors import OrderlyError
from domain.events import OrderDeleted, OutboxQueued, hub
from domain.invoices import refuse_deleting_invoiced
from domain.logs import write_log
from domain.models import Order, OrderLine, Product
from domain.outbox import enqueue
from domain.webhook_payload import ORDER_DELETED, order_data
from domain.webhooks import event_messages, subscribers


class DeletionNotConfirmed(OrderlyError):
    """A real order is deleted only when its code was typed to confirm."""


def snapshot(order: Order) -> dict:
    """What the Logs keep of a deleted order."""
    return {'code': order.code, 'status': order.status.value, 'customer_name': order.customer_name,
            'email': order.email, 'total': str(order.total), 'currency': order.currency, 'is_test': order.is_test,
            'created_at': order.created_at.isoformat(),
            'lines': [{'sku': line.sku, 'name': line.name, 'quantity': line.quantity, 'total': str(line.total)}
                      for line in order.lines]}


async def delete_order(*, shop_id: int, order_id: int, typed_code: str, actor: str) -> str:
    """Delete the order; return its code. A test order gives its stock back: it never left the shop."""
    async with in_transaction() as connection:
        order = await Order.get_or_none(id=order_id, shop_id=shop_id).prefetch_related('lines')
        if order is None:
            raise OrderlyError('This order no longer exists.')
        if not order.is_test and typed_code.strip().upper() != order.code:
            raise DeletionNotConfirmed(f'Type {order.code} to confirm the deletion of this order.')
        await refuse_deleting_invoiced(connection, order)
        if order.is_test:
            for line in order.lines:
                if line.product_id:
                    await Product.filter(id=line.product_id, shop_id=shop_id).update(stock=F('stock') + line.quantity)
        now = datetime.now(UTC)
        kept = snapshot(order)
        await write_log(connection, shop_id=shop_id, order=order, kind='order.deleted', actor=actor, now=now,
                        message=f'{"Test order" if order.is_test else "Order"} {order.code} deleted', data=kept)
        messages = event_messages(await subscribers(connection, shop_id, ORDER_DELETED), shop_id=shop_id,
                                  event=ORDER_DELETED, order=None, order_code=order.code, now=now,
                                  data=lambda: {'order': order_data(order, order.lines)})
        await enqueue(connection, messages)
        await OrderLine.filter(order_id=order.id).delete()
        await order.delete()
    await hub.publish(OrderDeleted(shop_id=shop_id, order_id=order_id, code=order.code, actor=actor))
    if messages:
        await hub.publish(OutboxQueued(shop_id=shop_id, count=len(messages)))
    return order.code
