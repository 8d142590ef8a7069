"""What the API takes (`…In`, `…Create`, `…Change`) and what it answers (`…Out`): plain pydantic models, written
from domain objects by the `of` constructors, so a new column never leaks out by itself."""

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
)

from domain.models import Order, Product
from domain.order_listing import MAX_LIMIT as MAX_ORDERS_LIMIT
from domain.order_listing import ListedOrder
from domain.payment_guidance import HowToPay
from domain.products import MAX_STOCK
from domain.schemas import MAX_QUANTITY, DeliveryMethod
from domain.statuses import OrderStatus
from domain.text_rules import VISIBLE, VISIBLE_INPUT, VISIBLE_LINES

MAX_LINES = 100
MAX_PRODUCTS_LIMIT = 200
MAX_CURSOR_LENGTH = 200
_ISO_DATE = re.compile(r'^[0-9]{4}-[0-9]{2}-[0-9]{2}')


def _iso(value: object) -> object:
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError('Expected an ISO 8601 date and time, e.g. 2025-03-01T00:00:00+01:00.')
    return value


def _utc(moment: datetime) -> datetime:
    try:
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (OverflowError, ValueError):
        raise ValueError('This time is out of range.') from None


# ISO 8601 only (not the Unix times pydantic would also take); a time without an offset is taken as UTC
UtcDatetime = Annotated[datetime, BeforeValidator(_iso), AfterValidator(_utc)]


# ---- what comes in


class _In(BaseModel):
    """A request body. Numbers and flags are strict: `"is_test": 0` or `"stock": true` are mistakes to point out."""

    model_config = ConfigDict(extra='forbid', str_strip_whitespace=True)


class _Query(BaseModel):
    """Query parameters. An unknown one is refused: a misspelt filter must not silently list every order."""

    model_config = ConfigDict(extra='forbid')


Cursor = Annotated[str | None, Field(max_length=MAX_CURSOR_LENGTH, description='`next_cursor` of the previous page.')]


class OrderListQuery(_Query):
    status: OrderStatus | None = None
    created_from: UtcDatetime | None = Field(None, description='Placed at or after (ISO 8601; UTC if no offset).')
    created_to: UtcDatetime | None = Field(None, description='Placed before (ISO 8601; UTC if no offset).')
    search: str = Field('', max_length=100, description='Order code or number, customer name or e-mail '
                                                        '(fragments of 3+ characters).')
    is_test: bool | None = Field(None, description='true: only test orders; false: only real ones.')
    limit: int = Field(50, ge=1, le=MAX_ORDERS_LIMIT)
    cursor: Cursor = None


class ProductListQuery(_Query):
    limit: int = Field(100, ge=1, le=MAX_PRODUCTS_LIMIT)
    cursor: Cursor = None


class DeleteQuery(_Query):
    confirm_code: str = Field('', max_length=40, description='The order code again: needed for real orders, not for '
                                                             'test orders.')


class CustomerIn(_In):
    name: Annotated[str, StringConstraints(min_length=1, max_length=120), VISIBLE]
    email: Annotated[EmailStr, VISIBLE_INPUT]
    phone: Annotated[str, StringConstraints(max_length=30, pattern=r'^(\+?[0-9 ()./-]{6,30})?$')] = ''


class AddressIn(_In):
    street: Annotated[str, StringConstraints(max_length=200), VISIBLE] = ''
    postal_code: Annotated[str, StringConstraints(max_length=16), VISIBLE] = ''
    city: Annotated[str, StringConstraints(max_length=200), VISIBLE] = ''
    country: Annotated[str, StringConstraints(max_length=2), VISIBLE] = Field('BE',
                                                                              description='ISO 3166 code, e.g. BE')


class OrderLineIn(_In):
    sku: Annotated[str, StringConstraints(min_length=1, max_length=64), VISIBLE]
    quantity: StrictInt = Field(ge=1, le=MAX_QUANTITY)


