"""The visitor's cart: product id -> quantity, kept in NiceGUI's per-browser user storage."""

from nicegui import app


def cart() -> dict[int, int]:
    return {int(pid): qty for pid, qty in app.storage.user.get('cart', {}).items()}


def set_quantity(product_id: int, quantity: int) -> None:
    items = app.storage.user.get('cart', {}).copy()
    if quantity > 0:
        items[str(product_id)] = quantity
    else:
        items.pop(str(product_id), None)
    app.storage.user['cart'] = items


def add(product_id: int, quantity: int = 1) -> None:
    set_quantity(product_id, cart().get(product_id, 0) + quantity)


def item_count() -> int:
    return sum(cart().values())


def clear() -> None:
    app.storage.user['cart'] = {}
    app.storage.user.pop('checkout_key', None)
