"""Notices to the shop's owner: API PUSH trouble (410 Gone, a delivery given up after days) mailed through the outbox
to a real SMTP server (aiosmtpd), with the endpoint at a real loopback HTTP receiver."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from domain.models import OutboxMessage, OutboxState, Shop, WebhookEndpoint
from domain.outbox_delivery import MAX_ATTEMPTS, NOTICE_TEMPLATE
from integrations.mail.handler import MailHandler
from integrations.mail.render import MailRenderer
from integrations.mail.smtp import SmtpServer, SmtpTransport
from integrations.outbox_dispatcher import OutboxDispatcher
from integrations.webhooks import WebhookHandler
from tests.integration.conftest import BASE_URL, MAIL_FROM
from tests.integration.test_webhooks import all_due_now, an_endpoint, an_order
from tests.mail_catcher import free_port
from tests.webhook_receiver import Answer, WebhookReceiver

SHOP, OWNER = 'orders@demo-shop.example', 'owner@demo-shop.example'
SETTINGS_URL = f'{BASE_URL}/admin/settings/api-push'
GONE_SUBJECT = 'API PUSH endpoint disabled (410 Gone)'


@pytest.fixture
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
async def webhooks():
    handler = WebhookHandler()
    yield handler
    await handler.aclose()


def deliverer(webhooks: WebhookHandler, smtp_port: int) -> OutboxDispatcher:
    """API PUSH first, then mail: one `deliver_due` also sends the notices the webhooks caused."""
    transport = SmtpTransport(SmtpServer('127.0.0.1', smtp_port, security='none', timeout=5))
    mail = MailHandler(transport=transport, renderer=MailRenderer(base_url=BASE_URL, mail_from=MAIL_FROM))
    return OutboxDispatcher([webhooks, mail], slot='test:notices')


def notices(catcher) -> list:
    return [m for m in catcher.messages if m['Subject'].startswith('API PUSH')]


def parts(mail) -> tuple[str, str]:
    return mail.get_body(('plain',)).get_content(), mail.get_body(('html',)).get_content()


async def test_410_mails_the_shop_address_one_notice_with_what_happened(shop, receiver, webhooks, catcher):
    await an_endpoint(shop, receiver.url('/hook?token=s3cr3t'))
    receiver.default = Answer(410, body=b'gone')
    first = await an_order(shop)
    await an_order(shop)  # both events answered 410: still one endpoint disabled, one notice
    await deliverer(webhooks, catcher.port).deliver_due()
    [notice] = notices(catcher)
    assert notice['Subject'] == GONE_SUBJECT and notice['To'] == SHOP
    assert catcher.received[-1].recipients == [SHOP] and 'Reply-To' not in notice
    for body in parts(notice):
        assert f'http://127.0.0.1:{receiver.port}/hook' in body and 's3cr3t' not in body
        assert 'order.created' in body and first.code in body and 'answered 410 Gone' in body
        assert SETTINGS_URL in body
    assert [row.state for row in await OutboxMessage.filter(template=NOTICE_TEMPLATE)] == [OutboxState.DELIVERED]


async def test_410_notice_goes_to_the_owners_when_the_shop_has_no_address(shop, receiver, webhooks, catcher):
    await Shop.filter(id=shop.id).update(email='')
    await an_endpoint(shop, receiver.url())
    receiver.default = Answer(410)
    await an_order(shop)
    await deliverer(webhooks, catcher.port).deliver_due()
    [notice] = notices(catcher)
    assert notice['To'] == OWNER


async def test_a_delivery_given_up_after_days_mails_one_notice(shop, receiver, webhooks, catcher):
    endpoint, _ = await an_endpoint(shop, receiver.url())
    receiver.default = Answer(503, body=b'maintenance')
    placed = await an_order(shop)
    dispatcher = deliverer(webhooks, catcher.port)
    await dispatcher.deliver_due()
    assert notices(catcher) == []  # a failed attempt is retried, not noticed
    await OutboxMessage.filter(channel='webhook').update(attempts=MAX_ATTEMPTS - 1)
    await all_due_now()
    await dispatcher.deliver_due()
    assert (await OutboxMessage.get(channel='webhook')).state is OutboxState.DEAD
    [notice] = notices(catcher)
    assert notice['Subject'] == f'API PUSH delivery given up after {MAX_ATTEMPTS} attempts'
    assert notice['To'] == SHOP
    for body in parts(notice):
        assert receiver.url() in body and 'order.created' in body and placed.code in body
        assert 'answered HTTP 503' in body and SETTINGS_URL in body
    assert (await WebhookEndpoint.get(id=endpoint.id)).enabled  # given up is not disabled
    await all_due_now()
    await dispatcher.deliver_due()
    assert len(notices(catcher)) == 1


async def test_a_notice_that_cannot_be_sent_is_given_up_without_another_notice(shop, receiver, webhooks, catcher):
    await an_endpoint(shop, receiver.url())
    receiver.default = Answer(410)
    await an_order(shop)
    down = deliverer(webhooks, free_port())  # no SMTP server: the notice fails like any mail
    await down.deliver_due()
    await OutboxMessage.filter(template=NOTICE_TEMPLATE).update(attempts=MAX_ATTEMPTS - 1)
    await all_due_now()
    await down.deliver_due()
    notice = await OutboxMessage.get(template=NOTICE_TEMPLATE)
    assert notice.state is OutboxState.DEAD and 'given up after' in notice.last_error
    assert await OutboxMessage.filter(template=NOTICE_TEMPLATE).count() == 1  # no notice about the notice


def test_a_notice_escapes_what_the_receiver_and_the_shop_wrote():
    shop = SimpleNamespace(name='<b>Shop</b>', email='', brand_color='#2f3e46')
    message = SimpleNamespace(template=NOTICE_TEMPLATE, recipient='owner@example.com', event_id='msg_1',
                              payload={'kind': 'api_push_given_up', 'url': 'https://pos.example/<i>', 'attempts': 19,
                                       'event': 'order.created', 'order_code': 'DEMO-1001',
                                       'error': '<script>alert(1)</script>'})
    mail = MailRenderer(base_url=BASE_URL).render(message, shop, None, now=datetime.now(UTC))
    text, html = parts(mail)
    assert '<script>' not in html and '&lt;script&gt;alert(1)&lt;/script&gt;' in html
    assert '<b>Shop' not in html and '&lt;i&gt;' in html
    assert '<script>alert(1)</script>' in text  # plain text needs no escaping
