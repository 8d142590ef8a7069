"""The outbox dispatcher against a real SMTP server (aiosmtpd) and a real SQLite file: claims, leases, retries."""

import asyncio
from datetime import UTC, datetime, timedelta

from domain.checkout import place_order
from domain.events import DeliveriesRecorded, OutboxQueued, hub
from domain.mailbox import kept_mail, mailbox_page
from domain.models import LogEntry, MailboxMail, OutboxMessage, OutboxState
from domain.order_deletion import delete_order
from domain.outbox_delivery import (
    MAX_ATTEMPTS,
    Delivered,
    claim_due,
    release_leases,
    retry_all,
    retry_now,
    troubled_messages,
)
from integrations.mail.handler import MailHandler
from integrations.mail.mailbox import DatabaseMailbox
from integrations.mail.render import MailRenderer
from integrations.outbox_dispatcher import OutboxDispatcher
from tests.integration.conftest import BASE_URL, smtp_dispatcher
from tests.integration.test_place_order import checkout, product
from tests.mail_catcher import MailCatcher, free_port

CUSTOMER, OWNER, SHOP = 'ann@example.com', 'owner@demo-shop.example', 'orders@demo-shop.example'


async def an_order(shop, *, is_test: bool = False):
    return await place_order(shop=shop, form=checkout(((await product(shop, 'FLT-100')).id, 1)), is_test=is_test)


async def mail_rows(order_id: int) -> dict[str, OutboxMessage]:
    return {row.recipient: row for row in await OutboxMessage.filter(order_id=order_id, channel='mail')}


