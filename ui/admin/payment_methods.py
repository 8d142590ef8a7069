"""Settings > Checkout, "Payment methods": pay on pickup, bank transfer to the shop's IBAN, online prepayment."""

from nicegui import ui

from domain.models import Shop
from domain.payment_settings import PROVIDERS, PaymentOptions, grouped_iban, update_payment_methods
from domain.shop_settings import InvalidSettings
from ui.admin.session import current_admin, guarded
from ui.components.field_errors import clear_on_change, set_error, show_errors


class PaymentMethodsView:
    def __init__(self, shop: Shop, options: PaymentOptions) -> None:
        self.shop = shop
        with ui.card().classes('w-full max-w-3xl gap-3').props('flat bordered').mark('payment-methods'):
            ui.label('Payment methods').classes('text-lg font-medium')
            with ui.row().classes('gap-6'):
                self.pay_on_pickup = ui.switch('Pay on pickup', value=options.pay_on_pickup).mark('pay_on_pickup')
                self.bank_transfer = ui.switch('Bank transfer', value=options.bank_transfer).mark('bank_transfer')
                self.online = ui.switch('Online prepayment', value=options.online).mark('online')
            self.inputs: dict[str, ui.element] = {
                'iban': ui.input('IBAN for bank transfers', value=grouped_iban(options.iban))
                .props('outlined hint="Customers see it with the order code as the reference; invoices print it."')
                .mark('iban'),
                'provider': ui.select(PROVIDERS, value=options.provider, label='Payment provider')
                .props('outlined hint="Mollie needs ORDERLY_MOLLIE_API_KEY. The demo provider takes no real money: '
                       'anyone can pay with it, so never offer it in a real shop."').mark('provider'),
                'auto_cancel_days': ui.input('Cancel unpaid orders after (days)',
                                             value='' if options.auto_cancel_days is None
                                             else str(options.auto_cancel_days))
                .props('outlined inputmode=numeric placeholder="never" hint="Orders waiting for payment this long '
                       'are cancelled and their stock given back. Empty: never."').mark('auto_cancel_days'),
            }
            for element in self.inputs.values():
                element.classes('w-full')
            clear_on_change(self.inputs)
            ui.label('Orders paid by bank transfer or online start in "Waiting for payment".') \
                .classes('text-sm text-stone-600')
            ui.button('Save payment methods', icon='save', on_click=guarded(shop.id, self.save, owner=True)) \
                .props('unelevated no-caps').classes('self-end').mark('save-payment-methods')

    async def save(self) -> None:
        admin = await current_admin()
        options = PaymentOptions(pay_on_pickup=self.pay_on_pickup.value, bank_transfer=self.bank_transfer.value,
                                 online=self.online.value, iban=self.inputs['iban'].value or '',
                                 provider=self.inputs['provider'].value or '',
                                 auto_cancel_days=_days(self.inputs['auto_cancel_days'].value or ''))
        try:
            changed = await update_payment_methods(shop_id=self.shop.id, options=options,
                                                   actor=admin.email if admin else '')
        except InvalidSettings as error:
            show_errors(self.inputs, error.field_errors)
            return
        for element in self.inputs.values():
            set_error(element, None)
        ui.notify('Saved: the checkout offers these payment methods from now on.' if changed
                  else 'Nothing to save: no setting was changed.', type='positive' if changed else 'info')


def _days(text: str) -> int | None:
    """The typed number of days; None when empty, -1 (refused by the domain) when not a number."""
    text = text.strip()
    if not text:
        return None
    return int(text) if text.isdigit() and len(text) < 6 else -1
