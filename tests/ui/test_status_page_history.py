"""What the customer reads on the guest status page and the merchant in the order's customer card: where the order
stands now in words, its history with dates (never internal notes), the country by its name."""

from zoneinfo import ZoneInfo

from nicegui import ui
from nicegui.testing import User

from domain.order_notes import add_note
from tests.ui.test_admin_orders import customer_orders, sign_in
from tests.ui.test_guest_status_page import OWNER, guest_order, ship


async def test_status_page_says_where_the_order_stands_and_shows_its_history(user: User, create_user):
    order = await guest_order(user)
    await add_note(shop_id=order.shop_id, order_id=order.id, text='Customer is difficult', actor=OWNER)
    await ship(order, 'JJD0123456789')
    elsewhere = create_user()
    await elsewhere.open(f'/order/{order.token}')
    await elsewhere.should_see('Your order is on its way.', retries=20)
    await elsewhere.should_not_see('We have received your order')
    await elsewhere.should_see(marker='order-history')
    await elsewhere.should_see('Order placed')
    await elsewhere.should_see('Order shipped')
    placed_on = order.created_at.astimezone(ZoneInfo('Europe/Brussels')).strftime('%d %b %Y')
    entries = [element for element in elsewhere.find(kind=ui.row).elements if 'history-entry' in element.classes]
    assert len(entries) == 2 and all(placed_on in ''.join(label.text for label in entry.descendants()
                                                          if isinstance(label, ui.label)) for entry in entries)
    await elsewhere.should_not_see('Customer is difficult')


async def test_a_new_order_still_says_it_was_received(user: User):
    order = await guest_order(user)
    await user.should_see(f'We have received your order and sent a confirmation to {order.email}.')


async def test_the_status_page_names_the_country(user: User):
    await guest_order(user)
    await user.should_see('Belgium')
    await user.should_not_see('BE')


async def test_the_order_detail_names_the_customers_country(user: User):
    code = await customer_orders('Ann Peeters')
    await sign_in(user)
    await user.open(f'/admin/orders/{code}')
    await user.should_see('Kerkstraat 1', retries=20)
    await user.should_see('Belgium')
