"""Settings > Shop and Settings > Checkout: validated changes to the shop row, each logged with what changed."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from pydantic import EmailStr, TypeAdapter, ValidationError
from tortoise.transactions import in_transaction

from domain.errors import OrderlyError
from domain.logs import write_log
from domain.models import Shop
from domain.text_rules import invisible_problem

_EMAIL = TypeAdapter(EmailStr)
_HEX_COLOR = re.compile(r'^#[0-9a-f]{6}$')
MAX_AMOUNT = Decimal('9999999999.99')  # what the shop's money columns hold
MAX_ADDRESS_LINES = 6


class InvalidSettings(OrderlyError):
    """The settings cannot be saved as asked; `field_errors` maps a settings field to its message."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        super().__init__('Please correct the marked fields.')
        self.field_errors = field_errors


@dataclass(frozen=True)
class ShopChanges:
    """Settings > Shop as typed: text, validated by `update_shop`."""

    name: str
    email: str
    timezone: str
    brand_color: str
    postal_address: str


@dataclass(frozen=True)
class CheckoutChanges:
    """Settings > Checkout as typed; amounts are text ("6.95" or "6,95"), an empty threshold means never free."""

    pickup_enabled: bool
    shipping_enabled: bool
    shipping_cost: str | Decimal
    shipping_vat_rate: str | Decimal
    pickup_address: str
    free_shipping_from: str | Decimal | None


@lru_cache(maxsize=1)  # available_timezones() walks the tz database on every call
def time_zones() -> list[str]:
    """The IANA time zones a shop can be in, sorted (without the legacy aliases like "posixrules")."""
    return sorted(zone for zone in available_timezones() if '/' in zone or zone == 'UTC')


async def update_shop(*, shop_id: int, changes: ShopChanges, actor: str) -> dict[str, tuple[Any, Any]]:
    """Save Settings > Shop; return what changed (field: (old, new)), raise `InvalidSettings` and change nothing."""
    errors: dict[str, str] = {}
    values = {
        'name': _text(errors, 'name', changes.name, 120, required="Please enter the shop's name."),
        'email': _email(errors, 'email', changes.email),
        'timezone': _timezone(errors, 'timezone', changes.timezone),
        'brand_color': _color(errors, 'brand_color', changes.brand_color),
        'postal_address': _address(errors, 'postal_address', changes.postal_address),
    }
    if errors:
        raise InvalidSettings(errors)
    return await save_shop_fields(shop_id, values, kind='settings.shop', what='Shop settings', actor=actor)


async def update_checkout(*, shop_id: int, changes: CheckoutChanges, actor: str) -> dict[str, tuple[Any, Any]]:
    """Save Settings > Checkout (what the storefront offers from the next order on); same contract as `update_shop`."""
    errors: dict[str, str] = {}
    if not (changes.pickup_enabled or changes.shipping_enabled):
        errors['delivery_methods'] = 'Offer at least one delivery method: pickup or shipping.'
    pickup_address = _text(errors, 'pickup_address', changes.pickup_address, 300,
                           required='Please enter where customers pick up their orders.'
                           if changes.pickup_enabled else '')
    shipping_cost = _amount(errors, 'shipping_cost', changes.shipping_cost,
                            'Please enter the shipping cost as an amount like 6.95, or 0 for free shipping.')
    vat_rate = _amount(errors, 'shipping_vat_rate', changes.shipping_vat_rate,
                       'Please enter a VAT rate between 0 and 100, like 21.', maximum=Decimal(100))
    free_from = None
    if changes.free_shipping_from is not None and str(changes.free_shipping_from).strip():
        free_from = _amount(errors, 'free_shipping_from', changes.free_shipping_from,
                            'Please enter a subtotal like 50.00, or leave it empty for no free shipping.')
    if errors:
        raise InvalidSettings(errors)
    values = {'pickup_enabled': changes.pickup_enabled, 'shipping_enabled': changes.shipping_enabled,
              'shipping_cost': shipping_cost, 'shipping_vat_rate': vat_rate, 'free_shipping_from': free_from,
              'pickup_address': pickup_address}
    return await save_shop_fields(shop_id, values, kind='settings.checkout', what='Checkout settings', actor=actor)