async def eventually(condition, seconds: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await condition():
        assert asyncio.get_running_loop().time() < deadline, 'condition not met in time'
        await asyncio.sleep(0.05)


async def test_order_mails_are_sent_and_each_attempt_is_in_the_order_history(shop, catcher, dispatcher):
    placed = await an_order(shop)
    assert await dispatcher.deliver_due() == 3
    assert sorted(r for m in catcher.received for r in m.recipients) == sorted([CUSTOMER, OWNER, SHOP])
    rows = await mail_rows(placed.id)
    assert {(row.state, row.attempts, row.leased_by) for row in rows.values()} == {(OutboxState.DELIVERED, 1, '')}
    assert all(row.delivered_at for row in rows.values())
    history = await LogEntry.filter(order_id=placed.id, kind='delivery.sent').values_list('message', flat=True)
    assert sorted(history) == sorted([f'Confirmation mail sent to {CUSTOMER}', f'New-order mail sent to {OWNER}',
                                      f'New-order mail sent to {SHOP}'])


async def test_channels_without_a_handler_stay_pending_and_untouched(shop, dispatcher):
    placed = await an_order(shop)
    await dispatcher.deliver_due()
    others = await OutboxMessage.filter(order_id=placed.id).exclude(channel='mail')
    assert 'push' in {row.channel for row in others}
    assert {(row.state, row.attempts, row.leased_by, row.lease_expires_at, row.last_error) for row in others} == {
        (OutboxState.PENDING, 0, '', None, '')}


async def test_a_handler_registers_for_its_own_channel_and_sees_only_its_rows(shop):
    class PushHandler:
        channel, batch_size, concurrency = 'push', 10, 1

        def __init__(self) -> None:
            self.seen: list[str] = []

        async def deliver(self, messages):
            self.seen.extend(m.channel for m in messages)
            return [Delivered()] * len(messages)

    placed = await an_order(shop)
    push_handler = PushHandler()
    assert await OutboxDispatcher([push_handler]).deliver_due() == 1
    assert push_handler.seen == ['push']
    push = await OutboxMessage.get(order_id=placed.id, channel='push')
    assert push.state is OutboxState.DELIVERED
    assert await OutboxMessage.filter(order_id=placed.id, channel='mail', state=OutboxState.PENDING).count() == 3


async def test_mails_arrive_after_the_smtp_server_comes_back(shop):
    catcher = MailCatcher()  # not listening yet: the server is down
    dispatcher = smtp_dispatcher(catcher.port, poll_seconds=0.2)
    unsubscribe = hub.subscribe(OutboxQueued, dispatcher.wake)
    await dispatcher.start()
    try:
        placed = await an_order(shop)

        async def all_failed_once() -> bool:
            rows = await mail_rows(placed.id)
            return len(rows) == 3 and all(row.attempts == 1 for row in rows.values())
        await eventually(all_failed_once)
        row = (await mail_rows(placed.id))[CUSTOMER]
        assert row.state is OutboxState.PENDING
        assert row.last_error == f'connection refused by 127.0.0.1:{catcher.port}'
        assert timedelta(seconds=3.9) <= row.next_attempt_at - datetime.now(UTC) <= timedelta(seconds=6)
        failure = await LogEntry.get(order_id=placed.id, kind='delivery.failed', message__contains=CUSTOMER)
        assert failure.message.startswith(f'Confirmation mail to {CUSTOMER} failed: connection refused by ')
        assert ', retry at ' not in failure.message and '; retry at ' in failure.message
        catcher.start()  # the server is back
        await catcher.wait_for(3, seconds=10)
        await eventually(lambda: _all_delivered(placed.id))
        assert {row.attempts for row in (await mail_rows(placed.id)).values()} == {2}
    finally:
        unsubscribe()
        await dispatcher.stop()
        catcher.stop()


async def _all_delivered(order_id: int) -> bool:
    return all(row.state is OutboxState.DELIVERED for row in (await mail_rows(order_id)).values())


async def test_a_permanent_refusal_stops_retrying_and_shows_why(shop, catcher, dispatcher):
    catcher.refuse[CUSTOMER] = '550 5.1.1 <ann@example.com>: mailbox unavailable'
    placed = await an_order(shop)
    await dispatcher.deliver_due()
    rows = await mail_rows(placed.id)
    assert rows[CUSTOMER].state is OutboxState.DEAD
    assert rows[CUSTOMER].last_error == \
        'Refused: 550 5.1.1 <ann@example.com>: mailbox unavailable; not retried'
    assert rows[OWNER].state is rows[SHOP].state is OutboxState.DELIVERED  # the same connection went on
    assert await dispatcher.deliver_due() == 0
    entry = await LogEntry.get(order_id=placed.id, kind='delivery.dead')
    assert entry.message == f'Confirmation mail to {CUSTOMER} refused: 550 5.1.1 <ann@example.com>: ' \
                            'mailbox unavailable; not retried'
    listed, total = await troubled_messages(shop.id)
    assert [m.id for m in listed] == [rows[CUSTOMER].id] and total == 1


async def test_a_temporary_refusal_is_retried_later(shop, catcher, dispatcher):
    catcher.refuse[CUSTOMER] = '451 4.7.1 greylisted, try again later'
    placed = await an_order(shop)
    await dispatcher.deliver_due()
    row = (await mail_rows(placed.id))[CUSTOMER]
    assert (row.state, row.attempts) == (OutboxState.PENDING, 1)
    assert row.last_error == '451 4.7.1 greylisted, try again later'
    assert row.next_attempt_at > datetime.now(UTC)


async def test_a_message_failing_for_about_three_days_is_given_up(shop, dispatcher):
    placed = await an_order(shop)
    await OutboxMessage.filter(order_id=placed.id, recipient=CUSTOMER).update(attempts=MAX_ATTEMPTS - 1)
    down = smtp_dispatcher(free_port())
    await down.deliver_due()
    row = (await mail_rows(placed.id))[CUSTOMER]
    assert (row.state, row.attempts) == (OutboxState.DEAD, MAX_ATTEMPTS)
    assert row.last_error.startswith('Failed: connection refused')
    assert row.last_error.endswith('; given up after 19 attempts')


async def test_retry_now_puts_a_given_up_message_back_with_a_fresh_schedule(shop, catcher, dispatcher):
    catcher.refuse[CUSTOMER] = '550 no such user'
    placed = await an_order(shop)
    await dispatcher.deliver_due()
    dead = (await mail_rows(placed.id))[CUSTOMER]
    catcher.refuse.clear()  # the merchant fixed the address at the mail provider
    await retry_now(shop_id=shop.id, message_id=dead.id, actor=OWNER)
    row = await OutboxMessage.get(id=dead.id)
    assert (row.state, row.attempts) == (OutboxState.PENDING, 0)
    assert await LogEntry.filter(order_id=placed.id, kind='delivery.retry', actor=OWNER).count() == 1
    assert await dispatcher.deliver_due() == 1
    assert (await OutboxMessage.get(id=dead.id)).state is OutboxState.DELIVERED
    assert len(catcher.to(CUSTOMER)) == 1
    assert await retry_all(shop_id=shop.id, actor=OWNER) == 0


async def test_a_lease_held_by_another_worker_is_not_taken_but_an_expired_one_is(shop, catcher, dispatcher):
    placed = await an_order(shop)
    rows = await mail_rows(placed.id)
    now = datetime.now(UTC)
    await OutboxMessage.filter(id=rows[CUSTOMER].id).update(leased_by='other:1/7', lease_expires_at=now + timedelta(
        seconds=30))
    await OutboxMessage.filter(id=rows[OWNER].id).update(leased_by='crashed:1/8', lease_expires_at=now - timedelta(
        seconds=1))
    assert await dispatcher.deliver_due() == 2
    assert sorted(r for m in catcher.received for r in m.recipients) == sorted([OWNER, SHOP])
    held = await OutboxMessage.get(id=rows[CUSTOMER].id)
    assert (held.state, held.attempts, held.leased_by) == (OutboxState.PENDING, 0, 'other:1/7')


async def test_concurrent_workers_never_claim_the_same_row(shop):
    for _ in range(4):
        await an_order(shop)
    claims = await asyncio.gather(*(claim_due(worker=f'w:{n}/1', channels=['mail'], limit=3) for n in range(6)))
    claimed = [m.id for batch in claims for m in batch]
    assert len(claimed) == len(set(claimed)) == 12
    assert await claim_due(worker='late:1/1', channels=['mail'], limit=10) == []


async def test_a_restart_in_the_same_slot_takes_back_the_leases_of_its_dead_run(shop):
    placed = await an_order(shop)
    rows = await mail_rows(placed.id)
    later = datetime.now(UTC) + timedelta(seconds=60)
    await OutboxMessage.filter(id=rows[CUSTOMER].id).update(leased_by='host:8080/111-aaaaaa', lease_expires_at=later)
    await OutboxMessage.filter(id=rows[OWNER].id).update(leased_by='host:8081/222-bbbbbb', lease_expires_at=later)
    restarted = OutboxDispatcher([], slot='host:8080')
    await restarted.start()
    await restarted.stop()
    assert (await OutboxMessage.get(id=rows[CUSTOMER].id)).lease_expires_at is None  # its own dead run's
    assert (await OutboxMessage.get(id=rows[OWNER].id)).leased_by == 'host:8081/222-bbbbbb'  # another live process
    assert await release_leases(worker='host:8081/222-bbbbbb') == 1


async def test_the_dispatcher_wakes_on_new_rows_and_announces_outcomes(shop, catcher):
    dispatcher = smtp_dispatcher(catcher.port, poll_seconds=60)  # only the wake-up can be quick
    recorded: list[DeliveriesRecorded] = []
    unsubscribe = [hub.subscribe(OutboxQueued, dispatcher.wake), hub.subscribe(DeliveriesRecorded, recorded.append)]
    await dispatcher.start()
    try:
        placed = await an_order(shop)
        await catcher.wait_for(3, seconds=5)
        await eventually(lambda: _all_delivered(placed.id), seconds=5)
    finally:
        for stop in unsubscribe:
            stop()
        await dispatcher.stop()
    assert sum(event.delivered for event in recorded) == 3
    assert {event.order_ids for event in recorded} == {frozenset({placed.id})}
    assert await OutboxMessage.filter(leased_by=dispatcher.worker).count() == 0


async def test_a_mail_of_a_deleted_order_is_given_up_with_the_reason(shop, dispatcher, catcher):
    placed = await an_order(shop, is_test=True)
    await delete_order(shop_id=shop.id, order_id=placed.id, typed_code='', actor=OWNER)
    await dispatcher.deliver_due()
    rows = await OutboxMessage.filter(order_code=placed.code, channel='mail')
    assert {row.state for row in rows} == {OutboxState.DEAD} and len(rows) == 3
    assert rows[0].last_error == 'Refused: the order was deleted before this mail went out; not retried'
    entries = await LogEntry.filter(order_code=placed.code, kind='delivery.dead')
    assert len(entries) == 3 and {entry.order_id for entry in entries} == {None}
    assert catcher.received == []


async def test_without_smtp_mails_are_kept_in_the_mailbox_once(shop):
    handler = MailHandler(transport=DatabaseMailbox(), renderer=MailRenderer(base_url=BASE_URL))
    dispatcher = OutboxDispatcher([handler])
    placed = await an_order(shop)
    assert await dispatcher.deliver_due() == 3
    customer = (await mail_rows(placed.id))[CUSTOMER]
    await OutboxMessage.filter(id=customer.id).update(state=OutboxState.PENDING)  # as after a crash
    assert await dispatcher.deliver_due() == 1
    mails, total = await mailbox_page(shop.id)
    assert total == 3 == await MailboxMail.all().count()
    confirmation = next(m for m in mails if m.recipient == CUSTOMER)
    assert confirmation.subject == f'Your order {placed.code} at Demo shop' and confirmation.order_code == placed.code
    kept = await kept_mail(shop.id, confirmation.id)
    assert kept.headers['Message-ID'] == f'<{customer.event_id}@demo-shop.example>'
    assert f'{BASE_URL}/order/{placed.token}' in kept.html and placed.code in kept.text
    entry = await LogEntry.filter(order_id=placed.id, kind='delivery.sent', message__contains=CUSTOMER).first()
    assert entry.message == f'Confirmation mail to {CUSTOMER} kept in Settings > Mailbox (no SMTP server is set up)'
