"""`/admin/settings/checkout` (owners): the delivery methods the storefront offers, and what shipping costs.

Payment methods have their own section (ui/admin/payment_methods.py): pay on pickup, bank transfer, online.
"""

from decimal import Decimal

from nicegui import ui

from domain.models import Shop
from domain.money import format_money
from domain.payment_settings import payment_options
from domain.shop_settings import CheckoutChanges, InvalidSettings, update_checkout
from ui.admin.frame import admin_frame
from ui.admin.payment_methods import PaymentMethodsView
from ui.admin.session import admin_page, current_admin, guarded
from ui.components.field_errors import clear_on_change, set_error, show_errors
from ui.components.page_title import page_title


def amount_text(amount: Decimal | None) -> str:
    return '' if amount is None else f'{amount:.2f}'


class CheckoutSettingsView:
    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        currency = format_money(Decimal(0), shop.currency).split(' ')[0]  # the symbol the storefront shows
        with ui.card().classes('w-full max-w-3xl gap-3').props('flat bordered'):
            ui.label('Delivery methods').classes('text-lg font-medium')
            with ui.row().classes('gap-6'):
                self.pickup = ui.switch('Pickup in the shop', value=shop.pickup_enabled).mark('pickup_enabled')
                self.shipping = ui.switch('Shipping', value=shop.shipping_enabled).mark('shipping_enabled')
            self.methods_error = ui.label().classes('text-sm text-negative')
            self.methods_error.set_visibility(False)
            self.inputs: dict[str, ui.element] = {
                'pickup_address': ui.input('Pickup address', value=shop.pickup_address)
                .props('outlined maxlength=300 hint="Shown to customers who choose pickup."').mark('pickup_address'),
            }
            ui.separator()
            ui.label('Shipping').classes('text-lg font-medium')
            with ui.element('div').classes('w-full grid grid-cols-1 sm:grid-cols-3 gap-x-3 gap-y-1'):
                self.inputs['shipping_cost'] = ui.input('Shipping cost', value=amount_text(shop.shipping_cost)) \
                    .props('outlined inputmode=decimal hint="Incl. VAT; 0 ships for free."').mark('shipping_cost')
                self.inputs['shipping_vat_rate'] = ui.input('VAT rate of shipping',
                                                            value=f'{shop.shipping_vat_rate.normalize():f}') \
                    .props('outlined inputmode=decimal suffix="%"').mark('shipping_vat_rate')
                self.inputs['free_shipping_from'] = ui.input('Free shipping from',
                                                             value=amount_text(shop.free_shipping_from)) \
                    .props('outlined inputmode=decimal placeholder="never" hint="Subtotal incl. VAT. Empty: never."') \
                    .mark('free_shipping_from')
            for element in self.inputs.values():
                element.classes('w-full')
            for name in ('shipping_cost', 'free_shipping_from'):  # stored text as a prop's value, not in a props string
                self.inputs[name].props['prefix'] = currency
            clear_on_change(self.inputs)
            for switch in (self.pickup, self.shipping):
                switch.on_value_change(lambda: self.methods_error.set_visibility(False))
            ui.button('Save', icon='save', on_click=guarded(shop.id, self.save, owner=True)) \
                .props('unelevated no-caps').classes('self-end').mark('save')

    async def save(self) -> None:
        admin = await current_admin()
        changes = CheckoutChanges(pickup_enabled=self.pickup.value, shipping_enabled=self.shipping.value,
                                  **{field: element.value or '' for field, element in self.inputs.items()})
        try:
            changed = await update_checkout(shop_id=self.shop.id, changes=changes, actor=admin.email if admin else '')
        except InvalidSettings as error:
            self.methods_error.text = error.field_errors.get('delivery_methods', '')
            self.methods_error.set_visibility('delivery_methods' in error.field_errors)
            show_errors(self.inputs, error.field_errors)
            return
        for element in self.inputs.values():
            set_error(element, None)
        ui.notify('Saved: the checkout offers this from now on.' if changed
                  else 'Nothing to save: no setting was changed.', type='positive' if changed else 'info')


async def checkout_settings_screen() -> None:
    signed_in = await admin_page(owner=True)
    if signed_in is None:
        return
    admin, shop = signed_in
    with admin_frame(shop, admin, 'Checkout settings'):
        page_title('Checkout')
        CheckoutSettingsView(shop)
        PaymentMethodsView(shop, await payment_options(shop.id))
