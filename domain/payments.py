"""Prepayment: a payment attempt for the open amount of a payable order, and the provider's notification that
settles it.

The notification is the only source of truth, never the customer's return: we fetch the payment from the provider
and record it only if it was paid for the amount and currency we asked. A repeated or out-of-order notification
changes nothing twice: the payment row turns paid in one conditional statement, and only the statement that did it
moves the order and queues its side effects. The domain speaks to providers only through `PaymentProvider`;
integrations/payments/ implements it.
"""

import logging
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from domain.errors import OrderlyError
from domain.events import OrderStatusChanged, OutboxQueued, hub
from domain.logs import write_log
from domain.models import LogEntry, Order, OrderLine, Payment, PaymentStatus
from domain.money import format_money
from domain.order_changes import ChangedMeanwhile, _save
from domain.outbox import enqueue, new_message
from domain.statuses import OrderStatus, is_payable
from domain.webhook_payload import ORDER_PAID, order_data, utc_text
from domain.webhooks import event_messages, subscribers

log = logging.getLogger(__name__)

PAYMENT_OK = 'Your payment is OK.'
MAX_ATTEMPTS = 5  # payment attempts of one order within ATTEMPT_WINDOW; more are refused and flagged
ATTEMPT_WINDOW = timedelta(minutes=15)
MANUAL = 'manual'  # the "provider" of payments an admin records (bank transfers)
_PROVIDER_ID = re.compile(r'^[A-Za-z0-9_-]{1,64}$')


class OrderNotPayable(OrderlyError):
    """The order cannot be paid (any more): its status says so, or nothing is left to pay."""


class TooManyAttempts(OrderlyError):
    """The order had several payment attempts in a short time: no new one for now (and the merchant is told)."""


class PaymentProviderError(OrderlyError):
    """The provider refused a request or could not be reached; the message names no secret."""


@dataclass(frozen=True)
class PaymentRequest:
    """What we ask a provider for: amounts are Decimal in the order's currency."""

    amount: Decimal
    currency: str
    description: str
    redirect_url: str
    webhook_url: str
    metadata: dict[str, str] = field(default_factory=dict)
    shop_id: int = 0  # whose payment it is (a provider with one account per shop, like the demo, needs it)


@dataclass(frozen=True)
class CreatedPayment:
    provider_payment_id: str
    checkout_url: str


@dataclass(frozen=True)
class ProviderPayment:
    """A payment as the provider reports it now."""

    provider_payment_id: str
    status: PaymentStatus
    amount: Decimal
    currency: str
    method: str = ''
    metadata: Mapping[str, Any] = field(default_factory=dict)


class PaymentProvider(Protocol):
    name: str

    async def create_payment(self, request: PaymentRequest) -> CreatedPayment:
        """Create a payment; raise `PaymentProviderError` if the provider refuses or cannot be reached."""
        ...

    async def fetch_payment(self, provider_payment_id: str) -> ProviderPayment:
        """The payment as the provider knows it now; raise `PaymentProviderError` likewise."""
        ...


class NotificationResult(StrEnum):
    UNKNOWN = 'unknown'  # not a payment of ours: ignored
    UNCHANGED = 'unchanged'  # nothing new (a repeated or late notification)
    UPDATED = 'updated'  # open -> failed, canceled or expired
    PAID = 'paid'  # recorded; the order moved to "Payment received" when nothing is left to pay
    FLAGGED = 'flagged'  # paid, but not as asked (amount, currency, order): the merchant must look
    REFUND_NEEDED = 'refund_needed'  # paid for an order that cannot take it (cancelled, deleted, already paid)


async def paid_amount(order_id: int, connection: BaseDBAsyncClient | None = None) -> Decimal:
    """What the order's recorded payments add up to."""
    query = Payment.filter(order_id=order_id, status=PaymentStatus.PAID)
    amounts = await (query.using_db(connection) if connection else query).values_list('amount', flat=True)
    return sum((Decimal(str(amount)) for amount in amounts), Decimal('0.00'))


async def open_amount(order: Order) -> Decimal:
    """What the customer still has to pay for `order`: nothing unless it is payable."""
    if not is_payable(order.status):
        return Decimal('0.00')
    return max(order.total - await paid_amount(order.id), Decimal('0.00'))


