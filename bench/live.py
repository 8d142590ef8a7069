"""Live orders grid: time from "Create test order" until the new row is in each of N open /admin/orders pages.

Goals: p95 < 100 ms at 50 pages and < 250 ms at 200 pages; < 150 KiB of server memory per open page. Also prints
the server's CPU per push (a naive full-table refresh measured ~1.4 ms per page per push).

For each N it fills a fresh data folder with orders (so every grid shows a full page), starts `python main.py` on a
free port, signs in once and opens /admin/orders N times, as N tabs of one browser. The tabs are light clients
written here that speak NiceGUI's protocol (Engine.IO 4 / Socket.IO 5 over aiohttp WebSockets: the page's client
id and implicit handshake, pongs, acks, events), not Chromium: hundreds of real tabs do not fit this machine, and
the bench's own work per message must stay small next to the server's (python-socketio's client starts tasks for
each). Each tab stamps every frame as it arrives and looks for a row code it has not seen. One of the tabs clicks
"Create test order", so the time includes placing the order (a few ms).
    python bench/live.py [N ...]        (default: 10 50 200)
"""

import argparse
import asyncio
import json
import math
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import Tortoise

from domain.catalogue import default_shop
from domain.checkout import place_order
from domain.models import Product
from domain.schemas import parse_checkout
from domain.seed import ensure_demo_shop
from integrations.database import open_database
from ui.admin.orders_toolbar import TEST_ORDER_EVENT

ROOT = Path(__file__).resolve().parent.parent
P95_LIMIT_MS = {50: 100, 200: 250}
MEMORY_LIMIT_KIB = 150
NAIVE_CPU_PER_PAGE_MS = 1.4
ADMIN_EMAIL, ADMIN_PASSWORD = 'owner@bench.example', 'bench password 123'
PREFILLED_ORDERS = 60  # more than a grid page (25 rows): every push meets a full table
WARM_UP_ORDERS = 2
ARRIVAL_TIMEOUT = 15.0  # seconds a push may take before the missing pages are counted as lost
SETTLE = 0.3  # seconds after the last arrival before the server's CPU is read: it may still be sending
ROW_CODE = re.compile(r'code\\?"\s*:\s*\\?"([A-Z][A-Z0-9]{1,7}-[0-9]{1,12}-[0-9A-Z]{2})\\?"')
TICKS = os.sysconf('SC_CLK_TCK')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


async def prefill(folder: Path, n: int) -> None:
    """The demo shop with `n` orders and stock for thousands more, written before the server starts."""
    await open_database(f'sqlite://{folder / "orderly.sqlite3"}')
    await ensure_demo_shop(admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD)
    await Product.all().update(stock=10**9)
    shop = await default_shop()
    product = await Product.get(sku='MUG-SAG-35')
    for index in range(n):
        await place_order(shop=shop, form=parse_checkout({
            'name': f'Bench Customer {index}', 'email': 'bench@example.com', 'street': 'Kerkstraat 1',
            'postal_code': '9000', 'city': 'Gent', 'lines': [{'product_id': product.id, 'quantity': 1}],
            'idempotency_key': secrets.token_urlsafe(18)}))
    await Tortoise.close_connections()


