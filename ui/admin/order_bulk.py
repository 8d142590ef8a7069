"""The grid's bulk bar: give the selected orders (or all matching the filter) one status, mailing customers or not."""

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from domain.admin_auth import SignedInAdmin
from domain.errors import OrderlyError
from domain.models import Shop
from domain.order_changes import BULK_LIMIT, change_statuses, preview_status_change
from domain.order_queries import matching_orders
from domain.statuses import OrderStatus
from ui.admin.documents import packing_slips_url
from ui.admin.session import guarded
from ui.components.confirm import ask_to_confirm

Filters = Callable[[], tuple[str, OrderStatus | None]]
SKIPPED_SHOWN = 5


class BulkBar:
    """Shown while orders are selected; `filters` gives the grid's current search and status filter."""

    def __init__(self, shop: Shop, admin: SignedInAdmin, table: ui.table, filters: Filters,
                 on_done: Callable[[], Awaitable[Any]]) -> None:
        self.shop, self.admin, self.table, self.filters, self.on_done = shop, admin, table, filters, on_done
        self.all_matching = False
        with ui.row().classes('w-full items-center gap-2 rounded bg-white border border-stone-300 px-3 py-2') \
                .mark('bulk-bar') as self.bar:
            self.count = ui.label().classes('font-medium').mark('bulk-count')
            self.select_all = ui.button(on_click=guarded(shop.id, self.choose_all_matching)) \
                .props('flat dense no-caps color=primary').mark('select-all-matching')
            ui.space()
            self.status = ui.select({s.value: s.label for s in OrderStatus}, label='New status') \
                .props('outlined dense').classes('w-48').mark('bulk-status')
            self.notify_customers = ui.checkbox('E-mail each customer').mark('bulk-notify')
            ui.button('Apply', on_click=guarded(shop.id, self.apply)).props('unelevated no-caps') \
                .mark('bulk-apply')
            ui.button('Packing slips', icon='local_shipping', on_click=lambda: ui.navigate.to(
                packing_slips_url([row['code'] for row in self.table.selected]), new_tab=True)) \
                .props('outline no-caps').mark('bulk-packing-slips')
            ui.button(icon='close', on_click=guarded(shop.id, self.clear)) \
                .props('flat round dense aria-label="Clear selection"')
        table.on_select(self.show)
        self.show()

    def show(self) -> None:
        selected = len(self.table.selected)
        total = int(self.table.pagination.get('rowsNumber') or 0)
        self.bar.set_visibility(selected > 0 or self.all_matching)
        if self.all_matching:
            self.count.text = f'All {total:,} matching orders selected'
        else:
            self.count.text = f'{selected} selected'
        self.select_all.text = f'Select all {total:,} matching'
        self.select_all.set_visibility(not self.all_matching and 0 < selected < total)

    def choose_all_matching(self) -> None:
        self.all_matching = True
        self.show()

    def clear(self) -> None:
        self.all_matching = False
        self.table.selected = []
        self.show()

    async def targets(self) -> dict[int, int | None]:
        """Order id -> the version the merchant saw (None for orders chosen through the filter, unseen)."""
        if self.all_matching:
            search, status = self.filters()
            ids = await matching_orders(self.shop.id, search=search, status=status, limit=BULK_LIMIT + 1)
            return dict.fromkeys(ids)
        return {row['id']: row.get('version') for row in self.table.selected}

    async def apply(self) -> None:
        if not self.status.value:
            ui.notify('Choose the new status first.', type='warning')
            return
        status, notify = OrderStatus(self.status.value), bool(self.notify_customers.value)
        targets = await self.targets()
        try:
            # Nothing changes before the merchant read what will: how many orders, taken back how far, who is mailed
            preview = await preview_status_change(shop_id=self.shop.id, orders=targets, status=status,
                                                  notify_customer=notify)
        except OrderlyError as error:
            ui.notify(str(error), type='negative')
            return
        if not preview.changing:
            ui.notify(f'None of the {len(targets):,} selected orders can be set to "{status.label}".',
                      type='warning')
            return
        with self.bar:
            ask_to_confirm(preview.summary(), guarded(self.shop.id, lambda: self.change(targets, status, notify)),
                           action='Apply', mark='bulk-confirm')

    async def change(self, targets: dict[int, int | None], status: OrderStatus, notify: bool) -> None:
        """Make the change the merchant confirmed; orders changed since they saw them are skipped and reported."""
        try:
            result = await change_statuses(shop_id=self.shop.id, orders=targets, status=status,
                                           notify_customer=notify, actor=self.admin.email, confirmed=True)
        except OrderlyError as error:
            ui.notify(str(error), type='negative')
            return
        message = f'{len(result.changed)} order{"" if len(result.changed) == 1 else "s"} set to "{status.label}".'
        if result.skipped:
            shown = [f'{code}: {why}' for code, why in list(result.skipped.items())[:SKIPPED_SHOWN]]
            more = len(result.skipped) - len(shown)
            message += f' {len(result.skipped)} skipped: ' + '; '.join(shown) + (f' and {more} more' if more else '')
        ui.notify(message, type='positive' if not result.skipped else 'warning', multi_line=True,
                  timeout=0 if result.skipped else 5000, close_button='OK' if result.skipped else False)
        self.notify_customers.value = False
        self.clear()
        await self.on_done()
