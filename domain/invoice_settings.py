"""Settings > Invoices (owners): the seller's legal data on invoices, the number series, and when to issue."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from domain.invoices import InvalidNumberFormat, IssueWhen, check_number_format, invoice_settings
from domain.logs import write_log
from domain.models import InvoiceSettings, PaymentSettings
from domain.payment_settings import normalized_iban
from domain.shop_settings import InvalidSettings
from domain.text_rules import invisible_problem

PAPER_SIZES = {'A4': 'A4 (210 x 297 mm)', 'Letter': 'US Letter (8.5 x 11 in)'}


@dataclass(frozen=True)
class InvoiceSettingsChanges:
    """Settings > Invoices as typed."""

    legal_name: str
    vat_number: str
    trade_register: str
    iban: str
    number_format: str
    credit_note_format: str
    reset_yearly: bool
    footer: str
    issue_when: str
    paper_size: str = 'A4'


_LIMITS = {'legal_name': 200, 'vat_number': 32, 'trade_register': 64, 'footer': 500}


async def update_invoice_settings(*, shop_id: int, changes: InvoiceSettingsChanges,
                                  actor: str) -> dict[str, tuple[Any, Any]]:
    """Save Settings > Invoices; return what changed, or raise `InvalidSettings` and change nothing."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for field, limit in _LIMITS.items():
        values[field] = (getattr(changes, field) or '').strip()
        if len(values[field]) > limit:
            errors[field] = f'Please keep this to {limit} characters at most.'
        elif problem := invisible_problem(values[field], multiline=field == 'footer'):
            errors[field] = problem
    values['vat_number'] = values['vat_number'].replace(' ', '').replace('.', '').upper()
    iban = normalized_iban(changes.iban) if (changes.iban or '').strip() else ''
    if (changes.iban or '').strip() and not iban:
        errors['iban'] = 'Please enter a valid IBAN like BE68 5390 0754 7034, or leave it empty.'
    for field in ('number_format', 'credit_note_format'):
        values[field] = (getattr(changes, field) or '').strip()
        try:
            check_number_format(values[field])
        except InvalidNumberFormat as error:
            errors[field] = str(error)
    if values['number_format'] and values['number_format'] == values['credit_note_format']:
        errors['credit_note_format'] = 'Credit notes need a series of their own, e.g. CN-{year}-{seq:06d}.'
    values['reset_yearly'] = bool(changes.reset_yearly)
    if changes.reset_yearly and '{year' not in values['number_format']:
        errors['number_format'] = 'A counter that starts again each year needs {year} in the number.'
    if changes.issue_when not in {when.value for when in IssueWhen}:
        errors['issue_when'] = 'Please choose when invoices are issued.'
    values['issue_when'] = changes.issue_when
    if changes.paper_size not in PAPER_SIZES:
        errors['paper_size'] = 'Please choose A4 or Letter.'
    values['paper_size'] = changes.paper_size
    await invoice_settings(shop_id)  # the row exists from here on
    async with in_transaction() as connection:
        # the IBAN is the one of Settings > Checkout too (PaymentSettings.iban): both screens edit the same value
        payment, _ = await PaymentSettings.get_or_create(shop_id=shop_id, using_db=connection)
        if payment.bank_transfer and not iban and 'iban' not in errors:
            errors['iban'] = 'Customers paying by bank transfer need this IBAN: turn bank transfer off in ' \
                             'Settings > Checkout first.'
        if errors:
            raise InvalidSettings(errors)
        settings = await InvoiceSettings.get(shop_id=shop_id).using_db(connection)
        changed = {name: (getattr(settings, name), value) for name, value in values.items()
                   if getattr(settings, name) != value}
        if iban != payment.iban:
            changed['iban'] = (payment.iban, iban)
            await PaymentSettings.filter(id=payment.id).using_db(connection).update(iban=iban)
        if own := {name: new for name, (_, new) in changed.items() if name != 'iban'}:
            await InvoiceSettings.filter(shop_id=shop_id).using_db(connection).update(**own)
        if changed:
            await write_log(connection, shop_id=shop_id, order=None, kind='settings.invoices', actor=actor,
                            now=datetime.now(UTC), message='Invoice settings changed: ' + ', '.join(changed),
                            data={name: [old, new] for name, (old, new) in changed.items()})
    return changed
