"""`/admin/settings/customers` (owners): whether customers need an account to order, and whether guests get a link
to their order's status page in their mails."""

from nicegui import ui

from domain.customer_settings import CustomerAccounts, customer_accounts, update_customers_checkout
from domain.models import Shop
from domain.shop_settings import InvalidSettings
from ui.admin.frame import admin_frame
from ui.admin.session import admin_page, current_admin, guarded
from ui.components.page_title import page_title

STATUS_LINK_HINT = ('On: the confirmation and status mails link to the order\'s status page. Off: guests see their '
                    'order only right after checkout; customers with an account see it in their account.')


class CustomersCheckoutView:
    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        with ui.card().classes('w-full max-w-3xl gap-3').props('flat bordered'):
            ui.label('Customer accounts').classes('text-lg font-medium')
            self.accounts = ui.radio({choice.value: choice.label for choice in CustomerAccounts},
                                     value=customer_accounts(shop).value).mark('customer_accounts')
            ui.label('Customers without an account cannot check the status of their order in your shop, unless they '
                     'get a status link.').classes('text-sm text-stone-600')
            ui.separator()
            ui.label('Guests').classes('text-lg font-medium')
            self.status_link = ui.switch('Guests get a status link in their confirmation mail',
                                         value=shop.guest_status_link).mark('guest_status_link')
            ui.label(STATUS_LINK_HINT).classes('text-sm text-stone-600')
            ui.button('Save', icon='save', on_click=guarded(shop.id, self.save, owner=True)) \
                .props('unelevated no-caps').classes('self-end').mark('save')

    async def save(self) -> None:
        admin = await current_admin()
        try:
            changed = await update_customers_checkout(shop_id=self.shop.id, customer_accounts=self.accounts.value,
                                                      guest_status_link=bool(self.status_link.value),
                                                      actor=admin.email if admin else '')
        except InvalidSettings as error:
            ui.notify(next(iter(error.field_errors.values())), type='negative')
            return
        ui.notify('Saved: the checkout follows this from now on.' if changed
                  else 'Nothing to save: no setting was changed.', type='positive' if changed else 'info')


async def customers_checkout_screen() -> None:
    signed_in = await admin_page(owner=True)
    if signed_in is None:
        return
    admin, shop = signed_in
    with admin_frame(shop, admin, 'Customers checkout'):
        page_title('Customers checkout')
        CustomersCheckoutView(shop)
