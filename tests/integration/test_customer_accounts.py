"""Customer accounts on a real SQLite file: registration, sign-in and its throttle, the mailed links, sessions,
addresses, and which orders an account sees."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from domain import admin_auth
from domain.checkout import place_order
from domain.customer_accounts import (
    AccountError,
    authenticate,
    change_password,
    customer_account,
    end_sessions,
    open_session,
    register,
    save_addresses,
    session_customer,
    token_hash,
)
from domain.customer_orders import (
    account_order,
    account_orders,
    attach_guest_orders,
    customer_history,
    guest_orders_to_attach,
)
from domain.customer_tokens import (
    INVALID_LINK,
    RESET,
    VERIFY,
    request_password_reset,
    reset_link_is_valid,
    reset_password,
    send_verification,
    verify_email,
)
from domain.models import Customer, CustomerSession, CustomerToken, LogEntry, LoginFailure, Order, OutboxMessage, Shop
from domain.order_changes import StatusUpdate, change_status
from domain.order_notes import add_note
from domain.passwords import verify_password
from domain.sessions import new_token, remember_device
from domain.statuses import OrderStatus
from tests.integration.conftest import BASE_URL
from tests.integration.test_order_mails import links, parts
from tests.integration.test_place_order import checkout, product

PASSWORD = 'lantern orchard 42'
ANN = 'ann@example.com'


@pytest.fixture(autouse=True)
def no_slow_answers(monkeypatch):
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)


def mailed_token(message: OutboxMessage) -> str:
    return message.payload['token']


async def last_link(customer: Customer, template: str) -> str:
    message = await OutboxMessage.filter(recipient=customer.email, template=template).order_by('-id').first()
    return mailed_token(message)


async def new_account(shop: Shop, email: str = ANN, *, verified: bool = False, name: str = 'Ann Peeters') -> Customer:
    customer = await register(shop, name=name, email=email, password=PASSWORD)
    if verified:
        customer = await verify_email(shop, await last_link(customer, 'customer_verification'))
    return customer


async def guest_order(shop: Shop, email: str = ANN, **fields) -> Order:
    placed = await place_order(shop=shop, form=checkout(((await product(shop, 'FLT-100')).id, 1), email=email,
                                                        **fields))
    return await Order.get(id=placed.id)


async def other_shop_order(email: str) -> Order:
    other = await Shop.create(name='Other shop', code_prefix='OTHR')
    now = datetime.now(UTC)
    return await Order.create(
        shop=other, number=1001, code='OTHR-1001-XX', token='t' * 43, idempotency_key='k' * 20, customer_name='Ann',
        email=email, delivery_method='pickup', currency='EUR', subtotal=1, shipping_cost=0, vat_total=0, total=1,
        line_count=1, item_count=1, created_at=now, updated_at=now)


# Registration

@pytest.mark.parametrize(('fields', 'field', 'message'), [
    ({'name': '  '}, 'name', 'Please enter your name.'),
    ({'name': 'A' * 121}, 'name', 'at most 120 characters'),
    ({'email': 'ann@'}, 'email', 'valid e-mail address'),
    ({'password': 'short pw'}, 'password', 'at least 10 characters'),
    ({'password': ANN}, 'password', 'e-mail address or your name'),
    ({'password': 'ANN@example.com'}, 'password', 'e-mail address or your name'),
    ({'password': 'Ann Peeters'}, 'password', 'e-mail address or your name'),
    ({'password': 'annpeeters'}, 'password', 'e-mail address or your name'),
    ({'password': 'Password123'}, 'password', 'too common'),
    ({'password': 'aaaaaaaaaaaa'}, 'password', 'too common'),
    ({'password': 'x' * 201}, 'password', 'at most 200'),
])
async def test_registration_refuses_a_missing_name_a_wrong_e_mail_and_weak_passwords(shop, fields, field, message):
    data = {'name': 'Ann Peeters', 'email': ANN, 'password': PASSWORD, **fields}
    with pytest.raises(AccountError) as refused:
        await register(shop, **data)
    assert list(refused.value.errors) == [field]
    assert message in refused.value.errors[field]
    assert await Customer.all().count() == 0 and await OutboxMessage.all().count() == 0


async def test_registration_stores_an_argon2_hash_and_queues_the_verification_mail(shop):
    customer = await register(shop, name='  Ann   Peeters ', email=' Ann@Example.COM ', password=PASSWORD)
    stored = await Customer.get(id=customer.id)
    assert (stored.email, stored.name, stored.email_verified_at) == (ANN, 'Ann Peeters', None)
    assert stored.password_hash.startswith('$argon2') and PASSWORD not in stored.password_hash
    assert verify_password(stored.password_hash, PASSWORD)
    [mail] = await OutboxMessage.filter(template='customer_verification')
    assert (mail.recipient, mail.channel, mail.order_id) == (ANN, 'mail', None)
    [token] = await CustomerToken.filter(customer_id=customer.id)
    assert token.purpose == VERIFY and token.token_hash == token_hash(mailed_token(mail))
    assert len(mailed_token(mail)) >= 43 and mailed_token(mail) not in token.token_hash
    assert token.expires_at - token.created_at == timedelta(days=3)


async def test_an_e_mail_with_an_account_cannot_register_again(shop):
    await new_account(shop)
    with pytest.raises(AccountError, match='already an account'):
        await register(shop, name='Someone', email='ANN@example.com', password='another long secret')
    assert await Customer.all().count() == 1
    assert await OutboxMessage.filter(template='customer_verification').count() == 1


async def test_a_guest_customer_row_becomes_the_account_but_its_orders_stay_guest_orders(shop):
    guest = await Customer.create(shop=shop, email=ANN, name='Ann')
    order = await guest_order(shop)
    await Order.filter(id=order.id).update(customer_id=guest.id)  # as a checkout that records guests may do
    customer = await new_account(shop)
    assert customer.id == guest.id and customer.has_account
    assert await account_orders(customer) == []
    assert (await Order.get(id=order.id)).customer_id is None


async def test_a_guests_only_shop_opens_no_accounts(shop):
    await Shop.filter(id=shop.id).update(customer_accounts='guests')  # Settings > Customers checkout
    with pytest.raises(AccountError, match='does not offer customer accounts'):
        await register(shop, name='Ann Peeters', email=ANN, password=PASSWORD)
    assert await Customer.all().count() == 0


# Signing in

async def test_sign_in_takes_the_right_password_and_answers_the_same_for_unknown_e_mail_and_wrong_password(shop):
    customer = await new_account(shop)
    assert (await authenticate(shop, email=' ANN@example.com', password=PASSWORD, remote='1.2.3.4')).id == customer.id
    await Customer.create(shop=shop, email='guest@example.com', name='Guest')  # a guest has no password
    answers = []
    for email, password in ((ANN, 'wrong password!'), ('nobody@example.com', PASSWORD), ('guest@example.com', '')):
        with pytest.raises(AccountError) as refused:
            await authenticate(shop, email=email, password=password, remote='1.2.3.4')
        answers.append(str(refused.value))
    assert answers == ['Wrong e-mail or password.'] * 3


async def test_ten_failures_slow_the_account_down_for_new_devices_only_and_are_logged(shop):
    customer = await new_account(shop)
    phone = new_token()
    await remember_device(customer_account(customer.id), phone)
    for _ in range(admin_auth.MAX_FAILURES):
        with pytest.raises(AccountError, match='Wrong'):
            await authenticate(shop, email=ANN, password='not my password', remote='10.0.0.1')
    assert await LogEntry.filter(kind='customer.login_failed', actor=ANN).count() == admin_auth.MAX_FAILURES
    with pytest.raises(AccountError, match='Too many failed sign-ins for this account'):
        await authenticate(shop, email=ANN, password=PASSWORD, remote='10.0.0.2')  # a new device waits
    assert await authenticate(shop, email=ANN, password=PASSWORD, remote='10.0.0.2', device_token=phone)
    await LoginFailure.filter(created_at__gte=datetime.now(UTC) - timedelta(hours=1)).update(
        created_at=datetime.now(UTC) - timedelta(minutes=20))  # the 15 seconds are over
    assert await authenticate(shop, email=ANN, password=PASSWORD, remote='10.0.0.1')


async def test_a_session_belongs_to_its_shop_and_ends_with_sign_out_everywhere(shop):
    customer = await new_account(shop)
    first, second = await open_session(customer), await open_session(customer)
    assert (await session_customer(shop, first)).id == customer.id
    assert await CustomerSession.filter(token_hash=first).count() == 0  # only the hash is stored
    other = await Shop.create(name='Other shop', code_prefix='OTHR')
    assert await session_customer(other, first) is None
    assert await session_customer(shop, 'x' * 43) is None and await session_customer(shop, None) is None
    assert await end_sessions(customer) == 2
    assert await session_customer(shop, first) is None and await session_customer(shop, second) is None


# The mailed links

async def test_verification_link_verifies_the_address_and_opened_again_answers_the_same(shop):
    customer = await new_account(shop)
    token = await last_link(customer, 'customer_verification')
    verified = await verify_email(shop, token)
    assert verified.id == customer.id and (await Customer.get(id=customer.id)).email_verified_at is not None
    assert (await verify_email(shop, token)).id == customer.id  # a mail scanner opened it first: no harm
    with pytest.raises(AccountError, match=re.escape(INVALID_LINK)):
        await verify_email(shop, token[:-1] + ('A' if token[-1] != 'A' else 'B'))
    with pytest.raises(AccountError, match='already verified'):
        await send_verification(verified)


async def test_an_expired_verification_link_is_refused_and_a_new_one_can_be_asked(shop):
    customer = await new_account(shop)
    token = await last_link(customer, 'customer_verification')
    await CustomerToken.filter(customer_id=customer.id).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    with pytest.raises(AccountError, match=re.escape(INVALID_LINK)):
        await verify_email(shop, token)
    assert (await Customer.get(id=customer.id)).email_verified_at is None
    await send_verification(customer)
    assert (await verify_email(shop, await last_link(customer, 'customer_verification'))).email_verified_at


async def test_links_are_limited_to_five_an_hour_per_account(shop):
    customer = await new_account(shop)
    for _ in range(4):
        await send_verification(customer)
    with pytest.raises(AccountError, match='several links'):
        await send_verification(customer)
    for _ in range(7):
        await request_password_reset(shop, email=ANN)
    assert await OutboxMessage.filter(template='password_reset').count() == 5


async def test_forgot_password_for_an_e_mail_without_account_sends_nothing(shop):
    await Customer.create(shop=shop, email='guest@example.com', name='Guest')
    assert await request_password_reset(shop, email='nobody@example.com') is None
    assert await request_password_reset(shop, email='guest@example.com') is None
    assert await OutboxMessage.all().count() == 0 and await CustomerToken.all().count() == 0


async def test_reset_link_sets_a_new_password_once_ends_every_session_and_verifies_the_address(shop):
    customer = await new_account(shop)
    session = await open_session(customer)
    await request_password_reset(shop, email='Ann@Example.com')
    await request_password_reset(shop, email=ANN)
    older, token = [m.payload['token'] for m in await OutboxMessage.filter(template='password_reset').order_by('id')]
    assert await reset_link_is_valid(shop, token)
    with pytest.raises(AccountError) as weak:
        await reset_password(shop, token=token, password='short')
    assert 'password' in weak.value.errors and await reset_link_is_valid(shop, token)  # a typo keeps the link
    changed = await reset_password(shop, token=token, password='a brand new secret')
    assert changed.email_verified_at is not None
    assert await session_customer(shop, session) is None
    assert await authenticate(shop, email=ANN, password='a brand new secret', remote='1.1.1.1')
    with pytest.raises(AccountError, match='Wrong'):
        await authenticate(shop, email=ANN, password=PASSWORD, remote='1.1.1.1')
    for used in (token, older):  # single use, and the older link died with it
        assert not await reset_link_is_valid(shop, used)
        with pytest.raises(AccountError, match=re.escape(INVALID_LINK)):
            await reset_password(shop, token=used, password='yet another secret')


async def test_reset_link_expires_after_an_hour(shop):
    customer = await new_account(shop)
    await request_password_reset(shop, email=ANN)
    token = await last_link(customer, 'password_reset')
    stored = await CustomerToken.get(purpose=RESET)
    assert stored.expires_at - stored.created_at == timedelta(hours=1)
    await CustomerToken.filter(id=stored.id).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    with pytest.raises(AccountError, match=re.escape(INVALID_LINK)):
        await reset_password(shop, token=token, password='a brand new secret')
    assert verify_password((await Customer.get(id=customer.id)).password_hash, PASSWORD)


async def test_a_verification_link_is_no_reset_link(shop):
    customer = await new_account(shop)
    with pytest.raises(AccountError, match=re.escape(INVALID_LINK)):
        await reset_password(shop, token=await last_link(customer, 'customer_verification'), password='new secret 123')


async def test_password_change_needs_the_current_password_and_ends_the_other_sessions(shop):
    customer = await new_account(shop)
    here, elsewhere = await open_session(customer), await open_session(customer)
    with pytest.raises(AccountError) as wrong:
        await change_password(customer, current='not it at all', new='a brand new secret', remote='1.1.1.1',
                              keep_token=here)
    assert list(wrong.value.errors) == ['current']
    with pytest.raises(AccountError) as weak:
        await change_password(customer, current=PASSWORD, new='ann@example.com', remote='1.1.1.1', keep_token=here)
    assert list(weak.value.errors) == ['new']
    assert await session_customer(shop, elsewhere)  # refused changes end nothing
    await change_password(customer, current=PASSWORD, new='a brand new secret', remote='1.1.1.1', keep_token=here)
    assert (await session_customer(shop, here)).id == customer.id
    assert await session_customer(shop, elsewhere) is None
    assert await authenticate(shop, email=ANN, password='a brand new secret', remote='1.1.1.1')


# Addresses

async def test_addresses_are_checked_and_saved_in_their_order(shop):
    customer = await new_account(shop)
    with pytest.raises(AccountError) as refused:
        await save_addresses(customer, [{'street': 'Kerkstraat 1', 'postal_code': '9000', 'city': 'Gent'},
                                        {'street': '', 'postal_code': '1000', 'city': 'Brussel', 'country': 'Belgium'}])
    assert refused.value.errors == {'1.street': 'Please enter the street and number.',
                                    '1.country': 'Please choose a country.'}
    assert (await Customer.get(id=customer.id)).addresses == []
    saved = await save_addresses(customer, [{'street': ' Kerkstraat 1 ', 'postal_code': '9000', 'city': 'Gent'},
                                            {'street': 'Rue Haute 5', 'postal_code': '1000', 'city': 'Bruxelles',
                                             'country': 'be'}])
    assert (await Customer.get(id=customer.id)).addresses == saved == [
        {'street': 'Kerkstraat 1', 'postal_code': '9000', 'city': 'Gent', 'country': 'BE'},
        {'street': 'Rue Haute 5', 'postal_code': '1000', 'city': 'Bruxelles', 'country': 'BE'}]
    with pytest.raises(AccountError, match='at most 5'):
        await save_addresses(customer, saved * 3)


# The account's orders

async def test_guest_orders_are_added_only_on_request_after_verification_and_only_of_the_same_e_mail_and_shop(shop):
    first, second = await guest_order(shop, email='ANN@example.com'), await guest_order(shop)
    await guest_order(shop, email='bob@example.com')
    await other_shop_order(ANN)
    customer = await new_account(shop)
    assert await account_orders(customer) == []  # never automatically
    assert await guest_orders_to_attach(customer) == 0  # and not before verification
    with pytest.raises(AccountError, match='verify your e-mail'):
        await attach_guest_orders(customer)
    customer = await verify_email(shop, await last_link(customer, 'customer_verification'))
    assert await account_orders(customer) == []
    assert await guest_orders_to_attach(customer) == 2
    assert await attach_guest_orders(customer) == 2
    assert [o.code for o in await account_orders(customer)] == [second.code, first.code]  # newest first
    assert await Order.filter(customer_id=customer.id).count() == 2
    assert await guest_orders_to_attach(customer) == 0 and await attach_guest_orders(customer) == 0


async def test_an_account_sees_only_its_own_orders(shop):
    ann, bob = await new_account(shop, verified=True), await new_account(shop, 'bob@example.com', verified=True)
    order = await guest_order(shop)
    await attach_guest_orders(ann)
    assert (await account_order(ann, order.code.lower())).id == order.id
    assert await account_order(bob, order.code) is None
    assert await account_order(ann, 'DEMO-9999-ZZ') is None and await account_order(ann, 'x' * 40) is None
    assert await account_orders(bob) == []


async def test_history_tells_status_changes_and_the_tracking_link_but_no_internal_notes(shop):
    order = await guest_order(shop)
    await add_note(shop_id=shop.id, order_id=order.id, text='Customer is difficult', actor='owner@demo-shop.example')
    order = await change_status(shop_id=shop.id, order_id=order.id, expected_version=order.version,
                                update=StatusUpdate(OrderStatus.PROCESSING, reference='internal ref 7'), actor='owner')
    order = await change_status(shop_id=shop.id, order_id=order.id, expected_version=order.version,
                                update=StatusUpdate(OrderStatus.SHIPPED, reference='1Z999AA10123456784'),
                                actor='owner')
    history = await customer_history(order)
    assert [(entry.what, entry.link) for entry in history] == [
        ('Order placed', None), ('Processing order', None),
        ('Order shipped', ('Track with UPS', 'https://www.ups.com/track?tracknum=1Z999AA10123456784'))]
    assert 'difficult' not in repr(history) and 'internal ref' not in repr(history)


# The mails, delivered to a real SMTP server

async def test_verification_mail_arrives_with_a_link_that_verifies_the_address(shop, catcher, dispatcher):
    customer = await register(shop, name='Ann <img src=x onerror=alert(1)>', email=ANN, password=PASSWORD)
    await dispatcher.deliver_due()
    [mail] = catcher.to(ANN)
    assert mail['Subject'] == 'Please confirm your e-mail address for Demo shop'
    assert mail['Reply-To'] == 'Demo shop <orders@demo-shop.example>'
    text, html = parts(mail)
    [link] = set(links(html))
    assert link.startswith(f'{BASE_URL}/account/verify/') and f'Confirm my e-mail address: {link}\n' in text
    assert '<img' not in html and '&lt;img src=x onerror=alert(1)&gt;' in html
    sent = await OutboxMessage.get(template='customer_verification')
    assert sent.state == 'delivered' and sent.payload == {'name': customer.name, 'valid_hours': 72}  # link forgotten
    assert (await verify_email(shop, link.rsplit('/', 1)[1])).id == customer.id


async def test_reset_mail_arrives_with_a_link_that_sets_a_new_password(shop, catcher, dispatcher):
    await new_account(shop)
    await request_password_reset(shop, email=ANN)
    await dispatcher.deliver_due()
    [mail] = [m for m in catcher.to(ANN) if 'new password' in m['Subject']]
    assert mail['Subject'] == 'Set a new password for Demo shop' and mail['To'] == f'Ann Peeters <{ANN}>'
    text, html = parts(mail)
    [link] = set(links(html))
    assert link.startswith(f'{BASE_URL}/account/reset/') and link in text and 'for 1 hour(s)' in text
    await reset_password(shop, token=link.rsplit('/', 1)[1], password='a brand new secret')
    assert await authenticate(shop, email=ANN, password='a brand new secret', remote='1.1.1.1')
