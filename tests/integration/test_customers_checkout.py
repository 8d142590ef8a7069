"""Settings > Customers checkout in the domain and the mails: validated and logged, enforced when an order is placed
(whatever page the customer had open), and followed by the confirmation and status mails' links."""

import pytest

from domain.checkout import place_order
from domain.customer_accounts import register
from domain.customer_settings import ACCOUNT_REQUIRED, update_customers_checkout
from domain.errors import InvalidCheckout
from domain.models import LogEntry, Order, Shop
from domain.order_changes import StatusUpdate, change_status
from domain.payment_settings import PaymentOptions, update_payment_methods
from domain.shop_settings import InvalidSettings
from domain.statuses import OrderStatus
from tests.integration.conftest import BASE_URL
from tests.integration.test_order_mails import CUSTOMER, links, parts
from tests.integration.test_place_order import checkout, product

OWNER = 'owner@demo-shop.example'


async def set_accounts(shop: Shop, accounts: str, *, status_link: bool = True) -> None:
    await update_customers_checkout(shop_id=shop.id, customer_accounts=accounts, guest_status_link=status_link,
                                    actor=OWNER)


async def account(shop: Shop, email: str = CUSTOMER):
    return await register(shop, name='Ann Peeters', email=email, password='three green teapots', remote='test')


async def storefront_order(shop: Shop, customer_id: int | None = None):
    filter_ = await product(shop, 'FLT-100')
    return await place_order(shop=shop, form=checkout((filter_.id, 1)), customer_id=customer_id, storefront=True)


async def test_changing_the_setting_is_logged_old_to_new(shop):
    changed = await update_customers_checkout(shop_id=shop.id, customer_accounts='required', guest_status_link=False,
                                              actor=OWNER)
    assert changed == {'customer_accounts': ('optional', 'required'), 'guest_status_link': (True, False)}
    [entry] = await LogEntry.filter(kind='settings.customers')
    assert entry.actor == OWNER
    assert entry.message == ('Customers checkout changed: customer accounts "optional" → "required"; '
                             'status link for guests on → off')
    assert await update_customers_checkout(shop_id=shop.id, customer_accounts='required', guest_status_link=False,
                                           actor=OWNER) == {}
    assert await LogEntry.filter(kind='settings.customers').count() == 1


@pytest.mark.parametrize('value', ['', 'everyone', 'REQUIRED', None])
async def test_an_unknown_choice_is_refused_and_changes_nothing(shop, value):
    with pytest.raises(InvalidSettings) as refused:
        await update_customers_checkout(shop_id=shop.id, customer_accounts=value, guest_status_link=False,
                                        actor=OWNER)
    assert 'customer_accounts' in refused.value.field_errors
    fresh = await Shop.get(id=shop.id)
    assert (fresh.customer_accounts, fresh.guest_status_link) == ('optional', True)
    assert await LogEntry.filter(kind='settings.customers').count() == 0


async def test_a_guest_cannot_order_once_accounts_are_required_even_from_an_old_page(shop):
    await set_accounts(shop, 'required')
    with pytest.raises(InvalidCheckout) as refused:
        await storefront_order(shop)  # `shop` was read before the change: the statement reads the setting again
    assert refused.value.field_errors == {'account': ACCOUNT_REQUIRED}
    assert await Order.all().count() == 0
    assert (await Shop.get(id=shop.id)).next_order_number == 1001  # the rollback gave the number back
    customer = await account(shop)
    placed = await storefront_order(shop, customer.id)
    assert (await Order.get(id=placed.id)).customer_id == customer.id


async def test_orders_of_other_programs_are_not_storefront_orders(shop):
    await set_accounts(shop, 'required')
    filter_ = await product(shop, 'FLT-100')
    placed = await place_order(shop=shop, form=checkout((filter_.id, 1)), actor='api:Cash register')
    assert (await Order.get(id=placed.id)).customer_id is None


async def test_a_guests_only_shop_links_no_order_to_an_account(shop):
    customer = await account(shop)
    await set_accounts(shop, 'guests')
    placed = await storefront_order(shop, customer.id)  # a page opened while accounts were offered
    assert (await Order.get(id=placed.id)).customer_id is None


async def test_mails_link_to_the_status_page_while_guests_get_the_link(shop, catcher, dispatcher):
    placed = await storefront_order(shop)
    await dispatcher.deliver_due()
    text, html = parts(catcher.to(CUSTOMER)[0])
    assert links(html)[0] == f'{BASE_URL}/order/{placed.token}'
    assert f'View your order: {BASE_URL}/order/{placed.token}' in text


async def test_without_the_status_link_a_guest_mail_has_no_link_to_the_order(shop, catcher, dispatcher):
    await set_accounts(shop, 'optional', status_link=False)
    placed = await storefront_order(shop)
    order = await Order.get(id=placed.id)
    await change_status(shop_id=shop.id, order_id=order.id, expected_version=order.version, actor=OWNER,
                        update=StatusUpdate(OrderStatus.SHIPPED, reference='JJD0123456789', notify_customer=True))
    await dispatcher.deliver_due()
    confirmation, status = catcher.to(CUSTOMER)
    assert 'Order shipped' in status['Subject']
    for mail in (confirmation, status):
        text, html = parts(mail)
        assert placed.token not in text and placed.token not in html
        assert 'View your order' not in text and 'your account' not in text
    assert links(parts(status)[1]) == ['https://www.dhl.com/track?tracking-id=JJD0123456789']  # tracking stays


async def test_without_the_status_link_an_accounts_mail_points_to_the_account(shop, catcher, dispatcher):
    await set_accounts(shop, 'optional', status_link=False)
    await update_payment_methods(shop_id=shop.id, actor='owner@x', options=PaymentOptions(online=True))
    customer = await account(shop)
    placed = await storefront_order(shop, customer.id)
    await dispatcher.deliver_due()
    [confirmation] = [mail for mail in catcher.to(CUSTOMER) if placed.code in mail['Subject']]
    text, html = parts(confirmation)
    # with online payment the pay link stays while the order is payable: paying needs it (/pay shows at most the
    # code, the open amount and how to pay)
    assert links(html) == [f'{BASE_URL}/account/orders/{placed.code}', f'{BASE_URL}/order/{placed.token}/pay']
    assert f'See your order in your account: {BASE_URL}/account/orders/{placed.code}' in text
    assert f'/order/{placed.token}\n' not in text and 'View your order' not in text
