"""Deleting an order: test orders at once, real ones only after the merchant types the code; always logged.

An invoiced order is never removed: it stays for the accounts, so "delete" cancels it and credits its invoices.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from domain.errors import OrderlyError
from domain.events import OrderDeleted, OutboxQueued, hub
from domain.invoices import InvoiceKind, credit_order
from domain.logs import write_log
from domain.models import Invoice, Order, OrderLine, Product
from domain.order_changes import StatusUpdate, change_status
from domain.outbox import enqueue
from domain.statuses import OrderStatus
from domain.webhook_payload import ORDER_DELETED, order_data
from domain.webhooks import event_messages, subscribers

log = logging.getLogger(__name__)


class DeletionNotConfirmed(OrderlyError):
    """A real order is deleted only when its code was typed to confirm."""


@dataclass(frozen=True)
class Deletion:
    """What "delete" did: removed the order, or (invoiced) cancelled it and issued `credit_notes` instead."""

    code: str
    deleted: bool
    credit_notes: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        if self.deleted:
            return f'{self.code} deleted.'
        credited = f'credit note {", ".join(self.credit_notes)} issued' if self.credit_notes \
            else 'its invoice was already credited'
        return f'{self.code} has an invoice, so it stays for the accounts: it is cancelled and {credited}.'


def snapshot(order: Order) -> dict:
    """What the Logs keep of a deleted order."""
    return {'code': order.code, 'status': order.status.value, 'customer_name': order.customer_name,
            'email': order.email, 'total': str(order.total), 'currency': order.currency, 'is_test': order.is_test,
            'created_at': order.created_at.isoformat(),
            'lines': [{'sku': line.sku, 'name': line.name, 'quantity': line.quantity, 'total': str(line.total)}
                      for line in order.lines]}


async def delete_order(*, shop_id: int, order_id: int, typed_code: str, actor: str) -> Deletion:
    """Delete the order. A test order gives its stock back: it never left the shop. An invoiced order is cancelled
    and credited instead (the credit notes are issued now; the cancellation's queued credit then finds none to do)."""
    async with in_transaction() as connection:
        order = await Order.get_or_none(id=order_id, shop_id=shop_id).prefetch_related('lines')
        if order is None:
            raise OrderlyError('This order no longer exists.')
        if not order.is_test and typed_code.strip().upper() != order.code:
            raise DeletionNotConfirmed(f'Type {order.code} to confirm the deletion of this order.')
        invoiced = await Invoice.filter(shop_id=shop_id, order_id=order.id).using_db(connection).exists()
        if not invoiced:
            messages = await _remove(connection, order, actor)
    if invoiced:
        return await _cancel_and_credit(order, actor)
    log.info('order deleted', extra={'order_code': order.code, 'shop': shop_id})
    await hub.publish(OrderDeleted(shop_id=shop_id, order_id=order_id, code=order.code, actor=actor))
    if messages:
        await hub.publish(OutboxQueued(shop_id=shop_id, count=len(messages)))
    return Deletion(order.code, deleted=True)


async def _cancel_and_credit(order: Order, actor: str) -> Deletion:
    started = datetime.now(UTC)
    cancelled_now = order.status is not OrderStatus.CANCELLED
    if cancelled_now:
        await change_status(shop_id=order.shop_id, order_id=order.id, expected_version=order.version,
                            update=StatusUpdate(OrderStatus.CANCELLED, reference=order.reference), actor=actor,
                            confirmed=True)
    notes = await credit_order(shop_id=order.shop_id, order_id=order.id, actor=actor)
    if not notes and cancelled_now:  # the credit queued by this very cancellation was delivered first
        notes = await Invoice.filter(shop_id=order.shop_id, order_id=order.id, kind=InvoiceKind.CREDIT_NOTE,
                                     issued_at__gte=started).order_by('id')
    return Deletion(order.code, deleted=False, credit_notes=tuple(note.number for note in notes))


async def _remove(connection: BaseDBAsyncClient, order: Order, actor: str) -> list[dict]:
    """Delete `order` (read with its lines) in the caller's transaction; return the outbox rows written."""
    shop_id = order.shop_id
    if order.is_test:
        for line in order.lines:
            if line.product_id:
                await Product.filter(id=line.product_id, shop_id=shop_id).using_db(connection) \
                    .update(stock=F('stock') + line.quantity)
    now = datetime.now(UTC)
    kept = snapshot(order)
    await write_log(connection, shop_id=shop_id, order=order, kind='order.deleted', actor=actor, now=now,
                    message=f'{"Test order" if order.is_test else "Order"} {order.code} deleted', data=kept)
    messages = event_messages(await subscribers(connection, shop_id, ORDER_DELETED), shop_id=shop_id,
                              event=ORDER_DELETED, order=None, order_code=order.code, now=now,
                              data=lambda: {'order': order_data(order, order.lines)})
    await enqueue(connection, messages)
    await OrderLine.filter(order_id=order.id).using_db(connection).delete()
    await order.delete(using_db=connection)
    return messages
