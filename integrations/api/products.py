"""`/products`: the shop's products, and their stock set or adjusted (by a point of sale, a warehouse)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from domain.api_keys import ApiCaller
from domain.products import InsufficientStock, InvalidStock, product_by_sku, products_after, update_stock
from integrations.api.auth import api_caller, api_writer
from integrations.api.cursors import product_after, product_cursor
from integrations.api.errors import ApiError, error_responses, not_found
from integrations.api.schemas import ProductListOut, ProductListQuery, ProductOut, StockAdjust, StockSet

router = APIRouter(prefix='/products', tags=['products'])

Reader = Annotated[ApiCaller, Depends(api_caller)]
Writer = Annotated[ApiCaller, Depends(api_writer)]
Sku = Annotated[str, Path(description='The SKU; a slash in it is sent as %2F.', examples=['FLT-100'])]


@router.get('', response_model=ProductListOut, responses=error_responses(401, 422))
async def list_products(caller: Reader, query: Annotated[ProductListQuery, Query()]) -> ProductListOut:
    """All the shop's products, sold (`active`) or not, in the order they were added."""
    limit = query.limit
    products = await products_after(caller.shop_id, after_id=product_after(query.cursor), limit=limit + 1)
    more = len(products) > limit
    return ProductListOut(products=[ProductOut.of(product) for product in products[:limit]],
                          next_cursor=product_cursor(products[limit - 1].id) if more else None)


# `:path`: a SKU may contain a slash (sent as %2F)
@router.get('/{sku:path}', response_model=ProductOut, responses=error_responses(401, 404, 422))
async def get_product(caller: Reader, sku: Sku) -> ProductOut:
    """One product by its SKU."""
    product = await product_by_sku(caller.shop_id, sku)
    if product is None:
        raise not_found(f'Product {sku[:64]}')
    return ProductOut.of(product)


@router.patch('/{sku:path}', response_model=ProductOut, responses=error_responses(401, 403, 404, 409, 422))
async def update_product_stock(caller: Writer, sku: Sku, body: StockSet | StockAdjust) -> ProductOut:
    """Set the stock (`{"stock": 12}`) or adjust it (`{"stock_change": -2}`, atomic: safe while orders come in).

    409 `insufficient_stock`: the adjustment would take the stock below zero; nothing was changed.
    """
    try:
        product = await update_stock(shop_id=caller.shop_id, sku=sku, actor=caller.actor,
                                     stock=body.stock if isinstance(body, StockSet) else None,
                                     change=body.stock_change if isinstance(body, StockAdjust) else None)
    except InsufficientStock as error:
        raise ApiError(409, 'insufficient_stock', str(error)) from None
    except InvalidStock as error:
        raise ApiError(422, 'invalid_stock', str(error), fields={'stock': str(error)}) from None
    if product is None:
        raise not_found(f'Product {sku[:64]}')
    return ProductOut.of(product)