class Server:
    """`python main.py` in its own data folder; reads its CPU time and RSS from /proc."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.base = f'http://127.0.0.1:{self.port}'
        env = {**os.environ, 'ORDERLY_DATA_DIR': str(folder), 'ORDERLY_ADMIN_EMAIL': ADMIN_EMAIL,
               'ORDERLY_ADMIN_PASSWORD': ADMIN_PASSWORD, 'ORDERLY_PORT': str(self.port), 'ORDERLY_HOST': '127.0.0.1'}
        self.log = (folder / 'server.log').open('w')
        # cwd: NiceGUI keeps its storage in ./.nicegui, and a developer's .env must not leak in
        self.process = subprocess.Popen([sys.executable, str(ROOT / 'main.py')], cwd=folder, env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT)

    async def started(self) -> None:
        for _ in range(600):
            if self.process.poll() is not None:
                raise RuntimeError(f'the server stopped: see {self.folder / "server.log"}')
            try:
                _, writer = await asyncio.open_connection('127.0.0.1', self.port)
                writer.close()
                return
            except OSError:
                await asyncio.sleep(0.1)
        raise RuntimeError('the server did not start within 60 s')

    def cpu_seconds(self) -> float:
        fields = Path(f'/proc/{self.process.pid}/stat').read_text().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime

    def rss_bytes(self) -> int:
        for line in Path(f'/proc/{self.process.pid}/status').read_text().splitlines():
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
        raise RuntimeError('no VmRSS')

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


class Push:
    """One order on its way to every page: when the new row reached each."""

    def __init__(self, pages: list['Page']) -> None:
        self.waiting = set(pages)
        self.arrived: dict[Page, float] = {}
        self.codes: set[str] = set()
        self.done = asyncio.Event()
        self.start = time.perf_counter()

    def row_arrived(self, page: 'Page', code: str, at: float) -> None:
        if page in self.waiting:
            self.waiting.discard(page)
            self.arrived[page] = at
            self.codes.add(code)
            if not self.waiting:
                self.done.set()


class Page:
    """One open tab: the page's HTML once, then NiceGUI's socket, answering pings and acknowledging messages."""

    push: Push | None = None  # the push all pages are watching for

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http, self.base = http, base
        self.next_message_id = self.acked = 0
        self.seen: set[str] = set()
        self.opened: asyncio.Future | None = None  # set while signing in: the server's "open" (navigate) message
        self.ended = ''

    async def open(self, path: str) -> 'Page':
        async with self.http.get(self.base + path) as response:
            html = await response.text()
        self.client_id = re.search(r"'client_id': '([0-9a-f-]+)'", html).group(1)
        self.next_message_id = int(re.search(r"'next_message_id': (\d+)", html).group(1))
        raw = re.search(r'parseElements\(String\.raw`(.*?)`\)', html, re.DOTALL).group(1)
        for entity, char in (('&#36;', '$'), ('&#96;', '`'), ('&gt;', '>'), ('&lt;', '<'), ('&amp;', '&')):
            raw = raw.replace(entity, char)
        self.elements = json.loads(raw)
        self.seen = set(ROW_CODE.findall(raw))
        query = urlencode({'client_id': self.client_id, 'next_message_id': self.next_message_id,
                           'implicit_handshake': 'true', 'document_id': str(uuid.uuid4()),
                           'tab_id': str(uuid.uuid4()), 'EIO': 4, 'transport': 'websocket'})
        self.ws = await self.http.ws_connect(f'{self.base.replace("http", "ws")}/_nicegui_ws/socket.io/?{query}')
        assert (await self.ws.receive_str()).startswith('0')  # Engine.IO open
        await self.ws.send_str('40')  # Socket.IO connect: NiceGUI's implicit handshake
        reply = await self.ws.receive_str()
        if not reply.startswith('40'):
            raise RuntimeError(f'handshake refused: {reply}')
        self.reader = asyncio.create_task(self.read())
        return self

    async def read(self) -> None:
        async for message in self.ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            at = time.perf_counter()
            text = message.data
            if text == '2':
                await self.ws.send_str('3')
                continue
            if not text.startswith('42'):
                continue
            if (i := text.rfind('"_id":')) >= 0:
                self.next_message_id = int(re.match(r'\s*(\d+)', text[i + 6:]).group(1)) + 1
            for code in ROW_CODE.findall(text):
                if code not in self.seen:
                    self.seen.add(code)
                    if Page.push is not None:
                        Page.push.row_arrived(self, code, at)
            if text.startswith('42["run_javascript"') and '"request_id"' in text:
                await self.answer(json.loads(text[2:])[1])
            if self.opened is not None and text.startswith('42["open"') and not self.opened.done():
                self.opened.set_result(json.loads(text[2:])[1]['path'])
        self.ended = f'socket closed, code {self.ws.close_code}'

    async def answer(self, request: dict) -> None:
        """The page awaits an answer from the browser (no admin page does now): answer, so that it never hangs."""
        await self.ws.send_str('42' + json.dumps(['javascript_response', {
            'request_id': request['request_id'], 'client_id': self.client_id, 'result': None}]))

    def listener(self, label: str | None, event_type: str) -> tuple[int, str]:
        """The element showing `label` and its listener for `event_type`, as the browser knows them; with no label,
        the page's listener for a page event (NiceGUI's `emitEvent`, e.g. the orders toolbar's buttons)."""
        for element_id, element in self.elements.items():
            if label is None or label in (element.get('text'), element.get('props', {}).get('label')):
                for event in element.get('events', []):
                    if event['type'] == event_type:
                        return int(element_id), event['listener_id']
        raise LookupError(f'no {event_type} listener on "{label}"')

    async def emit(self, label: str | None, event_type: str, *args: object) -> None:
        element_id, listener_id = self.listener(label, event_type)
        await self.ws.send_str('42' + json.dumps(['event', {
            'id': element_id, 'client_id': self.client_id, 'listener_id': listener_id,
            'args': [json.dumps(arg) for arg in args]}]))

    async def ack(self) -> None:
        """What the browser sends every 3 s, so the server can drop the messages it keeps for a reconnect."""
        if self.next_message_id > self.acked and not self.ws.closed:
            await self.ws.send_str('42' + json.dumps(['ack', {'client_id': self.client_id,
                                                              'next_message_id': self.next_message_id}]))
            self.acked = self.next_message_id

    async def close(self) -> None:
        await self.ws.close()
        self.reader.cancel()


