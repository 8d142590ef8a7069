"""The 'invoice' channel: issues the invoices the shop wants issued automatically (when paid or shipped), and
credit notes for the invoices of cancelled orders.

The status change wrote the request in its own transaction; issuing here takes the next number under the series'
lock and stores the PDF. An order that has its invoice already (a retry, or the merchant was quicker), a test
order or a deleted order needs nothing more: that is a delivery too, with a note.
"""

import logging
from collections.abc import Sequence

from domain.invoices import INVOICE_CHANNEL, InvoiceNotPossible, credit_order, issue_invoice
from domain.models import OutboxMessage
from domain.outbox_delivery import Delivered, Outcome, TemporaryFailure
from integrations.pdf.invoice import invoice_pdf_of

log = logging.getLogger(__name__)


class InvoiceHandler:
    channel = INVOICE_CHANNEL
    batch_size = 1
    concurrency = 1  # one at a time: they queue for the series' lock anyway

    async def deliver(self, messages: Sequence[OutboxMessage]) -> Sequence[Outcome]:
        return [await self._issue(message) for message in messages]

    async def _issue(self, message: OutboxMessage) -> Outcome:
        if message.order_id is None:
            return Delivered(note='not needed: the order was deleted')
        if message.template == 'credit_invoice':
            return await self._credit(message)
        try:
            invoice = await issue_invoice(shop_id=message.shop_id, order_id=message.order_id, actor='system')
        except InvoiceNotPossible as reason:
            return Delivered(note=f'not needed: {reason}')
        except Exception as error:  # the database is busy or away: the number was not taken, try again later
            log.exception('issuing the invoice of %s failed', message.order_code)
            return TemporaryFailure(f'could not issue the invoice: {error}')
        try:
            await invoice_pdf_of(invoice)
        except Exception as error:  # the invoice stands; its PDF is made again on its first download
            log.exception('PDF of invoice %s failed', invoice.number)
            return Delivered(note=f'issued as {invoice.number}; its PDF follows on download ({error})')
        return Delivered(note=f'issued as {invoice.number}')

    async def _credit(self, message: OutboxMessage) -> Outcome:
        try:
            notes = await credit_order(shop_id=message.shop_id, order_id=message.order_id, actor='system')
            for note in notes:
                await invoice_pdf_of(note)
        except Exception as error:
            log.exception('crediting the invoices of %s failed', message.order_code)
            return TemporaryFailure(f'could not issue the credit note: {error}')
        return Delivered(note=f'issued as {", ".join(note.number for note in notes)}' if notes
                         else 'not needed: the invoice was credited already')

