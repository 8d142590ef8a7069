"""Invoices and credit notes: gap-free numbers, and records that never change once issued.

The next number of a series (`{year}-{seq:06d}`, counted per year or for ever) is taken from the series' counter
row in the transaction that stores the invoice: the UPDATE locks the row (PostgreSQL) or runs alone (SQLite), so
concurrent issuers wait in turn; a failure rolls back both, so no number is skipped and none is used twice.
An invoice copies what it says (lines, prices, VAT per rate, the seller's and the buyer's data) from the order
and the settings of that moment: changing the order or the settings later never changes it.
"""

import string
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from domain.addresses import postal_lines, shipping_address_lines
from domain.errors import OrderlyError
from domain.events import OutboxQueued, hub
from domain.logs import write_log
from domain.models import Invoice, InvoiceCounter, InvoiceSettings, Order, PaymentSettings, Shop
from domain.money import CENT, PricedLine, compute_totals, round_money, vat_in_gross
from domain.outbox import enqueue, new_message
from domain.sql import fetch
from domain.statuses import OrderStatus
from domain.webhook_payload import INVOICE_CREATED, order_data
from domain.webhooks import event_messages, subscribers


class InvoiceKind(StrEnum):
    INVOICE = 'invoice'
    CREDIT_NOTE = 'credit_note'


class IssueWhen(StrEnum):
    MANUAL = 'manual'
    PAID = 'paid'
    SHIPPED = 'shipped'

    @property
    def label(self) -> str:
        return {'manual': 'Only when I issue them', 'paid': 'When the order is paid',
                'shipped': 'When the order is shipped'}[self.value]


class InvoiceNotPossible(OrderlyError):
    """The order cannot get an invoice (or credit note) now; the message says why."""


class InvalidNumberFormat(OrderlyError):
    """A number format the series cannot use."""


_FIELDS = {'year', 'seq'}


def format_number(pattern: str, *, year: int, seq: int) -> str:
    """The number `seq` of a series written as `pattern`, e.g. `{year}-{seq:06d}` -> 2026-000042."""
    check_number_format(pattern)
    return pattern.format(year=year, seq=seq)


def check_number_format(pattern: str) -> None:
    """Raise `InvalidNumberFormat` unless `pattern` holds `{seq}` once and otherwise only `{year}` and text."""
    try:
        parsed = list(string.Formatter().parse(pattern))
        names = [name for _, name, _, _ in parsed if name is not None]
        if names.count('seq') != 1 or not set(names) <= _FIELDS or len(pattern) > 60:
            raise ValueError
        example = pattern.format(year=2026, seq=1)
    except (ValueError, IndexError, KeyError, TypeError) as error:
        raise InvalidNumberFormat('Please write the number as text with {seq} once and {year} if you like, '
                                  'e.g. {year}-{seq:06d}.') from error
    if not example.strip() or any(char in example for char in '/\\\n\r\t"'):
        raise InvalidNumberFormat('The number may not contain slashes, quotes or line breaks.')
    if len(pattern.format(year=2026, seq=10**9)) > 40:
        raise InvalidNumberFormat('Please keep the number to 40 characters at most.')


async def invoice_settings(shop_id: int, connection: BaseDBAsyncClient | None = None) -> InvoiceSettings:
    """The shop's invoice settings (the defaults until the owner saves them)."""
    settings = await InvoiceSettings.get_or_none(shop_id=shop_id).using_db(connection)
    if settings is None:
        await fetch(connection or InvoiceSettings._meta.db, 'INSERT INTO invoice_settings (shop_id, legal_name, '
                    "vat_number, trade_register, number_format, credit_note_format, reset_yearly, footer, "
                    "issue_when, paper_size) VALUES (?, '', '', '', ?, ?, ?, '', 'manual', 'A4') "
                    'ON CONFLICT DO NOTHING',
                    shop_id, '{year}-{seq:06d}', 'CN-{year}-{seq:06d}', True)
        settings = await InvoiceSettings.get(shop_id=shop_id).using_db(connection)
    return settings


async def _take_sequence(connection: BaseDBAsyncClient, shop_id: int, kind: InvoiceKind, period: str) -> int:
    take = ('UPDATE invoice_counter SET last_sequence = last_sequence + 1 WHERE shop_id = ? AND kind = ? '
            'AND period = ? RETURNING last_sequence')
    rows = await fetch(connection, take, shop_id, kind.value, period)
    if not rows:  # the series' first number in this period
        await fetch(connection, 'INSERT INTO invoice_counter (shop_id, kind, period, last_sequence) '
                                'VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING', shop_id, kind.value, period)
        rows = await fetch(connection, take, shop_id, kind.value, period)
    return int(rows[0]['last_sequence'])


@dataclass(frozen=True)
class _Numbered:
    number: str
    period: str
    sequence: int