async def sign_in(http: aiohttp.ClientSession, base: str) -> None:
    """Type e-mail and password into /admin/login and click: the browser's session cookie is then signed in."""
    page = await Page(http, base).open('/admin/login')
    page.opened = asyncio.get_running_loop().create_future()
    await page.emit('E-mail', 'update:value', ADMIN_EMAIL)
    await page.emit('Password', 'update:value', ADMIN_PASSWORD)
    await page.emit('Sign in', 'click')
    assert await asyncio.wait_for(page.opened, 30) == '/admin/orders'
    await page.close()


async def keep_acknowledging(pages: list[Page]) -> None:
    while True:
        await asyncio.sleep(3)
        for page in pages:
            await page.ack()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]  # nearest rank


async def place_and_wait(clicker: Page, pages: list[Page]) -> Push:
    push = Page.push = Push(pages)
    await clicker.emit(None, TEST_ORDER_EVENT)  # the toolbar's "Create test order"
    try:
        await asyncio.wait_for(push.done.wait(), ARRIVAL_TIMEOUT)
    except TimeoutError:
        pass
    Page.push = None
    for page in push.waiting:
        print(f'  a page missed the row: {page.ended or "no message"}', file=sys.stderr)
    assert len(push.codes) <= 1, f'pages saw different new rows: {push.codes}'
    return push


