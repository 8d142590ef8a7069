"""Web Push against a real push service on loopback: what the admins' devices receive, decrypted as a browser
does, with the VAPID signature checked; gone subscriptions, retries, preferences, and the shop's keys."""

import time
from datetime import UTC, datetime

import pytest

from config import Settings
from domain.admins import add_admin
from domain.checkout import place_order
from domain.models import AdminRole, AdminUser, LogEntry, OutboxMessage, OutboxState, PushSubscription, VapidKeys
from domain.push_subscriptions import (
    InvalidSubscription,
    b64encode,
    parse_browser_subscription,
    queue_test_notification,
    remove_device,
    save_push_preferences,
    save_subscription,
    vapid_keys,
    vapid_public_key,
)
from integrations.outbox_dispatcher import OutboxDispatcher
from integrations.push import ensure_vapid_keys, push_handler
from integrations.push.handler import PushHandler
from tests.conftest import ADMIN_EMAIL
from tests.integration.test_place_order import checkout, product
from tests.push_service import PushService

SHOP_ADDRESS = 'orders@demo-shop.example'


@pytest.fixture
def push_service():
    service = PushService().start()
    yield service
    service.stop()


@pytest.fixture
def dispatcher(shop) -> OutboxDispatcher:
    """The app's push handler, alone: the other channels' rows wait."""
    return OutboxDispatcher([push_handler(Settings())], slot='test:push')


async def owner() -> AdminUser:
    return await AdminUser.get(email=ADMIN_EMAIL)


async def subscribe(service: PushService, admin: AdminUser, name: str) -> PushSubscription:
    """A fake browser subscribes and the page stores it, as Settings > Notifications does."""
    return await save_subscription(shop_id=admin.shop_id, admin_id=admin.id, label=name, actor=admin.email,
                                   subscription=parse_browser_subscription(service.subscribe(name)))


async def an_order(shop):
    return await place_order(shop=shop, form=checkout(((await product(shop, 'FLT-100')).id, 2)))


async def push_row(order_id: int) -> OutboxMessage:
    return await OutboxMessage.get(order_id=order_id, channel='push')


async def history(order_id: int) -> list[str]:
    entries = await LogEntry.filter(order_id=order_id, kind__startswith='delivery.').order_by('id')
    return [entry.message for entry in entries if entry.data.get('channel') == 'push']


async def test_a_new_order_reaches_every_device_encrypted_and_signed(shop, push_service, dispatcher):
    admin = await owner()
    await subscribe(push_service, admin, 'phone')
    await subscribe(push_service, admin, 'laptop')
    placed = await an_order(shop)
    before = time.time()
    assert await dispatcher.deliver_due() == 1
    pushes = await push_service.wait_for(2)
    assert sorted(push.device for push in pushes) == ['laptop', 'phone'] and not push_service.refused
    for push in pushes:
        assert push.payload == {
            'title': f'New order {placed.code}', 'body': 'Ann Peeters · € 20.85',
            'icon': '/static/icons/icon-192.png', 'badge': '/static/icons/badge-96.png', 'tag': f'order-{placed.code}',
            'data': {'url': f'/admin/orders/{placed.code}', 'order_code': placed.code, 'total': '20.85',
                     'currency': 'EUR'}}
        assert push.claims['aud'] == push_service.origin
        assert before < push.claims['exp'] <= time.time() + 24 * 3600
        assert push.claims['sub'] == f'mailto:{SHOP_ADDRESS}'
        assert push.vapid_key == await vapid_public_key(shop.id)
        assert (push.headers['urgency'], push.headers['ttl'], push.headers['topic']) == \
            ('high', '86400', f'order-{placed.code}')
    row = await push_row(placed.id)
    assert (row.state, row.attempts) == (OutboxState.DELIVERED, 1)
    assert await history(placed.id) == ['New-order push sent to 2 devices']
    assert all(d.last_success_at and d.last_event_id == row.event_id for d in await PushSubscription.all())