async def save_shop_fields(shop_id: int, values: dict[str, Any], *, kind: str, what: str,
                actor: str) -> dict[str, tuple[Any, Any]]:
    async with in_transaction() as connection:
        shop = await Shop.get(id=shop_id)
        changed = {name: (getattr(shop, name), value) for name, value in values.items()
                   if getattr(shop, name) != value}
        if not changed:
            return {}
        # Only the changed columns: a full save would write back a stale next_order_number taken meanwhile
        await Shop.filter(id=shop_id).update(**{name: new for name, (_, new) in changed.items()})
        await write_log(connection, shop_id=shop_id, order=None, kind=kind, actor=actor, now=datetime.now(UTC),
                        message=f'{what} changed: ' + '; '.join(f'{_LABELS[name]} {_shown(old)} → {_shown(new)}'
                                                                for name, (old, new) in changed.items()),
                        data={name: [_stored(old), _stored(new)] for name, (old, new) in changed.items()})
    return changed


_LABELS = {
    'name': 'name', 'email': 'notification e-mail', 'timezone': 'time zone', 'brand_color': 'brand colour',
    'postal_address': 'postal address', 'pickup_enabled': 'pickup', 'shipping_enabled': 'shipping',
    'shipping_cost': 'shipping cost', 'shipping_vat_rate': 'shipping VAT rate',
    'free_shipping_from': 'free shipping from', 'pickup_address': 'pickup address',
    'customer_accounts': 'customer accounts', 'guest_status_link': 'status link for guests',
}


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return 'on' if value else 'off'
    if value is None:
        return 'none'
    if isinstance(value, str):
        return '"' + ' / '.join(value.splitlines()) + '"'
    return str(value)


def _stored(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _text(errors: dict[str, str], field: str, value: str, max_length: int, *, required: str = '') -> str:
    value = (value or '').strip()
    if required and not value:
        errors[field] = required
    elif len(value) > max_length:
        errors[field] = f'Please keep this to {max_length} characters at most.'
    elif problem := invisible_problem(value):
        errors[field] = problem
    return value


def _email(errors: dict[str, str], field: str, value: str) -> str:
    value = (value or '').strip()
    if not value:
        return ''  # no shop address: merchant mails go to the administrators who receive them
    if problem := invisible_problem(value):
        errors[field] = problem
        return value
    try:
        return _EMAIL.validate_python(value).lower()
    except ValidationError:
        errors[field] = 'Please enter a valid e-mail address, like orders@example.com, or leave it empty.'
        return value


def _timezone(errors: dict[str, str], field: str, value: str) -> str:
    value = (value or '').strip()
    if value not in time_zones():
        errors[field] = 'Please choose a time zone from the list, like Europe/Brussels.'
    return value


def _color(errors: dict[str, str], field: str, value: str) -> str:
    value = (value or '').strip().lower()
    if not _HEX_COLOR.match(value):
        errors[field] = 'Please enter a colour as # and six hex digits, like #2f3e46.'
    return value


def _address(errors: dict[str, str], field: str, value: str) -> str:
    lines = [line.strip() for line in (value or '').strip().splitlines()]
    if len(lines) > MAX_ADDRESS_LINES or any(len(line) > 100 for line in lines):
        errors[field] = f'Please keep the address to {MAX_ADDRESS_LINES} lines of at most 100 characters.'
    elif problem := invisible_problem('\n'.join(lines), multiline=True):
        errors[field] = problem
    return '\n'.join(lines)


def _amount(errors: dict[str, str], field: str, value: str | Decimal | None, message: str, *,
            maximum: Decimal = MAX_AMOUNT) -> Decimal:
    """A non-negative amount with at most two decimals; "6,95" is read as 6.95."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value or '').strip().replace(',', '.'))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or not 0 <= amount <= maximum or amount != round(amount, 2):
        errors[field] = message
        return Decimal(0)
    return amount.quantize(Decimal('0.01'))
