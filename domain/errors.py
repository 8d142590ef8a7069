"""Errors a user can cause: each carries a message fit to show as it is."""


class OrderlyError(Exception):
    """Base of every user-caused error; `str(error)` is the message for the user."""


class InvalidCheckout(OrderlyError):
    """The checkout form has errors; `field_errors` maps a form field to its message."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        super().__init__('Please correct the marked fields.')
        self.field_errors = field_errors


class OutOfStock(InvalidCheckout):
    """A product in the cart is no longer available in the wanted quantity."""

    def __init__(self, field: str, product_name: str, available: int) -> None:
        message = (f'Only {available} of "{product_name}" left in stock.' if available > 0
                   else f'"{product_name}" is sold out.')
        super().__init__({field: message})
        self.args = (message,)


class ProductUnavailable(InvalidCheckout):
    """A product in the cart no longer exists or is no longer sold."""

    def __init__(self, field: str) -> None:
        message = 'This product is no longer available.'
        super().__init__({field: message})
        self.args = (message,)


class InvalidOrderCode(OrderlyError):
    """An order code is malformed, has a wrong check character, or belongs to another shop."""


class InvalidStatusChange(OrderlyError):
    """The order cannot move from its current status to the requested one."""