async def test_the_payload_carries_the_order_total_as_the_shop_wrote_it(shop, push_service, dispatcher):
    await subscribe(push_service, await owner(), 'phone')
    placed = await place_order(shop=shop, form=checkout(((await product(shop, 'FLT-100')).id, 1)), is_test=True)
    await dispatcher.deliver_due()
    [push] = await push_service.wait_for(1)
    assert push.payload['title'] == f'New test order {placed.code}'
    assert push.payload['data']['total'] == str(placed.total)


@pytest.mark.parametrize('status', [410, 404])
async def test_a_device_whose_browser_unsubscribed_is_removed(shop, push_service, dispatcher, status):
    admin = await owner()
    await subscribe(push_service, admin, 'phone')
    gone = await subscribe(push_service, admin, 'old-laptop')
    push_service.answers['old-laptop'] = status
    placed = await an_order(shop)
    await dispatcher.deliver_due()
    assert [push.device for push in await push_service.wait_for(1)] == ['phone']
    assert not await PushSubscription.exists(id=gone.id)
    assert (await push_row(placed.id)).state is OutboxState.DELIVERED
    assert await history(placed.id) == [
        'New-order push sent to 1 device; 1 device removed (unsubscribed in the browser)']


async def test_a_push_service_that_does_not_answer_in_time_is_retried_later(shop, push_service):
    admin = await owner()
    await subscribe(push_service, admin, 'phone')
    slow = await subscribe(push_service, admin, 'tablet')
    handler = PushHandler(subject=lambda _: f'mailto:{SHOP_ADDRESS}', timeout=0.3)
    dispatcher = OutboxDispatcher([handler], slot='test:push')
    push_service.slow['tablet'] = 1.0
    placed = await an_order(shop)
    await dispatcher.deliver_due()
    row = await push_row(placed.id)
    assert (row.state, row.attempts) == (OutboxState.PENDING, 1)
    assert row.next_attempt_at > datetime.now(UTC)
    assert row.last_error == f'1 device not reached (no answer from {push_service.origin[7:]} within 0.3 s); ' \
                             'sent to 1 device'
    assert 'no answer' in (await PushSubscription.get(id=slow.id)).last_error

    push_service.slow.clear()  # the service is back; the retry comes due
    await OutboxMessage.filter(id=row.id).update(next_attempt_at=datetime.now(UTC))
    await dispatcher.deliver_due()
    assert (await push_row(placed.id)).state is OutboxState.DELIVERED
    assert len(push_service.to('phone')) == 1, 'the device that took it the first time does not get it twice'
    assert len(push_service.to('tablet')) == 1
    assert (await PushSubscription.get(id=slow.id)).last_error == ''
    assert (await history(placed.id))[-1] == 'New-order push sent to 2 devices'


@pytest.mark.parametrize('status', [429, 503])
async def test_a_busy_push_service_is_retried(shop, push_service, dispatcher, status):
    await subscribe(push_service, await owner(), 'phone')
    push_service.answers['phone'] = status
    placed = await an_order(shop)
    await dispatcher.deliver_due()
    row = await push_row(placed.id)
    assert (row.state, row.attempts) == (OutboxState.PENDING, 1)
    assert row.last_error.startswith(f'1 device not reached ({status} ')


async def test_a_refusal_by_every_device_is_given_up(shop, push_service, dispatcher):
    await subscribe(push_service, await owner(), 'phone')
    push_service.answers['phone'] = 403  # e.g. a subscription made with other keys
    placed = await an_order(shop)
    await dispatcher.deliver_due()
    row = await push_row(placed.id)
    assert row.state is OutboxState.DEAD
    assert row.last_error.startswith('Refused: refused for 1 device: 403 ')


async def test_only_admins_who_want_new_orders_get_them(shop, push_service, dispatcher):
    employee = await add_admin(shop=shop, email='sam@demo-shop.example', password='a long enough password',
                               role=AdminRole.EMPLOYEE, name='Sam')
    await subscribe(push_service, await owner(), 'owner-phone')
    await subscribe(push_service, employee, 'sam-phone')
    await save_push_preferences(admin_id=(await owner()).id, events=[])
    placed = await an_order(shop)
    await dispatcher.deliver_due()
    assert [push.device for push in await push_service.wait_for(1)] == ['sam-phone']
    assert await history(placed.id) == ['New-order push sent to 1 device']


