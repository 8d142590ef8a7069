"""The merchant works an order: status and reference, with history, optional customer mail and no lost update."""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from domain.errors import OrderlyError
from domain.events import OrderStatusChanged, OutboxQueued, hub
from domain.invoices import automatic_invoice_messages
from domain.logs import write_log
from domain.models import LogEntry, Order, OrderLine
from domain.outbox import enqueue, new_message
from domain.statuses import ALLOWED_CHANGES, OrderStatus, check_status_change, fits_delivery
from domain.text_rules import invisible_problem
from domain.webhook_payload import ORDER_STATUS_CHANGED, order_data
from domain.webhooks import event_messages, subscribers

log = logging.getLogger(__name__)


class ChangedMeanwhile(OrderlyError):
    """Someone else saved the order after it was opened; nothing was overwritten."""


class InvalidReference(OrderlyError):
    """The reference or tracking code holds a character no field takes (domain/text_rules.py)."""


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
    if problem := invisible_problem(reference):
        raise InvalidReference(problem)
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
            warning = check_status_change(order.status, update.status, order.delivery_method.value)
            if warning and not confirmed:
                raise ConfirmationNeeded(warning)
        if not status_changed and reference == order.reference:
            return order
        messages = await _save(connection, order, update.status, reference, update.notify_customer, actor)
    await _announce([order], actor, messages)
    return order


@dataclass
class BulkResult:
    changed: list[str] = field(default_factory=list)  # order codes
    skipped: dict[str, str] = field(default_factory=dict)  # order code -> why, in the merchant's words


BULK_LIMIT = 5000
_BULK_CHUNK = 100  # orders per transaction: short write locks, and a crash loses no half-written order


async def change_statuses(*, shop_id: int, orders: dict[int, int | None], status: OrderStatus, notify_customer: bool,
                          actor: str, confirmed: bool = False) -> BulkResult:
    """Give many orders one status; `orders` maps order id to the version the merchant saw (None: any).

    Orders that cannot take the status, or were changed since they were seen, are skipped and reported; their
    references stay as they are. Raises ConfirmationNeeded (changing nothing) if any change deserves a second thought.
    """
    if len(orders) > BULK_LIMIT:
        raise OrderlyError(f'At most {BULK_LIMIT:,} orders can be changed at once; please narrow the filter.')
    current = await Order.filter(shop_id=shop_id, id__in=list(orders)).values_list('id', 'status')
    if not confirmed:
        warnings = {check_status_change(OrderStatus(s), status) for _, s in current if _allowed(OrderStatus(s), status)}
        warning = next((w for w in warnings if w), None)
        if warning:
            raise ConfirmationNeeded(warning)
    result, done, queued = BulkResult(), [], 0
    ids = sorted(orders)
    for start in range(0, len(ids), _BULK_CHUNK):
        async with in_transaction() as connection:
            endpoints = await subscribers(connection, shop_id, ORDER_STATUS_CHANGED)
            for order in await Order.filter(shop_id=shop_id, id__in=ids[start:start + _BULK_CHUNK]) \
                    .using_db(connection).order_by('id'):
                reason = _bulk_refusal(order, orders[order.id], status)
                if reason:
                    result.skipped[order.code] = reason
                    continue
                queued += await _save(connection, order, status, order.reference, notify_customer, actor,
                                      endpoints=endpoints)
                done.append(order)
                result.changed.append(order.code)
    if done:
        await _announce(done, actor, queued)
    return result


def _allowed(current: OrderStatus, new: OrderStatus) -> bool:
    return current is new or new in ALLOWED_CHANGES[current]


def _bulk_refusal(order: Order, seen_version: int | None, status: OrderStatus) -> str:
    if seen_version is not None and order.version != seen_version:
        return 'changed by someone else meanwhile'
    return _refusal(order.status, order.delivery_method.value, status)


def _refusal(current: OrderStatus, delivery_method: str, status: OrderStatus) -> str:
    if current is status:
        return f'already "{status.label}"'
    if not _allowed(current, status):
        return f'cannot go from "{current.label}" to "{status.label}"'
    if not fits_delivery(status, delivery_method):
        return f'"{status.label}" is not for {"an order to collect" if delivery_method == "pickup" else "shipping"}'
    return ''


S = OrderStatus
# How far an order has come: a bulk change to an earlier step takes orders back, which the merchant must see first
_PROGRESS = {S.ORDER_RECEIVED: 0, S.AWAITING_PAYMENT: 1, S.PAYMENT_RECEIVED: 2, S.PROCESSING: 3, S.SHIPPED: 4,
             S.READY_FOR_PICKUP: 4, S.COMPLETED: 5, S.CANCELLED: 0}
_ALREADY = {S.SHIPPED: 'already shipped', S.READY_FOR_PICKUP: 'already ready for pickup',
            S.COMPLETED: 'already completed', S.PROCESSING: 'already being processed',
            S.PAYMENT_RECEIVED: 'already paid'}


