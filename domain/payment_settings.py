"""Settings > Checkout, payment methods: pay on pickup, bank transfer to the shop's IBAN, online prepayment.

An order paid by bank transfer or online starts in "Waiting for payment"; one paid on pickup (or in a shop that
offers no payment method for the chosen delivery) starts in "Order received", as before.
"""

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from tortoise.transactions import in_transaction

from domain.errors import InvalidCheckout
from domain.logs import write_log
from domain.models import PaymentSettings
from domain.schemas import DeliveryMethod
from domain.shop_settings import InvalidSettings
from domain.statuses import OrderStatus

MAX_AUTO_CANCEL_DAYS = 90
DEMO = 'demo'
PROVIDERS = {DEMO: 'Demo provider (built in, no real money)', 'mollie': 'Mollie'}
_DEMO_KEY = re.compile(r'test_(\d{1,12})_[0-9a-f]{64}')  # test_SHOP_random: the shop is read, then the key compared


class PaymentMethod(StrEnum):
    PAY_ON_PICKUP = 'pay_on_pickup'
    BANK_TRANSFER = 'bank_transfer'
    ONLINE = 'online'

    @property
    def label(self) -> str:
        return {'pay_on_pickup': 'Pay on pickup', 'bank_transfer': 'Bank transfer',
                'online': 'Pay online now'}[self.value]


@dataclass(frozen=True)
class PaymentOptions:
    pay_on_pickup: bool = True
    bank_transfer: bool = False
    iban: str = ''
    online: bool = False
    provider: str = 'demo'
    auto_cancel_days: int | None = None  # None: unpaid orders wait for ever

    def methods(self, delivery: DeliveryMethod) -> list[PaymentMethod]:
        """The methods a customer with `delivery` may choose, online first; empty: the order is paid later."""
        offered = {PaymentMethod.ONLINE: self.online, PaymentMethod.BANK_TRANSFER: self.bank_transfer and self.iban,
                   PaymentMethod.PAY_ON_PICKUP: self.pay_on_pickup and delivery is DeliveryMethod.PICKUP}
        return [method for method, on in offered.items() if on]

    def initial_status(self, delivery: DeliveryMethod, method: PaymentMethod | None) -> OrderStatus:
        """The status an order starts in; raises `InvalidCheckout` for a method not offered with `delivery`."""
        methods = self.methods(delivery)
        if not methods:
            return OrderStatus.ORDER_RECEIVED
        if method not in methods:
            raise InvalidCheckout({'payment_method': 'Please choose how you want to pay.'})
        return OrderStatus.ORDER_RECEIVED if method is PaymentMethod.PAY_ON_PICKUP else OrderStatus.AWAITING_PAYMENT

    @property
    def uses_demo(self) -> bool:
        """The owner chose the built-in demo provider for online payment: only then does it exist."""
        return self.online and self.provider == DEMO


async def payment_options(shop_id: int) -> PaymentOptions:
    """The shop's payment methods (the defaults for a shop that never saved them)."""
    row = await PaymentSettings.get_or_none(shop_id=shop_id)
    if row is None:
        return PaymentOptions()
    return PaymentOptions(pay_on_pickup=row.pay_on_pickup, bank_transfer=row.bank_transfer, iban=row.iban,
                          online=row.online, provider=row.provider, auto_cancel_days=row.auto_cancel_days)


async def demo_chosen_anywhere() -> bool:
    """Whether any shop chose the demo provider (its stand-in API answers nothing otherwise)."""
    return await PaymentSettings.filter(online=True, provider=DEMO).exists()


async def demo_api_key(shop_id: int) -> str | None:
    """The shop's own key for the demo provider's API, made (randomly, once) on first use; None unless the shop
    chose the demo provider."""
    row = await PaymentSettings.get_or_none(shop_id=shop_id, online=True, provider=DEMO)
    if row is None:
        return None
    if not row.demo_api_key:  # conditional: two first uses at once agree on one key
        await PaymentSettings.filter(id=row.id, demo_api_key='').update(
            demo_api_key=f'test_{shop_id}_{secrets.token_hex(32)}')
        row = await PaymentSettings.get(id=row.id)
    return row.demo_api_key


async def shop_of_demo_key(key: str) -> int | None:
    """The shop whose demo provider key `key` is, while it has the demo provider chosen; else None."""
    match = _DEMO_KEY.fullmatch(key or '')
    if match is None:
        return None
    row = await PaymentSettings.get_or_none(shop_id=int(match[1]), online=True, provider=DEMO)
    if row is None or not row.demo_api_key:
        return None
    return row.shop_id if hmac.compare_digest(row.demo_api_key.encode(), key.encode()) else None  # constant time


def normalized_iban(text: str) -> str:
    """The IBAN without spaces, upper case; '' if it fails the ISO 13616 check (mod 97)."""
    iban = re.sub(r'\s+', '', text or '').upper()
    if not re.fullmatch(r'[A-Z]{2}\d{2}[A-Z0-9]{11,30}', iban):
        return ''
    digits = ''.join(str(int(char, 36)) for char in iban[4:] + iban[:4])
    return iban if int(digits) % 97 == 1 else ''


def grouped_iban(iban: str) -> str:
    """BE68 5390 0754 7034: how an IBAN is read out and typed."""
    return ' '.join(iban[i:i + 4] for i in range(0, len(iban), 4))


async def update_payment_methods(*, shop_id: int, options: PaymentOptions, actor: str) -> list[str]:
    """Save the payment methods; return the names of what changed, raise `InvalidSettings` and change nothing."""
    errors: dict[str, str] = {}
    iban = normalized_iban(options.iban) if options.iban.strip() else ''
    if options.iban.strip() and not iban:
        errors['iban'] = 'Please enter a valid IBAN, like BE68 5390 0754 7034.'
    elif options.bank_transfer and not iban:
        errors['iban'] = 'Please enter the IBAN customers transfer to.'
    if options.provider not in PROVIDERS:
        errors['provider'] = 'Please choose a payment provider from the list.'
    if options.auto_cancel_days is not None and not 1 <= options.auto_cancel_days <= MAX_AUTO_CANCEL_DAYS:
        errors['auto_cancel_days'] = f'Please enter 1 to {MAX_AUTO_CANCEL_DAYS} days, or leave it empty for never.'
    if errors:
        raise InvalidSettings(errors)
    values = {'pay_on_pickup': options.pay_on_pickup, 'bank_transfer': options.bank_transfer, 'iban': iban,
              'online': options.online, 'provider': options.provider, 'auto_cancel_days': options.auto_cancel_days}
    async with in_transaction() as connection:
        row, _ = await PaymentSettings.get_or_create(shop_id=shop_id, using_db=connection)
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if not changed:
            return []
        await PaymentSettings.filter(id=row.id).using_db(connection).update(**values)
        shown = ', '.join(f'{name.replace("_", " ")} {_shown(values[name])}' for name in changed)
        await write_log(connection, shop_id=shop_id, order=None, kind='settings.checkout', actor=actor,
                        now=datetime.now(UTC), message=f'Payment methods changed: {shown}',
                        data={name: values[name] for name in changed})
    return changed


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return 'on' if value else 'off'
    if value is None:
        return 'never'
    return str(value) if isinstance(value, int) else f'"{value}"'
