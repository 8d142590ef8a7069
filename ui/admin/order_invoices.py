"""The order detail's "Invoice" card: the order's invoices and credit notes, "Issue invoice" and "Credit"."""

from nicegui import ui

from domain.admin_auth import SignedInAdmin
from domain.errors import OrderlyError
from domain.invoices import InvoiceKind, invoice_preview, invoices_of_order, issue_credit_note, issue_invoice
from domain.models import Invoice, Order, Shop
from domain.money import format_money
from domain.order_detail import order_for_admin
from integrations.pdf.invoice import invoice_pdf_of
from ui.admin.documents import invoice_url
from ui.admin.session import guarded
from ui.components.confirm import ask_to_confirm


class InvoicesCard(ui.card):
    """Filled once the page is up (it reads the database); `refresh` redraws it."""

    def __init__(self, shop: Shop, admin: SignedInAdmin, order: Order) -> None:
        super().__init__()
        self.shop, self.admin, self.order = shop, admin, order
        self.classes('w-full gap-2').props('flat bordered').mark('invoices')
        with self:
            ui.label('Invoice').classes('text-lg font-medium')
            self.body = ui.column().classes('w-full gap-1')
        ui.timer(0, self.refresh, once=True)

    async def refresh(self) -> None:
        invoices = await invoices_of_order(self.shop.id, self.order.id)
        credited = {invoice.credited_number for invoice in invoices if invoice.kind == InvoiceKind.CREDIT_NOTE}
        self.body.clear()
        with self.body:
            for invoice in invoices:
                self.invoice_row(invoice, credited)
            if not any(invoice.kind == InvoiceKind.INVOICE for invoice in invoices):
                if self.order.is_test:
                    ui.label('Test orders get no invoice.').classes('text-sm text-stone-500')
                else:
                    ui.label('No invoice issued yet.').classes('text-sm text-stone-500')
                    ui.button('Issue invoice', icon='receipt_long', on_click=guarded(self.shop.id, self.ask_to_issue)) \
                        .props('unelevated no-caps').mark('issue-invoice')

    def invoice_row(self, invoice: Invoice, credited: set[str]) -> None:
        credit_note = invoice.kind == InvoiceKind.CREDIT_NOTE
        with ui.row().classes('w-full items-center justify-between no-wrap gap-2'):
            with ui.column().classes('gap-0 min-w-0'):
                ui.link(f'{"Credit note" if credit_note else "Invoice"} {invoice.number}',
                        invoice_url(invoice.id), new_tab=True).mark('invoice-link')
                ui.label(f'{invoice.issue_date:%d %b %Y} · {format_money(invoice.total, invoice.currency)}'
                         + (f' · cancels {invoice.credited_number}' if credit_note else '')) \
                    .classes('text-xs text-stone-500')
            if not credit_note and invoice.number not in credited:
                ui.button('Credit', icon='undo', on_click=guarded(self.shop.id, lambda: ask_to_confirm(
                    f'Issue a credit note that cancels invoice {invoice.number}? This cannot be undone.',
                    guarded(self.shop.id, lambda: self.credit(invoice.id)), action='Issue credit note',
                    mark='confirm-credit'))).props('flat dense no-caps').mark('credit-invoice')

    async def ask_to_issue(self) -> None:
        """An invoice takes the series' next number for good: say which, for what, and what is missing first."""
        preview = await invoice_preview(shop_id=self.shop.id, order=self.order)
        money = lambda amount: format_money(amount, preview.currency)  # noqa: E731
        # the name on the dialog itself: Quasar gives its own attributes to the element with role="dialog"
        with ui.dialog().props('aria-label="Issue invoice"') as dialog, ui.card().classes('gap-3 max-w-lg'):
            ui.label(f'Issue invoice {preview.number} for {self.order.code}?').classes('text-lg font-medium')
            ui.label(f'Number series {preview.series}').classes('text-sm text-stone-600')
            ui.label(f'Total {money(preview.total)}, of which VAT {money(preview.vat_total)}')
            if preview.buyer_vat_number:
                ui.label(f'Buyer VAT number {preview.buyer_vat_number}').classes('text-sm')
            else:
                with ui.row().classes('no-wrap items-start gap-2 bg-amber-100 text-amber-900 rounded p-2') \
                        .mark('no-vat-warning'):
                    ui.icon('warning')
                    ui.label('The order has no VAT number, so the invoice shows none for the buyer. Fine for a '
                             'consumer; a business customer (B2B) needs theirs on the invoice.')
            ui.label('An issued invoice cannot be changed or deleted; a mistake needs a credit note.') \
                .classes('text-sm text-stone-600')
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=dialog.close).props('flat no-caps')

                async def confirmed() -> None:
                    dialog.close()
                    await self.issue()
                ui.button('Issue invoice', icon='receipt_long', on_click=guarded(self.shop.id, confirmed)) \
                    .props('unelevated no-caps').mark('confirm-invoice')
        dialog.on('hide', dialog.delete)
        dialog.open()

    async def issue(self) -> None:
        try:
            invoice = await issue_invoice(shop_id=self.shop.id, order_id=self.order.id, actor=self.admin.email)
        except OrderlyError as error:  # InvoiceNotPossible, or a number format the series cannot use
            ui.notify(str(error), type='warning')
            await self.refresh()
            return
        await invoice_pdf_of(invoice)
        await self.refresh()
        ui.notify(f'Invoice {invoice.number} issued.', type='positive')

    async def credit(self, invoice_id: int) -> None:
        try:
            note = await issue_credit_note(shop_id=self.shop.id, invoice_id=invoice_id, actor=self.admin.email)
        except OrderlyError as error:
            ui.notify(str(error), type='warning')
            await self.refresh()
            return
        await invoice_pdf_of(note)
        self.order = await order_for_admin(self.shop.id, self.order.code) or self.order
        await self.refresh()
        ui.notify(f'Credit note {note.number} issued.', type='positive')
