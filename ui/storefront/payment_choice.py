"""The checkout's "Payment" card: the methods the shop offers for the chosen delivery (none: paid later)."""

from nicegui import ui

from domain.payment_settings import PaymentMethod, PaymentOptions, grouped_iban
from domain.schemas import DeliveryMethod
from domain.statuses import OrderStatus


class PaymentChoice:
    def __init__(self, options: PaymentOptions) -> None:
        self.options = options
        with ui.card().classes('w-full gap-2').props('flat bordered') as self.card:
            ui.label('Payment').classes('text-lg font-medium')
            self.radio = ui.radio({}).props('inline').mark('payment_method')
            self.hint = ui.label().classes('text-sm text-stone-600')
        self.radio.on_value_change(self._hint)

    def show_for(self, delivery: DeliveryMethod) -> None:
        """Offer the methods for `delivery`, keeping the customer's choice if it is still offered."""
        methods = self.options.methods(delivery)
        chosen = self.radio.value if self.radio.value in methods else (methods[0].value if methods else None)
        self.radio.set_options({method.value: method.label for method in methods}, value=chosen)
        self.card.set_visibility(bool(methods))
        self._hint()

    def _hint(self) -> None:
        method = self.method
        self.hint.text = {
            PaymentMethod.ONLINE: 'After placing the order you are sent to our payment provider.',
            PaymentMethod.BANK_TRANSFER: f'Transfer the total to {grouped_iban(self.options.iban)} with the order '
                                         'code as the reference; we start once it arrives.',
            PaymentMethod.PAY_ON_PICKUP: 'You pay when you pick up your order.',
        }.get(method, '') if method else ''

    @property
    def method(self) -> PaymentMethod | None:
        return PaymentMethod(self.radio.value) if self.radio.value else None

    def initial_status(self, delivery: DeliveryMethod) -> OrderStatus:
        """Raises `InvalidCheckout` if the chosen method is not offered (any more)."""
        return self.options.initial_status(delivery, self.method)

    def next_path(self, token: str) -> str:
        return f'/order/{token}/pay' if self.method is PaymentMethod.ONLINE else f'/order/{token}'
