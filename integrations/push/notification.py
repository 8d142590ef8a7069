"""What a push notification says: the JSON the service worker (static/sw.js) shows, and how long it may wait."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.models import OutboxMessage
from domain.money import format_money
from domain.push_subscriptions import TEST_EVENT

ICON = '/static/icons/icon-192.png'
BADGE = '/static/icons/badge-96.png'  # Android's status bar: white on transparent
NEW_ORDER_TTL = 24 * 3600  # a phone that is off for a day still learns of the order when it comes back
TEST_TTL = 10 * 60


class UnknownNotification(ValueError):
    """An outbox row of the push channel that no notification is written for."""


@dataclass(frozen=True)
class Notification:
    payload: dict[str, Any]
    ttl: int  # seconds the push service keeps it for a device that is offline
    urgency: str  # RFC 8030: 'high' wakes a phone at once
    headers: dict[str, str] = field(default_factory=dict)


def notification_for(message: OutboxMessage) -> Notification:
    """The notification for an outbox row of the 'push' channel; `UnknownNotification` for rows it cannot write."""
    if message.template == 'new_order':
        return _new_order(message.payload)
    if message.template == 'order_paid':
        return _order_paid(message.payload)
    if message.event == TEST_EVENT:
        return Notification(payload={
            'title': 'Orderly test notification', 'body': f'Notifications reach {message.recipient}.',
            'icon': ICON, 'badge': BADGE, 'tag': 'orderly-test', 'data': {'url': '/admin/settings/notifications'},
        }, ttl=TEST_TTL, urgency='normal')
    raise UnknownNotification(f'no push notification for {message.event} ({message.template or "no template"})')


def _code_and_body(summary: dict[str, Any]) -> tuple[str, str]:
    """The order code, and "customer · € total" for the notification's body."""
    code = str(summary.get('order_code', ''))
    if not code:
        raise UnknownNotification('the order has no code')
    try:
        total = format_money(Decimal(str(summary.get('total'))), str(summary.get('currency', '')))
    except InvalidOperation:
        total = ''
    return code, ' · '.join(part for part in (str(summary.get('customer_name', '')), total) if part)


def _new_order(summary: dict[str, Any]) -> Notification:
    code, body = _code_and_body(summary)
    title = f'New test order {code}' if summary.get('is_test') else f'New order {code}'
    return Notification(payload={
        'title': title, 'body': body, 'icon': ICON, 'badge': BADGE, 'tag': f'order-{code}',
        'data': {'url': f'/admin/orders/{code}', 'order_code': code, 'total': str(summary.get('total', '')),
                 'currency': str(summary.get('currency', ''))},
    }, ttl=NEW_ORDER_TTL, urgency='high',
        # the push service keeps only the newest undelivered message of a topic: a retry never stacks up
        headers={'Topic': re.sub(r'[^A-Za-z0-9_-]', '', f'order-{code}')[:32]})


def _order_paid(summary: dict[str, Any]) -> Notification:
    code, body = _code_and_body(summary)
    return Notification(payload={
        'title': f'Order {code} paid', 'body': body, 'icon': ICON, 'badge': BADGE, 'tag': f'order-{code}-paid',
        'data': {'url': f'/admin/orders/{code}', 'order_code': code},
    }, ttl=NEW_ORDER_TTL, urgency='normal')
