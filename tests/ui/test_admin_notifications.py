"""Settings > Notifications with NiceGUI's simulated User: enable on this device, test, remove, choose events.

The simulated browser has no push service: the page's scripts are answered by a fake browser whose subscription
points at the loopback push service, so "Send test notification" goes all the way through the app's outbox.
"""

import re

import pytest
from nicegui.testing import User

from domain.admins import add_admin
from domain.catalogue import default_shop
from domain.models import AdminRole, PushPreferences, PushSubscription
from tests.push_service import PushService
from tests.ui.test_admin_orders import eventually, sign_in

PIXEL = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile ' \
        'Safari/537.36'


@pytest.fixture
def push_service():
    service = PushService().start()
    yield service
    service.stop()


def browser_with_push(user: User, service: PushService, *, permission: str = 'default') -> None:
    """Answer the page's scripts as a browser that supports push and subscribes at the loopback service."""
    user.javascript_rules[re.compile(r'/\* orderly:push-state \*/')] = \
        lambda _: {'supported': True, 'permission': permission, 'endpoint': None}
    user.javascript_rules[re.compile(r'/\* orderly:push-subscribe \*/')] = \
        lambda _: {'subscription': service.subscribe('pixel'), 'userAgent': PIXEL}


async def test_admin_enables_tests_and_removes_notifications_on_this_device(user: User, push_service):
    browser_with_push(user, push_service)
    await sign_in(user)
    await user.open('/admin/settings/notifications')
    await user.should_see('This device gets no notifications from Orderly yet.')
    await user.should_see(marker='no-devices')

    user.find(marker='enable-push').click()
    await user.should_see('Chrome on Android')
    await user.should_see('this device')
    device = await PushSubscription.get()
    assert device.endpoint == f'{push_service.origin}/push/pixel'

    user.find(marker=f'test-{device.id}').click()
    [push] = await push_service.wait_for(1)
    assert push.payload['title'] == 'Orderly test notification'
    assert push.payload['body'] == 'Notifications reach Chrome on Android.'
    assert push.claims['aud'] == push_service.origin
    await user.should_see('last notification', retries=50)  # the list follows the delivery

    user.find(marker=f'remove-{device.id}').click()
    await user.should_see(marker='no-devices')
    assert not await PushSubscription.exists()


async def test_admin_names_the_device_and_chooses_events(user: User, push_service):
    browser_with_push(user, push_service)
    await sign_in(user)
    await user.open('/admin/settings/notifications')
    user.find(marker='device-label').type('Shop counter tablet')
    user.find(marker='enable-push').click()
    await user.should_see('Shop counter tablet')
    user.find(marker='event-order.created').click()  # off
    await user.should_see('Saved: no notifications.')
    assert (await PushPreferences.get()).events == []


async def test_a_blocked_browser_says_how_to_allow_notifications(user: User, push_service):
    browser_with_push(user, push_service, permission='denied')
    user.javascript_rules[re.compile(r'/\* orderly:push-subscribe \*/')] = lambda _: {'error': 'denied'}
    await sign_in(user)
    await user.open('/admin/settings/notifications')
    await user.should_see('Notifications are blocked for this site.')
    user.find(marker='enable-push').click()
    await eventually(lambda: any('blocked' in message for message in user.notify.messages))
    assert not await PushSubscription.exists()


async def test_employees_have_notifications_too(user: User, push_service):
    browser_with_push(user, push_service)
    await add_admin(shop=await default_shop(), email='sam@demo-shop.example', password='a long enough password',
                    role=AdminRole.EMPLOYEE)
    await sign_in(user, 'sam@demo-shop.example', 'a long enough password')
    await user.should_see('Notifications')  # in the menu, under Settings
    await user.should_not_see('Administrators')
    await user.open('/admin/settings/notifications')
    user.find(marker='enable-push').click()
    await user.should_see('Chrome on Android')
    assert (await PushSubscription.get().prefetch_related('admin')).admin.email == 'sam@demo-shop.example'
