"""`/orders`: list, read, place, change the status of and delete the shop's orders, through the same services as
the admin and the checkout."""

import hashlib
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response

from domain.api_keys import ApiCaller
from domain.checkout import PlacedOrder, place_order
from domain.errors import InvalidCheckout, InvalidStatusChange, OrderlyError, OutOfStock, ProductUnavailable
from domain.models import Order, Product, Shop
from domain.order_changes import ChangedMeanwhile, ConfirmationNeeded, StatusUpdate, change_status
from domain.order_codes import format_order_code
from domain.order_deletion import DeletionNotConfirmed, delete_order
from domain.order_detail import order_for_admin
from domain.order_listing import OrderListFilter, orders_newest_first
from domain.payment_guidance import payment_guidance
from domain.schemas import parse_checkout
from integrations.api.auth import api_caller, api_writer
from integrations.api.cursors import order_cursor, order_position
from integrations.api.errors import ApiError, error_responses, not_found
from integrations.api.schemas import (
    DeleteQuery,
    OrderCreate,
    OrderCreditedOut,
    OrderListOut,
    OrderListQuery,
    OrderOut,
    OrderSummaryOut,
    PaymentOut,
    StatusChange,
)

router = APIRouter(prefix='/orders', tags=['orders'])

Reader = Annotated[ApiCaller, Depends(api_caller)]
Writer = Annotated[ApiCaller, Depends(api_writer)]


def _code_example(number: int) -> Any:
    # an order of the demo shop, so that the examples in the docs work on a fresh start
    return Path(description='The order code, e.g. DEMO-1042-7K (any case).',
                examples=[format_order_code('DEMO', number)])


Code = Annotated[str, _code_example(1001)]
_links = {'base': ''}
CodeToDelete = Annotated[str, _code_example(1003)]  # not the others' example: trying them in order keeps it there

# the checkout's fields, as the API names them
_FIELDS = {'name': 'customer.name', 'email': 'customer.email', 'phone': 'customer.phone',
           'street': 'shipping_address.street', 'postal_code': 'shipping_address.postal_code',
           'city': 'shipping_address.city', 'country': 'shipping_address.country'}


def set_base_url(base_url: str) -> None:
    """Where the shop's pages are: `payment.payment_url` is an address there."""
    _links['base'] = base_url.rstrip('/')


async def order_out(order: Order) -> OrderOut:
    """The order as the API answers it, with how its customer pays what is open (the rule of the mails and pages)."""
    shop = await Shop.get(id=order.shop_id)
    return OrderOut.of(order, PaymentOut.of(await payment_guidance(shop, order), _links['base']))


async def _order(caller: ApiCaller, code: str) -> Order:
    """The caller's shop's order with this code; 404 for any other, whoever's it is."""
    order = await order_for_admin(caller.shop_id, code) if len(code) <= 32 else None
    if order is None:
        raise not_found(f'Order {code[:40]}')
    return order


@router.get('', response_model=OrderListOut, responses=error_responses(401, 422))
async def list_orders(caller: Reader, query: Annotated[OrderListQuery, Query()]) -> OrderListOut:
    """The shop's orders, newest first, a page at a time."""
    matching = OrderListFilter(search=query.search, status=query.status, created_from=query.created_from,
                               created_to=query.created_to, is_test=query.is_test)
    page = await orders_newest_first(caller.shop_id, matching=matching, after=order_position(query.cursor),
                                     limit=query.limit)
    return OrderListOut(orders=[OrderSummaryOut.of(order) for order in page.orders],
                        next_cursor=order_cursor(page.next))


@router.get('/{code}', response_model=OrderOut, responses=error_responses(401, 404, 422))
async def get_order(caller: Reader, code: Code) -> OrderOut:
    """One order with its lines, totals, address and status."""
    return await order_out(await _order(caller, code))


@router.post('', response_model=OrderOut, status_code=201, responses={
    200: {'model': OrderOut, 'description': 'The order this `Idempotency-Key` placed before, unchanged.'},
    **error_responses(401, 403, 422)})
async def create_order(
    caller: Writer, body: OrderCreate, request: Request, response: Response,
    idempotency_key: Annotated[str | None, Header(
        alias='Idempotency-Key', min_length=1, max_length=200,
        description='Any unique text, e.g. a UUID: a retry with the same key returns the first order (200) '
                    'instead of placing another.')] = None,
) -> OrderOut:
    """Place an order as the checkout does: prices, stock, shipping, mails and webhooks as for a customer's."""
    # hashed: any text the caller likes becomes a key of the checkout's form, apart from the storefront's keys
    stored_key = ('api_' + hashlib.sha256(idempotency_key.encode()).hexdigest()[:60] if idempotency_key
                  else 'api_' + secrets.token_urlsafe(32))
    # looked up first: a retry must find its order even when the stock has run out since
    existing = await Order.get_or_none(shop_id=caller.shop_id, idempotency_key=stored_key)
    if existing is None:
        placed = await _place(caller, body, stored_key)
        code, replayed = placed.code, placed.replayed
    else:
        code, replayed = existing.code, True
    order = await _order(caller, code)
    if replayed:
        if not _same_order(order, body):
            raise ApiError(422, 'idempotency_key_reused', f'This Idempotency-Key placed order {order.code}, which '
                                                          'differs from this request: use a new key for a new order.')
        response.status_code = 200
    response.headers['Location'] = f'{request.scope.get("root_path", "")}/orders/{order.code}'
    return await order_out(order)