async def measure(n: int, orders: int) -> dict:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        await prefill(folder, PREFILLED_ORDERS)
        server = Server(folder)
        try:
            await server.started()
            jar = aiohttp.CookieJar(unsafe=True)  # unsafe: keep cookies of an IP address (127.0.0.1)
            # limit=0: each open page holds a connection; force_close: a WebSocket upgraded on a reused keep-alive
            # connection was cut after 5 s (uvicorn's keep-alive timer)
            connector = aiohttp.TCPConnector(limit=0, force_close=True)
            async with aiohttp.ClientSession(cookie_jar=jar, connector=connector) as http:
                await sign_in(http, server.base)
                clicker = await Page(http, server.base).open('/admin/orders')
                pages = [clicker]
                acknowledging = asyncio.create_task(keep_acknowledging(pages))
                # As many orders as are measured below, before the baseline: what handling orders costs the process
                # once (the mail renderer's header cache, the allocator's high-water mark) is not a cost per page
                for _ in range(orders):
                    await place_and_wait(clicker, pages)
                await asyncio.sleep(4)  # the sign-in page's client is deleted 3 s after its socket closed
                rss_before = server.rss_bytes()
                opening = asyncio.Semaphore(8)

                async def open_page() -> Page:
                    async with opening:
                        return await Page(http, server.base).open('/admin/orders')

                pages += await asyncio.gather(*(open_page() for _ in range(n - 1)))
                # a page the server could not finish within NiceGUI's response timeout (3 s) arrives with fewer
                # elements: it would lower the memory per page measured below
                if incomplete := sum(len(page.elements) != len(clicker.elements) for page in pages):
                    raise RuntimeError(f'{incomplete} of {n} pages arrived incomplete: the server is overloaded')
                await asyncio.sleep(3)
                rss_open = server.rss_bytes()
                for _ in range(WARM_UP_ORDERS):
                    await place_and_wait(clicker, pages)
                await asyncio.sleep(1)
                idle_start, idle_cpu = time.perf_counter(), server.cpu_seconds()
                await asyncio.sleep(3)
                idle_rate = (server.cpu_seconds() - idle_cpu) / (time.perf_counter() - idle_start)
                latencies, lost, cpu, elapsed = [], 0, 0.0, 0.0
                for _ in range(orders):
                    cpu_start, start = server.cpu_seconds(), time.perf_counter()
                    push = await place_and_wait(clicker, pages)
                    await asyncio.sleep(SETTLE)
                    cpu += server.cpu_seconds() - cpu_start
                    elapsed += time.perf_counter() - start
                    latencies += [(at - push.start) * 1000 for at in push.arrived.values()]
                    lost += len(push.waiting)
                rss_pushed = server.rss_bytes()
                acknowledging.cancel()
                await asyncio.gather(*(page.close() for page in pages))
        except BaseException:
            print((folder / 'server.log').read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            server.stop()
    return {'n': n, 'orders': orders, 'latencies': latencies, 'lost': lost,
            'cpu_per_push_ms': (cpu - idle_rate * elapsed) / orders * 1000, 'idle_cpu_percent': idle_rate * 100,
            'kib_per_page_open': (rss_open - rss_before) / (n - 1) / 1024,
            'kib_per_page_pushed': (rss_pushed - rss_before) / (n - 1) / 1024}


def report(result: dict) -> None:
    n, latencies = result['n'], result['latencies']
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    limit = P95_LIMIT_MS.get(n)
    verdict = f'ratio/limit = {p95 / limit:.2f}  {"ok" if p95 < limit else "SLOW"}  (limit {limit} ms)' if limit \
        else '(no limit at this N)'
    lost = f', {result["lost"]} LOST' if result['lost'] else ''
    print(f'N = {n} pages, {result["orders"]} orders, {len(latencies)} arrivals{lost}:')
    print(f'  new row in page  p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   {verdict}   (max {max(latencies):.0f} ms)')
    cpu = result['cpu_per_push_ms']
    print(f'  server CPU per push {cpu:7.1f} ms = {cpu / n:.3f} ms per page  '
          f'(naive full refresh: ~{NAIVE_CPU_PER_PAGE_MS} ms per page; ratio = {cpu / n / NAIVE_CPU_PER_PAGE_MS:.2f}; '
          f'idle {result["idle_cpu_percent"]:.1f} % subtracted)')
    for label, key in (('opened', 'kib_per_page_open'), ('after the pushes', 'kib_per_page_pushed')):
        kib = result[key]
        print(f'  server RSS per open page, {label:16} {kib:6.0f} KiB   ratio/limit = {kib / MEMORY_LIMIT_KIB:.2f}  '
              f'{"ok" if kib < MEMORY_LIMIT_KIB else "HEAVY"}  (limit {MEMORY_LIMIT_KIB} KiB)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('n', nargs='*', type=int, default=[10, 50, 200], help='numbers of open pages')
    parser.add_argument('--orders', type=int, default=20, help='measured orders per N')
    arguments = parser.parse_args()
    print(f'time from the click on "Create test order" until the new row is in each open /admin/orders page; '
          f'pages are NiceGUI socket.io clients (not Chromium), one browser session; '
          f'{PREFILLED_ORDERS} orders before, 25 rows per page')
    results = []
    for n in arguments.n:
        results.append(asyncio.run(measure(max(n, 2), arguments.orders)))
        report(results[-1])
    if len(results) > 1:  # the CPU per push includes placing the order; the slope between N leaves it out
        low, high = min(results, key=lambda r: r['n']), max(results, key=lambda r: r['n'])
        slope = (high['cpu_per_push_ms'] - low['cpu_per_push_ms']) / (high['n'] - low['n'])
        print(f'server CPU per push for each further page (N = {low["n"]} to {high["n"]}): {slope:.3f} ms  '
              f'(naive full refresh: ~{NAIVE_CPU_PER_PAGE_MS} ms; ratio = {slope / NAIVE_CPU_PER_PAGE_MS:.2f})')


if __name__ == '__main__':
    main()
