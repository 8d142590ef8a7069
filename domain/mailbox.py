"""The database mailbox: mails kept instead of sent while no SMTP server is set up, read back as customers see them."""

import email
import email.policy
from dataclasses import dataclass
from datetime import datetime

from tortoise import connections

from domain.models import MailboxMail
from domain.sql import fetch

PAGE_SIZE = 25
HEADERS = ('From', 'To', 'Reply-To', 'Subject', 'Date', 'Message-ID')


@dataclass(frozen=True)
class MailToKeep:
    shop_id: int
    order_code: str
    message_id: str
    recipient: str
    subject: str
    source: str


async def keep_mails(mails: list[MailToKeep], *, now: datetime) -> None:
    """Store `mails` in one statement; one already kept under the same Message-ID (a repeated delivery) is skipped."""
    if not mails:
        return
    connection = connections.get('default')
    one_row = '(?, ?, ?, ?, ?, ?, ?)'
    sql = ('INSERT INTO mailbox_mail (shop_id, order_code, message_id, recipient, subject, source, created_at) '
           f'VALUES {", ".join(one_row for _ in mails)} ON CONFLICT (message_id) DO NOTHING')
    values = [value for mail in mails for value in (mail.shop_id, mail.order_code, mail.message_id, mail.recipient,
                                                    mail.subject, mail.source, now)]
    await fetch(connection, sql, *values)


async def mailbox_page(shop_id: int, *, page: int = 1, page_size: int = PAGE_SIZE) -> tuple[list[MailboxMail], int]:
    """One page of the shop's kept mails, newest first, and how many there are in all."""
    query = MailboxMail.filter(shop_id=shop_id)
    mails = await query.order_by('-created_at', '-id').offset((max(page, 1) - 1) * page_size).limit(page_size) \
        .only('id', 'order_code', 'recipient', 'subject', 'created_at')
    return mails, await query.count()


@dataclass(frozen=True)
class KeptMail:
    """A kept mail taken apart: its headers, and the text and HTML the customer's mail program would show."""

    id: int
    order_code: str
    created_at: datetime
    headers: dict[str, str]  # HEADERS that the mail has
    text: str
    html: str


async def kept_mail(shop_id: int, mail_id: int) -> KeptMail | None:
    """The shop's kept mail with this id, parsed; None if there is none."""
    row = await MailboxMail.get_or_none(id=mail_id, shop_id=shop_id)
    if row is None:
        return None
    message = email.message_from_string(row.source, policy=email.policy.default)
    text_part, html_part = message.get_body(('plain',)), message.get_body(('html',))
    headers = {name: str(message[name]) for name in HEADERS if message[name] is not None}
    return KeptMail(id=row.id, order_code=row.order_code, created_at=row.created_at, headers=headers,
                    text=text_part.get_content() if text_part else '',
                    html=html_part.get_content() if html_part else '')
