"""How the customer pays what is still open on an order: the one rule behind every pay link and every payment
instruction (the confirmation mail, the order page, the account's order page, `/order/{token}/pay`, the REST API).

A pay link is offered only where it leads to a page that takes the open amount: online payment is on, with a
provider this installation really has (the built-in demo provider only where the owner chose it, Mollie only with
an API key), and the order is payable ("Order received" or "Waiting for payment") with something left to pay.
Otherwise the customer is told how to pay: a bank transfer to the shop's one IBAN (Settings > Checkout) with the
order code as the reference, or at the pickup. Paths are relative (`/order/{token}/pay`): a mail or the API puts
its own base URL in front.
"""

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from domain.models import InvoiceSettings, Order, Shop
from domain.money import format_money
from domain.payment_settings import DEMO, PaymentOptions, grouped_iban, payment_options
from domain.payments import open_amount
from domain.schemas import DeliveryMethod
from domain.statuses import OrderStatus

# The online providers this installation has; main.py says which once it has built them (the demo provider is
# always built in, and answers only in shops that chose it).
_installed: dict[str, frozenset[str]] = {'providers': frozenset({DEMO})}


def set_online_providers(names: Collection[str]) -> None:
    """Called by main.py with the providers it built: only those can take a payment."""
    _installed['providers'] = frozenset(names)


def online_providers() -> frozenset[str]:
    """The names of the providers this installation has."""
    return _installed['providers']


@dataclass(frozen=True)
class PayOnline:
    """`path` leads to the page of `provider` for the open amount."""

    path: str
    provider: str


@dataclass(frozen=True)
class BankTransfer:
    iban: str  # grouped, as it is typed: BE68 5390 0754 7034
    beneficiary: str
    reference: str  # the order code


@dataclass(frozen=True)
class PayOnPickup:
    address: str


@dataclass(frozen=True)
class PayLater:
    """The shop offers no way to pay this order from here (no IBAN, no online payment): it will say how."""


Way = PayOnline | BankTransfer | PayOnPickup | PayLater


@dataclass(frozen=True)
class HowToPay:
    """What is still to pay and the ways to pay it, the customer's preferred first; no ways: nothing to pay."""

    amount: Decimal
    currency: str
    ways: tuple[Way, ...] = ()

    @property
    def nothing_to_pay(self) -> bool:
        return not self.ways

    @property
    def pay_path(self) -> str | None:
        """The pay link's path, only when it leads to a page where the open amount can be paid."""
        return self.online.path if self.online else None

    @property
    def online(self) -> PayOnline | None:
        return next((way for way in self.ways if isinstance(way, PayOnline)), None)

    @property
    def bank_transfer(self) -> BankTransfer | None:
        return next((way for way in self.ways if isinstance(way, BankTransfer)), None)

    @property
    def on_pickup(self) -> PayOnPickup | None:
        return next((way for way in self.ways if isinstance(way, PayOnPickup)), None)

    @property
    def amount_text(self) -> str:
        return format_money(self.amount, self.currency)

    def instructions(self) -> str:
        """The ways that need no link, in words ('' when there is nothing to pay): the API's and mails' text."""
        sentences = []
        for way in self.ways:
            if isinstance(way, BankTransfer):
                sentences.append(f'Transfer {self.amount_text} to {way.iban} ({way.beneficiary}) with the reference '
                                 f'{way.reference}.')
            elif isinstance(way, PayOnPickup):
                sentences.append(f'Pay {self.amount_text} when you pick up your order at {way.address}.'
                                 if way.address else f'Pay {self.amount_text} when you pick up your order.')
            elif isinstance(way, PayLater):
                sentences.append(f'The shop will tell you how to pay {self.amount_text}.')
        return ' '.join(sentences)


def how_to_pay(options: PaymentOptions, order: Order, *, amount: Decimal, beneficiary: str, pickup_address: str,
               providers: Collection[str]) -> HowToPay:
    """The rule itself, on what the caller read: `amount` is the order's open amount (0 unless it is payable)."""
    if amount <= 0:
        return HowToPay(Decimal('0.00'), order.currency)
    pickup = order.delivery_method is DeliveryMethod.PICKUP
    ways: list[Way] = []
    if options.online and options.provider in providers:
        ways.append(PayOnline(f'/order/{order.token}/pay', options.provider))
    # Transfer when the shop offers it, for a parcel or an order waiting for it (an order to collect that is
    # "Order received" is paid there); and for a parcel the shop offered no way at all for, to the IBAN it has.
    transfer = options.bank_transfer and (not pickup or order.status is OrderStatus.AWAITING_PAYMENT)
    if options.iban and (transfer or (not pickup and not ways)):
        ways.append(BankTransfer(grouped_iban(options.iban), beneficiary, order.code))
    if pickup and options.pay_on_pickup:
        ways.append(PayOnPickup(pickup_address))
    return HowToPay(amount, order.currency, tuple(ways or [PayLater()]))


async def payment_guidance(shop: Shop, order: Order) -> HowToPay:
    """How the customer of `order` pays what is open now, under the shop's payment settings."""
    amount = await open_amount(order)
    if amount <= 0:
        return HowToPay(Decimal('0.00'), order.currency)
    invoice = await InvoiceSettings.get_or_none(shop_id=shop.id)
    beneficiary = (invoice.legal_name if invoice else '') or shop.name
    return how_to_pay(await payment_options(shop.id), order, amount=amount, beneficiary=beneficiary,
                      pickup_address=shop.pickup_address, providers=online_providers())
