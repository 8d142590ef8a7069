"""Order statuses with the seed's wording, the allowed changes in one table, and the payment rule."""

from enum import StrEnum

from domain.errors import InvalidStatusChange


class OrderStatus(StrEnum):
    ORDER_RECEIVED = 'order_received'
    AWAITING_PAYMENT = 'awaiting_payment'
    PAYMENT_RECEIVED = 'payment_received'
    PROCESSING = 'processing'
    SHIPPED = 'shipped'
    READY_FOR_PICKUP = 'ready_for_pickup'
    COMPLETED = 'completed'
    CANCELLED = 'cancelled'

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS: dict[OrderStatus, str] = {
    OrderStatus.ORDER_RECEIVED: 'Order received',
    OrderStatus.AWAITING_PAYMENT: 'Waiting for payment',
    OrderStatus.PAYMENT_RECEIVED: 'Payment received',
    OrderStatus.PROCESSING: 'Processing order',
    OrderStatus.SHIPPED: 'Order shipped',
    OrderStatus.READY_FOR_PICKUP: 'Ready for pickup',
    OrderStatus.COMPLETED: 'Completed',
    OrderStatus.CANCELLED: 'Cancelled',
}

S = OrderStatus
# The one table of allowed changes: from a status (key) to any of the listed ones.
ALLOWED_CHANGES: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.ORDER_RECEIVED: frozenset({S.AWAITING_PAYMENT, S.PAYMENT_RECEIVED, S.PROCESSING, S.SHIPPED, S.READY_FOR_PICKUP,
                                 S.COMPLETED, S.CANCELLED}),
    S.AWAITING_PAYMENT: frozenset({S.ORDER_RECEIVED, S.PAYMENT_RECEIVED, S.PROCESSING, S.SHIPPED, S.READY_FOR_PICKUP,
                                   S.COMPLETED, S.CANCELLED}),
    S.PAYMENT_RECEIVED: frozenset({S.PROCESSING, S.SHIPPED, S.READY_FOR_PICKUP, S.COMPLETED, S.CANCELLED}),
    S.PROCESSING: frozenset({S.PAYMENT_RECEIVED, S.SHIPPED, S.READY_FOR_PICKUP, S.COMPLETED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.PROCESSING, S.READY_FOR_PICKUP, S.COMPLETED, S.CANCELLED}),
    S.READY_FOR_PICKUP: frozenset({S.PROCESSING, S.SHIPPED, S.COMPLETED, S.CANCELLED}),
    S.COMPLETED: frozenset({S.PROCESSING, S.SHIPPED, S.CANCELLED}),
    S.CANCELLED: frozenset({S.ORDER_RECEIVED, S.AWAITING_PAYMENT}),
}

# What only one way of delivery can come to: a parcel is shipped, an order to collect is ready for pickup.
ONLY_FOR_DELIVERY: dict[OrderStatus, str] = {S.SHIPPED: 'shipping', S.READY_FOR_PICKUP: 'pickup'}

PAYABLE = frozenset({S.ORDER_RECEIVED, S.AWAITING_PAYMENT})

PROCESSING_WHILE_PAYMENT_EXPECTED = 'Do not change the status to Processing order if you still expect a payment.'


def is_payable(status: OrderStatus) -> bool:
    """The customer can pay only while the order is received or waiting for payment."""
    return status in PAYABLE


def fits_delivery(status: OrderStatus, delivery_method: str) -> bool:
    """False for "Order shipped" of an order to collect and "Ready for pickup" of one to ship."""
    return ONLY_FOR_DELIVERY.get(status, delivery_method) == delivery_method


def statuses_offered(current: OrderStatus, delivery_method: str) -> list[OrderStatus]:
    """The statuses a merchant can choose for an order, in their usual sequence: its current one and those it may
    go to, without those of the other way of delivery."""
    return [status for status in OrderStatus if status is current
            or (status in ALLOWED_CHANGES[current] and fits_delivery(status, delivery_method))]


def check_status_change(current: OrderStatus, new: OrderStatus, delivery_method: str | None = None) -> str | None:
    """Raise `InvalidStatusChange` if not allowed (also for `delivery_method`, if given); return a warning the caller
    must confirm, or None."""
    if new not in ALLOWED_CHANGES[current]:
        raise InvalidStatusChange(f'An order cannot go from "{current.label}" to "{new.label}".')
    if delivery_method is not None and not fits_delivery(new, delivery_method):
        kind = 'an order to collect' if delivery_method == 'pickup' else 'an order to ship'
        raise InvalidStatusChange(f'"{new.label}" is not a status for {kind}.')
    if new is S.PROCESSING and current is S.AWAITING_PAYMENT:
        return PROCESSING_WHILE_PAYMENT_EXPECTED
    return None