@dataclass(frozen=True)
class BulkPreview:
    """What a bulk status change would do, for the merchant to confirm before anything changes."""

    status: OrderStatus
    changing: int  # orders that would get the status
    taken_back: dict[OrderStatus, int]  # of those, how many are further along, by their current status
    skipped: int  # orders that cannot take it (or have it already)
    customers_mailed: int  # distinct e-mail addresses that would get a status mail
    warning: str | None  # what check_status_change asks to confirm, if any

    def summary(self) -> str:
        """In the merchant's words: 'Set 2 orders to Processing order; 1 of them is already shipped; 2 customers will
        be mailed.'"""
        parts = [f'Set {_orders(self.changing)} to {self.status.label}']
        parts += [f'{count} of them {"is" if count == 1 else "are"} {_ALREADY[current]}'
                  for current, count in self.taken_back.items()]
        if self.skipped:
            parts.append(f'{_orders(self.skipped)} will be skipped')
        customers = f'{self.customers_mailed} customer{"" if self.customers_mailed == 1 else "s"}'
        if not self.customers_mailed:
            parts.append('no customer will be mailed')
        elif self.customers_mailed == self.changing:
            parts.append(f'{customers} will be mailed')
        else:  # one mail per order: a customer with two of them gets two
            parts.append(f'{self.changing:,} mails will go to {customers}')
        text = '; '.join(parts) + '.'
        return f'{text} {self.warning}' if self.warning else text


def _orders(count: int) -> str:
    return f'{count:,} order{"" if count == 1 else "s"}'


async def preview_status_change(*, shop_id: int, orders: dict[int, int | None], status: OrderStatus,
                                notify_customer: bool) -> BulkPreview:
    """What `change_statuses` with the same arguments would do now; changes nothing."""
    if len(orders) > BULK_LIMIT:
        raise OrderlyError(f'At most {BULK_LIMIT:,} orders can be changed at once; please narrow the filter.')
    rows = await Order.filter(shop_id=shop_id, id__in=list(orders)).values_list(
        'id', 'status', 'version', 'delivery_method', 'email')
    changing, taken_back, emails, warning = 0, {}, set(), None
    for order_id, current, version, delivery_method, email in rows:
        current = OrderStatus(current)
        seen = orders[order_id]
        if (seen is not None and version != seen) or _refusal(current, str(delivery_method), status):
            continue
        changing += 1
        emails.add(email.lower())
        warning = warning or check_status_change(current, status)
        if _PROGRESS[current] > _PROGRESS[status] and current in _ALREADY:
            taken_back[current] = taken_back.get(current, 0) + 1
    return BulkPreview(status=status, changing=changing, taken_back=taken_back, skipped=len(orders) - changing,
                       customers_mailed=len(emails) if notify_customer else 0, warning=warning)


async def _save(connection: BaseDBAsyncClient, order: Order, status: OrderStatus, reference: str,
                notify_customer: bool, actor: str, endpoints: list[int] | None = None) -> int:
    """Write the change read as `order` (checked by the caller), its log entry and outbox rows; update `order`.

    `endpoints`: the API PUSH endpoints that want the change, if the caller read them already.
    """
    now = datetime.now(UTC)
    expected_version = order.version
    updated = await Order.filter(id=order.id, version=expected_version).using_db(connection).update(
        status=status, reference=reference, version=expected_version + 1, updated_at=now)
    if not updated:
        raise ChangedMeanwhile(f'Order {order.code} was changed meanwhile. Please review and save again.')
    previous, previous_reference = order.status, order.reference
    order.status, order.reference, order.version, order.updated_at = status, reference, expected_version + 1, now
    parts = [f'status {previous.label} → {status.label}'] if status is not previous else []
    if reference != previous_reference:
        parts.append(f'reference "{reference}"' if reference else 'reference removed')
    await write_log(connection, shop_id=order.shop_id, order=order, kind='order.status_changed', actor=actor, now=now,
                    message=f'{order.code}: ' + ', '.join(parts or ['saved']),
                    data={'from': previous.value, 'to': status.value, 'reference': reference,
                          'customer_mailed': notify_customer})
    if endpoints is None:
        endpoints = await subscribers(connection, order.shop_id, ORDER_STATUS_CHANGED)
    lines = await OrderLine.filter(order_id=order.id).using_db(connection).order_by('position') if endpoints else []
    messages = event_messages(endpoints, shop_id=order.shop_id, event=ORDER_STATUS_CHANGED, order=order, now=now,
                              data=lambda: {'order': order_data(order, lines), 'previous_status': previous.value})
    if notify_customer:
        messages.append(new_message(shop_id=order.shop_id, order=order, channel='mail', event='order.status_changed',
                                    template='status_update', recipient=order.email, now=now,
                                    payload={'order_code': order.code, 'status': status.value,
                                             'reference': reference}))
    if status is not previous:
        messages += await automatic_invoice_messages(connection, order, status, now)
    await enqueue(connection, messages)
    return len(messages)


async def _announce(orders: list[Order], actor: str, queued: int) -> None:
    for order in orders:
        log.info('order status changed to %s', order.status.value, extra={'order_code': order.code,
                                                                           'shop': order.shop_id})
        await hub.publish(OrderStatusChanged(shop_id=order.shop_id, order_id=order.id, code=order.code,
                                             status=order.status, version=order.version, actor=actor))
    if queued:
        await hub.publish(OutboxQueued(shop_id=orders[0].shop_id, count=queued))


async def _last_editor(order: Order) -> str:
    entry = await LogEntry.filter(order_id=order.id).order_by('-id').first()
    return entry.actor if entry else 'another admin'
