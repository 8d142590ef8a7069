"""kill -9 in the middle of delivery: after a restart every mail has arrived, at most the ones in flight at the kill
came twice, and a mail sent twice is recognisable.

The app runs as `python main.py` in a subprocess against a SQLite file, sending to a real SMTP server (aiosmtpd).
"""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from domain.checkout import place_order
from domain.models import OutboxMessage, OutboxState, Product
from integrations.mail.handler import MailHandler
from integrations.outbox_dispatcher import UNSTORED_PER_BATCH
from tests.integration.conftest import BASE_URL, MAIL_FROM
from tests.integration.test_place_order import checkout
from tests.mail_catcher import MailCatcher, free_port

ROOT = Path(__file__).resolve().parents[2]
ORDERS = 200
MAIL_CONNECTIONS = MailHandler(transport=None, renderer=None).concurrency  # the app's
# on each connection: the mail being sent, and those sent whose outcome is being written
IN_FLIGHT = MAIL_CONNECTIONS * (1 + UNSTORED_PER_BATCH)


def start_app(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open('ab') as output:
        return subprocess.Popen([sys.executable, 'main.py'], cwd=ROOT, env=env, stdout=output,
                                stderr=subprocess.STDOUT)


async def until(condition, seconds: float, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f'{what} within {seconds} s\n' + '\n'.join(p.read_text() for p in logs))
        await asyncio.sleep(0.01)


async def test_kill_9_mid_delivery_loses_no_mail_and_a_repeated_mail_keeps_its_message_id(shop, database_url,
                                                                                          tmp_path):
    await Product.filter(shop_id=shop.id).update(stock=10**6)
    product = await Product.get(shop_id=shop.id, sku='FLT-100')
    for _ in range(ORDERS):
        await place_order(shop=shop, form=checkout((product.id, 1)))
    expected = dict(await OutboxMessage.filter(channel='mail').values_list('event_id', 'recipient'))
    assert len(expected) == 3 * ORDERS  # customer, owner and the shop's address

    catcher = MailCatcher()
    catcher.delay = 0.005  # a little time per mail, so that there is a middle to kill the app in
    # and some between keeping a mail and saying so: at the kill, mails in flight have arrived, unbeknown to the app
    catcher.reply_delay = 0.005
    catcher.start()
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(('NICEGUI_', 'PYTEST_', 'ORDERLY_'))}
    env |= {'ORDERLY_DATABASE_URL': database_url, 'ORDERLY_DATA_DIR': str(tmp_path / 'app'),
            'ORDERLY_PORT': str(free_port()), 'ORDERLY_BASE_URL': BASE_URL, 'ORDERLY_SMTP_HOST': '127.0.0.1',
            'ORDERLY_SMTP_PORT': str(catcher.port), 'ORDERLY_SMTP_SECURITY': 'none', 'ORDERLY_MAIL_FROM': MAIL_FROM,
            'ORDERLY_ADMIN_PASSWORD': 'not used: the shop exists'}
    logs = [tmp_path / 'first.log', tmp_path / 'second.log']
    apps: list[subprocess.Popen] = []
    try:
        apps.append(start_app(env, logs[0]))
        killed_after = ORDERS + 30  # in the middle of a batch (50 per connection)
        await until(lambda: len(catcher.received) >= killed_after, 30, 'the first mails did not arrive', logs)
        apps[0].kill()  # SIGKILL: no shutdown, leases and unrecorded sends stay as they are
        apps[0].wait(5)
        before_restart = len(catcher.received)
        assert before_restart < len(expected), 'the app finished before it could be killed'

        apps.append(start_app(env, logs[1]))

        expected_ids = {f'{event_id}@{MAIL_FROM.split("@")[1]}' for event_id in expected}
        await until(lambda: expected_ids <= catcher.message_ids, 40, 'not every mail arrived after the restart', logs)
        apps[1].terminate()  # a clean stop: deliveries in flight finish and are recorded
        assert apps[1].wait(15) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal after its shutdown
        assert 'Traceback' not in logs[1].read_text() and ' ERROR ' not in logs[1].read_text()
    finally:
        for app in apps:
            if app.poll() is None:
                app.kill()
        catcher.stop()

    by_message_id: dict[str, list] = defaultdict(list)
    for received in catcher.received:
        by_message_id[received.message_id].append(received)
    assert len(by_message_id) == len(expected)
    for message_id, copies in by_message_id.items():
        event_id = message_id.split('@')[0]
        assert {tuple(copy.recipients) for copy in copies} == {(expected[event_id],)}
        assert len({copy.message['Subject'] for copy in copies}) == 1
    repeated = sum(len(copies) - 1 for copies in by_message_id.values())
    # each outcome is recorded as its mail is accepted: only the mails in flight at the kill come again, not the
    # rest of their batches (up to 50 each: 16 of 16 did before)
    assert 0 < repeated <= IN_FLIGHT
    assert await OutboxMessage.filter(channel='mail').exclude(state=OutboxState.DELIVERED).count() == 0
    assert await OutboxMessage.filter(channel='mail').exclude(leased_by='').count() == 0
    print(f'{before_restart} mails before kill -9, {len(expected)} expected, {repeated} sent twice after the restart')
