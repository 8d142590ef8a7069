"""`/admin/orders`: the merchant's live orders grid, paginated on the server, searchable and filterable."""

import json
from zoneinfo import ZoneInfo

from nicegui import ui

from domain.admin_auth import SignedInAdmin
from domain.errors import OrderlyError
from domain.events import OrderDeleted, OrderPlaced, OrderStatusChanged, Resync
from domain.models import Shop
from domain.money import format_money
from domain.order_queries import PAGE_SIZES, SORTABLE, OrderRow, code_hint, order_row, orders_page
from domain.statuses import OrderStatus
from domain.test_orders import place_test_order
from ui.admin.frame import admin_frame
from ui.admin.order_bulk import BulkBar
from ui.admin.order_detail import open_order_dialog
from ui.admin.order_export import export_opener
from ui.admin.orders_toolbar import EXPORT_EVENT, FILTER_EVENT, TEST_ORDER_EVENT, TOOLBAR_HTML, parse_filter
from ui.admin.session import admin_page, guarded
from ui.components.event_reads import read_once
from ui.components.live_events import subscribe_while_open
from ui.components.live_table import put_first, remove_row, replace_row, share_columns, show_rows
from ui.components.status_badge import COLORS
from ui.components.table_events import check_pagination_changes, check_selection, parse_pagination

# Fixed widths (and `table-fixed`): the columns keep their place when the rows change; the customer takes the rest.
COLUMNS = [
    {'name': 'code', 'label': 'Order', 'field': 'code', 'align': 'left', 'headerStyle': 'width: 11rem'},
    {'name': 'created_at', 'label': 'Date', 'field': 'created', 'align': 'left', 'sortable': True,
     'headerClasses': 'max-sm:hidden', 'headerStyle': 'width: 10.5rem'},
    {'name': 'customer', 'label': 'Customer', 'field': 'customer', 'align': 'left', 'headerClasses': 'max-sm:hidden'},
    {'name': 'items', 'label': 'Items', 'field': 'items', 'align': 'right', 'headerClasses': 'max-sm:hidden',
     'headerStyle': 'width: 4.5rem'},
    {'name': 'total', 'label': 'Total', 'field': 'total', 'align': 'right', 'sortable': True,
     'headerStyle': 'width: 8.5rem'},
    {'name': 'status', 'label': 'Status', 'field': 'status', 'align': 'left', 'sortable': True,
     'headerClasses': 'max-sm:hidden', 'headerStyle': 'width: 11rem'},
]
# The badge's colour by status label, as a JavaScript object in the row template: one key less in each row that every
# open page keeps
_COLOR_BY_LABEL = '{' + ', '.join(f"'{status.label}': '{color}'" for status, color in COLORS.items()) + '}'
ROW_SLOT = r'''
<q-tr :props="props" :class="props.row.fresh ? 'bg-amber-1' : ''" class="cursor-pointer"
      @click="e => { if (!(e.ctrlKey || e.metaKey || e.shiftKey)) $parent.$emit('open', props.row) }">
  <q-td auto-width @click.stop>
    <q-checkbox v-model="props.selected" dense :aria-label="'Select order ' + props.row.code"/>
  </q-td>
  <q-td key="code" :props="props">
    <a :href="'/admin/orders/' + encodeURIComponent(props.row.code)" class="font-mono text-inherit no-underline"
       @click="e => { if (!(e.ctrlKey || e.metaKey || e.shiftKey)) e.preventDefault() }">{{ props.row.code }}</a>
    <q-badge v-if="props.row.is_test" color="grey-7" label="test" class="q-ml-xs"/>
    <div class="sm:hidden text-xs text-stone-600 max-w-40 truncate">{{ props.row.customer }}</div>
  </q-td>
  <q-td key="created_at" :props="props" class="max-sm:hidden">{{ props.row.created }}</q-td>
  <q-td key="customer" :props="props" class="max-sm:hidden max-w-40 truncate">{{ props.row.customer }}</q-td>
  <q-td key="items" :props="props" class="max-sm:hidden">{{ props.row.items }}</q-td>
  <q-td key="total" :props="props">
    {{ props.row.total }}
    <div class="sm:hidden"><q-badge :color="COLOR_OF[props.row.status]" :label="props.row.status"/></div>
  </q-td>
  <q-td key="status" :props="props" class="max-sm:hidden">
    <q-badge :color="COLOR_OF[props.row.status]" :label="props.row.status"/>
  </q-td>
</q-tr>
'''.replace('COLOR_OF', _COLOR_BY_LABEL)
# The selection column's header: a named "select all" checkbox, and a name for the cell itself
HEADER_SELECTION_SLOT = r'''
<q-checkbox v-model="props.selected" dense aria-label="Select all"/><span class="sr-only">Select</span>
'''


