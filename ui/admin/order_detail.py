"""`/admin/orders/{code}`: one order for the merchant: what was bought, by whom, its status and its history."""

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from nicegui import ui

from domain.addresses import shipping_address_lines
from domain.admin_auth import SignedInAdmin
from domain.errors import OrderlyError
from domain.events import DeliveriesRecorded, OrderDeleted, OrderNoteAdded, OrderStatusChanged
from domain.models import Order, Shop
from domain.money import format_money
from domain.order_changes import ChangedMeanwhile, ConfirmationNeeded, StatusUpdate, change_status
from domain.order_deletion import delete_order
from domain.order_detail import order_for_admin, order_history
from domain.order_notes import add_note
from domain.references import reference_link
from domain.schemas import DeliveryMethod
from domain.statuses import OrderStatus, statuses_offered
from ui.admin.documents import packing_slip_url
from ui.admin.frame import admin_frame
from ui.admin.order_invoices import InvoicesCard
from ui.admin.order_payments import PaymentsCard
from ui.admin.session import admin_page, guarded
from ui.components.confirm import ask_to_confirm
from ui.components.live_events import subscribe_while_open
from ui.components.page_title import page_title
from ui.components.status_badge import StatusBadge
from ui.components.totals import totals_block


async def order_detail_screen(code: str) -> None:
    signed_in = await admin_page()
    if signed_in is None:
        return
    admin, shop = signed_in
    order = await order_for_admin(shop.id, code)
    with admin_frame(shop, admin, order.code if order else 'Order'):
        ui.link('← Orders', '/admin/orders').classes('text-sm')
        if order is None:
            ui.label('There is no order with this code in your shop.').classes('text-lg')
            return
        detail = OrderDetail(shop, admin, order, on_deleted=lambda: ui.navigate.to('/admin/orders'))
        await detail.history()


async def open_order_dialog(shop: Shop, admin: SignedInAdmin, code: str) -> None:
    """The order detail over the grid: the merchant works an order without losing their place."""
    order = await order_for_admin(shop.id, code)
    if order is None:
        ui.notify(f'Order {code} no longer exists.', type='warning')
        return
    with ui.dialog().props(':maximized="window.innerWidth < 640"') as dialog, \
            ui.card().classes('w-full gap-3 bg-stone-50').style('max-width: 1100px'):  # as the admin pages' ground
        dialog.props['aria-label'] = f'Order {order.code}'  # its name for screen readers: a value, not a props string
        with ui.row().classes('w-full items-center justify-end gap-1'):
            ui.link('Open as page', f'/admin/orders/{order.code}').classes('text-sm mr-2')
            ui.button(icon='close', on_click=dialog.close).props('flat round dense aria-label="Close"') \
                .mark('close-detail')
        detail = OrderDetail(shop, admin, order, on_deleted=dialog.close)
        await detail.history()

    def closed() -> None:
        detail.unsubscribe()
        dialog.delete()
    dialog.on('hide', closed)
    dialog.open()


