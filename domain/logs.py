"""The shop's Logs: one entry per thing that happened, written in the transaction of the change it records."""

from datetime import datetime
from typing import Any, Protocol

from tortoise.backends.base.client import BaseDBAsyncClient

from domain.models import LogEntry
from domain.sql import insert_rows

# The kinds of log entry, in the merchant's words
KINDS = {
    'order.placed': 'Order placed', 'order.status_changed': 'Status changed', 'order.deleted': 'Order deleted',
    'order.note': 'Internal note',
    'delivery.sent': 'Delivered', 'delivery.failed': 'Delivery failed', 'delivery.dead': 'Delivery given up',
    'delivery.retry': 'Delivery retried',
    'admin.login': 'Sign-in', 'admin.login_failed': 'Failed sign-in', 'admin.logout': 'Sign-out',
    'settings.admins': 'Administrators', 'settings.shop': 'Shop settings', 'settings.checkout': 'Checkout settings',
    'settings.api_keys': 'API keys', 'settings.api_push': 'API PUSH', 'settings.notifications': 'Notifications',
    'product.stock': 'Stock changed', 'order.exported': 'Orders exported',
    'invoice.issued': 'Invoice issued', 'invoice.credited': 'Credit note issued',
    'settings.invoices': 'Invoice settings',
    'order.paid': 'Order paid', 'payment.started': 'Payment started', 'payment.not_paid': 'Payment not completed',
    'payment.received': 'Part payment', 'payment.flagged': 'Payment to check',
    'order.auto_cancelled': 'Unpaid order cancelled',
    'settings.customers': 'Customers checkout',
    'customer.registered': 'Customer account opened', 'customer.verified': 'Customer e-mail verified',
    'customer.password_changed': 'Customer password changed', 'customer.password_reset': 'Customer password reset',
    'customer.orders_attached': 'Guest orders added to an account',
}


class OrderRef(Protocol):
    """An order as logs and outbox rows refer to it: an `Order` or a `PlacedOrder`."""

    id: int
    code: str


async def write_log(connection: BaseDBAsyncClient, *, shop_id: int, order: OrderRef | None, kind: str, actor: str,
                    message: str, now: datetime, data: dict[str, Any] | None = None) -> None:
    """Record `message` in the shop's Logs (and the order's history when `order` is given)."""
    await insert_rows(connection, LogEntry._meta.db_table, [{
        'shop_id': shop_id, 'order_id': order.id if order else None, 'order_code': order.code if order else '',
        'kind': kind, 'actor': actor, 'message': message, 'data': data or {}, 'created_at': now,
    }])


async def recent_log_entries(shop_id: int, *, kind: str = '', order_code: str = '', limit: int = 100) -> list[LogEntry]:
    """The shop's newest log entries, optionally of one kind or about one order."""
    query = LogEntry.filter(shop_id=shop_id)
    if kind:
        query = query.filter(kind=kind)
    if order_code.strip():
        query = query.filter(order_code=order_code.strip().upper()[:32])
    return await query.order_by('-created_at', '-id').limit(limit)
