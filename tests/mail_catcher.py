"""A real SMTP server for tests: aiosmtpd on a free loopback port, keeping every message it accepts."""

import asyncio
import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A loopback port nobody listens on (aiosmtpd cannot pick one itself: `Controller(port=0)` fails)."""
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    message_id: str  # without the angle brackets


class MailCatcher:
    """Start, stop and start again on the same port; refuse chosen recipients with a given reply."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.received: list[Received] = []
        self.message_ids: set[str] = set()
        self.refuse: dict[str, str] = {}  # recipient -> reply, e.g. '550 5.1.1 mailbox unavailable'
        self.delay = 0.0  # seconds per message, to stretch a burst
        self.reply_delay = 0.0  # seconds between keeping a message and accepting it: the sender does not know yet
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> 'MailCatcher':
        self._controller = Controller(self, hostname='127.0.0.1', port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [r.message for r in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [r.message for r in self.received if address in r.recipients]

    async def wait_for(self, count: int, seconds: float = 10) -> list[EmailMessage]:
        deadline = time.monotonic() + seconds
        while len(self.received) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        assert len(self.received) >= count, f'{len(self.received)} of {count} mails arrived'
        return self.messages

    # aiosmtpd's handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message_id = str(message['Message-ID'] or '').strip('<>')
        with self._lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message, message_id))
            self.message_ids.add(message_id)
        if self.reply_delay:
            await asyncio.sleep(self.reply_delay)
        return '250 Message accepted for delivery'
