"""Web Push rules without network or database: how a fan-out to devices ends, what a notification says, and
what a device is called."""

from types import SimpleNamespace

import pytest

from domain.models import OutboxMessage
from domain.outbox_delivery import Delivered, PermanentFailure, TemporaryFailure
from domain.push_subscriptions import TEST_EVENT, device_label
from integrations.push.handler import GONE, REFUSED, RETRY, SENT, DeviceResult, Round
from integrations.push.notification import UnknownNotification, notification_for


def round_with(*results: str, already: int = 0) -> Round:
    devices = [SimpleNamespace(id=n) for n, _ in enumerate(results)]
    return Round(message=None, notification=None, signer=None, subject='', targets=devices, already=already,
                 results=[DeviceResult(device, result, f'{result} error') for device, result in
                          zip(devices, results, strict=True)])


@pytest.mark.parametrize(('results', 'already', 'outcome'), [
    ((SENT, SENT), 0, Delivered('sent to 2 devices')),
    ((SENT, GONE), 0, Delivered('sent to 1 device; 1 device removed (unsubscribed in the browser)')),
    ((GONE,), 0, Delivered('not sent: 1 device removed (unsubscribed in the browser)')),
    ((), 0, Delivered('not sent: no device has notifications on (Settings > Notifications)')),
    ((SENT,), 1, Delivered('sent to 2 devices')),  # one took it on an earlier attempt
    ((SENT, RETRY), 0, TemporaryFailure('1 device not reached (retry error); sent to 1 device')),
    ((RETRY, GONE, REFUSED), 0, TemporaryFailure('1 device not reached (retry error)')),
    ((REFUSED,), 0, PermanentFailure('refused for 1 device: refused error')),
    ((REFUSED, SENT), 0, Delivered('sent to 1 device; refused for 1 device: refused error')),
])
def test_a_fan_out_ends_by_what_its_devices_answered(results, already, outcome):
    assert round_with(*results, already=already).outcome() == outcome


def test_a_new_order_notification_names_the_order_customer_and_total():
    message = OutboxMessage(channel='push', event='order.created', template='new_order', payload={
        'order_code': 'DEMO-1001-HK', 'customer_name': 'Ann Peeters', 'total': '1234.50', 'currency': 'EUR',
        'is_test': False})
    notification = notification_for(message)
    assert notification.payload['title'] == 'New order DEMO-1001-HK'
    assert notification.payload['body'] == 'Ann Peeters · € 1,234.50'
    assert notification.payload['data']['url'] == '/admin/orders/DEMO-1001-HK'
    assert (notification.ttl, notification.urgency) == (86400, 'high')


def test_a_test_notification_names_the_device():
    message = OutboxMessage(channel='push', event=TEST_EVENT, template='test', recipient='Chrome on Android')
    assert notification_for(message).payload['body'] == 'Notifications reach Chrome on Android.'


def test_an_event_without_wording_is_not_pushed():
    with pytest.raises(UnknownNotification):
        notification_for(OutboxMessage(channel='push', event='order.deleted', template='', payload={}))


@pytest.mark.parametrize(('user_agent', 'label'), [
    ('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile '
     'Safari/537.36', 'Chrome on Android'),
    ('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 '
     'Mobile/15E148 Safari/604.1', 'Safari on iPhone'),
    ('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36 '
     'Edg/130.0', 'Edge on Windows'),
    ('Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:131.0) Gecko/20100101 Firefox/131.0', 'Firefox on Mac'),
    ('', 'Browser'),
])
def test_a_device_is_named_after_its_browser(user_agent, label):
    assert device_label(user_agent) == label
