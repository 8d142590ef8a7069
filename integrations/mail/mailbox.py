"""The embedded default: without an SMTP server, mails are kept in the database and shown under Settings > Mailbox."""

from collections.abc import Sequence
from datetime import UTC, datetime

from domain.mailbox import MailToKeep, keep_mails
from domain.outbox_delivery import Delivered, Outcome
from integrations.mail.handler import OutgoingMail, Report

KEPT = 'kept in Settings > Mailbox (no SMTP server is set up)'


class DatabaseMailbox:
    async def send(self, mails: Sequence[OutgoingMail], report: Report | None = None) -> list[Outcome]:
        # one insert for the batch; kept again after a crash, a mail is stored once (its Message-ID is unique)
        await keep_mails([MailToKeep(shop_id=m.message.shop_id, order_code=m.message.order_code,
                                     message_id=str(m.mail['Message-ID']), recipient=m.message.recipient,
                                     subject=str(m.mail['Subject']), source=m.mail.as_string()) for m in mails],
                         now=datetime.now(UTC))
        return [Delivered(KEPT)] * len(mails)