async def latest_payment(order_id: int) -> Payment | None:
    """The order's newest payment attempt, for the outcome on the order page."""
    return await Payment.filter(order_id=order_id).order_by('-id').first()


async def payments_of(order_id: int) -> list[Payment]:
    """The order's payment attempts, oldest first."""
    return await Payment.filter(order_id=order_id).order_by('id')


async def start_payment(*, order: Order, provider: PaymentProvider, redirect_url: str,
                        webhook_url: str) -> Payment:
    """Ask `provider` for a payment of the open amount of `order`; raise `OrderNotPayable` when nothing can be paid."""
    amount = await open_amount(order)
    if amount <= 0:
        raise OrderNotPayable(PAYMENT_OK)
    await _check_attempts(order)
    created = await provider.create_payment(PaymentRequest(
        amount=amount, currency=order.currency, description=f'Order {order.code}', redirect_url=redirect_url,
        webhook_url=webhook_url, metadata={'order_code': order.code}, shop_id=order.shop_id))
    now = datetime.now(UTC)
    async with in_transaction() as connection:
        payment = await Payment.create(
            shop_id=order.shop_id, order_id=order.id, order_code=order.code, provider=provider.name,
            provider_payment_id=created.provider_payment_id, amount=amount, currency=order.currency,
            checkout_url=created.checkout_url, created_at=now, updated_at=now, using_db=connection)
        await write_log(connection, shop_id=order.shop_id, order=order, kind='payment.started', actor='customer',
                        now=now, message=f'{order.code}: payment of {format_money(amount, order.currency)} started '
                                         f'({provider.name} {created.provider_payment_id})',
                        data={'payment_id': payment.id, 'provider': provider.name})
    return payment


async def payment_refusal(*, shop_id: int, order_code: str, amount: Decimal, currency: str) -> str:
    """Why a payment of `amount` for order `order_code` of shop `shop_id` must not be created ('' if it is the open
    amount of a payable order of that shop): a provider we run ourselves (the demo) asks this for each request."""
    order = await Order.get_or_none(shop_id=shop_id, code=order_code[:32]) if order_code else None
    if order is None:
        return 'The metadata names no order of this shop'
    due = await open_amount(order)
    if due <= 0:
        return f'Order {order.code} has nothing to pay'
    if currency != order.currency or amount != due:
        return f'Order {order.code} has {format_money(due, order.currency)} to pay'
    return ''


async def payment_shop_id(*, provider: str, provider_payment_id: str) -> int | None:
    """The shop of our payment `provider_payment_id` at `provider`, if there is one."""
    payment = await Payment.get_or_none(provider=provider, provider_payment_id=provider_payment_id[:64])
    return payment.shop_id if payment else None


async def _check_attempts(order: Order) -> None:
    now = datetime.now(UTC)
    since = now - ATTEMPT_WINDOW
    if await Payment.filter(order_id=order.id, created_at__gte=since).count() < MAX_ATTEMPTS:
        return
    if not await LogEntry.filter(order_id=order.id, kind='payment.flagged', created_at__gte=since).exists():
        async with in_transaction() as connection:
            await write_log(connection, shop_id=order.shop_id, order=order, kind='payment.flagged', actor='system',
                            now=now, message=f'{order.code}: {MAX_ATTEMPTS} payment attempts within '
                                             f'{ATTEMPT_WINDOW.seconds // 60} minutes; further attempts refused',
                            data={'reason': 'attempts'})
    raise TooManyAttempts('There were several payment attempts for this order in a short time. Please try again '
                          'later or contact the shop.')


