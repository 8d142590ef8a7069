"""`/admin/settings/deliveries` (owners): mails and messages that failed or were given up, with "retry now"."""

from zoneinfo import ZoneInfo

from nicegui import ui

from domain.admin_auth import SignedInAdmin
from domain.events import DeliveriesRecorded
from domain.models import OutboxMessage, OutboxState, Shop
from domain.outbox_delivery import GIVE_UP_AFTER, NotRetried, describe, retry_all, retry_now, troubled_messages
from ui.admin.frame import admin_frame
from ui.admin.session import admin_page, guarded
from ui.components.live_events import subscribe_while_open
from ui.components.page_title import page_title

SHOWN = 100


class DeliveriesView:
    def __init__(self, shop: Shop, admin: SignedInAdmin) -> None:
        self.shop, self.admin = shop, admin
        self.timezone = ZoneInfo(shop.timezone)
        self.shown = 0

    def local(self, moment) -> str:
        return moment.astimezone(self.timezone).strftime('%d %b %H:%M:%S')

    @ui.refreshable_method
    async def messages(self) -> None:
        messages, total = await troubled_messages(self.shop.id, limit=SHOWN)
        self.shown = len(messages)
        if not messages:
            with ui.column().classes('w-full items-center py-10 gap-2'):
                ui.icon('mark_email_read', size='xl').classes('text-stone-400')
                ui.label('Every mail and message went out.').classes('text-lg').mark('all-delivered')
            return
        with ui.row().classes('w-full items-center gap-3'):
            dead = sum(m.state is OutboxState.DEAD for m in messages)
            ui.label(f'{total} not delivered' + (f' (showing the newest {SHOWN})' if total > SHOWN else '') +
                     (f', {dead} given up' if dead else '')).classes('text-stone-600')
            ui.space()
            ui.button('Retry all now', icon='replay', on_click=guarded(self.shop.id, self.retry_all)) \
                .props('outline no-caps').mark('retry-all')
        with ui.card().classes('w-full gap-0 p-0').props('flat bordered'):
            for message in messages:
                self.message_row(message)

    def message_row(self, message: OutboxMessage) -> None:
        given_up = message.state is OutboxState.DEAD
        with ui.row().classes('w-full items-start gap-3 p-3 border-b border-stone-200 no-wrap') \
                .mark(f'message-{message.id}'):
            ui.icon('block' if given_up else 'schedule', color='negative' if given_up else 'warning') \
                .classes('text-2xl pt-1')
            with ui.column().classes('gap-0 grow min-w-0'):
                with ui.row().classes('items-center gap-2'):
                    ui.label(describe(message)).classes('font-medium break-all')
                    if message.order_code:
                        ui.link(message.order_code, f'/admin/orders/{message.order_code}').classes('font-mono')
                ui.label(message.last_error).classes('text-sm text-negative break-words')
                when = 'Given up' if given_up else f'Next attempt {self.local(message.next_attempt_at)}'
                ui.label(f'{when} · {message.attempts} attempt{"s" if message.attempts != 1 else ""} · '
                         f'queued {self.local(message.created_at)}').classes('text-xs text-stone-500')
            ui.button('Retry now', icon='replay', on_click=guarded(self.shop.id, lambda: self.retry(message))) \
                .props('flat no-caps').classes('shrink-0').mark(f'retry-{message.id}')

    async def retry(self, message: OutboxMessage) -> None:
        try:
            await retry_now(shop_id=self.shop.id, message_id=message.id, actor=self.admin.email)
        except NotRetried as refusal:
            ui.notify(str(refusal), type='warning')
        else:
            ui.notify(f'{describe(message)}: trying again now.', type='positive')
        await self.messages.refresh()

    async def retry_all(self) -> None:
        count = await retry_all(shop_id=self.shop.id, actor=self.admin.email)
        ui.notify(f'Trying {count} again now.' if count else 'Nothing to retry right now.', type='positive')
        await self.messages.refresh()

    def recorded(self, event: DeliveriesRecorded) -> None:
        # a burst of successful deliveries changes nothing here unless a listed message was among them
        if event.shop_id == self.shop.id and (event.failed or event.dead or self.shown):
            self.messages.refresh()


async def deliveries_screen() -> None:
    signed_in = await admin_page(owner=True)
    if signed_in is None:
        return
    admin, shop = signed_in
    with admin_frame(shop, admin, 'Deliveries'):
        page_title('Deliveries')
        days = GIVE_UP_AFTER.days
        ui.label('Mails and messages that could not be delivered yet. Failed ones are tried again by themselves, '
                 f'with growing pauses, for about {days} days; then they are given up. A refusal by the receiving '
                 'server (such as an unknown address) is given up at once.').classes('text-stone-600')
        view = DeliveriesView(shop, admin)
        await view.messages()
    subscribe_while_open(DeliveriesRecorded, view.recorded)