async def _next_number(connection: BaseDBAsyncClient, settings: InvoiceSettings, kind: InvoiceKind,
                       issue_date: date) -> _Numbered:
    period = str(issue_date.year) if settings.reset_yearly else ''
    sequence = await _take_sequence(connection, settings.shop_id, kind, period)
    pattern = settings.number_format if kind is InvoiceKind.INVOICE else settings.credit_note_format
    return _Numbered(format_number(pattern, year=issue_date.year, seq=sequence), period, sequence)


def _money(amount: Decimal) -> str:
    return str(round_money(amount))


def invoice_lines(order: Order, shipping_vat_rate: Decimal) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The order's lines (and shipping) as an invoice shows them, and the VAT breakdown per rate."""
    lines, gross_by_rate = [], {}
    charged = [(line.sku, line.name, line.quantity, line.unit_price, line.vat_rate, line.total) for line in order.lines]
    if order.shipping_cost:
        charged.append(('', 'Shipping', 1, order.shipping_cost, shipping_vat_rate, order.shipping_cost))
    for sku, name, quantity, unit_price, rate, gross in charged:
        vat = vat_in_gross(gross, rate)
        lines.append({'sku': sku, 'name': name, 'quantity': quantity,
                      'unit_price_net': str((unit_price * 100 / (100 + rate)).quantize(CENT)),
                      'unit_price_gross': _money(unit_price), 'vat_rate': str(rate.normalize()),
                      'net': _money(gross - vat), 'vat': _money(vat), 'gross': _money(gross)})
        gross_by_rate[rate] = gross_by_rate.get(rate, Decimal(0)) + gross
    breakdown = []
    for rate, gross in sorted(gross_by_rate.items()):
        vat = vat_in_gross(gross, rate)  # once per rate, as the checkout computed the order's VAT
        breakdown.append({'rate': str(rate.normalize()), 'net': _money(gross - vat), 'vat': _money(vat),
                          'gross': _money(gross)})
    return lines, breakdown


def shipping_rate_of(order: Order, current_rate: Decimal) -> Decimal:
    """The VAT rate the order's shipping was charged at: the order keeps only its VAT total, so find the rate
    (today's first) with which the totals come out as they did."""
    if not order.shipping_cost:
        return current_rate
    priced = [PricedLine(0, line.sku, line.name, line.quantity, line.unit_price, line.vat_rate)
              for line in order.lines]
    candidates = [current_rate, *sorted({line.vat_rate for line in order.lines}),
                  *(Decimal(rate) for rate in ('21', '20', '19', '0', '6', '9', '10', '7', '5'))]
    for rate in candidates:
        if compute_totals(priced, order.shipping_cost, rate).vat_total == order.vat_total:
            return rate
    return current_rate


def _buyer(order: Order) -> dict[str, Any]:
    return {'name': order.customer_name, 'email': order.email, 'address': shipping_address_lines(order),
            'vat_number': order.vat_number}


@dataclass(frozen=True)
class InvoicePreview:
    """What "Issue invoice" is about to do, for the merchant to confirm."""

    number: str  # the series' next number, unless another invoice is issued first
    series: str  # the number format, e.g. {year}-{seq:06d}
    total: Decimal
    vat_total: Decimal
    currency: str
    buyer_vat_number: str  # '' for a consumer, or a business whose number is missing


async def invoice_preview(*, shop_id: int, order: Order, now: datetime | None = None) -> InvoicePreview:
    """The number, series and totals the order's invoice would get now; takes no number."""
    shop = await Shop.get(id=shop_id)
    settings = await invoice_settings(shop_id)
    issue_date = (now or datetime.now(UTC)).astimezone(ZoneInfo(shop.timezone)).date()
    period = str(issue_date.year) if settings.reset_yearly else ''
    counter = await InvoiceCounter.get_or_none(shop_id=shop_id, kind=InvoiceKind.INVOICE.value, period=period)
    number = format_number(settings.number_format, year=issue_date.year,
                           seq=(counter.last_sequence if counter else 0) + 1)
    return InvoicePreview(number=number, series=settings.number_format, total=order.total,
                          vat_total=order.vat_total, currency=order.currency, buyer_vat_number=order.vat_number)


async def shop_iban(shop_id: int, connection: BaseDBAsyncClient | None = None) -> str:
    """The shop's one IBAN, grouped (BE68 5390 0754 7034): customers transfer to it and invoices print it. It is
    kept with the payment methods, and Settings > Invoices edits the same value, so the two can never differ."""
    row = await PaymentSettings.get_or_none(shop_id=shop_id).using_db(connection)
    iban = row.iban if row is not None else ''
    return ' '.join(iban[i:i + 4] for i in range(0, len(iban), 4))


