"""Settings > API PUSH with NiceGUI's simulated User, the app's own dispatcher and a real loopback receiver."""

import asyncio

import pytest
from nicegui import ui
from nicegui.testing import User
from standardwebhooks import Webhook

from domain import admin_auth
from domain.admins import add_admin
from domain.catalogue import default_shop
from domain.models import AdminRole, WebhookDelivery, WebhookEndpoint
from tests.ui.test_admin_orders import eventually, sign_in
from tests.webhook_receiver import WebhookReceiver


@pytest.fixture(autouse=True)
def no_slow_answers(monkeypatch):
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)


@pytest.fixture
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.stop()


def element(user: User, marker: str) -> ui.element:
    return user.find(marker=marker).elements.pop()


async def logged_attempt(endpoint_id: int) -> WebhookDelivery:
    """The endpoint's first logged attempt: written just after the receiver answered."""
    for _ in range(200):
        if delivery := await WebhookDelivery.get_or_none(endpoint_id=endpoint_id):
            return delivery
        await asyncio.sleep(0.05)
    raise AssertionError('no attempt logged')


async def open_api_push(user: User) -> None:
    await sign_in(user)
    await user.open('/admin/settings/api-push')
    await user.should_see(marker='add-endpoint', retries=50)


async def test_owner_adds_an_endpoint_sees_its_secret_once_and_a_test_event_arrives(user: User, receiver):
    await open_api_push(user)
    await user.should_see(marker='no-endpoints')
    user.find(marker='add-endpoint').click()
    await user.should_see('Add an endpoint', retries=50)  # the handler checks the session first
    user.find(marker='url').type(receiver.url())
    user.find(marker='description').type('Cash register')
    user.find(marker='allow-local').click()
    user.find(marker='save-endpoint').click()
    await user.should_see(marker='secret', retries=100)
    secret = element(user, 'secret').value
    assert secret.startswith('whsec_')
    endpoint = await WebhookEndpoint.get()
    assert (endpoint.description, endpoint.url, endpoint.enabled) == ('Cash register', receiver.url(), True)
    user.find(marker='secret-done').click()
    await user.should_not_see(marker='secret')
    await user.should_see('Cash register')

    user.find(marker=f'test-{endpoint.id}').click()
    await user.should_see('Test event queued', retries=100)
    await eventually(lambda: receiver.delivered(), seconds=10)
    body = Webhook(secret).verify(receiver.requests[0].body, receiver.requests[0].headers)
    assert body['type'] == 'webhook.test'
    delivery = await logged_attempt(endpoint.id)
    await user.should_see(marker=f'delivery-{delivery.id}', retries=200)  # the log follows the delivery live
    await user.should_see('webhook.test · attempt 1')

    user.find(marker=f'redeliver-{delivery.id}').click()
    await eventually(lambda: len(receiver.delivered()) == 2, seconds=10)
    assert receiver.requests[1].webhook_id == receiver.requests[0].webhook_id


async def test_a_link_local_url_is_refused_next_to_the_field(user: User):
    await open_api_push(user)
    user.find(marker='add-endpoint').click()
    await user.should_see('Add an endpoint', retries=50)  # the handler checks the session first
    user.find(marker='url').type('http://169.254.169.254/latest/meta-data/')
    user.find(marker='allow-local').click()
    user.find(marker='save-endpoint').click()
    await user.should_see('link-local', retries=50)
    assert 'link-local' in element(user, 'url').error
    assert await WebhookEndpoint.all().count() == 0


async def test_rotating_the_secret_shows_the_new_one_once_and_deleting_the_endpoint(user: User, receiver):
    await open_api_push(user)
    user.find(marker='add-endpoint').click()
    await user.should_see('Add an endpoint', retries=50)  # the handler checks the session first
    user.find(marker='url').type(receiver.url())
    user.find(marker='allow-local').click()
    user.find(marker='save-endpoint').click()
    await user.should_see(marker='secret', retries=100)
    first = element(user, 'secret').value
    user.find(marker='secret-done').click()
    await user.should_not_see(marker='secret')
    endpoint = await WebhookEndpoint.get()
    user.find(marker=f'rotate-{endpoint.id}').click()
    await user.should_see('signed with both the old and the new secret', retries=50)
    user.find(marker='confirm-rotate').click()
    await user.should_see(marker='secret', retries=100)
    second = element(user, 'secret').value
    assert second != first and second.startswith('whsec_')
    endpoint = await WebhookEndpoint.get()
    assert (endpoint.secret, endpoint.previous_secret) == (second, first)
    user.find(marker='secret-done').click()
    user.find(marker=f'delete-{endpoint.id}').click()
    await user.should_see('and its delivery log?', retries=50)
    user.find(marker='confirm-delete').click()
    await user.should_see(marker='no-endpoints', retries=50)
    assert await WebhookEndpoint.all().count() == 0


async def test_employees_cannot_open_api_push(user: User):
    shop = await default_shop()
    await add_admin(shop=shop, email='emp@demo-shop.example', password='employee password', role=AdminRole.EMPLOYEE)
    await sign_in(user, 'emp@demo-shop.example', 'employee password')
    await user.open('/admin/settings/api-push')
    await user.should_see('Only the shop owner can open this page.', retries=50)
    await user.should_not_see(marker='add-endpoint')
