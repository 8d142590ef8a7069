"""`/admin/settings/shop` (owners): the shop's name, notification address, time zone, brand colour and address."""

from nicegui import ui

from domain.models import Shop
from domain.shop_settings import InvalidSettings, ShopChanges, time_zones, update_shop
from ui.admin.frame import admin_frame
from ui.admin.session import admin_page, current_admin, guarded
from ui.components.field_errors import clear_on_change, set_error, show_errors
from ui.components.page_title import page_title


class ShopSettingsView:
    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        zones = time_zones() if shop.timezone in time_zones() else [shop.timezone, *time_zones()]
        with ui.card().classes('w-full max-w-3xl gap-3').props('flat bordered'):
            with ui.element('div').classes('w-full grid grid-cols-1 sm:grid-cols-2 gap-x-3 gap-y-1'):
                self.inputs: dict[str, ui.element] = {
                    'name': ui.input('Shop name', value=shop.name).props('outlined maxlength=120').mark('name'),
                    'email': ui.input('Notification e-mail', value=shop.email)
                    .props('outlined type=email hint="New-order mails go here too. May be empty."').mark('email'),
                    'timezone': ui.select(zones, value=shop.timezone, label='Time zone', with_input=True)
                    .props('outlined hint="Times in the admin are shown in it."')
                    .mark('timezone'),
                    'brand_color': ui.color_input('Brand colour', value=shop.brand_color, preview=True)
                    .props('outlined hint="For e-mails and documents."').mark('brand_color'),
                }
            self.inputs['postal_address'] = ui.textarea('Postal address', value=shop.postal_address) \
                .props('outlined autogrow hint="As on invoices and packing slips, below the shop name."') \
                .mark('postal_address')
            for element in self.inputs.values():
                element.classes('w-full')
            clear_on_change(self.inputs)
            ui.separator()
            with ui.element('div').classes('w-full grid grid-cols-1 sm:grid-cols-2 gap-3'):
                fixed('Order code prefix', shop.code_prefix, 'Fixed: the order codes already issued carry it.')
                fixed('Currency', shop.currency, 'Fixed: every amount in the shop is stored in it.')
            ui.button('Save', icon='save', on_click=guarded(shop.id, self.save, owner=True)) \
                .props('unelevated no-caps').classes('self-end').mark('save')

    async def save(self) -> None:
        admin = await current_admin()
        changes = ShopChanges(**{field: element.value or '' for field, element in self.inputs.items()})
        try:
            changed = await update_shop(shop_id=self.shop.id, changes=changes, actor=admin.email if admin else '')
        except InvalidSettings as error:
            show_errors(self.inputs, error.field_errors)
            return
        for element in self.inputs.values():
            set_error(element, None)
        ui.notify('Saved.' if changed else 'Nothing to save: no setting was changed.',
                  type='positive' if changed else 'info')


def fixed(label: str, value: str, why: str) -> None:
    """A setting shown but not editable, with the one reason why."""
    with ui.column().classes('gap-0'):
        ui.label(label).classes('text-sm text-stone-500')
        ui.label(value).classes('font-mono text-lg')
        ui.label(why).classes('text-xs text-stone-500')


async def shop_settings_screen() -> None:
    signed_in = await admin_page(owner=True)
    if signed_in is None:
        return
    admin, shop = signed_in
    with admin_frame(shop, admin, 'Shop settings'):
        page_title('Shop')
        ShopSettingsView(shop)