def _seller(shop: Shop, settings: InvoiceSettings, iban: str) -> dict[str, Any]:
    return {'name': settings.legal_name or shop.name, 'shop_name': shop.name,
            'address': postal_lines(shop.postal_address, without=(settings.legal_name, shop.name)),
            'vat_number': settings.vat_number, 'trade_register': settings.trade_register, 'iban': iban,
            'email': shop.email, 'footer': settings.footer, 'brand_color': shop.brand_color}


async def issue_invoice(*, shop_id: int, order_id: int, actor: str, now: datetime | None = None) -> Invoice:
    """Issue the order's invoice with the next number of the series; raise `InvoiceNotPossible` (and take no
    number) when the order is a test order, is gone, or already has one."""
    now = now or datetime.now(UTC)
    async with in_transaction() as connection:
        shop = await Shop.get(id=shop_id).using_db(connection)
        settings = await invoice_settings(shop_id, connection)
        issue_date = now.astimezone(ZoneInfo(shop.timezone)).date()
        numbered = await _next_number(connection, settings, InvoiceKind.INVOICE, issue_date)
        # from here on, issuers of this shop wait for us: the checks below cannot race
        order = await Order.get_or_none(id=order_id, shop_id=shop_id).using_db(connection).prefetch_related('lines')
        if order is None:
            raise InvoiceNotPossible('This order no longer exists.')
        if order.is_test:
            raise InvoiceNotPossible('Test orders get no invoice: their numbers would leave gaps in the series.')
        existing = await Invoice.get_or_none(shop_id=shop_id, order_id=order.id, kind=InvoiceKind.INVOICE) \
            .using_db(connection)
        if existing is not None:
            raise InvoiceNotPossible(f'{order.code} already has invoice {existing.number}.')
        lines, breakdown = invoice_lines(order, shipping_rate_of(order, shop.shipping_vat_rate))
        vat_total = sum((Decimal(rate['vat']) for rate in breakdown), Decimal('0.00'))
        seller = _seller(shop, settings, await shop_iban(shop_id, connection))
        invoice = await Invoice.create(
            using_db=connection, shop_id=shop_id, order_id=order.id, order_code=order.code,
            kind=InvoiceKind.INVOICE, number=numbered.number, period=numbered.period, sequence=numbered.sequence,
            issue_date=issue_date, supply_date=issue_date, currency=order.currency, seller=seller,
            buyer=_buyer(order), lines=lines, vat_breakdown=breakdown, net_total=order.total - vat_total,
            vat_total=vat_total, total=order.total, issued_at=now, issued_by=actor)
        await write_log(connection, shop_id=shop_id, order=order, kind='invoice.issued', actor=actor, now=now,
                        message=f'Invoice {invoice.number} issued', data={'number': invoice.number})
        # the customer gets it by mail, with the PDF, and API PUSH endpoints hear of it: in this transaction,
        # so both go out exactly when the invoice exists
        messages = [new_message(
            shop_id=shop_id, order=order, channel='mail', event=INVOICE_CREATED, template='invoice',
            recipient=order.email, now=now, payload={'invoice_id': invoice.id, 'number': invoice.number})]
        messages += await invoice_webhooks(connection, invoice, order, now)
        await enqueue(connection, messages)
    await hub.publish(OutboxQueued(shop_id=shop_id, count=len(messages)))
    return invoice


async def invoice_webhooks(connection: BaseDBAsyncClient, invoice: Invoice, order: Order,
                           now: datetime) -> list[dict[str, Any]]:
    """`invoice.created` for every endpoint that wants it: the invoice's record and the order as it is now."""
    endpoints = await subscribers(connection, invoice.shop_id, INVOICE_CREATED)
    return event_messages(endpoints, shop_id=invoice.shop_id, event=INVOICE_CREATED, order=order, now=now,
                          data=lambda: {'invoice': {
                              'number': invoice.number, 'kind': invoice.kind.value,
                              'issue_date': invoice.issue_date.isoformat(), 'currency': invoice.currency,
                              'net_total': f'{invoice.net_total:.2f}', 'vat_total': f'{invoice.vat_total:.2f}',
                              'total': f'{invoice.total:.2f}', 'vat_breakdown': invoice.vat_breakdown},
                              'order': order_data(order, list(order.lines))})


