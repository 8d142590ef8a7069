"""`/orders/{code}/mark-paid`: record that an order's open amount arrived (a bank transfer), under the seed's rule:
only an order that is "Order received" or "Waiting for payment" can be paid."""

from fastapi import APIRouter

from domain.errors import OrderlyError
from domain.payments import OrderNotPayable, mark_as_paid
from integrations.api.errors import ApiError, error_responses
from integrations.api.orders import Code, Writer, _order, order_out
from integrations.api.schemas import OrderOut

router = APIRouter(prefix='/orders', tags=['orders'])


@router.post('/{code}/mark-paid', response_model=OrderOut, responses=error_responses(401, 403, 404, 409, 422))
async def mark_order_paid(caller: Writer, code: Code) -> OrderOut:
    """Record a payment of the open amount and move the order to "Payment received" (API PUSH `order.paid`).

    409 `not_payable`: the order is past paying (its payment is OK) or has nothing left to pay.
    """
    order = await _order(caller, code)
    try:
        await mark_as_paid(shop_id=caller.shop_id, order_id=order.id, actor=caller.actor)
    except OrderNotPayable as error:
        raise ApiError(409, 'not_payable', str(error), order=await order_out(order)) from None
    except OrderlyError:
        await _order(caller, code)  # deleted meanwhile: 404
        raise
    return await order_out(await _order(caller, code))
