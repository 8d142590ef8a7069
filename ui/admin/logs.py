"""`/admin/logs`: everything that happened in the shop, newest first, filterable, live."""

from zoneinfo import ZoneInfo

from nicegui import ui

from domain.events import DeliveriesRecorded, OrderDeleted, OrderNoteAdded, OrderPlaced, OrderStatusChanged
from domain.logs import KINDS, recent_log_entries
from domain.models import Shop
from ui.admin.frame import admin_frame
from ui.admin.session import admin_page, guarded
from ui.components.live_events import subscribe_while_open
from ui.components.page_title import page_title

COLUMNS = [
    {'name': 'time', 'label': 'Time', 'field': 'time', 'align': 'left'},
    {'name': 'kind', 'label': 'What', 'field': 'kind', 'align': 'left'},
    {'name': 'order', 'label': 'Order', 'field': 'order', 'align': 'left', 'classes': 'font-mono whitespace-nowrap'},
    {'name': 'message', 'label': 'Message', 'field': 'message', 'align': 'left', 'classes': 'whitespace-normal'},
    {'name': 'actor', 'label': 'By', 'field': 'actor', 'align': 'left', 'classes': 'break-all'},
]
# Below 640 px the five columns do not fit: each entry becomes a card of its fields, one below the other
# (Quasar's grid mode, following the window's width as it changes).
PHONE_CARDS = ':grid="Quasar.Screen.width < 640"'

# What the page follows live; sign-ins and settings changes show on the next load.
LIVE_EVENTS = OrderPlaced | OrderStatusChanged | OrderDeleted | OrderNoteAdded | DeliveriesRecorded


class LogsView:
    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        self.timezone = ZoneInfo(shop.timezone)
        with ui.row().classes('w-full items-center gap-2'):
            self.kind = ui.select({'': 'Everything', **KINDS}, value='', on_change=guarded(shop.id, self.load)) \
                .props('outlined dense').classes('w-48').mark('kind-filter')
            self.order_code = ui.input(placeholder='Order code').props('outlined dense clearable') \
                .classes('w-48').mark('order-filter')
            self.order_code.on('keydown.enter', guarded(shop.id, self.load)).on('clear', guarded(shop.id, self.load))
        self.table = ui.table(columns=COLUMNS, rows=[], row_key='id').props('flat bordered dense wrap-cells') \
            .props(PHONE_CARDS) \
            .classes('w-full').mark('logs-table')

    async def load(self) -> None:
        entries = await recent_log_entries(self.shop.id, kind=self.kind.value or '',
                                           order_code=self.order_code.value or '')
        self.table.rows = [{'id': e.id, 'time': e.created_at.astimezone(self.timezone).strftime('%d %b %H:%M:%S'),
                            'kind': KINDS.get(e.kind, e.kind), 'order': e.order_code, 'message': e.message,
                            'actor': e.actor} for e in entries]

    async def something_happened(self, event: LIVE_EVENTS) -> None:
        if event.shop_id == self.shop.id:
            await self.load()


async def logs_screen() -> None:
    signed_in = await admin_page()
    if signed_in is None:
        return
    admin, shop = signed_in
    with admin_frame(shop, admin, 'Logs'):
        page_title('Logs')
        view = LogsView(shop)
    await view.load()
    for event_type in LIVE_EVENTS.__args__:
        subscribe_while_open(event_type, view.something_happened)
