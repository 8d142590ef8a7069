"""What the checkout offers: pickup and/or shipping, what shipping costs, and from which subtotal it is free."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from domain.errors import InvalidCheckout
from domain.models import Shop
from domain.money import PricedLine, Totals, compute_totals, format_money
from domain.schemas import DeliveryMethod
from domain.sql import decimal

NOT_OFFERED = {
    DeliveryMethod.PICKUP: 'Pickup in the shop is not available at the moment: please choose shipping.',
    DeliveryMethod.SHIPPING: 'Shipping is not available at the moment: please choose pickup in the shop.',
}
NOTHING_OFFERED = 'This shop takes no orders at the moment.'

# The shop's columns a `DeliveryOffer` is made of, for a statement that reads them raw (place_order's)
COLUMNS = ('pickup_enabled', 'shipping_enabled', 'shipping_cost', 'shipping_vat_rate', 'free_shipping_from',
           'pickup_address')


@dataclass(frozen=True)
class DeliveryOffer:
    pickup: bool
    shipping: bool
    shipping_cost: Decimal
    shipping_vat_rate: Decimal
    free_shipping_from: Decimal | None  # None: shipping is never free
    pickup_address: str = ''

    @classmethod
    def of(cls, shop: Shop) -> 'DeliveryOffer':
        return cls(pickup=shop.pickup_enabled, shipping=shop.shipping_enabled, shipping_cost=shop.shipping_cost,
                   shipping_vat_rate=shop.shipping_vat_rate, free_shipping_from=shop.free_shipping_from,
                   pickup_address=shop.pickup_address)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> 'DeliveryOffer':
        """From the raw `COLUMNS` of a shop row: SQLite answers 0/1 and text where PostgreSQL has bool and numeric."""
        free_from = row['free_shipping_from']
        return cls(pickup=bool(row['pickup_enabled']), shipping=bool(row['shipping_enabled']),
                   shipping_cost=decimal(row['shipping_cost']), shipping_vat_rate=decimal(row['shipping_vat_rate']),
                   free_shipping_from=None if free_from is None else decimal(free_from),
                   pickup_address=row['pickup_address'])

    @property
    def methods(self) -> list[DeliveryMethod]:
        """The methods a customer may choose, shipping first."""
        offered = {DeliveryMethod.SHIPPING: self.shipping, DeliveryMethod.PICKUP: self.pickup}
        return [method for method, on in offered.items() if on]

    def check(self, method: DeliveryMethod) -> None:
        """Refuse a method the shop does not offer (any more), with a message for the customer."""
        if method not in self.methods:
            message = NOT_OFFERED[method] if self.methods else NOTHING_OFFERED
            raise InvalidCheckout({'delivery_method': message})

    def ships_free(self, subtotal: Decimal) -> bool:
        return self.free_shipping_from is not None and subtotal >= self.free_shipping_from

    def shipping_for(self, method: DeliveryMethod, subtotal: Decimal) -> Decimal:
        if method is not DeliveryMethod.SHIPPING or self.ships_free(subtotal):
            return Decimal('0.00')
        return self.shipping_cost

    def totals(self, lines: list[PricedLine], method: DeliveryMethod) -> Totals:
        """The order's totals with the shipping this offer charges for `method` (free above the threshold)."""
        subtotal = sum((line.total for line in lines), Decimal('0.00'))
        return compute_totals(lines, self.shipping_for(method, subtotal), self.shipping_vat_rate)

    def describe(self, subtotal: Decimal, currency: str) -> str:
        """One sentence for the cart: what delivery will cost, before the customer chooses at checkout."""
        if not self.methods:
            return NOTHING_OFFERED
        pickup = 'pick up for free'
        if not self.shipping:
            return f'Delivery: {pickup} at {self.pickup_address or "the shop"}.'
        if self.ships_free(subtotal) or not self.shipping_cost:
            shipping = 'Shipping is free'
        else:
            shipping = f'Shipping {format_money(self.shipping_cost, currency)}'
            if self.free_shipping_from is not None:
                shipping += f' (free from {format_money(self.free_shipping_from, currency)})'
        return f'{shipping}, or {pickup}: you choose at checkout.' if self.pickup else f'{shipping}.'

