"""Addresses as people read them: country names instead of ISO 3166 codes ('BE' → 'Belgium').

The names come from Babel (the CLDR data every major platform uses) rather than a list of our own: it knows every
country in every language, which the customer's language (issue 22) needs, and it is kept up to date by others.
"""

from functools import lru_cache

from babel import Locale, UnknownLocaleError

from domain.models import Order
from domain.schemas import DeliveryMethod


@lru_cache(maxsize=64)
def _territories(locale: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(locale.replace('-', '_')).territories)
    except (UnknownLocaleError, ValueError, TypeError):
        return dict(Locale('en').territories)


def country_name(code: str, locale: str = 'en') -> str:
    """The country's name in `locale` ('BE' → 'Belgium', 'nl': 'België'); an unknown code as it is, '' for ''."""
    code = (code or '').strip()
    return _territories(locale).get(code.upper(), code) if code else ''


def shipping_address_lines(order: Order, locale: str = 'en') -> list[str]:
    """Street, postal code and city, country name: the lines of a shipping order's address (none for pickup)."""
    if order.delivery_method is not DeliveryMethod.SHIPPING:
        return []
    lines = (order.street, f'{order.postal_code} {order.city}'.strip(), country_name(order.country, locale))
    return [line for line in lines if line and line.strip()]


def postal_lines(postal_address: str, *, without: tuple[str, ...] = ()) -> list[str]:
    """The shop's postal address as lines for a document that prints the shop's name just before it: a first line
    that is one of the names in `without` is left out, as merchants often type their name as the first line."""
    lines = [line.strip() for line in (postal_address or '').splitlines() if line.strip()]
    names = {name.strip().casefold() for name in without if name and name.strip()}
    return lines[1:] if lines and lines[0].casefold() in names else lines
