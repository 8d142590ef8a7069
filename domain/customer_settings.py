"""Settings > Customers checkout: whether customers order as guests, may or must have an account, and whether
guests get a link to their order's status page. The storefront follows them from the next page and order on."""

from enum import StrEnum
from typing import Any

from domain.models import Shop
from domain.shop_settings import InvalidSettings, save_shop_fields


class CustomerAccounts(StrEnum):
    GUESTS = 'guests'  # no accounts offered
    OPTIONAL = 'optional'  # "create an account" at checkout, or continue as a guest
    REQUIRED = 'required'  # log in or register before ordering

    @property
    def label(self) -> str:
        return {'guests': 'Guests only: no customer accounts',
                'optional': 'Account optional: customers may create one at checkout',
                'required': 'Account required: customers log in or register before they order'}[self.value]


ACCOUNT_REQUIRED = 'Please log in or create an account to order.'


def accounts_setting(value: str | None) -> CustomerAccounts:
    """The setting as stored; an unknown value counts as the default."""
    try:
        return CustomerAccounts(value)
    except ValueError:
        return CustomerAccounts.OPTIONAL


def customer_accounts(shop: Shop) -> CustomerAccounts:
    """The shop's setting."""
    return accounts_setting(shop.customer_accounts)


async def update_customers_checkout(*, shop_id: int, customer_accounts: str, guest_status_link: bool,
                                    actor: str) -> dict[str, tuple[Any, Any]]:
    """Save Settings > Customers checkout; return what changed (field: (old, new)), raise `InvalidSettings` and
    change nothing."""
    if customer_accounts not in set(CustomerAccounts):
        raise InvalidSettings({'customer_accounts': 'Please choose one of the three ways customers order.'})
    values = {'customer_accounts': str(customer_accounts), 'guest_status_link': bool(guest_status_link)}
    return await save_shop_fields(shop_id, values, kind='settings.customers', what='Customers checkout', actor=actor)
