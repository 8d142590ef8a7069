from nicegui import ui

from domain.statuses import OrderStatus

# Quasar colours dark enough for the badge's white text (WCAG AA, 4.5:1): blue-9 5.8, deep-orange-10 5.6, teal-8 5.3,
# indigo-6 6.9, purple-7 7.0, cyan-10 7.4, green-9 5.1, grey-8 6.2 (blue-7 was 3.7, orange-8 2.7). Grey badges: grey-7.
COLORS = {
    OrderStatus.ORDER_RECEIVED: 'blue-9',
    OrderStatus.AWAITING_PAYMENT: 'deep-orange-10',
    OrderStatus.PAYMENT_RECEIVED: 'teal-8',
    OrderStatus.PROCESSING: 'indigo-6',
    OrderStatus.SHIPPED: 'purple-7',
    OrderStatus.READY_FOR_PICKUP: 'cyan-10',
    OrderStatus.COMPLETED: 'green-9',
    OrderStatus.CANCELLED: 'grey-8',
}


class StatusBadge(ui.badge):
    """An order status in the seed's wording, coloured by status."""

    def __init__(self, status: OrderStatus) -> None:
        super().__init__(status.label, color=self.color_of(status))
        self.classes('text-sm px-2 py-1')

    @staticmethod
    def color_of(status: OrderStatus) -> str:
        return COLORS[status]
