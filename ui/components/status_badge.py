from nicegui import ui

from domain.statuses import OrderStatus

COLORS = {
    OrderStatus.ORDER_RECEIVED: 'blue-7',
    OrderStatus.AWAITING_PAYMENT: 'orange-8',
    OrderStatus.PAYMENT_RECEIVED: 'teal-7',
    OrderStatus.PROCESSING: 'indigo-6',
    OrderStatus.SHIPPED: 'purple-7',
    OrderStatus.READY_FOR_PICKUP: 'cyan-8',
    OrderStatus.COMPLETED: 'green-8',
    OrderStatus.CANCELLED: 'grey-7',
}


class StatusBadge(ui.badge):
    """An order status in the seed's wording, coloured by status."""

    def __init__(self, status: OrderStatus) -> None:
        super().__init__(status.label, color=self.color_of(status))
        self.classes('text-sm px-2 py-1')

    @staticmethod
    def color_of(status: OrderStatus) -> str:
        return COLORS[status]
