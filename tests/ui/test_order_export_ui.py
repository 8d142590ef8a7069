"""The grid's "Export CSV" with NiceGUI's simulated User: the dialog, the file, and the download route's guard."""

import asyncio
import csv
import io
import os
import time

import httpx
import pytest
from nicegui import app
from nicegui.testing import User

from config import Settings
from domain import admin_auth
from domain.models import AdminUser, LogEntry, Shop
from tests.conftest import ADMIN_EMAIL
from tests.ui.test_admin_orders import customer_orders, emit_page_event, eventually, search, sign_in
from ui.admin import order_export


@pytest.fixture(autouse=True)
def no_slow_answers(monkeypatch):
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)


async def open_dialog(user: User) -> None:
    emit_page_event(user, 'orders_export')
    await user.should_see(marker='export-dialog', retries=20)  # made on first use, once the session was checked
    dialog = user.find(marker='export-dialog').elements.pop()
    await eventually(lambda: dialog.value)


async def export(user: User, layout: str = 'One row per order') -> str:
    """Click through the dialog; the download's URL."""
    await open_dialog(user)
    user.find(layout).click()
    user.find(marker='export-start').click()
    response = await user.download.next(timeout=5)
    assert response.status_code == 200, response.text
    return str(response.request.url.path)


def rows_of(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b'\xef\xbb\xbf')
    return list(csv.DictReader(io.StringIO(content.decode('utf-8-sig'), newline='')))


async def test_admin_exports_the_orders_and_downloads_them_as_a_csv_attachment(user: User):
    first, second = await customer_orders('Ann Peeters'), await customer_orders('Bert Claes', quantity=2)
    await sign_in(user)
    path = await export(user)
    response = user.download.http_responses[-1]
    assert response.headers['content-type'] == 'text/csv; charset=utf-8'
    assert response.headers['content-disposition'].startswith('attachment; filename="orders-')
    assert response.headers['content-disposition'].endswith('.csv"')
    assert response.headers['cache-control'] == 'no-store'
    assert [(row['Order'], row['Customer'], row['Items']) for row in rows_of(response.content)] == [
        (second, 'Bert Claes', '2'), (first, 'Ann Peeters', '1')]
    assert len(path.rsplit('/', 1)[1]) >= 43  # an unguessable token
    await user.should_see('Export ready: 2 orders.')
    assert user.find(marker='export-counter').elements.pop().text == '2 of 2 orders'


async def test_export_follows_the_grids_search_and_layout(user: User):
    await customer_orders('Ann Peeters', quantity=3)
    await customer_orders('Bert Claes')
    await sign_in(user)
    search(user, 'peeters')
    await export(user, 'One row per order line')
    rows = rows_of(user.download.http_responses[-1].content)
    assert [(row['Customer'], row['SKU'], row['Quantity']) for row in rows] == [('Ann Peeters', 'FLT-100', '3')]
    await user.should_see('Orders matching "peeters", newest first.')
    entry = await LogEntry.get(kind='order.exported')
    assert (entry.actor, entry.message) == (ADMIN_EMAIL, '1 order exported as CSV, one row per line (search "peeters")')


async def test_nothing_to_export_says_so_and_downloads_nothing(user: User):
    await customer_orders('Ann Peeters')
    await sign_in(user)
    search(user, 'nobody')
    await open_dialog(user)
    user.find(marker='export-start').click()
    await user.should_see('No orders match the current search and status.')
    assert user.download.http_responses == []
    assert not list((Settings().data_dir / 'exports').glob('*/*'))


def stranger() -> httpx.AsyncClient:
    """A browser with the link alone: no session cookie."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url='http://test')


async def test_the_download_needs_the_signed_in_admin_of_that_shop(user: User):
    await customer_orders()
    await sign_in(user)
    path = await export(user)
    async with stranger() as client:
        refused = await client.get(path)
        assert refused.status_code == 403 and b'Order' not in refused.content
    assert (await user.http_client.get(path)).status_code == 200  # the admin can fetch it again
    assert (await user.http_client.get(path[:-1] + ('A' if path[-1] != 'A' else 'B'))).status_code == 404
    assert (await user.http_client.get('/admin/exports/not-a-token')).status_code == 404
    assert (await user.http_client.get('/admin/exports/..%2F..%2Fsecret_key')).status_code == 404
    emit_page_event(user, 'admin_sign_out')
    await user.should_see('Sign in to Orderly')
    assert (await user.http_client.get(path)).status_code == 403  # signed out: the link is dead


async def test_an_admin_of_another_shop_cannot_download_this_shops_export(user: User):
    await customer_orders()
    await sign_in(user)
    path = await export(user)
    other_shop = await Shop.create(name='Other', code_prefix='OTHR')
    await AdminUser.filter(email=ADMIN_EMAIL).update(shop_id=other_shop.id)  # the same session, now another shop's
    assert (await user.http_client.get(path)).status_code == 404


async def test_old_exports_are_removed_when_a_new_one_is_made(user: User):
    await customer_orders()
    await sign_in(user)
    folder = Settings().data_dir / 'exports' / '1'
    folder.mkdir(parents=True)
    old, abandoned = folder / ('x' * 43 + '.csv'), folder / ('y' * 43 + '.part')
    for stale in (old, abandoned):
        stale.write_text('old')
        os.utime(stale, (time.time() - 2 * order_export.EXPORT_LIFETIME,) * 2)
    await export(user)
    assert not old.exists() and not abandoned.exists()
    assert len(list(folder.glob('*.csv'))) == 1


async def test_cancel_stops_the_export_and_leaves_no_file(user: User, monkeypatch):
    await customer_orders()
    await sign_in(user)
    release = asyncio.Event()

    async def slow_export(shop, **query):
        query['on_progress'](0, 100_000)
        yield '\ufeffOrder\r\n'
        await release.wait()
        yield 'DEMO-1001\r\n'

    monkeypatch.setattr(order_export, 'export_orders', slow_export)
    await open_dialog(user)
    user.find(marker='export-start').click()
    await user.should_see('0 of 100,000 orders')
    user.find(marker='export-cancel').click()
    dialog = user.find(marker='export-dialog').elements.pop()
    await eventually(lambda: dialog.cancelled)
    release.set()
    await user.should_see('Export cancelled.')
    assert user.download.http_responses == []
    assert not list((Settings().data_dir / 'exports').glob('*/*'))
    assert not dialog.value
