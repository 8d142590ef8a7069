"""The single-use link of an account mail (verify the e-mail, reset the password), as the customer gets it.

The outbox keeps a link's token only until its mail is out (domain.outbox_delivery.SECRET_PAYLOAD_KEYS): a test that
reads the payload races the dispatcher. This reads the token from the payload while it is there, else from the mail
kept in the Mailbox (no SMTP server in these tests)."""

import asyncio
import re

from domain.mailbox import kept_mail
from domain.models import MailboxMail, OutboxMessage
from integrations.mail.render import ACCOUNT_TEMPLATES


async def mailed_token(email: str, template: str, *, seconds: float = 20) -> str:
    """The token of the newest `template` mail to `email`."""
    path = ACCOUNT_TEMPLATES[template][1]
    message = await OutboxMessage.filter(recipient=email, template=template).order_by('-id').first()
    assert message is not None, f'no {template} mail to {email} was queued'
    for _ in range(int(seconds / 0.1)):
        await message.refresh_from_db()
        if token := message.payload.get('token'):
            return token
        for row in await MailboxMail.filter(recipient=email).order_by('-id'):
            kept = await kept_mail(row.shop_id, row.id)
            if kept and (found := re.search(re.escape(path) + r'([A-Za-z0-9_-]{20,})', kept.text)):
                return found.group(1)
        await asyncio.sleep(0.1)
    raise AssertionError(f'the {template} mail to {email} has no link to {path}')
