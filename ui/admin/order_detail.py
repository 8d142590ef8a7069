"""`/admin/orders/{code}`: one order for the merchant: what was bought, by whom, its status and its history."""

from zoneinfo import ZoneInfo

from nicegui import ui

from domain.admin_auth import SignedInAdmin
from domain.catalogue import default_shop
from domain.errors import OrderlyError
from domain.models import Order, Shop
from domain.money import format_money
from domain.order_changes import ChangedMeanwhile, ConfirmationNeeded, StatusUpdate, change_status
from domain.order_deletion import delete_order
from domain.order_detail import order_for_admin, order_history
from domain.schemas import DeliveryMethod
from domain.statuses import OrderStatus
from ui.admin.frame import admin_frame
from ui.admin.session import guarded, require_admin
from ui.components.status_badge import StatusBadge
from ui.components.totals import totals_block


async def order_detail_screen(code: str) -> None:
    admin = await require_admin()
    if admin is None:
        return
    shop = await default_shop()
    order = await order_for_admin(admin.shop_id, code) if admin.shop_id == shop.id else None
    with admin_frame(shop, admin, order.code if order else 'Order'):
        ui.link('← Orders', '/admin/orders').classes('text-sm')
        if order is None:
            ui.label('There is no order with this code in your shop.').classes('text-lg')
            return
        detail = OrderDetail(shop, admin, order)
        with detail.side:
            await detail.history()


class OrderDetail:
    def __init__(self, shop: Shop, admin: SignedInAdmin, order: Order) -> None:
        self.shop, self.admin, self.order = shop, admin, order
        self.timezone = ZoneInfo(shop.timezone)
        with ui.row().classes('w-full items-center gap-3'):
            ui.label(order.code).classes('text-2xl font-mono font-semibold')
            self.badge = StatusBadge(order.status).mark('status-badge')
            if order.is_test:
                ui.badge('Test order', color='grey-6')
            ui.label(f'placed {self.local(order.created_at)}').classes('text-stone-500')
        with ui.element('div').classes('w-full grid grid-cols-1 lg:grid-cols-3 gap-4'):
            with ui.column().classes('lg:col-span-2 gap-4'):
                self.lines_card()
                self.customer_card()
                self.delete_card()
            with ui.column().classes('gap-4 max-lg:order-first') as self.side:  # on a phone, status first
                self.status_card()

    def local(self, moment) -> str:
        return moment.astimezone(self.timezone).strftime('%d %b %Y %H:%M')

    def lines_card(self) -> None:
        order = self.order
        with ui.card().classes('w-full gap-2').props('flat bordered'):
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
        with ui.card().classes('w-full gap-1').props('flat bordered'):
            ui.label('Customer').classes('text-lg font-medium')
            ui.label(order.customer_name)
            ui.link(order.email, f'mailto:{order.email}')
            if order.phone:
                ui.label(order.phone)
            ui.label(order.delivery_method.label).classes('pt-2 font-medium')
            if order.delivery_method is DeliveryMethod.SHIPPING:
                for text in (order.street, f'{order.postal_code} {order.city}', order.country):
                    ui.label(text).classes('text-stone-700')
            if order.note:
                ui.label('Customer note').classes('pt-2 font-medium')
                ui.label(order.note).classes('whitespace-pre-line')

    def delete_card(self) -> None:
        with ui.expansion('Delete this order', icon='delete').classes('w-full bg-white text-negative') \
                .props('dense').mark('delete-section'):
            if self.order.is_test:
                ui.label('Test orders can always be removed at once; their products go back into stock.') \
                    .classes('text-stone-700')
                typed = None
            else:
                ui.label('Deleting a real order cannot be undone. The Logs keep a copy of it.') \
                    .classes('text-stone-700')
                typed = ui.input(f'Type {self.order.code} to confirm').props('outlined dense').classes('w-64') \
                    .mark('confirm-code')

            async def delete() -> None:
                try:
                    code = await delete_order(shop_id=self.shop.id, order_id=self.order.id, actor=self.admin.email,
                                              typed_code=typed.value or '' if typed else '')
                except OrderlyError as error:
                    ui.notify(str(error), type='negative')
                    return
                ui.notify(f'{code} deleted.', type='positive')
                ui.navigate.to('/admin/orders')

            ui.button('Delete order', icon='delete', on_click=guarded(self.shop.id, delete)) \
                .props('unelevated no-caps color=negative').mark('delete-order')

    def status_card(self) -> None:
        with ui.card().classes('w-full gap-2').props('flat bordered'):
            ui.label('Status').classes('text-lg font-medium')
            self.status = ui.select({s.value: s.label for s in OrderStatus}, value=self.order.status.value) \
                .props('outlined').classes('w-full').mark('status')
            self.reference = ui.input('Reference or tracking code', value=self.order.reference) \
                .props('outlined').classes('w-full').mark('reference')
            self.notify_customer = ui.checkbox('Send an e-mail to the customer with this status update') \
                .mark('notify-customer')
            ui.button('Save', on_click=guarded(self.shop.id, self.save)).props('unelevated no-caps') \
                .classes('self-end').mark('save-status')

    @ui.refreshable_method
    async def history(self) -> None:
        entries = await order_history(self.shop.id, self.order.id)
        with ui.card().classes('w-full gap-2').props('flat bordered'):
            ui.label('History').classes('text-lg font-medium')
            with ui.timeline(side='right').props('dense').classes('w-full'):
                for entry in entries:
                    ui.timeline_entry(entry.message, subtitle=f'{self.local(entry.created_at)} · {entry.actor}')

    async def save(self, confirmed: bool = False) -> None:
        update = StatusUpdate(OrderStatus(self.status.value), self.reference.value or '', self.notify_customer.value)
        try:
            self.order = await change_status(shop_id=self.shop.id, order_id=self.order.id,
                                             expected_version=self.order.version, update=update,
                                             actor=self.admin.email, confirmed=confirmed)
        except ConfirmationNeeded as warning:
            self.confirm(str(warning))
            return
        except ChangedMeanwhile as error:
            ui.notify(str(error), type='warning', multi_line=True, timeout=0, close_button='OK')
            fresh = await order_for_admin(self.shop.id, self.order.code)
            if fresh:  # show the new state; the merchant decides again
                self.order = fresh
                self.status.value, self.reference.value = fresh.status.value, fresh.reference
                self.show_status()
            return
        except OrderlyError as error:
            ui.notify(str(error), type='negative')
            return
        self.notify_customer.value = False
        self.show_status()
        ui.notify(f'{self.order.code} saved: {self.order.status.label}', type='positive')

    def show_status(self) -> None:
        self.badge.set_text(self.order.status.label)
        self.badge.props(f'color={StatusBadge.color_of(self.order.status)}')
        self.history.refresh()

    def confirm(self, warning: str) -> None:
        with ui.dialog() as dialog, ui.card().classes('gap-3'):
            ui.label(warning)
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=dialog.close).props('flat no-caps')
                ui.button('Change anyway', on_click=guarded(self.shop.id, lambda: self.confirmed(dialog))) \
                    .props('unelevated no-caps').mark('confirm-change')
        dialog.open()

    async def confirmed(self, dialog) -> None:
        dialog.close()
        await self.save(confirmed=True)