class OrderDetail:
    """One order's cards: products, customer, status with reference, history with notes, deletion."""

    def __init__(self, shop: Shop, admin: SignedInAdmin, order: Order, on_deleted: Callable[[], Any]) -> None:
        self.shop, self.admin, self.order, self.on_deleted = shop, admin, order, on_deleted
        self.timezone = ZoneInfo(shop.timezone)
        self.saving = False  # our own save announces itself too: that is no news for this screen
        self.unsubscribers = [subscribe_while_open(OrderStatusChanged, self.changed_elsewhere),
                              subscribe_while_open(OrderNoteAdded, self.note_added),
                              subscribe_while_open(DeliveriesRecorded, self.deliveries_recorded),
                              subscribe_while_open(OrderDeleted, self.deleted_elsewhere)]
        with ui.row().classes('w-full items-center gap-3'):
            page_title(order.code, classes='text-2xl font-mono font-semibold')
            self.badge = StatusBadge(order.status).mark('status-badge')
            if order.is_test:
                ui.badge('Test order', color='grey-7')
            ui.label(f'placed {self.local(order.created_at)}').classes('text-stone-500')
            ui.space()
            ui.button('Download packing slip', icon='local_shipping',
                      on_click=lambda: ui.navigate.to(packing_slip_url(order.code), new_tab=True)) \
                .props('outline no-caps').mark('packing-slip')
        # On a phone one column, in the order the merchant works: status, products, customer and address, payments
        # and invoices, history last. The two columns of a laptop dissolve (display: contents) so that each card
        # takes its place in that order.
        with ui.element('div').classes('w-full grid grid-cols-1 lg:grid-cols-3 gap-4').mark('detail-cards'):
            with ui.column().classes('lg:col-span-2 gap-4 max-lg:contents'):
                self.lines_card()
                self.customer_card()
                self.delete_card()
            with ui.column().classes('gap-4 max-lg:contents'):
                self.status_card()
                self.invoices = InvoicesCard(shop, admin, order)
                self.invoices.classes('max-lg:order-5')
                self.payments = PaymentsCard(shop, admin, order, on_paid=self.reload)
                self.payments.classes('max-lg:order-4')
                self.history_card()

    def unsubscribe(self) -> None:
        for unsubscribe in self.unsubscribers:
            unsubscribe()

    def local(self, moment) -> str:
        return moment.astimezone(self.timezone).strftime('%d %b %Y %H:%M')

    def lines_card(self) -> None:
        order = self.order
        with ui.card().classes('w-full gap-2 max-lg:order-2').props('flat bordered'):
            ui.label('Products').classes('text-lg font-medium')
            for line in order.lines:
                with ui.row().classes('w-full justify-between no-wrap gap-2'):
                    with ui.column().classes('gap-0 min-w-0'):
                        ui.label(f'{line.quantity} × {line.name}')
                        ui.label(f'{line.sku} · {format_money(line.unit_price, order.currency)} each · '
                                 f'VAT {line.vat_rate.normalize():f} %').classes('text-xs text-stone-500')
                    ui.label(format_money(line.total, order.currency)).classes('shrink-0')
            ui.separator()
            totals_block(subtotal=order.subtotal, shipping=order.shipping_cost, total=order.total,
                         vat=order.vat_total, currency=order.currency)

    def customer_card(self) -> None:
        order = self.order
        with ui.card().classes('w-full gap-1 max-lg:order-3').props('flat bordered'):
            ui.label('Customer').classes('text-lg font-medium')
            ui.label(order.customer_name)
            ui.link(order.email, f'mailto:{order.email}')
            if order.phone:
                ui.label(order.phone)
            ui.label(order.delivery_method.label).classes('pt-2 font-medium')
            if order.delivery_method is DeliveryMethod.SHIPPING:
                for text in shipping_address_lines(order):
                    ui.label(text).classes('text-stone-700')
            if order.note:
                ui.label('Customer note').classes('pt-2 font-medium')
                ui.label(order.note).classes('whitespace-pre-line')

    def delete_card(self) -> None:
        with ui.expansion('Delete this order', icon='delete').classes('w-full bg-white text-negative max-lg:order-7') \
                .props('dense').mark('delete-section'):
            if self.order.is_test:
                ui.label('Test orders can always be removed at once; their products go back into stock.') \
                    .classes('text-stone-700')
                typed = None
            else:
                ui.label('Deleting a real order cannot be undone. The Logs keep a copy of it. An invoiced order '
                         'stays for the accounts: it is cancelled and its invoice credited instead.') \
                    .classes('text-stone-700')
                typed = ui.input(f'Type {self.order.code} to confirm').props('outlined dense').classes('w-64') \
                    .mark('confirm-code')

            async def delete() -> None:
                try:
                    self.saving = True  # an invoiced order is cancelled instead: our own change, no banner
                    done = await delete_order(shop_id=self.shop.id, order_id=self.order.id, actor=self.admin.email,
                                              typed_code=typed.value or '' if typed else '')
                except OrderlyError as error:
                    ui.notify(str(error), type='negative')
                    return
                finally:
                    self.saving = False
                if done.deleted:
                    ui.notify(done.message, type='positive')
                    self.unsubscribe()
                    self.on_deleted()
                    return
                ui.notify(done.message, type='info', multi_line=True, timeout=10_000, close_button='OK')
                await self.reload()

            ui.button('Delete order', icon='delete', on_click=guarded(self.shop.id, delete)) \
                .props('unelevated no-caps color=negative').mark('delete-order')

    def status_card(self) -> None:
        with ui.card().classes('w-full gap-2 max-lg:order-1').props('flat bordered'):
            ui.label('Status').classes('text-lg font-medium')
            self.banner = ui.label().classes('w-full text-sm bg-amber-100 text-amber-900 rounded p-2') \
                .mark('changed-elsewhere')
            self.banner.set_visibility(False)
            self.status = ui.select(self.status_options(), value=self.order.status.value) \
                .props('outlined').classes('w-full').mark('status')
            self.reference = ui.input('Reference or tracking code', value=self.order.reference) \
                .props('outlined').classes('w-full').mark('reference')
            self.reference_link = ui.link('', '', new_tab=True).classes('text-sm -mt-1').mark('reference-link')
            self.show_reference_link()
            self.notify_customer = ui.checkbox('Send an e-mail to the customer with this status update') \
                .mark('notify-customer')
            ui.button('Save', on_click=guarded(self.shop.id, self.save)).props('unelevated no-caps') \
                .classes('self-end').mark('save-status')

    def show_reference_link(self) -> None:
        link = reference_link(self.order.reference)
        self.reference_link.set_visibility(link is not None)
        if link:
            self.reference_link.text, self.reference_link.props['href'] = f'{link[0]} ↗', link[1]
            self.reference_link.update()

    def history_card(self) -> None:
        with ui.card().classes('w-full gap-2 max-lg:order-6').props('flat bordered'):
            ui.label('History').classes('text-lg font-medium')
            self.note = ui.textarea(placeholder='Internal note for your team (the customer never sees it)') \
                .props('outlined dense autogrow').classes('w-full').mark('note')
            ui.button('Add note', icon='sticky_note_2', on_click=guarded(self.shop.id, self.add_note)) \
                .props('flat dense no-caps').classes('self-end').mark('add-note')
            with ui.column().classes('w-full gap-0') as self.timeline_host:
                pass

    async def add_note(self) -> None:
        try:
            await add_note(shop_id=self.shop.id, order_id=self.order.id, text=self.note.value or '',
                           actor=self.admin.email)
        except OrderlyError as error:
            ui.notify(str(error), type='negative')
            return
        self.note.value = ''  # the timeline refreshes through the OrderNoteAdded event

    async def history(self) -> None:
        """(Re)draw the timeline, newest first; notes stand out from what the system recorded."""
        entries = await order_history(self.shop.id, self.order.id)
        self.timeline_host.clear()
        # A plain list, not Quasar's timeline: that draws an <h6> title in every entry, empty here, each a gap
        with self.timeline_host, ui.element('ol').classes('w-full list-none m-0 p-0').mark('history'):
            for entry in entries:
                note = entry.kind == 'order.note'
                look = 'border-amber-600 bg-amber-50' if note else 'border-stone-300'
                with ui.element('li').classes(f'border-l-4 {look} pl-3 py-1 mb-2'):
                    ui.label(f'{self.local(entry.created_at)} · {entry.actor}' + (' · note' if note else '')) \
                        .classes('text-xs text-stone-500 break-all')
                    ui.label(entry.message).classes('whitespace-pre-line break-words').mark('history-entry')

    async def note_added(self, event: OrderNoteAdded) -> None:
        if event.order_id == self.order.id and event.shop_id == self.shop.id:
            await self.history()

    async def deliveries_recorded(self, event: DeliveriesRecorded) -> None:
        """A mail, push or API PUSH of this order went out (or failed): its line joins the history."""
        if event.shop_id == self.shop.id and self.order.id in event.order_ids:
            await self.history()

    async def changed_elsewhere(self, event: OrderStatusChanged) -> None:
        """Another admin saved this order: show it in the history; our own save stays refused until reviewed."""
        if event.order_id != self.order.id or event.shop_id != self.shop.id:
            return
        await self.history()
        await self.payments.refresh()  # "Mark as paid" only while the order is payable
        if not self.saving and not self.payments.busy and event.version != self.order.version:
            self.banner.text = f'{event.actor} just changed this order to "{event.status.label}".'
            self.banner.set_visibility(True)

    def deleted_elsewhere(self, event: OrderDeleted) -> None:
        if event.order_id == self.order.id and event.shop_id == self.shop.id:
            self.banner.text = f'{event.actor} deleted this order.'
            self.banner.set_visibility(True)

    async def save(self, confirmed: bool = False) -> None:
        update = StatusUpdate(OrderStatus(self.status.value), self.reference.value or '', self.notify_customer.value)
        try:
            self.saving = True
            self.order = await change_status(shop_id=self.shop.id, order_id=self.order.id,
                                             expected_version=self.order.version, update=update,
                                             actor=self.admin.email, confirmed=confirmed)
        except ConfirmationNeeded as warning:
            ask_to_confirm(str(warning), guarded(self.shop.id, lambda: self.save(confirmed=True)))
            return
        except ChangedMeanwhile as error:
            ui.notify(str(error), type='warning', multi_line=True, timeout=0, close_button='OK')
            await self.reload()  # show the new state; the merchant decides again
            return
        except OrderlyError as error:
            ui.notify(str(error), type='negative')
            return
        finally:
            self.saving = False
        self.notify_customer.value = False
        await self.show_status()
        ui.notify(f'{self.order.code} saved: {self.order.status.label}', type='positive')

    async def reload(self) -> None:
        """Show the order as it is saved now."""
        fresh = await order_for_admin(self.shop.id, self.order.code)
        if fresh:
            self.order = fresh
            self.reference.value = fresh.reference  # the status with its options, below
            self.banner.set_visibility(False)
            await self.show_status()
            await self.invoices.refresh()

    def status_options(self) -> dict[str, str]:
        """What this order can go to from where it is, by its way of delivery (no "Ready for pickup" for a parcel)."""
        return {s.value: s.label for s in statuses_offered(self.order.status, self.order.delivery_method.value)}

    async def show_status(self) -> None:
        self.status.set_options(self.status_options(), value=self.order.status.value)
        self.badge.set_text(self.order.status.label)
        self.badge.props(f'color={StatusBadge.color_of(self.order.status)}')
        self.show_reference_link()
        await self.history()
