"""Files that go along with a mail: the invoice PDF with the 'invoice' mail."""

import re

from domain.models import Invoice, OutboxMessage
from integrations.pdf.invoice import invoice_pdf_of

_UNSAFE = re.compile(r'[^A-Za-z0-9._-]')


async def invoice_attachment(message: OutboxMessage) -> tuple[str, bytes]:
    """(file name, PDF) of the invoice the message is about; ValueError if it does not exist."""
    invoice = await Invoice.get_or_none(id=int(message.payload.get('invoice_id', 0)), shop_id=message.shop_id)
    if invoice is None:
        raise ValueError('the invoice does not exist')
    return _UNSAFE.sub('-', f'{invoice.kind}-{invoice.number}'.replace('_', '-')) + '.pdf', \
        await invoice_pdf_of(invoice)