async def test_without_devices_the_push_is_done_and_says_so(shop, push_service, dispatcher):
    placed = await an_order(shop)
    await dispatcher.deliver_due()
    assert (await push_row(placed.id)).state is OutboxState.DELIVERED
    assert await history(placed.id) == ['New-order push not sent: no device has notifications on '
                                        '(Settings > Notifications)']
    assert push_service.requests == 0


async def test_a_test_notification_goes_to_that_device_only(shop, push_service, dispatcher):
    admin = await owner()
    phone = await subscribe(push_service, admin, 'phone')
    await subscribe(push_service, admin, 'laptop')
    await queue_test_notification(shop_id=shop.id, admin_id=admin.id, device_id=phone.id)
    await dispatcher.deliver_due()
    [push] = await push_service.wait_for(1)
    assert push.device == 'phone'
    assert push.payload['title'] == 'Orderly test notification'
    assert push.payload['data']['url'] == '/admin/settings/notifications'


async def test_an_admin_can_neither_remove_nor_test_another_admins_device(shop, push_service):
    employee = await add_admin(shop=shop, email='sam@demo-shop.example', password='a long enough password')
    phone = await subscribe(push_service, await owner(), 'phone')
    with pytest.raises(InvalidSubscription):
        await remove_device(shop_id=shop.id, admin_id=employee.id, device_id=phone.id, actor=employee.email)
    with pytest.raises(InvalidSubscription):
        await queue_test_notification(shop_id=shop.id, admin_id=employee.id, device_id=phone.id)
    assert await PushSubscription.exists(id=phone.id)


async def test_the_same_browser_subscribing_again_keeps_one_device(shop, push_service):
    admin = await owner()
    subscription = parse_browser_subscription(push_service.subscribe('phone'))
    first = await save_subscription(shop_id=shop.id, admin_id=admin.id, subscription=subscription, label='Phone',
                                    actor=admin.email)
    again = await save_subscription(shop_id=shop.id, admin_id=admin.id, subscription=subscription,
                                    label='  Shop   phone ', actor=admin.email)
    assert again.id == first.id and again.device_label == 'Shop phone'
    assert await PushSubscription.all().count() == 1


@pytest.mark.parametrize('sent', [
    None, {}, {'endpoint': 'ftp://push.example/x', 'keys': {'p256dh': b64encode(b'\x04' + bytes(64)),
                                                             'auth': b64encode(bytes(16))}},
    {'endpoint': 'https://push.example/x', 'keys': {'p256dh': b64encode(bytes(65)), 'auth': b64encode(bytes(16))}},
    {'endpoint': 'https://push.example/x', 'keys': {'p256dh': b64encode(b'\x04' + bytes(64)), 'auth': 'abc'}},
    {'endpoint': 'https://push.example/x', 'keys': {'p256dh': '%%%', 'auth': b64encode(bytes(16))}},
])
def test_what_the_browser_sends_is_checked_before_it_is_stored(sent):
    with pytest.raises(InvalidSubscription):
        parse_browser_subscription(sent)


async def test_the_shops_vapid_keys_are_made_once_and_kept(shop):
    await ensure_vapid_keys()
    keys = await VapidKeys.get(shop_id=shop.id)
    await ensure_vapid_keys()
    assert (await vapid_keys(shop.id)).private_key == keys.private_key
    assert await VapidKeys.all().count() == 1
    assert len(parse_browser_subscription({'endpoint': 'https://push.example/x', 'keys': {
        'p256dh': keys.public_key, 'auth': b64encode(bytes(16))}}).p256dh) == 87  # a P-256 point: 65 bytes
    assert keys.private_key not in f'{keys} {keys!r}'
