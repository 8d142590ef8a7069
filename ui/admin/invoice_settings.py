"""`/admin/settings/invoices` (owners): the seller's data on invoices, the number series, when invoices are issued."""

from nicegui import ui

from domain.invoice_settings import PAPER_SIZES, InvoiceSettingsChanges, update_invoice_settings
from domain.invoices import IssueWhen, invoice_settings, shop_iban
from domain.models import InvoiceSettings, Shop
from domain.shop_settings import InvalidSettings
from ui.admin.frame import admin_frame
from ui.admin.session import admin_page, current_admin, guarded
from ui.components.field_errors import clear_on_change, set_error, show_errors
from ui.components.page_title import page_title


class InvoiceSettingsView:
    def __init__(self, shop: Shop, settings: InvoiceSettings, iban: str = '') -> None:
        self.shop = shop
        with ui.card().classes('w-full max-w-3xl gap-3').props('flat bordered'):
            with ui.element('div').classes('w-full grid grid-cols-1 sm:grid-cols-2 gap-x-3 gap-y-1'):
                self.inputs: dict[str, ui.element] = {
                    'legal_name': ui.input('Legal name', value=settings.legal_name)
                    .props('outlined maxlength=200'),
                    'vat_number': ui.input('VAT number', value=settings.vat_number).props('outlined maxlength=32'),
                    'trade_register': ui.input('Trade register number', value=settings.trade_register)
                    .props('outlined maxlength=64'),
                    'iban': ui.input('IBAN', value=iban)
                    .props('outlined maxlength=42 hint="The same IBAN as for bank transfers in Settings > Checkout."'),
                    'number_format': ui.input('Invoice numbers', value=settings.number_format)
                    .props('outlined maxlength=60 hint="{year} and {seq}, e.g. {year}-{seq:06d}"'),
                    'credit_note_format': ui.input('Credit note numbers', value=settings.credit_note_format)
                    .props('outlined maxlength=60'),
                    'issue_when': ui.select({when.value: when.label for when in IssueWhen},
                                            value=settings.issue_when, label='Issue invoices').props('outlined'),
                    'paper_size': ui.select(PAPER_SIZES, value=settings.paper_size,
                                            label='Paper (packing slips and invoices)').props('outlined'),
                }
            self.inputs['footer'] = ui.textarea('Footer text', value=settings.footer) \
                .props('outlined autogrow maxlength=500 hint="Payment terms, for example."')
            self.reset_yearly = ui.checkbox('Start the counter at 1 again each year', value=settings.reset_yearly)
            for name, element in self.inputs.items():
                element.classes('w-full').mark(name)
            # Stored text goes in as a prop's value, never into a props string: there a `"` in the shop name would
            # end the hint and add a prop of its own, `:title="…"` for one, which runs as JavaScript.
            self.inputs['legal_name'].props['hint'] = f'Empty: {shop.name}'
            clear_on_change(self.inputs)
            ui.label('The address printed on invoices is the postal address in Settings > Shop.') \
                .classes('text-sm text-stone-500')
            ui.button('Save', icon='save', on_click=guarded(shop.id, self.save, owner=True)) \
                .props('unelevated no-caps').classes('self-end').mark('save')

    async def save(self) -> None:
        admin = await current_admin()
        values = {field: element.value or '' for field, element in self.inputs.items()}
        changes = InvoiceSettingsChanges(**values, reset_yearly=bool(self.reset_yearly.value))
        try:
            changed = await update_invoice_settings(shop_id=self.shop.id, changes=changes,
                                                    actor=admin.email if admin else '')
        except InvalidSettings as error:
            show_errors(self.inputs, error.field_errors)
            return
        for element in self.inputs.values():
            set_error(element, None)
        ui.notify('Saved.' if changed else 'Nothing to save: no setting was changed.',
                  type='positive' if changed else 'info')


async def invoice_settings_screen() -> None:
    signed_in = await admin_page(owner=True)
    if signed_in is None:
        return
    admin, shop = signed_in
    settings = await invoice_settings(shop.id)
    with admin_frame(shop, admin, 'Invoice settings'):
        page_title('Invoices')
        InvoiceSettingsView(shop, settings, await shop_iban(shop.id))
