"""The orders grid's "Export CSV": a dialog that writes the current filter to a file with progress, then downloads it.

The file waits under DATA_DIR/exports/<shop id>/<token>.csv for an hour. Its URL holds a long random token, and the
download route still asks for a signed-in admin of that shop: a leaked link alone opens nothing.
"""

import logging
import os
import re
import secrets
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import aclosing
from datetime import datetime
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from fastapi.responses import PlainTextResponse, Response, StreamingResponse
from nicegui import run, ui

from config import Settings
from domain.admin_auth import SignedInAdmin
from domain.models import Shop
from domain.order_export import ExportLayout, export_orders, record_export
from domain.statuses import OrderStatus
from ui.admin.session import current_admin, guarded

log = logging.getLogger(__name__)

EXPORT_ROUTE = '/admin/exports/{token}'
EXPORT_LIFETIME = 3600  # seconds a finished export can be downloaded (again)
_TOKEN = re.compile(r'[A-Za-z0-9_-]{43}')  # secrets.token_urlsafe(32)

Filters = Callable[[], tuple[str, OrderStatus | None]]


def exports_root() -> Path:
    return Settings().data_dir / 'exports'


def export_url(token: str) -> str:
    return EXPORT_ROUTE.format(token=token)


def export_opener(shop: Shop, admin: SignedInAdmin, filters: Filters, anchor: ui.element) -> Callable[[], None]:
    """What the toolbar's "Export CSV" calls; `filters()` gives the grid's current search and status. The dialog is
    made next to `anchor` on first use: elements cost memory on every open grid, and few grids export."""
    dialogs: list[ExportDialog] = []

    def show() -> None:
        if not dialogs:
            with anchor.parent_slot:
                dialogs.append(ExportDialog(shop, admin, filters))
        dialogs[0].show()
    return show


class ExportDialog(ui.dialog):
    """Choose one row per order or per line, watch "n of N orders", get the file."""

    def __init__(self, shop: Shop, admin: SignedInAdmin, filters: Filters) -> None:
        super().__init__()
        self.props('persistent').mark('export-dialog')
        self.shop, self.admin, self.filters = shop, admin, filters
        self.search, self.status = '', None
        self.busy = self.cancelled = False
        self.shown_at = 0.0
        with self, ui.card().classes('w-full max-w-md gap-3'):
            title = ui.label('Export orders as CSV').classes('text-lg font-semibold')
            self.props['aria-labelledby'] = f'c{title.id}'  # the dialog's name for screen readers
            self.scope = ui.label().classes('text-stone-600').mark('export-scope')
            self.layout = ui.radio({layout.value: layout.label for layout in ExportLayout},
                                   value=ExportLayout.ORDERS.value).mark('export-layout')
            with ui.column().classes('w-full gap-1') as self.progress:
                self.bar = ui.linear_progress(value=0, show_value=False).mark('export-progress')
                self.counter = ui.label().classes('text-sm text-stone-600').mark('export-counter')
            with ui.row().classes('w-full justify-end gap-2'):
                ui.button('Cancel', on_click=guarded(shop.id, self.cancel)).props('flat no-caps') \
                    .mark('export-cancel')
                self.start = ui.button('Export', icon='download', on_click=guarded(shop.id, self.export)) \
                    .props('unelevated no-caps').mark('export-start')

    def show(self) -> None:
        if self.busy:
            self.open()
            return
        self.search, self.status = self.filters()
        parts = [f'matching "{self.search}"'] if self.search else []
        parts += [f'with status "{self.status.label}"'] if self.status else []
        self.scope.text = f'Orders {" and ".join(parts)}, newest first.' if parts else 'All orders, newest first.'
        self.progress.set_visibility(False)
        self.start.enable()
        self.layout.enable()
        self.open()

    def cancel(self) -> None:
        if self.busy:
            self.cancelled = True  # the export stops before its next batch and cleans up
        else:
            self.close()

    def show_progress(self, done: int, total: int) -> None:
        if done < total and time.monotonic() - self.shown_at < 0.1:
            return  # ten updates a second are plenty for the eye, and a hundredth of the messages
        self.shown_at = time.monotonic()
        self.bar.value = done / total if total else 1
        self.counter.text = f'{done:,} of {total:,} orders'

    async def export(self) -> None:
        if self.busy:  # a second click while the first one's session check was running
            return
        self.busy, self.cancelled = True, False
        client = self.client  # held: the page may close while the export runs
        self.start.disable()
        self.layout.disable()
        self.bar.value, self.shown_at = 0, 0.0
        self.counter.text = 'Counting orders…'
        self.progress.set_visibility(True)
        layout = ExportLayout(self.layout.value)
        token = secrets.token_urlsafe(32)
        folder = exports_root() / str(self.shop.id)
        part, final = folder / f'{token}.part', folder / f'{token}.csv'
        totals, written = [0, 0], False

        def progress(done: int, total: int) -> None:
            totals[:] = done, total
            self.show_progress(done, total)

        try:
            await run.io_bound(remove_old_exports, exports_root())
            chunks = export_orders(self.shop, search=self.search, status=self.status, layout=layout,
                                   on_progress=progress)
            written = await write_file(part, chunks, stop=lambda: self.cancelled or client.is_deleted)
            if written and totals[0]:
                await run.io_bound(part.rename, final)
        except Exception:
            log.exception('CSV export of shop %s failed', self.shop.id)
            written = False
            if not client.is_deleted:
                ui.notify('The export failed. Please try again.', type='negative')
        finally:
            self.busy = False
            await run.io_bound(part.unlink, missing_ok=True)
        if client.is_deleted:
            return
        self.close()
        if self.cancelled:
            ui.notify('Export cancelled.')
        elif written and not totals[0]:
            ui.notify('No orders match the current search and status.', type='warning')
        elif written:
            await record_export(shop_id=self.shop.id, actor=self.admin.email, orders=totals[0], layout=layout,
                                search=self.search, status=self.status)
            ui.download.from_url(export_url(token))
            ui.notify(f'Export ready: {totals[0]:,} orders.', type='positive')


