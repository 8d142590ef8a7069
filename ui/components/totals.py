from decimal import Decimal

from nicegui import ui

from domain.money import format_money


def totals_block(*, subtotal: Decimal, shipping: Decimal, total: Decimal, vat: Decimal, currency: str) -> None:
    """Subtotal, shipping, the total and the VAT it contains: as the cart, checkout and order page show them."""
    for label, amount in (('Subtotal', subtotal), ('Shipping', shipping)):
        with ui.row().classes('w-full justify-between'):
            ui.label(label).classes('text-stone-600')
            ui.label(format_money(amount, currency))
    with ui.row().classes('w-full justify-between text-lg font-semibold'):
        ui.label('Total')
        ui.label(format_money(total, currency)).classes('order-total')
    ui.label(f'incl. {format_money(vat, currency)} VAT').classes('text-sm text-stone-500 self-end')