async def issue_credit_note(*, shop_id: int, invoice_id: int, actor: str, now: datetime | None = None) -> Invoice:
    """Cancel an issued invoice with a credit note: its own number, the same lines with negative amounts."""
    now = now or datetime.now(UTC)
    async with in_transaction() as connection:
        shop = await Shop.get(id=shop_id).using_db(connection)
        settings = await invoice_settings(shop_id, connection)
        issue_date = now.astimezone(ZoneInfo(shop.timezone)).date()
        numbered = await _next_number(connection, settings, InvoiceKind.CREDIT_NOTE, issue_date)
        invoice = await Invoice.get_or_none(id=invoice_id, shop_id=shop_id, kind=InvoiceKind.INVOICE) \
            .using_db(connection)
        if invoice is None:
            raise InvoiceNotPossible('This invoice does not exist.')
        if await Invoice.filter(shop_id=shop_id, kind=InvoiceKind.CREDIT_NOTE, credited_number=invoice.number) \
                .using_db(connection).exists():
            raise InvoiceNotPossible(f'Invoice {invoice.number} has already been credited.')

        def negative(values: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
            return {**values, **{name: str(-Decimal(values[name])) for name in fields}}
        note = await Invoice.create(
            using_db=connection, shop_id=shop_id, order_id=invoice.order_id, order_code=invoice.order_code,
            kind=InvoiceKind.CREDIT_NOTE, number=numbered.number, period=numbered.period, sequence=numbered.sequence,
            credited_number=invoice.number, issue_date=issue_date, supply_date=invoice.supply_date,
            currency=invoice.currency, seller=invoice.seller, buyer=invoice.buyer,
            lines=[negative(line, ('net', 'vat', 'gross')) | {'quantity': -line['quantity']}
                   for line in invoice.lines],
            vat_breakdown=[negative(rate, ('net', 'vat', 'gross')) for rate in invoice.vat_breakdown],
            net_total=-invoice.net_total, vat_total=-invoice.vat_total, total=-invoice.total, issued_at=now,
            issued_by=actor)
        order = await Order.get_or_none(id=invoice.order_id, shop_id=shop_id).using_db(connection) \
            if invoice.order_id else None
        await write_log(connection, shop_id=shop_id, order=order, kind='invoice.credited', actor=actor, now=now,
                        message=f'Credit note {note.number} issued for invoice {invoice.number}',
                        data={'number': note.number, 'invoice': invoice.number})
    return note


async def credit_order(*, shop_id: int, order_id: int, actor: str) -> list[Invoice]:
    """Credit notes for the order's invoices that are not credited yet (a cancelled order keeps its invoice)."""
    invoices = await Invoice.filter(shop_id=shop_id, order_id=order_id).order_by('id')
    credited = {invoice.credited_number for invoice in invoices if invoice.kind == InvoiceKind.CREDIT_NOTE}
    notes = []
    for invoice in invoices:
        if invoice.kind == InvoiceKind.INVOICE and invoice.number not in credited:
            try:
                notes.append(await issue_credit_note(shop_id=shop_id, invoice_id=invoice.id, actor=actor))
            except InvoiceNotPossible:  # credited meanwhile, by the merchant or a retry
                pass
    return notes


async def invoices_of_order(shop_id: int, order_id: int) -> list[Invoice]:
    """The order's invoices and credit notes, oldest first, without their PDFs."""
    return await Invoice.filter(shop_id=shop_id, order_id=order_id).order_by('id') \
        .only('id', 'shop_id', 'order_id', 'order_code', 'kind', 'number', 'credited_number', 'issue_date', 'total',
              'currency')


async def store_pdf(invoice_id: int, pdf: bytes) -> None:
    """Keep the invoice's PDF, made once after issuing; the only change an issued invoice ever sees."""
    await Invoice.filter(id=invoice_id, pdf__isnull=True).update(pdf=pdf)


INVOICE_CHANNEL = 'invoice'
_TRIGGERS = {OrderStatus.PAYMENT_RECEIVED: IssueWhen.PAID, OrderStatus.SHIPPED: IssueWhen.SHIPPED}


async def automatic_invoice_messages(connection: BaseDBAsyncClient, order: Order, status: OrderStatus,
                                     now: datetime) -> list[dict[str, Any]]:
    """The outbox row that has the 'invoice' channel issue the order's invoice, when the shop issues invoices
    automatically at `status` (paid or shipped), or credit it when the order is cancelled; none otherwise.
    Written with the status change."""
    if status is OrderStatus.CANCELLED and not order.is_test and \
            await Invoice.filter(shop_id=order.shop_id, order_id=order.id).using_db(connection).exists():
        return [new_message(shop_id=order.shop_id, order=order, channel=INVOICE_CHANNEL, event='invoice.cancelled',
                            template='credit_invoice', now=now, payload={'order_code': order.code})]
    trigger = _TRIGGERS.get(status)
    if trigger is None or order.is_test:
        return []
    settings = await InvoiceSettings.get_or_none(shop_id=order.shop_id).using_db(connection)
    if settings is None or settings.issue_when != trigger.value:
        return []
    return [new_message(shop_id=order.shop_id, order=order, channel=INVOICE_CHANNEL, event='invoice.requested',
                        template='issue_invoice', now=now, payload={'order_code': order.code, 'when': trigger.value})]