async def _place(caller: ApiCaller, body: OrderCreate, idempotency_key: str) -> PlacedOrder:
    shop = await Shop.get(id=caller.shop_id)
    try:
        form = parse_checkout(await _checkout_data(caller, body, idempotency_key))
        return await place_order(shop=shop, form=form, is_test=body.is_test, actor=caller.actor)
    except (OutOfStock, ProductUnavailable) as error:
        raise _invalid(error, 'out_of_stock' if isinstance(error, OutOfStock) else 'product_unavailable',
                       str(error)) from None
    except InvalidCheckout as error:
        raise _invalid(error, 'invalid_order', 'The order cannot be placed as sent: see `fields`.') from None


async def _checkout_data(caller: ApiCaller, body: OrderCreate, idempotency_key: str) -> dict[str, Any]:
    """The checkout form `body` amounts to; a SKU the shop does not have is refused (422)."""
    skus = {line.sku for line in body.lines}
    product_ids = dict(await Product.filter(shop_id=caller.shop_id, sku__in=skus).values_list('sku', 'id'))
    unknown = {f'lines.{index}.sku': f'There is no product with SKU "{line.sku}" in this shop.'
               for index, line in enumerate(body.lines) if line.sku not in product_ids}
    if unknown:
        raise ApiError(422, 'unknown_product', next(iter(unknown.values())), fields=unknown)
    address = body.shipping_address.model_dump() if body.shipping_address else {'country': ''}
    return {'name': body.customer.name, 'email': body.customer.email, 'phone': body.customer.phone,
            'delivery_method': body.delivery_method, 'note': body.note, 'idempotency_key': idempotency_key,
            'lines': [{'product_id': product_ids[line.sku], 'quantity': line.quantity} for line in body.lines],
            **address}


def _invalid(error: InvalidCheckout, code: str, message: str) -> ApiError:
    return ApiError(422, code, message, fields={_FIELDS.get(field, field): text
                                                for field, text in error.field_errors.items()})


def _same_order(order: Order, body: OrderCreate) -> bool:
    """Whether `order` is what `body` asks for: a reused Idempotency-Key must not hide a different order."""
    lines = sorted((line.sku, line.quantity) for line in order.lines)
    return (order.email.lower() == str(body.customer.email).lower() and order.is_test == body.is_test
            and order.delivery_method is body.delivery_method
            and lines == sorted((line.sku, line.quantity) for line in body.lines))


@router.post('/{code}/status', response_model=OrderOut, responses=error_responses(401, 403, 404, 409, 422))
async def change_order_status(caller: Writer, code: Code, body: StatusChange) -> OrderOut:
    """Give the order a new status and reference, optionally mailing the customer.

    409 `changed_meanwhile`: the order changed since `expected_version` (the answer carries it as it is now).
    409 `confirmation_needed`: the change deserves a second thought; resend with `"confirm": true`.
    409 `invalid_status_change`: the order cannot go from its status to this one.
    """
    order = await _order(caller, code)
    update = StatusUpdate(status=body.status, notify_customer=body.notify_customer,
                          reference=order.reference if body.reference is None else body.reference)
    try:
        await change_status(shop_id=caller.shop_id, order_id=order.id, update=update, actor=caller.actor,
                            expected_version=body.expected_version or order.version, confirmed=body.confirm)
    except ConfirmationNeeded as warning:
        raise ApiError(409, 'confirmation_needed', f'{warning} To go ahead, resend with "confirm": true.',
                       order=await order_out(order)) from None
    except ChangedMeanwhile as error:
        fresh = await _order(caller, code)
        raise ApiError(409, 'changed_meanwhile', str(error), order=await order_out(fresh)) from None
    except InvalidStatusChange as error:
        raise ApiError(409, 'invalid_status_change', str(error), order=await order_out(order)) from None
    except OrderlyError:
        await _order(caller, code)  # deleted meanwhile: 404
        raise
    return await order_out(await _order(caller, code))


@router.delete('/{code}', name='delete_order', status_code=204, response_class=Response,
                responses={200: {'model': OrderCreditedOut, 'description': 'The order has an invoice: it was '
                                 'cancelled and credited instead of deleted.'}, **error_responses(401, 403, 404, 422)})
async def delete_an_order(caller: Writer, code: CodeToDelete,
                          query: Annotated[DeleteQuery, Query()]) -> Response:
    """Delete the order. Test orders go at once and give their stock back; real orders only with `confirm_code`.
    An invoiced order stays for the accounts: it is cancelled and its invoices credited (200 with the credit notes)."""
    order = await _order(caller, code)
    try:
        done = await delete_order(shop_id=caller.shop_id, order_id=order.id, typed_code=query.confirm_code,
                                  actor=caller.actor)
    except DeletionNotConfirmed:
        raise ApiError(422, 'confirmation_needed', f'{order.code} is a real order: send confirm_code={order.code} to '
                                                   'delete it. This cannot be undone.',
                       fields={'confirm_code': f'Must be {order.code}.'}) from None
    except OrderlyError:
        await _order(caller, code)  # deleted meanwhile: 404
        raise
    if done.deleted:
        return Response(status_code=204)
    credited = OrderCreditedOut(order=await order_out(await _order(caller, code)), credit_notes=list(done.credit_notes),
                                message=done.message)
    return Response(credited.model_dump_json(), media_type='application/json')
