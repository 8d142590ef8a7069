"""The orders an account sees: its own (newest first), each with the history the merchant tells the customer,
and the guest orders of its verified e-mail, added on request."""

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from domain.customer_accounts import AccountError
from domain.logs import write_log
from domain.models import Customer, LogEntry, Order
from domain.references import reference_link
from domain.statuses import OrderStatus

MAX_LISTED = 200
# The history entries a customer sees: status changes and the tracking link, never notes, deliveries or who did it
CUSTOMER_KINDS = ('order.placed', 'order.status_changed', 'order.paid', 'order.auto_cancelled')


# What the status page says first about an order in each status, in the customer's words
STATUS_IN_WORDS: dict[OrderStatus, str] = {
    OrderStatus.ORDER_RECEIVED: 'We have received your order and sent a confirmation to {email}.',
    OrderStatus.AWAITING_PAYMENT: 'We are waiting for your payment; we start on your order once it arrives.',
    OrderStatus.PAYMENT_RECEIVED: 'Your payment has arrived. We are getting your order ready.',
    OrderStatus.PROCESSING: 'We are getting your order ready.',
    OrderStatus.SHIPPED: 'Your order is on its way.',
    OrderStatus.READY_FOR_PICKUP: 'Your order is ready: you can pick it up in the shop.',
    OrderStatus.COMPLETED: 'Your order is complete. Thank you for shopping with us!',
    OrderStatus.CANCELLED: 'This order was cancelled.',
}


def status_in_words(order: Order) -> str:
    """One sentence on where the order stands now, for its customer."""
    return STATUS_IN_WORDS[order.status].format(email=order.email)


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    what: str  # "Order placed", the status the order took in the seed's wording, or "Tracking link"
    link: tuple[str, str] | None = None  # (label, url) of the tracking link given with it


async def account_orders(customer: Customer) -> list[Order]:
    """The account's orders, newest first."""
    return await Order.filter(shop_id=customer.shop_id, customer_id=customer.id) \
        .order_by('-created_at', '-id').limit(MAX_LISTED)


async def account_order(customer: Customer, code: str) -> Order | None:
    """The account's order with this code and its lines; None for an unknown code and for anyone else's order."""
    code = code.strip().upper()
    if not code or len(code) > 32:
        return None
    return await Order.get_or_none(shop_id=customer.shop_id, customer_id=customer.id, code=code) \
        .prefetch_related('lines')


def _guest_orders(customer: Customer):
    return Order.filter(shop_id=customer.shop_id, customer_id__isnull=True, email__iexact=customer.email)


async def guest_orders_to_attach(customer: Customer) -> int:
    """How many guest orders of the account's e-mail could be added: 0 until the e-mail is verified."""
    if customer.email_verified_at is None:
        return 0
    return await _guest_orders(customer).count()


async def attach_guest_orders(customer: Customer) -> int:
    """Add the guest orders placed with the account's verified e-mail in its shop; return how many."""
    fresh = await Customer.get(id=customer.id)
    if fresh.email_verified_at is None:
        raise AccountError('Please verify your e-mail address first: we sent you a link.')
    now = datetime.now(UTC)
    async with in_transaction() as connection:
        codes = await _guest_orders(fresh).using_db(connection).values_list('code', flat=True)
        if not codes:
            return 0
        attached = await _guest_orders(fresh).using_db(connection).filter(code__in=codes).update(customer_id=fresh.id)
        await write_log(connection, shop_id=fresh.shop_id, order=None, kind='customer.orders_attached',
                        actor=fresh.email, now=now, data={'orders': sorted(codes)},
                        message=f'{fresh.email} added {attached} guest order(s) to their account')
    return attached


async def customer_history(order: Order) -> list[HistoryEntry]:
    """What the customer is told about the order, oldest first: placed, each status it took, the tracking link."""
    entries = await LogEntry.filter(shop_id=order.shop_id, order_id=order.id, kind__in=CUSTOMER_KINDS) \
        .order_by('created_at', 'id')
    history: list[HistoryEntry] = []
    shown_link: tuple[str, str] | None = None
    shown_status: OrderStatus | None = None
    for entry in entries:
        data = entry.data or {}
        if entry.kind == 'order.placed':
            history.append(HistoryEntry(entry.created_at, 'Order placed'))
            continue
        try:
            status = OrderStatus(data['to']) if data.get('to') and data.get('to') != data.get('from') else None
        except ValueError:
            status = None
        if entry.kind == 'order.auto_cancelled':
            status = OrderStatus.CANCELLED
        if status is shown_status:  # a payment logs its status change and `order.paid`: the customer hears it once
            status = None
        shown_status = status or shown_status
        link = reference_link(data['reference']) if data.get('reference') else None
        new_link = link if link and link != shown_link else None
        if new_link:
            shown_link = new_link
        if status or new_link:
            history.append(HistoryEntry(entry.created_at, status.label if status else 'Tracking link', new_link))
    return history
