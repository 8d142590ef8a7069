"""Sending mail through the SMTP server in the settings, with aiosmtplib: one connection per batch."""

import errno
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import aiosmtplib

from domain.outbox_delivery import Delivered, Outcome, PermanentFailure, TemporaryFailure
from integrations.mail.handler import OutgoingMail, Report


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    username: str = ''
    password: str = field(default='', repr=False)  # never in a log line
    security: Literal['none', 'starttls', 'tls'] = 'starttls'
    timeout: float = 30


class SmtpTransport:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def send(self, mails: Sequence[OutgoingMail], report: Report | None = None) -> list[Outcome]:
        outcomes: list[Outcome] = []
        smtp: aiosmtplib.SMTP | None = None
        try:
            for outgoing in mails:
                if smtp is None:
                    try:
                        smtp = await self._connect()
                    except (aiosmtplib.SMTPException, OSError) as error:
                        # nothing more gets through this batch: all of it waits for the next attempt
                        reason = self._connect_failure(error)
                        return outcomes + [reason] * (len(mails) - len(outcomes))
                outcome = await self._send_one(smtp, outgoing)
                outcomes.append(outcome)
                if report is not None:  # stored as it is sent, not after the batch: a crash resends only what is out
                    await report(outgoing.message, outcome)
                if not smtp.is_connected:
                    smtp = None  # reconnect for the rest
            return outcomes
        finally:
            if smtp is not None and smtp.is_connected:
                try:
                    await smtp.quit(timeout=5)  # also when the dispatcher gave up waiting: never hang here
                except (aiosmtplib.SMTPException, OSError):
                    smtp.close()

    async def _connect(self) -> aiosmtplib.SMTP:
        server = self.server
        smtp = aiosmtplib.SMTP(hostname=server.host, port=server.port, timeout=server.timeout,
                               use_tls=server.security == 'tls', start_tls=server.security == 'starttls',
                               username=server.username or None, password=server.password or None)
        await smtp.connect()
        return smtp

    async def _send_one(self, smtp: aiosmtplib.SMTP, outgoing: OutgoingMail) -> Outcome:
        try:
            await smtp.send_message(outgoing.mail, recipients=[outgoing.message.recipient])
        except aiosmtplib.SMTPRecipientsRefused as error:
            refusal = error.recipients[0]
            return by_code(refusal.code, refusal.message)
        except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError) as error:
            smtp.close()
            return TemporaryFailure(f'the SMTP server {self.server.host} went away: {error}')
        except aiosmtplib.SMTPResponseException as error:
            if error.code == 421:  # the server closes the connection
                smtp.close()
            return by_code(error.code, error.message)
        except (aiosmtplib.SMTPException, OSError) as error:
            smtp.close()
            return TemporaryFailure(f'SMTP error: {error}')
        return Delivered()

    def _connect_failure(self, error: Exception) -> TemporaryFailure:
        where = f'{self.server.host}:{self.server.port}'
        if isinstance(error, aiosmtplib.SMTPAuthenticationError):
            return TemporaryFailure(f'the SMTP server {where} refused the user name or password ({error.code})')
        if isinstance(error, aiosmtplib.SMTPResponseException):
            return TemporaryFailure(f'the SMTP server {where} answered {error.code} {error.message}')
        cause: BaseException | None = error
        while cause is not None:
            if isinstance(cause, ConnectionRefusedError) or getattr(cause, 'errno', None) == errno.ECONNREFUSED:
                return TemporaryFailure(f'connection refused by {where}')
            cause = cause.__cause__ or cause.__context__
        return TemporaryFailure(f'cannot reach the SMTP server {where}: {error}')


def by_code(code: int, text: str) -> Outcome:
    """A server's refusal: 5xx is final for this mail, anything else may pass later."""
    reason = f'{code} {" ".join(text.split())}'.strip()
    return PermanentFailure(reason) if 500 <= code < 600 else TemporaryFailure(reason)
