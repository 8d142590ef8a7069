"""The customer's way through the shop with NiceGUI's simulated User: catalogue -> cart -> checkout -> order."""

from nicegui import ui
from nicegui.testing import User

from domain.models import Order, OutboxMessage, Product


async def fill_checkout(user: User, **overrides: str | None) -> None:
    """Type the customer's details; a field given as None is left alone (it is hidden)."""
    fields = {'name': 'Ann Peeters', 'email': 'ann@example.com', 'street': 'Kerkstraat 1', 'postal_code': '9000',
              'city': 'Gent', **overrides}
    for name, value in fields.items():
        if value is None:
            continue
        user.find(marker=name).clear()
        if value:
            user.find(marker=name).type(value)


async def test_customer_orders_from_catalogue_to_confirmation(user: User):
    await user.open('/')
    await user.should_see('Espresso beans, 1 kg')
    await user.should_see('Only 3 left')
    user.find(marker='add-COF-ESP-1K').click()
    user.find(marker='add-COF-ESP-1K').click()
    user.find(marker='add-MUG-SAG-35').click()
    await user.should_see('Added Stoneware mug, sage to your cart.')

    await user.open('/cart')
    await user.should_see('€ 64.40')  # 2 x 24.95 + 14.50
    quantity = user.find(marker='qty-COF-ESP-1K')
    quantity.clear().type('3')
    await user.should_see('€ 89.35')  # totals follow the quantity live
    user.find('Checkout').click()

    await user.should_see('Your details')
    await user.should_see('€ 96.30')  # 89.35 + 6.95 shipping
    await fill_checkout(user)
    user.find(marker='place-order').click()
    await user.should_see('Thank you, Ann Peeters!', retries=20)  # placing the order, then the page

    order = await Order.get().prefetch_related('lines')
    await user.should_see(order.code)
    await user.should_see('Order received')
    await user.should_see('€ 96.30')
    assert [(line.sku, line.quantity) for line in order.lines] == [('COF-ESP-1K', 3), ('MUG-SAG-35', 1)]
    assert await OutboxMessage.filter(order_id=order.id, template='customer_confirmation').count() == 1
    await user.open('/cart')
    await user.should_see('Your cart is empty.')


async def test_pickup_needs_no_address_and_costs_no_shipping(user: User):
    await user.open('/')
    user.find(marker='add-KET-GN-1L').click()
    await user.open('/checkout')
    user.find('Pickup in the shop (free)').click()
    await user.should_see('Pick up at Demo shop, Grote Markt 1, 1000 Brussels.')
    await fill_checkout(user, street=None, postal_code=None, city=None)
    user.find(marker='place-order').click()
    await user.should_see('Thank you, Ann Peeters!', retries=20)  # placing the order, then the page
    order = await Order.get()
    assert order.total == order.subtotal == 59 and order.delivery_method == 'pickup'


async def test_bad_input_shows_messages_next_to_fields_and_creates_nothing(user: User):
    await user.open('/')
    user.find(marker='add-FLT-100').click()
    await user.open('/checkout')
    await fill_checkout(user, name='', email='ann@', street='')
    user.find(marker='place-order').click()
    await user.should_see('Please correct the 3 marked fields.')  # at the button, not in a toast over the fields
    assert user.find(marker='name').elements.pop().error == 'Please enter your name.'
    assert 'valid e-mail' in user.find(marker='email').elements.pop().error
    assert user.find(marker='street').elements.pop().error == 'Please enter the street and number.'
    assert user.find(marker='city').elements.pop().error is None
    assert await Order.all().count() == 0
    assert await OutboxMessage.all().count() == 0


async def test_product_sold_out_meanwhile_is_named_on_its_line(user: User):
    await user.open('/')
    user.find(marker='add-BOOK-BAR').click()
    user.find(marker='add-BOOK-BAR').click()
    await user.open('/checkout')
    await Product.filter(sku='BOOK-BAR').update(stock=1)  # someone else bought two meanwhile
    await fill_checkout(user)
    user.find(marker='place-order').click()
    await user.should_see('Only 1 of "Barista cookbook" left in stock.')
    assert await Order.all().count() == 0
    assert (await Product.get(sku='BOOK-BAR')).stock == 1


async def test_cart_refuses_more_than_in_stock(user: User):
    await user.open('/')
    for _ in range(4):
        user.find(marker='add-BOOK-BAR').click()
    await user.should_see('You already have all 3 in your cart.')
    await user.open('/cart')
    quantity = user.find(marker='qty-BOOK-BAR')
    quantity.clear().type('5')
    assert quantity.elements.pop().error == 'Choose 1 to 3.'
    await user.should_see('€ 96.00')  # still 3 x 32.00


async def test_double_click_on_place_order_creates_one_order(user: User):
    await user.open('/')
    user.find(marker='add-FLT-100').click()
    await user.open('/checkout')
    await fill_checkout(user)
    button = user.find(marker='place-order').elements.pop()
    for _ in range(3):
        button.enabled = True  # a fast double click reaches the server before the button is disabled
        user.find(marker='place-order').click()
    await user.should_see('Thank you, Ann Peeters!', retries=20)  # placing the order, then the page
    assert await Order.all().count() == 1


async def test_unknown_order_link_reveals_nothing(user: User):
    await user.open('/order/not-a-real-token')
    await user.should_see('We could not find this order.')
    await user.should_not_see(kind=ui.badge)
