"""The 'mail' channel: render each outbox row into a mail and hand the batch to a transport (SMTP or the Mailbox)."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Protocol

from domain.models import Order, OutboxMessage, Shop
from domain.outbox_delivery import Outcome, PermanentFailure
from domain.payment_guidance import payment_guidance
from integrations.mail.attachments import invoice_attachment
from integrations.mail.render import ORDERLESS, MailRenderer, UnknownTemplate


@dataclass(frozen=True)
class OutgoingMail:
    message: OutboxMessage  # the outbox row it comes from
    mail: EmailMessage


Report = Callable[[OutboxMessage, Outcome], Awaitable[None]]


class MailTransport(Protocol):
    async def send(self, mails: Sequence[OutgoingMail], report: Report | None = None) -> list[Outcome]:
        """Send `mails` (over one connection where there is one); one outcome per mail, in order. With `report`,
        await it with each mail's outcome as soon as the mail is accepted or refused, before sending the next."""
        ...


class MailHandler:
    """Delivers the outbox's mail rows: batches of `batch_size`, `concurrency` batches (connections) at once."""

    channel = 'mail'
    reports_each = True  # the dispatcher stores each mail's outcome as it is sent: a crash resends only those out

    def __init__(self, *, transport: MailTransport, renderer: MailRenderer, batch_size: int = 50,
                 concurrency: int = 4) -> None:
        self.transport, self.renderer = transport, renderer
        self.batch_size, self.concurrency = batch_size, concurrency

    async def deliver(self, messages: Sequence[OutboxMessage], report: Report | None = None) -> list[Outcome]:
        orders = {order.id: order for order in await Order.filter(
            id__in={m.order_id for m in messages if m.order_id}).prefetch_related('lines')}
        shops = {shop.id: shop for shop in await Shop.filter(id__in={m.shop_id for m in messages})}
        now = datetime.now(UTC)
        outcomes: list[Outcome | None] = []
        outgoing: list[OutgoingMail] = []
        for message in messages:
            order = orders.get(message.order_id) if message.order_id else None
            if order is None and message.template not in ORDERLESS:
                outcomes.append(PermanentFailure('the order was deleted before this mail went out'))
                continue
            try:
                attachment = await invoice_attachment(message) if message.template == 'invoice' else None
                payment = await payment_guidance(shops[message.shop_id], order) \
                    if order is not None and message.template == 'customer_confirmation' else None
                mail = self.renderer.render(message, shops[message.shop_id], order, now=now, attachment=attachment,
                                            payment=payment)
            except (UnknownTemplate, ValueError) as error:  # ValueError: an address email.headerregistry refuses
                outcomes.append(PermanentFailure(f'cannot build this mail: {error}'))
                continue
            outcomes.append(None)
            outgoing.append(OutgoingMail(message, mail))
            await asyncio.sleep(0)  # rendering is the CPU-heavy part: let other batches' SMTP exchanges go on meanwhile
        sent = iter(await self.transport.send(outgoing, report) if outgoing else [])
        return [outcome or next(sent) for outcome in outcomes]
