"""API PUSH deliveries/s: events through the outbox dispatcher to a local receiver that verifies each signature.

The receiver (a minimal asyncio HTTP/1.1 server with keep-alive) runs in its own process and checks every request
with the `standardwebhooks` library. Half the events are order.created, half order.status_changed of the same
orders, so the order-per-order rule is in play. Timed: from the dispatcher's start until every message is recorded
as delivered. Goal: >= 300 deliveries/s.
    python bench/webhooks.py [EVENTS]
"""

import asyncio
import multiprocessing
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from standardwebhooks import Webhook
from tortoise import Tortoise

from domain.catalogue import default_shop
from domain.checkout import place_order
from domain.models import OutboxMessage, OutboxState, Product, WebhookDelivery
from domain.order_changes import change_statuses
from domain.schemas import parse_checkout
from domain.seed import ensure_demo_shop
from domain.statuses import OrderStatus
from domain.webhooks import EndpointForm, create_endpoint
from integrations.database import open_database
from integrations.outbox_dispatcher import OutboxDispatcher
from integrations.webhooks import WebhookHandler

GOAL = 300  # deliveries/s


def receive(port: int, secret: str, ready, counts) -> None:
    """The receiver process: answer 200 to every verified POST, 400 to any other; count both."""
    webhook = Webhook(secret)

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b'\r\n\r\n'):
                lines = head.decode('latin-1').split('\r\n')
                headers = {name.strip().lower(): value.strip() for name, _, value in
                           (line.partition(':') for line in lines[1:] if line)}
                body = await reader.readexactly(int(headers.get('content-length', 0)))
                try:
                    webhook.verify(body, headers)
                    counts[0] += 1
                    status = b'200 OK'
                except Exception:
                    counts[1] += 1
                    status = b'400 Bad Request'
                writer.write(b'HTTP/1.1 ' + status + b'\r\ncontent-length: 2\r\n\r\nok')
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def serve() -> None:
        server = await asyncio.start_server(connection, '127.0.0.1', port, backlog=256)
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


async def prepare(path: Path, events: int, port: int) -> str:
    await open_database(f'sqlite://{path}')
    await ensure_demo_shop(admin_email='owner@bench.example', admin_password='bench password 123')
    await Product.all().update(stock=10**9)
    shop = await default_shop()
    _, secret = await create_endpoint(shop_id=shop.id, actor='bench', form=EndpointForm(
        url=f'http://127.0.0.1:{port}/orderly', events=['order.created', 'order.status_changed'],
        allow_local_network=True))
    product_id = (await Product.filter(shop_id=shop.id).order_by('id').first()).id
    placed = []
    for _ in range(events // 2):
        form = parse_checkout({'name': 'Bench Customer', 'email': 'bench@example.com', 'street': 'Kerkstraat 1',
                               'postal_code': '9000', 'city': 'Gent', 'lines': [{'product_id': product_id,
                                                                                 'quantity': 1}],
                               'idempotency_key': secrets.token_urlsafe(18)})
        placed.append(await place_order(shop=shop, form=form))
    await change_statuses(shop_id=shop.id, orders={order.id: None for order in placed}, status=OrderStatus.PROCESSING,
                          notify_customer=False, actor='bench', confirmed=True)
    return secret


async def deliver_all(events: int) -> tuple[float, int]:
    handler = WebhookHandler()
    dispatcher = OutboxDispatcher([handler], slot='bench:webhooks', poll_seconds=0.2)
    start = time.perf_counter()
    await dispatcher.start()
    webhook_rows = OutboxMessage.filter(channel='webhook')
    while await webhook_rows.filter(state=OutboxState.DELIVERED).count() < events:
        if await webhook_rows.filter(state=OutboxState.DEAD).exists() or time.perf_counter() - start > 300:
            break
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - start
    await dispatcher.stop()
    await handler.aclose()
    delivered = await webhook_rows.filter(state=OutboxState.DELIVERED).count()
    return elapsed, delivered


async def run(folder: Path, events: int, port: int, start_receiver) -> tuple[float, int, int, int]:
    secret = await prepare(folder / 'bench.sqlite3', events, port)
    start_receiver(secret)
    queued = await OutboxMessage.filter(channel='webhook').count()
    elapsed, delivered = await deliver_all(queued)
    attempts = await WebhookDelivery.all().count()
    await Tortoise.close_connections()
    return elapsed, delivered, queued, attempts


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    from tests.mail_catcher import free_port
    port = free_port()
    ready, counts = multiprocessing.Event(), multiprocessing.Array('i', 2)
    processes = []

    def start_receiver(secret: str) -> None:
        process = multiprocessing.Process(target=receive, args=(port, secret, ready, counts), daemon=True)
        process.start()
        processes.append(process)
        ready.wait(10)

    try:
        with tempfile.TemporaryDirectory() as folder:
            elapsed, delivered, queued, attempts = asyncio.run(run(Path(folder), events, port, start_receiver))
    finally:
        for process in processes:
            process.terminate()
    rate = delivered / elapsed
    print(f'events: {queued} (order.created and order.status_changed of {queued // 2} orders), one endpoint, '
          'SQLite WAL')
    print(f'delivered: {delivered} in {elapsed:.2f} s, {attempts} HTTP attempts; the receiver verified '
          f'{counts[0]} and refused {counts[1]}')
    print(f'deliveries/s: {rate:8.0f}')
    print(f'goal >= {GOAL}/s: {"met" if rate >= GOAL else "NOT met"}; ratio/goal = {rate / GOAL:.2f}')


if __name__ == '__main__':
    main()
