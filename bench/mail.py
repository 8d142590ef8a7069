"""Mails/s from queued outbox rows to a local SMTP server (aiosmtpd in its own process): the dispatcher's pace.

1,000 orders are placed first, each queueing one customer confirmation (merchant mails are switched off), then the
dispatcher starts and delivers them with the app's SMTP handler. Goal: >= 200 mails/s.
    python bench/mail.py [N]
"""

import asyncio
import multiprocessing
import secrets
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import Tortoise

from domain.catalogue import default_shop
from domain.checkout import place_order
from domain.models import AdminUser, OutboxMessage, OutboxState, Product, Shop
from domain.schemas import parse_checkout
from domain.seed import ensure_demo_shop
from integrations.database import open_database
from integrations.mail.handler import MailHandler
from integrations.mail.render import MailRenderer
from integrations.mail.smtp import SmtpServer, SmtpTransport
from integrations.outbox_dispatcher import OutboxDispatcher

GOAL = 200  # mails/s


def smtp_server(port: int, expected: int, ready, done) -> None:
    """A local SMTP server that counts what it accepts and reports when the last expected mail came in."""
    from aiosmtpd.controller import Controller

    class Counter:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            Counter.count += 1
            if Counter.count == expected:
                done.put(time.time())
            return '250 OK'

    controller = Controller(Counter(), hostname='127.0.0.1', port=port)
    controller.start()
    ready.set()
    time.sleep(600)  # serves from its own thread until the benchmark terminates this process


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


async def queue_mails(path: Path, n: int) -> None:
    await open_database(f'sqlite://{path}')
    await ensure_demo_shop(admin_email='owner@bench.example', admin_password='bench password 123')
    shop = await default_shop()
    await Shop.filter(id=shop.id).update(email='', order_mail_recipients=[])  # only the customer's mail
    await AdminUser.all().update(receives_order_mails=False)
    await Product.all().update(stock=10**9)
    shop = await default_shop()
    products = [p.id for p in await Product.all().order_by('id').limit(3)]
    for _ in range(n):
        await place_order(shop=shop, form=parse_checkout({
            'name': 'Bench Customer', 'email': 'bench@example.com', 'street': 'Kerkstraat 1', 'postal_code': '9000',
            'city': 'Gent', 'lines': [{'product_id': pid, 'quantity': 1} for pid in products],
            'idempotency_key': secrets.token_urlsafe(18)}))
    assert await OutboxMessage.filter(channel='mail').count() == n


async def deliver(port: int, n: int, done) -> tuple[float, float, float]:
    """Seconds until the last mail arrived and until all were recorded, and the CPU seconds this process used."""
    transport = SmtpTransport(SmtpServer('127.0.0.1', port, security='none'))
    handler = MailHandler(transport=transport, renderer=MailRenderer(base_url='https://shop.example',
                                                                     mail_from='shop@bench.example'))
    dispatcher = OutboxDispatcher([handler], slot='bench:1', poll_seconds=0.2)
    start_wall, start, cpu = time.time(), time.perf_counter(), time.process_time()
    await dispatcher.start()
    while not done.qsize():
        await asyncio.sleep(0.005)
    last_arrived = done.get() - start_wall
    while await OutboxMessage.filter(channel='mail', state=OutboxState.DELIVERED).count() < n:
        await asyncio.sleep(0.01)
    all_recorded, cpu = time.perf_counter() - start, time.process_time() - cpu
    await dispatcher.stop()
    return last_arrived, all_recorded, cpu


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    port = free_port()
    ready, done = multiprocessing.Event(), multiprocessing.Queue()
    server = multiprocessing.Process(target=smtp_server, args=(port, n, ready, done), daemon=True)
    server.start()
    ready.wait(10)
    with tempfile.TemporaryDirectory() as folder:
        async def run() -> tuple[float, float, float]:
            await queue_mails(Path(folder) / 'bench.sqlite3', n)
            try:
                return await deliver(port, n, done)
            finally:
                await Tortoise.close_connections()
        last_arrived, all_recorded, cpu = asyncio.run(run())
    server.terminate()
    rate = n / last_arrived
    print(f'mails: {n} customer confirmations (HTML + text), SMTP to aiosmtpd on 127.0.0.1 in another process')
    print(f'last mail arrived after: {last_arrived:6.2f} s')
    print(f'all recorded delivered:  {all_recorded:6.2f} s')
    print(f'CPU of this process:     {cpu:6.2f} s ({cpu / n * 1000:.1f} ms per mail: render, send, record)')
    print(f'throughput: {rate:8.0f} mails/s (goal >= {GOAL}: {"met" if rate >= GOAL else "NOT met"}; '
          f'ratio/goal = {rate / GOAL:.2f})')


if __name__ == '__main__':
    main()