PAGINATION_RULES = {'sortable': sorted(SORTABLE), 'page_sizes': PAGE_SIZES, 'default_sort': 'created_at'}
MAX_CODE_LENGTH = 40  # an order code is far shorter; anything longer is not one of ours


def grid_row(row: OrderRow, timezone: ZoneInfo, fresh: bool = False) -> dict:
    return {'id': row.id, 'code': row.code, 'created': row.created_at.astimezone(timezone).strftime('%d %b %Y %H:%M'),
            'customer': row.customer_name, 'items': row.item_count,
            'total': format_money(row.total, row.currency), 'status': row.status.label,
            'is_test': row.is_test, 'version': row.version, 'fresh': fresh}


class OrdersGrid:
    """The table and its controls; it asks the domain for one page at a time."""

    def __init__(self, shop: Shop, admin: SignedInAdmin) -> None:
        self.shop = shop
        self.admin = admin
        self.timezone = ZoneInfo(shop.timezone)
        self.pending_new = 0
        self.search, self.status = '', None  # what the toolbar last sent
        self.toolbar = ui.html(TOOLBAR_HTML, sanitize=False).classes('w-full').mark('orders-toolbar')
        ui.on(FILTER_EVENT, guarded(shop.id, self.filter_changed))
        ui.on(EXPORT_EVENT, guarded(shop.id, export_opener(shop, admin, self.filters, self.toolbar)))
        ui.on(TEST_ORDER_EVENT, guarded(shop.id, self.test_order))
        # The "N new orders" button and the empty state are made when first needed: every element costs server
        # memory in each open page (bench/live.py), and most open grids need neither.
        self.new_orders: ui.button | None = None
        self.empty: ui.column | None = None
        self.no_match: ui.column | None = None  # a search or filter that found nothing says why
        self.table = ui.table(columns=COLUMNS, rows=[], row_key='id', selection='multiple', pagination={
            'rowsPerPage': 25, 'page': 1, 'sortBy': 'created_at', 'descending': True, 'rowsNumber': 0,
        }).props('flat bordered dense :rows-per-page-options="[25, 50, 100]" binary-state-sort '
                 # the bulk bar counts the selection: not Quasar's "2 records selected." too
                 'hide-selected-banner table-class="table-fixed" hide-no-data').classes('w-full orders-grid') \
            .mark('orders-table')
        share_columns(self.table, COLUMNS)
        self.table.add_slot('body', ROW_SLOT)
        self.table.add_slot('header-selection', HEADER_SELECTION_SLOT)
        self.table.on('request', guarded(shop.id, self.on_request), ['pagination'])
        self.table.on('open', guarded(shop.id, self.open_order))
        self.bulk: BulkBar | None = None  # made on the first selection: most open grids never select
        self.table.on_select(self.selection_changed)
        # a browser's own script can send these events with anything in them
        check_selection(self.table)
        check_pagination_changes(self.table, **PAGINATION_RULES)

    def show_empty(self, empty: bool) -> None:
        """With no orders at all: say so and offer the test order, instead of the table."""
        if empty and self.empty is None:
            with self.table.parent_slot, ui.column().classes('w-full items-center py-10 gap-3') as self.empty:
                ui.icon('inbox', size='xl').classes('text-stone-400')
                ui.label('No orders yet.').classes('text-lg')
                ui.label('Place a test order to see what your customers will see.').classes('text-stone-500')
                ui.button('Create test order', icon='science', on_click=guarded(self.shop.id, self.test_order)) \
                    .props('unelevated no-caps').mark('empty-test-order')
        if self.empty is not None:
            self.empty.set_visibility(empty)

    async def show_no_match(self, search: str, status: OrderStatus | None, found: bool) -> None:
        """A search or filter that found nothing says so in words; a mistyped code says what is wrong with it and
        offers the shop's order it most likely means."""
        if found or not (search or status):
            if self.no_match is not None:
                self.no_match.set_visibility(False)
            return
        hint = await code_hint(self.shop.id, self.shop.code_prefix, search) if search else None
        if self.no_match is None:
            with self.table.parent_slot, ui.column().classes('w-full items-center py-8 gap-2 text-center') \
                    .mark('no-match') as self.no_match:
                self.no_match_text = ui.label().classes('text-lg')
                self.suggestion = ui.button(on_click=guarded(self.shop.id, self.show_suggestion)) \
                    .props('outline no-caps').mark('suggested-code')
        if hint is not None:
            text = f'{hint.typed}: its check characters do not fit, so it is no order code (a typo?).'
        elif search:
            text = f'No orders match "{search}"' + (f' with the status "{status.label}".' if status else '.')
        else:
            text = f'No orders have the status "{status.label}".'
        self.no_match_text.text = text
        self.suggested = hint.suggestion if hint else None
        self.suggestion.text = f'Show {self.suggested}' if self.suggested else ''
        self.suggestion.set_visibility(self.suggested is not None)
        self.no_match.set_visibility(True)

    async def show_suggestion(self) -> None:
        """Search for the suggested code, in the toolbar's field too."""
        if not self.suggested:
            return
        self.search = self.suggested
        ui.run_javascript(f'getHtmlElement({self.toolbar.id}).querySelector("input[name=search]").value = '
                          f'{json.dumps(self.suggested)}')
        await self.reload()

    def show_new_orders_button(self) -> None:
        if self.new_orders is None:
            with self.table.parent_slot:
                self.new_orders = ui.button(on_click=guarded(self.shop.id, self.show_new)) \
                    .props('unelevated no-caps color=accent').classes('self-center').mark('new-orders')
            self.new_orders.move(target_index=self.table.parent_slot.children.index(self.table))  # above the table
        self.new_orders.text = f'{self.pending_new} new order{"s" if self.pending_new > 1 else ""}'
        self.new_orders.set_visibility(True)

    def selection_changed(self) -> None:
        if self.bulk is None:
            with self.table.parent_slot:
                self.bulk = BulkBar(self.shop, self.admin, self.table, self.filters,
                                    on_done=lambda: self.load(self.table.pagination))
            self.bulk.bar.move(target_index=self.table.parent_slot.children.index(self.table))  # above the table

    def filters(self) -> tuple[str, OrderStatus | None]:
        return self.search, self.status

    async def filter_changed(self, event) -> None:
        search, status = parse_filter(event.args)
        if (search, status) != (self.search, self.status):  # Enter may send the same twice (submit and change)
            self.search, self.status = search, status
            await self.reload()

    @property
    def at_live_top(self) -> bool:
        """True when new orders belong on screen right away: newest first, page 1, no search or filter."""
        p = self.table.pagination
        return (p.get('page') == 1 and p.get('sortBy') == 'created_at' and p.get('descending')
                and not self.search and self.status is None)

    async def load(self, pagination: dict) -> None:
        search, status = self.filters()
        page = await orders_page(
            self.shop.id, search=search, status=status,
            sort=pagination.get('sortBy') or 'created_at', descending=bool(pagination.get('descending')),
            page=int(pagination.get('page') or 1), page_size=int(pagination.get('rowsPerPage') or 25))
        if (search, status) != self.filters():  # the merchant typed on meanwhile: the newer search shows its rows
            return
        show_rows(self.table, [grid_row(row, self.timezone) for row in page.rows],
                  {**pagination, 'rowsNumber': page.total})
        if self.bulk:
            self.bulk.show()
        filtered = bool(search or status)
        self.show_empty(page.total == 0 and not filtered)
        await self.show_no_match(search, status, found=page.total > 0)
        self.table.set_visibility(page.total > 0 or filtered)

    async def on_request(self, event) -> None:
        await self.load(parse_pagination(event.args, previous=dict(self.table.pagination), **PAGINATION_RULES))

    async def open_order(self, event) -> None:
        code = event.args.get('code') if isinstance(event.args, dict) else None
        if isinstance(code, str) and 0 < len(code) <= MAX_CODE_LENGTH:
            await open_order_dialog(self.shop, self.admin, code)

    async def reload(self) -> None:
        """Back to page 1 after the search or filter changed; a selection made under the old filter is dropped."""
        if self.bulk:
            self.bulk.clear()
        await self.load({**self.table.pagination, 'page': 1})

    async def show_new(self) -> None:
        self.pending_new = 0
        if self.new_orders is not None:
            self.new_orders.set_visibility(False)
        if self.search or self.status is not None:
            self.search, self.status = '', None
            ui.run_javascript(f'getHtmlElement({self.toolbar.id}).querySelector("form").reset()')
        await self.load({**self.table.pagination, 'page': 1, 'sortBy': 'created_at', 'descending': True})

    async def test_order(self) -> None:
        try:
            await place_test_order(shop=self.shop, actor=self.admin.email)
        except OrderlyError as error:
            ui.notify(str(error), type='negative')

    async def resync(self, _event: Resync) -> None:
        """Events from other instances may have been missed: read the page shown again, where it is."""
        await self.load(self.table.pagination)

    def order_deleted(self, event: OrderDeleted) -> None:
        if event.shop_id != self.shop.id or not any(r['id'] == event.order_id for r in self.table.rows):
            return
        remove_row(self.table, event.order_id,
                   row_count=max(int(self.table.pagination.get('rowsNumber') or 1) - 1, 0))

    async def status_changed(self, event: OrderStatusChanged) -> None:
        """Another admin changed an order: update that row where it is shown, and nothing else."""
        index = next((i for i, r in enumerate(self.table.rows) if r['id'] == event.order_id), None)
        if event.shop_id != self.shop.id or index is None:
            return
        row = await read_once(event, order_row, event.shop_id, event.order_id)  # one read for all open pages
        shown = next((r for r in self.table.rows if r['id'] == event.order_id), None)  # may have left meanwhile
        if row is not None and shown is not None:
            replace_row(self.table, grid_row(row, self.timezone, fresh=shown['fresh']))

    async def order_placed(self, event: OrderPlaced) -> None:
        """Another tab, phone or customer placed an order: show it without disturbing what the merchant reads."""
        if event.shop_id != self.shop.id:
            return
        # one read for all open pages, before the notice, so that notice and row leave for the browser together
        row = await read_once(event, order_row, event.shop_id, event.order_id) if self.at_live_top else None
        with self.table:
            amount = format_money(event.total, event.currency)
            ui.notify(f'New order {event.code} from {event.customer_name} ({amount})', type='info',
                      position='bottom-right')
        if not self.at_live_top:
            self.pending_new += 1
            self.show_new_orders_button()
            return
        if row is None:
            return
        # only the new row travels to the browser, not the whole page of rows
        put_first(self.table, grid_row(row, self.timezone, fresh=True), others={'fresh': False},
                  limit=int(self.table.pagination.get('rowsPerPage') or 25),
                  row_count=int(self.table.pagination.get('rowsNumber') or 0) + 1)
        self.show_empty(False)
        self.table.set_visibility(True)


async def orders_screen() -> None:
    signed_in = await admin_page()
    if signed_in is None:
        return
    admin, shop = signed_in
    # the header names the page and is its heading: no title element, one element less
    with admin_frame(shop, admin, 'Orders', header_heading=True):
        grid = OrdersGrid(shop, admin)
    await grid.reload()
    for event_type, handler in ((OrderPlaced, grid.order_placed), (OrderStatusChanged, grid.status_changed),
                                (OrderDeleted, grid.order_deleted), (Resync, grid.resync)):
        subscribe_while_open(event_type, handler)