async def mark_as_paid(*, shop_id: int, order_id: int, actor: str, method: str = 'bank transfer') -> Order:
    """An admin records that the open amount arrived (a bank transfer): the order moves to "Payment received"."""
    now = datetime.now(UTC)
    async with in_transaction() as connection:
        order = await Order.get_or_none(id=order_id, shop_id=shop_id).using_db(connection)
        if order is None:
            raise OrderlyError('This order no longer exists.')
        amount = max(order.total - await paid_amount(order.id, connection), Decimal('0.00'))
        if not is_payable(order.status) or amount <= 0:
            raise OrderNotPayable(f'Order {order.code} is "{order.status.label}": there is nothing to mark as paid.')
        payment = await Payment.create(
            shop_id=shop_id, order_id=order.id, order_code=order.code, provider=MANUAL,
            provider_payment_id=f'{MANUAL}_{uuid.uuid4().hex[:16]}', method=method[:32], amount=amount,
            currency=order.currency, status=PaymentStatus.PAID, paid_at=now, created_at=now, updated_at=now,
            using_db=connection)
        reported = ProviderPayment(provider_payment_id=payment.provider_payment_id, status=PaymentStatus.PAID,
                                   amount=amount, currency=order.currency, method=method)
        queued, _ = await _order_paid(connection, order, payment, reported, now, actor=actor)
    await _announce(order, queued, actor)
    return order


async def _announce(order: Order, queued: int, actor: str) -> None:
    log.info('order paid: status %s', order.status.value, extra={'order_code': order.code, 'shop': order.shop_id})
    await hub.publish(OrderStatusChanged(shop_id=order.shop_id, order_id=order.id, code=order.code,
                                         status=order.status, version=order.version, actor=actor))
    if queued:
        await hub.publish(OutboxQueued(shop_id=order.shop_id, count=queued))


async def record_payment_notification(*, provider: PaymentProvider, provider_payment_id: str) -> NotificationResult:
    """Settle our payment `provider_payment_id` from what the provider says about it now (the body of a
    notification is never trusted beyond the id). Safe to call any number of times, in any order."""
    if not _PROVIDER_ID.match(provider_payment_id or ''):
        return NotificationResult.UNKNOWN
    payment = await Payment.get_or_none(provider=provider.name, provider_payment_id=provider_payment_id)
    if payment is None:
        return NotificationResult.UNKNOWN
    reported = await provider.fetch_payment(provider_payment_id)
    if reported.provider_payment_id != provider_payment_id:
        return NotificationResult.UNKNOWN
    now = datetime.now(UTC)
    queued, changed_order = 0, None
    async with in_transaction() as connection:
        payment = await Payment.get(id=payment.id).using_db(connection)
        if payment.status is PaymentStatus.PAID:
            return NotificationResult.UNCHANGED  # paid is final here: refunds are the merchant's business
        if reported.status is not PaymentStatus.PAID:
            return await _not_paid(connection, payment, reported, now)
        refusal = _mismatch(payment, reported)
        if refusal:
            return await _flag(connection, payment, refusal, now)
        moved = await Payment.filter(id=payment.id).exclude(status=PaymentStatus.PAID).using_db(connection).update(
            status=PaymentStatus.PAID, method=reported.method[:32], paid_at=now, updated_at=now)
        if not moved:
            return NotificationResult.UNCHANGED  # a concurrent notification recorded it
        order = await Order.get_or_none(id=payment.order_id, shop_id=payment.shop_id).using_db(connection) \
            if payment.order_id else None
        if order is None or not is_payable(order.status):
            state = 'deleted' if order is None else f'"{order.status.label}"'
            return await _flag(connection, payment, f'paid for an order that is {state}: refund needed', now,
                               result=NotificationResult.REFUND_NEEDED, order=order)
        queued, changed_order = await _order_paid(connection, order, payment, reported, now)
    if changed_order is not None:
        await _announce(changed_order, queued, 'system')
    return NotificationResult.PAID


def _mismatch(payment: Payment, reported: ProviderPayment) -> str:
    if reported.currency != payment.currency or reported.amount != payment.amount:
        return (f'paid {format_money(reported.amount, reported.currency)} instead of '
                f'{format_money(payment.amount, payment.currency)}')
    code = str(reported.metadata.get('order_code', payment.order_code)) if reported.metadata else payment.order_code
    if code != payment.order_code:
        return f'the provider names order {code[:32]}, not {payment.order_code}'
    return ''


