"""Money with Decimal: line totals, shipping and the VAT contained in gross (VAT-inclusive) prices."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal('0.01')


def round_money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def vat_in_gross(gross: Decimal, rate: Decimal) -> Decimal:
    """The VAT contained in a VAT-inclusive amount at `rate` percent."""
    return round_money(gross * rate / (100 + rate))


@dataclass(frozen=True)
class PricedLine:
    product_id: int
    sku: str
    name: str
    quantity: int
    unit_price: Decimal  # incl. VAT
    vat_rate: Decimal  # percent

    @property
    def total(self) -> Decimal:
        return round_money(self.unit_price * self.quantity)

    @property
    def vat(self) -> Decimal:
        return vat_in_gross(self.total, self.vat_rate)


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    shipping: Decimal
    total: Decimal
    vat_by_rate: dict[Decimal, Decimal] = field(default_factory=dict)

    @property
    def vat_total(self) -> Decimal:
        return sum(self.vat_by_rate.values(), Decimal('0.00'))

    @property
    def net_total(self) -> Decimal:
        return self.total - self.vat_total


def compute_totals(lines: list[PricedLine], shipping: Decimal, shipping_vat_rate: Decimal) -> Totals:
    """Totals of VAT-inclusive lines plus shipping; VAT is computed once per rate on the rate's gross sum."""
    gross_by_rate: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in lines:
        gross_by_rate[line.vat_rate] += line.total
    shipping = round_money(shipping)
    if shipping:
        gross_by_rate[shipping_vat_rate] += shipping
    subtotal = sum((line.total for line in lines), Decimal('0.00'))
    vat_by_rate = {rate: vat_in_gross(gross, rate) for rate, gross in sorted(gross_by_rate.items())}
    return Totals(subtotal=subtotal, shipping=shipping, total=subtotal + shipping, vat_by_rate=vat_by_rate)


def format_money(amount: Decimal, currency: str) -> str:
    """`€ 12.50` for EUR; the ISO code for currencies without a symbol here."""
    symbol = {'EUR': '€', 'USD': '$', 'GBP': '£'}.get(currency, currency)
    return f'{symbol} {amount:,.2f}'
