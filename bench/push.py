"""Time from a new order to its notification on 200 devices, through the outbox dispatcher and pywebpush.

200 fake browsers subscribe at a push service on loopback, in another process (as a real one would be: it must not
share this process's CPU). It checks each push's VAPID signature and decrypts it, as tests/push_service.py does.
Each round places one order with `place_order` and waits until all 200 devices have their notification.
Goal: under 1 s.
    python bench/push.py [DEVICES] [ROUNDS]
"""

import asyncio
import multiprocessing
import secrets
import statistics
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import Tortoise

from config import Settings
from domain.catalogue import default_shop
from domain.checkout import place_order
from domain.events import OutboxQueued, hub
from domain.models import AdminUser, OutboxMessage, OutboxState, Product
from domain.push_subscriptions import parse_browser_subscription, save_subscription, vapid_keys
from domain.schemas import parse_checkout
from domain.seed import ensure_demo_shop
from integrations.database import open_database
from integrations.outbox_dispatcher import OutboxDispatcher
from integrations.push import push_handler
from tests.push_service import PushService

GOAL = 1.0  # seconds
ADMIN = 'owner@bench.example'


def receiver(devices: int, pipe: Connection) -> None:
    """The push service's process: subscribe `devices` browsers, then report each time all of them got a push."""
    service = PushService().start()
    pipe.send([service.subscribe(f'device-{n}') for n in range(devices)])
    while (expected := pipe.recv()) is not None:
        while len(service.received) < expected:
            time.sleep(0.0005)
        last = max(push.at for push in service.received[-devices:])
        pipe.send((last, len(service.refused)))
    service.stop()


def form(product_id: int):
    return parse_checkout({'name': 'Bench Customer', 'email': 'bench@example.com', 'street': 'Kerkstraat 1',
                           'postal_code': '9000', 'city': 'Gent', 'lines': [{'product_id': product_id, 'quantity': 1}],
                           'idempotency_key': secrets.token_urlsafe(18)})


async def run(folder: Path, devices: int, rounds: int) -> list[float]:
    await open_database(f'sqlite://{folder / "bench.sqlite3"}')
    await ensure_demo_shop(admin_email=ADMIN, admin_password='bench password 123')
    shop = await default_shop()
    await vapid_keys(shop.id)
    admin = await AdminUser.get(email=ADMIN)
    product = await Product.filter(shop_id=shop.id).order_by('id').first()
    await Product.filter(id=product.id).update(stock=10**6)

    pipe, child_pipe = multiprocessing.Pipe()
    child = multiprocessing.get_context('spawn').Process(target=receiver, args=(devices, child_pipe), daemon=True)
    child.start()
    for subscription in await asyncio.to_thread(pipe.recv):
        await save_subscription(shop_id=shop.id, admin_id=admin.id, label='Bench phone', actor=ADMIN,
                                subscription=parse_browser_subscription(subscription))

    dispatcher = OutboxDispatcher([push_handler(Settings())], slot='bench:push')
    hub.subscribe(OutboxQueued, dispatcher.wake)  # as main.py wires it: a new order wakes the dispatcher
    await dispatcher.start()
    seconds: list[float] = []
    try:
        for round_ in range(rounds + 1):  # the first one warms up connections and caches
            pipe.send(devices * (round_ + 1))
            answer = asyncio.get_running_loop().run_in_executor(None, pipe.recv)
            start = time.monotonic()
            await place_order(shop=shop, form=form(product.id))
            last, refused = await asyncio.wait_for(answer, 60)
            assert refused == 0, f'{refused} pushes were refused by the push service'
            if round_:
                seconds.append(last - start)
        while await OutboxMessage.filter(channel='push', state=OutboxState.PENDING).exists():
            await asyncio.sleep(0.01)  # recorded too, before the database closes
        assert await OutboxMessage.filter(channel='push', state=OutboxState.DELIVERED).count() == rounds + 1
    finally:
        await dispatcher.stop()
        pipe.send(None)
        child.join(5)
        await Tortoise.close_connections()
    return seconds


def main() -> None:
    devices = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as folder:
        seconds = asyncio.run(run(Path(folder), devices, rounds))
    median = statistics.median(seconds)
    print(f'{devices} subscribed devices, 1 order per round, {rounds} rounds; push service on loopback in its own '
          f'process, checking every VAPID signature and decrypting every push')
    print('order placed -> all pushes received: ' + ', '.join(f'{s * 1000:.0f}' for s in seconds) + ' ms')
    print(f'median {median:.3f} s, worst {max(seconds):.3f} s (goal < {GOAL:g} s: '
          f'{"met" if max(seconds) < GOAL else "NOT met"}; goal/median = {GOAL / median:.1f})')


if __name__ == '__main__':
    threading.current_thread().name = 'bench'
    main()