async def _not_paid(connection: BaseDBAsyncClient, payment: Payment, reported: ProviderPayment,
                    now: datetime) -> NotificationResult:
    # A late "open" never undoes a final status; each final status is recorded (and logged) once.
    if reported.status is payment.status or reported.status is PaymentStatus.OPEN:
        return NotificationResult.UNCHANGED
    updated = await Payment.filter(id=payment.id, status=payment.status).using_db(connection).update(
        status=reported.status, method=reported.method[:32], updated_at=now)
    if not updated:
        return NotificationResult.UNCHANGED
    await write_log(connection, shop_id=payment.shop_id, order=_Ref(payment), kind='payment.not_paid',
                    actor='system', now=now, message=f'{payment.order_code}: payment {reported.status.value} '
                                                     f'({payment.provider} {payment.provider_payment_id})',
                    data={'payment_id': payment.id, 'status': reported.status.value})
    return NotificationResult.UPDATED


async def _flag(connection: BaseDBAsyncClient, payment: Payment, reason: str, now: datetime, *,
                result: NotificationResult = NotificationResult.FLAGGED,
                order: Order | None = None) -> NotificationResult:
    updated = await Payment.filter(id=payment.id, flagged='').using_db(connection).update(
        flagged=reason[:300], updated_at=now)
    if updated:  # flagged once, logged once
        await write_log(connection, shop_id=payment.shop_id, order=order or _Ref(payment), kind='payment.flagged',
                        actor='system', now=now, data={'payment_id': payment.id, 'reason': reason},
                        message=f'{payment.order_code}: check payment {payment.provider} '
                                f'{payment.provider_payment_id}: {reason}')
    return result if updated else NotificationResult.UNCHANGED


async def _order_paid(connection: BaseDBAsyncClient, order: Order, payment: Payment, reported: ProviderPayment,
                      now: datetime, actor: str = 'system') -> tuple[int, Order | None]:
    """Log the payment; with nothing left to pay, move the order to "Payment received" and queue its side effects."""
    amount = format_money(payment.amount, payment.currency)
    if await paid_amount(order.id, connection) < order.total:
        await write_log(connection, shop_id=order.shop_id, order=order, kind='payment.received', actor=actor,
                        now=now, message=f'{order.code}: part payment of {amount} received',
                        data={'payment_id': payment.id})
        return 0, None
    previous = order.status
    try:  # the status change as the merchant's own: its log entry, order.status_changed, automatic documents
        queued = await _save(connection, order, OrderStatus.PAYMENT_RECEIVED, order.reference, False, actor)
    except ChangedMeanwhile as error:  # rolls the payment back too: the provider's next notification retries
        raise PaymentProviderError('The order changed meanwhile; the notification will be retried.') from error
    await write_log(connection, shop_id=order.shop_id, order=order, kind='order.paid', actor=actor, now=now,
                    message=f'{order.code}: payment of {amount} received ({payment.provider} '
                            f'{payment.provider_payment_id}{", " + reported.method if reported.method else ""})',
                    data={'payment_id': payment.id, 'from': previous.value, 'to': order.status.value})
    paid_endpoints = await subscribers(connection, order.shop_id, ORDER_PAID)
    lines = await OrderLine.filter(order_id=order.id).using_db(connection).order_by('position') \
        if paid_endpoints else []
    payment_data = {'provider': payment.provider, 'id': payment.provider_payment_id, 'method': reported.method,
                    'amount': f'{payment.amount:.2f}', 'currency': payment.currency, 'paid_at': utc_text(now)}
    messages = event_messages(paid_endpoints, shop_id=order.shop_id, event=ORDER_PAID, order=order, now=now,
                              data=lambda: {'order': order_data(order, lines), 'payment': payment_data})
    messages.append(new_message(shop_id=order.shop_id, order=order, channel='push', event=ORDER_PAID,
                                template='order_paid', now=now,
                                payload={'order_code': order.code, 'customer_name': order.customer_name,
                                         'total': str(payment.amount), 'currency': payment.currency}))
    await enqueue(connection, messages)
    return queued + len(messages), order


@dataclass(frozen=True)
class _Ref:
    """A payment's order as logs refer to it (the order may be gone)."""

    payment: Payment

    @property
    def id(self) -> int | None:
        return self.payment.order_id

    @property
    def code(self) -> str:
        return self.payment.order_code
