"""Hidden characters end to end: the checkout names the field and places nothing (domain/text_rules.py)."""

from nicegui.testing import User

from domain.models import Order, OutboxMessage
from tests.ui.test_checkout_flow import fill_checkout


async def test_checkout_with_nul_in_the_name_shows_the_fields_message_and_creates_no_order(user: User):
    await user.open('/')
    user.find(marker='add-FLT-100').click()
    await user.open('/checkout')
    await fill_checkout(user, name='Ann\x00Peeters', city='Gent\u202e')
    user.find(marker='place-order').click()
    await user.should_see('Please correct the 2 marked fields.')  # name and city, at the button
    assert 'U+0000' in user.find(marker='name').elements.pop().error
    assert 'U+202E' in user.find(marker='city').elements.pop().error
    assert user.find(marker='street').elements.pop().error is None
    assert await Order.all().count() == 0
    assert await OutboxMessage.all().count() == 0
