"""The order e-mails as they arrive at a real SMTP server: recipients, headers, text and HTML, links, escaping."""

import re
from email.message import EmailMessage

from domain.admins import add_admin
from domain.catalogue import order_by_token
from domain.checkout import place_order
from domain.models import AdminRole, Order, OutboxMessage, Shop
from domain.order_changes import StatusUpdate, change_status
from domain.payment_settings import PaymentOptions, update_payment_methods
from domain.statuses import OrderStatus, is_payable
from tests.conftest import ON_POSTGRES
from tests.integration.conftest import BASE_URL, MAIL_FROM
from tests.integration.test_place_order import checkout, product

CUSTOMER, OWNER, SHOP = 'ann@example.com', 'owner@demo-shop.example', 'orders@demo-shop.example'


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain text and the HTML of a mail, with the line ends of a file."""
    return tuple(message.get_body((kind,)).get_content().replace('\r\n', '\n') for kind in ('plain', 'html'))


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


async def place(shop, *lines: tuple[str, int], **fields):
    wanted = [((await product(shop, sku)).id, quantity) for sku, quantity in lines or [('FLT-100', 1)]]
    return await place_order(shop=shop, form=checkout(*wanted, **fields))


async def test_customer_confirmation_lists_the_order_with_links_to_its_page(shop, catcher, dispatcher):
    placed = await place(shop, ('COF-ESP-1K', 2), ('MUG-SAG-35', 1), note='Please ring twice')
    await dispatcher.deliver_due()
    [mail] = catcher.to(CUSTOMER)
    [received] = [r for r in catcher.received if r.recipients == [CUSTOMER]]
    assert received.sender == MAIL_FROM
    assert mail['Subject'] == f'Your order {placed.code} at Demo shop'
    assert mail['To'] == f'Ann Peeters <{CUSTOMER}>'
    assert mail['From'] == f'Demo shop <{MAIL_FROM}>'
    assert mail['Reply-To'] == f'Demo shop <{SHOP}>'
    row = await OutboxMessage.get(order_id=placed.id, recipient=CUSTOMER)
    assert mail['Message-ID'] == f'<{row.event_id}@mail.example>'
    assert mail['Date'] and mail['Auto-Submitted'] == 'auto-generated'
    text, html = parts(mail)
    for part in (text, html):
        for expected in (placed.code, 'Espresso beans, 1 kg', 'Stoneware mug, sage', '€ 24.95', '€ 49.90',
                         '€ 14.50', '€ 64.40', '€ 6.95', '€ 71.35', 'Kerkstraat 1', '9000 Gent', 'Shipping',
                         'Please ring twice'):
            assert expected in part, expected
    assert '2 × Espresso beans, 1 kg (€ 24.95): € 49.90' in text
    status_page = f'{BASE_URL}/order/{placed.token}'
    assert links(html) == [status_page]  # no online payment in the demo shop as installed: no pay link
    assert f'View your order: {status_page}\n' in text
    assert (await order_by_token(shop, links(html)[0].rsplit('/', 1)[1])).code == placed.code  # the link resolves


async def test_payment_link_is_offered_only_while_the_order_is_payable(shop, catcher, dispatcher):
    await update_payment_methods(shop_id=shop.id, actor=OWNER, options=PaymentOptions(online=True))  # the demo's
    orders = {}
    for status in OrderStatus:
        placed = await place(shop, email=f'{status.value}@example.com')
        await Order.filter(id=placed.id).update(status=status)  # as it is when the mail goes out
        orders[status] = placed
    await dispatcher.deliver_due()
    for status, placed in orders.items():
        [mail] = catcher.to(f'{status.value}@example.com')
        text, html = parts(mail)
        pay_link = f'{BASE_URL}/order/{placed.token}/pay'
        assert (pay_link in links(html)) is (pay_link in text) is is_payable(status), status
    assert {s for s in OrderStatus if is_payable(s)} == {OrderStatus.ORDER_RECEIVED, OrderStatus.AWAITING_PAYMENT}


async def test_merchant_notification_goes_to_the_shop_and_every_admin_who_wants_it(shop, catcher, dispatcher):
    await add_admin(shop=shop, email='clerk@demo-shop.example', password='a long password', role=AdminRole.EMPLOYEE)
    await add_admin(shop=shop, email='quiet@demo-shop.example', password='a long password',
                    receives_order_mails=False)
    placed = await place(shop, ('FLT-100', 2), phone='+32 470 12 34 56')
    await dispatcher.deliver_due()
    recipients = sorted(r for m in catcher.received for r in m.recipients)
    assert recipients == sorted([CUSTOMER, OWNER, SHOP, 'clerk@demo-shop.example'])
    [mail] = catcher.to(OWNER)
    assert mail['Subject'] == f'New order {placed.code} from Ann Peeters (€ 20.85)'
    assert mail['To'] == OWNER
    assert mail['Reply-To'] == f'Ann Peeters <{CUSTOMER}>'  # answering the mail answers the customer
    text, html = parts(mail)
    for part in (text, html):
        for expected in (placed.code, 'Ann Peeters', CUSTOMER, '+32 470 12 34 56', '2 × Paper filters (100)'
                         if part is text else 'Paper filters (100)', '€ 20.85', 'Kerkstraat 1'):
            assert expected in part, expected
    assert f'{BASE_URL}/admin/orders/{placed.code}' in links(html)
    assert f'Open the order: {BASE_URL}/admin/orders/{placed.code}' in text
    assert 'pay' not in ' '.join(links(html))


async def test_status_update_names_the_status_in_the_seeds_words_and_links_a_tracking_url(shop, catcher, dispatcher):
    placed = await place(shop)
    await dispatcher.deliver_due()
    tracking = 'https://track.example.com/parcel?id=3S123&lang=en'
    await change_status(shop_id=shop.id, order_id=placed.id, expected_version=1, actor=OWNER,
                        update=StatusUpdate(OrderStatus.SHIPPED, reference=tracking, notify_customer=True))
    await change_status(shop_id=shop.id, order_id=placed.id, expected_version=2, actor=OWNER,
                        update=StatusUpdate(OrderStatus.COMPLETED, reference='internal ref 42', notify_customer=True))
    await dispatcher.deliver_due()
    shipped, completed = catcher.to(CUSTOMER)[1:]
    assert shipped['Subject'] == f'Your order {placed.code}: Order shipped'
    text, html = parts(shipped)
    assert 'The status of your order is now: Order shipped.' in text and 'Order shipped' in html
    assert links(html) == [tracking.replace('&', '&amp;'), f'{BASE_URL}/order/{placed.token}']
    assert f'Reference: {tracking}' in text
    assert completed['Subject'] == f'Your order {placed.code}: Completed'
    text, html = parts(completed)
    assert '<strong>internal ref 42</strong>' in html and links(html) == [f'{BASE_URL}/order/{placed.token}']


async def test_a_line_break_in_a_name_adds_no_header_and_markup_is_escaped(shop, catcher, dispatcher):
    name = 'Ann <script>alert(1)</script>\r\nBcc: evil@example.com'
    placed = await place(shop, note='<img src=x onerror=alert(1)>')
    # the checkout refuses a line break in a name (domain/text_rules.py); the mails must not trust that it did
    await Order.filter(code=placed.code).update(customer_name=name)
    await dispatcher.deliver_due()
    assert all('evil@example.com' not in r.recipients for r in catcher.received)
    assert len(catcher.received) == 3
    for mail in catcher.messages:
        assert mail['Bcc'] is None
        assert all('\n' not in value and '\r' not in value for value in mail.values())
    [confirmation] = catcher.to(CUSTOMER)
    assert confirmation['To'].addresses[0].addr_spec == CUSTOMER
    assert confirmation['To'].addresses[0].display_name == 'Ann <script>alert(1)</script> Bcc: evil@example.com'
    [notification] = catcher.to(OWNER)
    assert notification['Subject'] == f'New order {placed.code} from Ann <script>alert(1)</script> Bcc: ' \
                                      'evil@example.com (€ 13.90)'
    for mail in (confirmation, notification):
        text, html = parts(mail)
        assert '<script>' not in html and '<img' not in html
        assert '&lt;script&gt;alert(1)&lt;/script&gt;' in html and '&lt;img src=x onerror=alert(1)&gt;' in html
        assert '<script>alert(1)</script>' in text  # plain text shows it as typed


async def test_control_bidi_and_zero_width_characters_in_stored_names_never_reach_a_header(shop, catcher, dispatcher):
    placed = await place(shop)
    nul = '' if ON_POSTGRES else '\x00'  # PostgreSQL's text cannot hold a NUL at all
    await Order.filter(code=placed.code).update(customer_name=f'Ann{nul} Pee\u202eters\u200b\x1b')
    await Shop.filter(id=shop.id).update(name='Demo\x07 shop\u2066')
    await dispatcher.deliver_due()
    assert len(catcher.received) == 3
    for mail in catcher.messages:
        for value in mail.values():
            assert not any(character in value for character in '\x00\x07\x1b\u202e\u200b\u2066'), value
    [confirmation] = catcher.to(CUSTOMER)
    assert confirmation['To'].addresses[0].display_name == 'Ann Peeters'
    assert confirmation['From'].addresses[0].display_name == 'Demo shop'
    [notification] = catcher.to(OWNER)
    assert notification['Subject'] == f'New order {placed.code} from Ann Peeters (€ 13.90)'
