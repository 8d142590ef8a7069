"""The merchant works an order: status and reference, with history, optional customer mail and no lost update."""

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from domain.errors import OrderlyError
from domain.events import OrderStatusChanged, OutboxQueued, hub
from domain.logs import write_log
from domain.models import LogEntry, Order
from domain.outbox import enqueue, new_message
from domain.statuses import OrderStatus, check_status_change


class ChangedMeanwhile(OrderlyError):
    """Someone else saved the order after it was opened; nothing was overwritten."""


class ConfirmationNeeded(OrderlyError):
    """The change is allowed but deserves a second thought; repeat it with `confirmed=True`."""


@dataclass(frozen=True)
class StatusUpdate:
    status: OrderStatus
    reference: str = ''
    notify_customer: bool = False


async def change_status(*, shop_id: int, order_id: int, expected_version: int, update: StatusUpdate, actor: str,
                        confirmed: bool = False) -> Order:
    """Save a new status and reference if nobody changed the order since `expected_version` was read."""
    reference = update.reference.strip()[:200]
    async with in_transaction() as connection:
        order = await Order.get_or_none(id=order_id, shop_id=shop_id)
        if order is None:
            raise OrderlyError('This order no longer exists.')
        if order.version != expected_version:
            editor = await _last_editor(order)
            raise ChangedMeanwhile(f'Order {order.code} was changed by {editor} meanwhile: it now says '
                                   f'"{order.status.label}". Nothing was overwritten; please review and save again.')
        status_changed = update.status is not order.status
        if status_changed:
            warning = check_status_change(order.status, update.status)
            if warning and not confirmed:
                raise ConfirmationNeeded(warning)
        if not status_changed and reference == order.reference:
            return order
        now = datetime.now(UTC)
        updated = await Order.filter(id=order.id, version=expected_version).update(
            status=update.status, reference=reference, version=expected_version + 1, updated_at=now)
        if not updated:
            raise ChangedMeanwhile(f'Order {order.code} was changed meanwhile. Please review and save again.')
        previous, previous_reference = order.status, order.reference
        order.status, order.reference, order.version, order.updated_at = update.status, reference, \
            expected_version + 1, now
        parts = [f'status {previous.label} → {update.status.label}'] if status_changed else []
        if reference != previous_reference:
            parts.append(f'reference "{reference}"' if reference else 'reference removed')
        await write_log(connection, shop_id=shop_id, order=order, kind='order.status_changed', actor=actor, now=now,
                        message=f'{order.code}: ' + ', '.join(parts or ['saved']),
                        data={'from': previous.value, 'to': update.status.value, 'reference': reference,
                              'customer_mailed': update.notify_customer})
        messages = [new_message(shop_id=shop_id, order=order, channel='webhook', event='order.status_changed',
                                payload={'order_code': order.code, 'status': update.status.value}, now=now)]
        if update.notify_customer:
            messages.append(new_message(shop_id=shop_id, order=order, channel='mail', event='order.status_changed',
                                        template='status_update', recipient=order.email, now=now,
                                        payload={'order_code': order.code, 'status': update.status.value,
                                                 'reference': reference}))
        await enqueue(connection, messages)
    await hub.publish(OrderStatusChanged(shop_id=shop_id, order_id=order.id, code=order.code,
                                         status=order.status, version=order.version, actor=actor))
    await hub.publish(OutboxQueued(shop_id=shop_id, count=len(messages)))
    return order


async def _last_editor(order: Order) -> str:
    entry = await LogEntry.filter(order_id=order.id).order_by('-id').first()
    return entry.actor if entry else 'another admin'