class OrderCreate(_In):
    """A new order, placed as if the customer had checked out: prices, stock and shipping come from the shop."""

    model_config = ConfigDict(json_schema_extra={'examples': [{
        'customer': {'name': 'Ann Peeters', 'email': 'ann@example.com', 'phone': '+32 470 12 34 56'},
        'delivery_method': 'shipping',
        'shipping_address': {'street': 'Kerkstraat 1', 'postal_code': '9000', 'city': 'Gent', 'country': 'BE'},
        'lines': [{'sku': 'FLT-100', 'quantity': 2}], 'note': 'Please ring twice', 'is_test': True}]})

    customer: CustomerIn
    delivery_method: DeliveryMethod = DeliveryMethod.SHIPPING
    shipping_address: AddressIn | None = Field(None, description='Required for shipping.')
    note: Annotated[str, StringConstraints(max_length=1000), VISIBLE_LINES] = ''
    lines: list[OrderLineIn] = Field(min_length=1, max_length=MAX_LINES)
    is_test: StrictBool = Field(False, description='A test order: deleting it gives its stock back.')


class StatusChange(_In):
    model_config = ConfigDict(json_schema_extra={'examples': [
        {'status': 'shipped', 'reference': '1Z999AA10123456784', 'notify_customer': True}]})

    status: OrderStatus
    reference: Annotated[str, StringConstraints(max_length=200), VISIBLE] | None = Field(
        None, description='Internal reference or tracking code; omitted: kept as it is, "": removed.')
    notify_customer: StrictBool = Field(False, description='Mail the customer about the new status.')
    expected_version: StrictInt | None = Field(None, ge=1, le=2**31 - 1, description=(
        'The `version` you last read: if the order changed since, nothing is saved and the answer is 409 '
        '`changed_meanwhile`. Omitted: the current version.'))
    confirm: StrictBool = Field(False, description='Resend with true after a 409 `confirmation_needed`.')


class StockSet(_In):
    model_config = ConfigDict(json_schema_extra={'examples': [{'stock': 12}]})

    stock: StrictInt = Field(ge=0, le=MAX_STOCK, description='The new stock.')


class StockAdjust(_In):
    model_config = ConfigDict(json_schema_extra={'examples': [{'stock_change': -2}]})

    stock_change: StrictInt = Field(ge=-MAX_STOCK, le=MAX_STOCK, description=(
        'Added to the stock as it is at that moment (negative: taken away); refused below zero.'))


# ---- what goes out


class CustomerOut(BaseModel):
    name: str
    email: str
    phone: str
    vat_number: str


class AddressOut(BaseModel):
    street: str
    postal_code: str
    city: str
    country: str


class OrderLineOut(BaseModel):
    sku: str
    name: str
    quantity: int
    unit_price: Decimal = Field(description='Incl. VAT, as sold.')
    vat_rate: Decimal = Field(description='Percent.')
    total: Decimal


class BankTransferOut(BaseModel):
    iban: str = Field(description='The shop\'s IBAN, grouped as it is typed.')
    beneficiary: str
    reference: str = Field(description='The order code: the reference the transfer must carry.')
    amount: Decimal


class PaymentOut(BaseModel):
    """How the customer pays what is still open (domain/payment_guidance.py, as in the mails and on the order page)."""

    open_amount: Decimal = Field(description='Still to pay; 0: nothing to pay (paid, or past paying).')
    # defaults: error bodies leave out what is null
    payment_url: str | None = Field(None, description='A page where the customer pays the open amount online; null '
                                                      'when it cannot be paid online (see `payment_instructions`).')
    payment_instructions: str = Field(description='How to pay without the link (bank transfer, at the pickup), in '
                                                  'words; "" when there is nothing to pay or only the link.')
    bank_transfer: BankTransferOut | None = None
    pay_on_pickup: bool

    @classmethod
    def of(cls, how: HowToPay, base_url: str) -> 'PaymentOut':
        transfer = how.bank_transfer
        return cls(open_amount=how.amount, payment_url=f'{base_url}{how.pay_path}' if how.pay_path else None,
                   payment_instructions=how.instructions(), pay_on_pickup=how.on_pickup is not None,
                   bank_transfer=BankTransferOut(iban=transfer.iban, beneficiary=transfer.beneficiary,
                                                 reference=transfer.reference, amount=how.amount)
                   if transfer else None)


