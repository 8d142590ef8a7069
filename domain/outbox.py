"""The durable outbox: which side effects an order event causes, and the query for what is still to deliver."""

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from domain.logs import OrderRef
from domain.models import OutboxMessage, OutboxState, Shop
from domain.sql import insert_rows

if TYPE_CHECKING:
    from domain.checkout import PlacedOrder


def new_message(*, shop_id: int, order: OrderRef | None, channel: str, event: str, template: str = '',
                recipient: str = '', payload: dict | None = None, now: datetime) -> dict[str, Any]:
    """An outbox row, due now, for `enqueue` in the transaction of its cause."""
    return {
        'shop_id': shop_id, 'order_id': order.id if order else None, 'order_code': order.code if order else '',
        'event_id': f'msg_{uuid.uuid4().hex}', 'channel': channel, 'event': event, 'template': template,
        'recipient': recipient, 'payload': payload or {}, 'state': OutboxState.PENDING, 'attempts': 0,
        'next_attempt_at': now, 'leased_by': '', 'last_error': '', 'created_at': now,
    }


async def enqueue(connection: BaseDBAsyncClient, messages: list[dict[str, Any]]) -> None:
    """Write outbox rows on `connection`: the caller's transaction, so they commit or vanish with their cause."""
    await insert_rows(connection, OutboxMessage._meta.db_table, messages)


def order_placed_messages(shop: Shop, order: 'PlacedOrder', admin_emails: list[str],
                          now: datetime) -> list[dict[str, Any]]:
    """Customer confirmation, a mail per admin who wants one (and the shop's address), a push.

    API PUSH adds one message per subscribed endpoint (`domain.webhooks.event_messages`).
    """
    summary = {'order_code': order.code, 'customer_name': order.customer_name, 'total': str(order.total),
               'currency': order.currency, 'is_test': order.is_test}
    common = {'shop_id': shop.id, 'order': order, 'now': now, 'payload': summary}
    merchant_addresses = dict.fromkeys(email.lower() for email in admin_emails)
    if shop.email:
        merchant_addresses.setdefault(shop.email.lower(), None)
    return [
        new_message(channel='mail', event='order.created', template='customer_confirmation',
                    recipient=order.email, **common),
        *(new_message(channel='mail', event='order.created', template='merchant_new_order', recipient=address,
                      **common) for address in merchant_addresses),
        new_message(channel='push', event='order.created', template='new_order', **common),
    ]


async def pending_outbox(*, now: datetime | None = None, limit: int = 100) -> list[OutboxMessage]:
    """Messages due for delivery (never delivered, not dead, not leased by a live worker), oldest first."""
    now = now or datetime.now(UTC)
    unleased = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    due = OutboxMessage.filter(unleased, state=OutboxState.PENDING, next_attempt_at__lte=now)
    return await due.order_by('next_attempt_at', 'id').limit(limit)
