"""What comes in from a checkout form, validated with pydantic into messages fit for the customer."""

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, ValidationError

from domain.errors import InvalidCheckout
from domain.text_rules import INVISIBLE_ERROR, VISIBLE, VISIBLE_INPUT, VISIBLE_LINES

MAX_QUANTITY = 999


class DeliveryMethod(StrEnum):
    PICKUP = 'pickup'
    SHIPPING = 'shipping'

    @property
    def label(self) -> str:
        return {'pickup': 'Pickup in the shop', 'shipping': 'Shipping'}[self.value]


Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), VISIBLE]


class CartLine(BaseModel):
    product_id: int
    quantity: int = Field(ge=1, le=MAX_QUANTITY)


class CheckoutForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    name: Annotated[str, StringConstraints(min_length=1, max_length=120), VISIBLE]
    email: Annotated[EmailStr, VISIBLE_INPUT]
    phone: Annotated[str, StringConstraints(max_length=30, pattern=r'^(\+?[0-9 ()./-]{6,30})?$')] = ''
    delivery_method: DeliveryMethod = DeliveryMethod.SHIPPING
    street: Text = ''
    postal_code: Annotated[str, StringConstraints(max_length=16), VISIBLE] = ''
    city: Text = ''
    country: Annotated[str, StringConstraints(max_length=2), VISIBLE] = 'BE'
    note: Annotated[str, StringConstraints(max_length=1000), VISIBLE_LINES] = ''
    lines: list[CartLine] = Field(min_length=1)
    idempotency_key: Annotated[str, StringConstraints(min_length=16, max_length=64, pattern=r'^[A-Za-z0-9_-]+$')]


MESSAGES = {
    'name': 'Please enter your name.',
    'email': 'Please enter a valid e-mail address, like name@example.com.',
    'phone': 'Please enter a valid phone number, or leave it empty.',
    'street': 'Please enter the street and number.',
    'postal_code': 'Please enter the postal code.',
    'city': 'Please enter the city.',
    'country': 'Please choose a country.',
    'note': 'The note can be at most 1000 characters.',
    'lines': 'Your cart is empty.',
    'delivery_method': 'Please choose pickup or shipping.',
    'idempotency_key': 'This form has expired: please reload the page.',
}
ADDRESS_FIELDS = ('street', 'postal_code', 'city', 'country')


def _field_of(location: tuple) -> str:
    if location and location[0] == 'lines' and len(location) > 1:
        return f'lines.{location[1]}'
    return str(location[0]) if location else 'form'


def _line_message(error: dict) -> str:
    if error['type'] in ('greater_than_equal', 'less_than_equal'):
        return f'Please choose a quantity between 1 and {MAX_QUANTITY}.'
    return 'This cart line is not valid.'


def parse_checkout(data: dict) -> CheckoutForm:
    """Validate raw form data; raise `InvalidCheckout` with one message per wrong field."""
    field_errors: dict[str, str] = {}
    if data.get('delivery_method', DeliveryMethod.SHIPPING) == DeliveryMethod.SHIPPING:
        field_errors = {name: MESSAGES[name] for name in ADDRESS_FIELDS
                        if not str(data.get(name, CheckoutForm.model_fields[name].default) or '').strip()}
    try:
        form = CheckoutForm.model_validate(data)
    except ValidationError as error:
        for item in error.errors():
            field = _field_of(item['loc'])
            if item['type'] == INVISIBLE_ERROR:  # its own message names the character
                message = item['msg']
            else:
                message = _line_message(item) if field.startswith('lines.') else MESSAGES.get(field, item['msg'])
            field_errors.setdefault(field, message)
    if field_errors:
        raise InvalidCheckout(field_errors)
    return form