class OrderOut(BaseModel):
    code: str
    number: int
    status: OrderStatus
    status_label: str
    is_test: bool
    reference: str
    version: int = Field(description='Goes up with every change; send it back as `expected_version`.')
    customer: CustomerOut
    delivery_method: DeliveryMethod
    shipping_address: AddressOut | None
    note: str
    lines: list[OrderLineOut]
    currency: str
    subtotal: Decimal
    shipping_cost: Decimal
    vat_total: Decimal
    total: Decimal
    item_count: int
    created_at: datetime
    updated_at: datetime
    payment: PaymentOut

    @classmethod
    def of(cls, order: Order, payment: PaymentOut) -> 'OrderOut':
        """The order with its prefetched lines, and how its customer pays what is open."""
        address = None
        if order.delivery_method is DeliveryMethod.SHIPPING or order.street:
            address = AddressOut(street=order.street, postal_code=order.postal_code, city=order.city,
                                 country=order.country)
        return cls(code=order.code, number=order.number, status=order.status, status_label=order.status.label,
                   is_test=order.is_test, reference=order.reference, version=order.version,
                   customer=CustomerOut(name=order.customer_name, email=order.email, phone=order.phone,
                                        vat_number=order.vat_number),
                   delivery_method=order.delivery_method, shipping_address=address, note=order.note,
                   lines=[OrderLineOut(sku=line.sku, name=line.name, quantity=line.quantity,
                                       unit_price=line.unit_price, vat_rate=line.vat_rate, total=line.total)
                          for line in order.lines],
                   currency=order.currency, subtotal=order.subtotal, shipping_cost=order.shipping_cost,
                   vat_total=order.vat_total, total=order.total, item_count=order.item_count,
                   created_at=order.created_at, updated_at=order.updated_at, payment=payment)


class OrderCreditedOut(BaseModel):
    """What DELETE did to an invoiced order: it stays for the accounts, cancelled, with its invoices credited."""

    order: OrderOut
    credit_notes: list[str] = Field(description='Numbers of the credit notes issued now (empty: credited before).')
    message: str


class OrderSummaryOut(BaseModel):
    code: str
    status: OrderStatus
    status_label: str
    is_test: bool
    customer_name: str
    email: str
    item_count: int
    total: Decimal
    currency: str
    reference: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, order: ListedOrder) -> 'OrderSummaryOut':
        return cls(code=order.code, status=order.status, status_label=order.status.label, is_test=order.is_test,
                   customer_name=order.customer_name, email=order.email, item_count=order.item_count,
                   total=order.total, currency=order.currency, reference=order.reference,
                   created_at=order.created_at, updated_at=order.updated_at)


class OrderListOut(BaseModel):
    orders: list[OrderSummaryOut] = Field(description='Newest first.')
    next_cursor: str | None = Field(description='Pass as `cursor` for the next page; null on the last page.')


class ProductOut(BaseModel):
    sku: str
    name: str
    description: str
    price: Decimal = Field(description='Incl. VAT.')
    vat_rate: Decimal = Field(description='Percent.')
    stock: int
    active: bool = Field(description='Sold in the shop.')
    image_url: str

    @classmethod
    def of(cls, product: Product) -> 'ProductOut':
        return cls(sku=product.sku, name=product.name, description=product.description, price=product.price,
                   vat_rate=product.vat_rate, stock=product.stock, active=product.active, image_url=product.image_url)


class ProductListOut(BaseModel):
    products: list[ProductOut]
    next_cursor: str | None = Field(description='Pass as `cursor` for the next page; null on the last page.')


class ErrorDetail(BaseModel):
    code: str = Field(description='Stable, for programs: e.g. `not_found`, `validation_error`, `changed_meanwhile`.')
    message: str = Field(description='For people.')
    fields: dict[str, str] | None = Field(None, description='What is wrong with which field of the request.')
    order: OrderOut | None = Field(None, description='The order as it is now (409 answers about an order).')


class ErrorResponse(BaseModel):
    error: ErrorDetail
