"""A real SMTP server (aiosmtpd) and a dispatcher that delivers to it, for the delivery tests."""

import pytest

from integrations.mail.handler import MailHandler
from integrations.mail.render import MailRenderer
from integrations.mail.smtp import SmtpServer, SmtpTransport
from integrations.outbox_dispatcher import OutboxDispatcher
from tests.mail_catcher import MailCatcher

BASE_URL = 'https://shop.example'
MAIL_FROM = 'shop@mail.example'


def smtp_dispatcher(port: int, *, slot: str = 'test:1', **options) -> OutboxDispatcher:
    """The app's dispatcher with the SMTP mail handler, sending to 127.0.0.1:`port` without TLS."""
    transport = SmtpTransport(SmtpServer('127.0.0.1', port, security='none', timeout=5))
    handler = MailHandler(transport=transport, renderer=MailRenderer(base_url=BASE_URL, mail_from=MAIL_FROM))
    return OutboxDispatcher([handler], slot=slot, **options)


@pytest.fixture
def catcher():
    server = MailCatcher().start()
    yield server
    server.stop()


@pytest.fixture
def dispatcher(catcher, shop) -> OutboxDispatcher:
    return smtp_dispatcher(catcher.port)
