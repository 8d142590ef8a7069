"""The durable outbox: which side effects an order event causes, and the query for what is still to deliver."""

import uuid
from datetime import UTC, datetime

from tortoise.expressions import Q

from domain.models import AdminUser, Order, OutboxMessage, OutboxState, Shop


def new_message(*, shop_id: int, order: Order | None, channel: str, event: str, template: str = '',
                recipient: str = '', payload: dict | None = None, now: datetime) -> OutboxMessage:
    """An unsaved outbox row, due now; the caller saves it in the transaction of its cause."""
    return OutboxMessage(
        shop_id=shop_id, order=order, order_code=order.code if order else '', event_id=f'msg_{uuid.uuid4().hex}',
        channel=channel, event=event, template=template, recipient=recipient, payload=payload or {},
        state=OutboxState.PENDING, next_attempt_at=now, created_at=now,
    )


def order_placed_messages(shop: Shop, order: Order, admins: list[AdminUser], now: datetime) -> list[OutboxMessage]:
    """Customer confirmation, a mail per admin who wants one (and the shop's address), a push, API PUSH."""
    summary = {'order_code': order.code, 'customer_name': order.customer_name, 'total': str(order.total),
               'currency': order.currency, 'is_test': order.is_test}
    common = {'shop_id': shop.id, 'order': order, 'now': now, 'payload': summary}
    merchant_addresses = dict.fromkeys(a.email.lower() for a in admins if a.receives_order_mails)
    if shop.email:
        merchant_addresses.setdefault(shop.email.lower(), None)
    return [
        new_message(channel='mail', event='order.created', template='customer_confirmation',
                    recipient=order.email, **common),
        *(new_message(channel='mail', event='order.created', template='merchant_new_order', recipient=address,
                      **common) for address in merchant_addresses),
        new_message(channel='push', event='order.created', template='new_order', **common),
        new_message(channel='webhook', event='order.created', **common),
    ]


async def pending_outbox(*, now: datetime | None = None, limit: int = 100) -> list[OutboxMessage]:
    """Messages due for delivery (never delivered, not dead, not leased by a live worker), oldest first."""
    now = now or datetime.now(UTC)
    unleased = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    due = OutboxMessage.filter(unleased, state=OutboxState.PENDING, next_attempt_at__lte=now)
    return await due.order_by('next_attempt_at', 'id').limit(limit)