async def write_file(path: Path, chunks: AsyncIterator[str], *, stop: Callable[[], bool]) -> bool:
    """Write `chunks` to `path` as they come, off the event loop; False if `stop()` said so before the end."""
    await run.io_bound(path.parent.mkdir, parents=True, exist_ok=True)
    file: IO[str] = await run.io_bound(path.open, 'w', encoding='utf-8', newline='')
    try:
        async with aclosing(chunks) as stream:
            async for chunk in stream:
                if stop():
                    return False
                await run.io_bound(file.write, chunk)
    finally:
        await run.io_bound(file.close)
    return True


def remove_old_exports(root: Path) -> None:
    """Delete exports (and abandoned partial ones) older than EXPORT_LIFETIME, of every shop."""
    oldest = time.time() - EXPORT_LIFETIME
    for path in root.glob('*/*'):
        try:
            if path.suffix in {'.csv', '.part'} and path.stat().st_mtime < oldest:
                path.unlink()
        except FileNotFoundError:  # another export's clean-up got there first
            pass


async def download_export(token: str) -> Response:
    """GET /admin/exports/<token>: the finished export of the signed-in admin's shop, as an attachment."""
    admin = await current_admin()
    if admin is None:
        return PlainTextResponse('Please sign in to download this export.', status_code=403)
    shop = await Shop.get_or_none(id=admin.shop_id)
    opened = await run.io_bound(_open_export, admin.shop_id, token) if shop and _TOKEN.fullmatch(token) else None
    if opened is None:
        return PlainTextResponse('This export does not exist or has expired. Please export again.', status_code=404)
    file, size, modified = opened
    filename = datetime.fromtimestamp(modified, ZoneInfo(shop.timezone)).strftime('orders-%Y%m%d-%H%M.csv')
    return StreamingResponse(_read(file), media_type='text/csv; charset=utf-8', headers={
        'Content-Disposition': f'attachment; filename="{filename}"', 'Content-Length': str(size),
        'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff'})


def _open_export(shop_id: int, token: str) -> tuple[IO[bytes], int, float] | None:
    # Opened here, so that a clean-up deleting the file meanwhile cannot break the response half-way.
    try:
        file = (exports_root() / str(shop_id) / f'{token}.csv').open('rb')
    except FileNotFoundError:
        return None
    stat = os.fstat(file.fileno())
    return file, stat.st_size, stat.st_mtime


def _read(file: IO[bytes]) -> Iterator[bytes]:
    with file:
        yield from iter(lambda: file.read(256 * 1024), b'')
