"""The API PUSH payload, version 1: what a receiver gets for each event, the same fields in JSON and XML.

Documented in docs/webhooks.md. It only ever gains fields; a change that removes or renames one raises VERSION.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from domain.schemas import DeliveryMethod
from domain.statuses import OrderStatus

VERSION = 1

ORDER_CREATED = 'order.created'
ORDER_STATUS_CHANGED = 'order.status_changed'
ORDER_DELETED = 'order.deleted'
ORDER_PAID = 'order.paid'
INVOICE_CREATED = 'invoice.created'
TEST_EVENT = 'webhook.test'  # "send test event": an example order, never a real one

# The events an endpoint can subscribe to, in the merchant's words.
EVENTS = {
    ORDER_CREATED: 'An order is placed',
    ORDER_STATUS_CHANGED: "An order's status or reference changes",
    ORDER_DELETED: 'An order is deleted',
    ORDER_PAID: 'An order is paid (online payment received)',
    INVOICE_CREATED: 'An invoice is issued',
}


def utc_text(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z: 2026-03-01T09:30:00.123456Z."""
    return moment.astimezone(UTC).isoformat().replace('+00:00', 'Z')


def envelope(*, event: str, event_id: str, occurred_at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    """The body of one API PUSH request: `event_id` is also its webhook-id header, the same on every retry."""
    return {'version': VERSION, 'type': event, 'id': event_id, 'timestamp': utc_text(occurred_at), 'data': data}


def _amount(value: Any) -> str:
    return f'{Decimal(str(value)):.2f}'


def _reader(item: Any) -> Callable[[str], Any]:
    return item.__getitem__ if isinstance(item, Mapping) else lambda name: getattr(item, name)


def order_data(order: Any, lines: Iterable[Any]) -> dict[str, Any]:
    """The full order as receivers get it, from an `Order` and its lines or from their column values (dicts)."""
    get = _reader(order)
    status, method = OrderStatus(get('status')), DeliveryMethod(get('delivery_method'))
    address = {name: get(name) for name in ('street', 'postal_code', 'city', 'country')}
    return {
        'code': get('code'), 'number': get('number'), 'status': status.value, 'status_label': status.label,
        'test': bool(get('is_test')), 'reference': get('reference'), 'currency': get('currency'),
        'created_at': utc_text(get('created_at')), 'updated_at': utc_text(get('updated_at')),
        'customer': {'name': get('customer_name'), 'email': get('email'), 'phone': get('phone'),
                     'vat_number': get('vat_number')},
        'delivery': {'method': method.value, 'address': address if address['street'] else None},
        'note': get('note'),
        'lines': [_line(line) for line in lines],
        'totals': {'subtotal': _amount(get('subtotal')), 'shipping': _amount(get('shipping_cost')),
                   'vat': _amount(get('vat_total')), 'total': _amount(get('total'))},
    }


def _line(line: Any) -> dict[str, Any]:
    get = _reader(line)
    return {'sku': get('sku'), 'name': get('name'), 'quantity': get('quantity'),
            'unit_price': _amount(get('unit_price')), 'vat_rate': _amount(get('vat_rate')),
            'total': _amount(get('total'))}


def example_order(currency: str = 'EUR', *, now: datetime | None = None) -> dict[str, Any]:
    """A made-up order for "send test event" and the documentation: a real customer's data never goes out as a test."""
    now = now or datetime.now(UTC)
    order = {
        'code': 'TEST-1001-AB', 'number': 1001, 'status': OrderStatus.ORDER_RECEIVED, 'is_test': True,
        'reference': '', 'currency': currency, 'created_at': now, 'updated_at': now,
        'customer_name': 'Ann Peeters', 'email': 'ann@example.com', 'phone': '+32 470 12 34 56', 'vat_number': '',
        'delivery_method': DeliveryMethod.SHIPPING, 'street': 'Kerkstraat 1', 'postal_code': '9000', 'city': 'Gent',
        'country': 'BE', 'note': 'Please ring twice.', 'subtotal': '56.85', 'shipping_cost': '6.95',
        'vat_total': '5.24', 'total': '63.80',
    }
    lines = [
        {'sku': 'COF-ESP-1K', 'name': 'Espresso beans, 1 kg', 'quantity': 2, 'unit_price': '24.95', 'vat_rate': '6',
         'total': '49.90'},
        {'sku': 'FLT-100', 'name': 'Paper filters (100)', 'quantity': 1, 'unit_price': '6.95', 'vat_rate': '21',
         'total': '6.95'},
    ]
    return order_data(order, lines)
