"""Settings > Deliveries and Settings > Mailbox with NiceGUI's simulated User and the app's own dispatcher."""

import asyncio
import re

import pytest
from nicegui.testing import User

from domain.admins import add_admin
from domain.catalogue import default_shop
from domain.models import AdminRole, MailboxMail, Order, OutboxMessage, OutboxState
from tests.mail_catcher import MailCatcher, free_port
from tests.ui.test_admin_orders import customer_orders, sign_in
from ui.admin.mailbox import SANDBOX


@pytest.fixture
def smtp_port(monkeypatch) -> int:
    """The app sends through an SMTP server on this port, which nobody listens on yet (set before `user`)."""
    port = free_port()
    monkeypatch.setenv('ORDERLY_SMTP_HOST', '127.0.0.1')
    monkeypatch.setenv('ORDERLY_SMTP_PORT', str(port))
    monkeypatch.setenv('ORDERLY_SMTP_SECURITY', 'none')
    return port


async def failed_once(order_code: str) -> bool:
    rows = await OutboxMessage.filter(order_code=order_code, channel='mail')
    return len(rows) == 3 and all(row.attempts == 1 and row.last_error for row in rows)


async def test_owner_retries_a_failed_mail_once_the_smtp_server_is_back(smtp_port: int, user: User):
    code = await customer_orders('Ann Peeters')
    await eventually_async(lambda: failed_once(code))
    customer_mail = await OutboxMessage.get(order_code=code, recipient='ann@example.com')
    await sign_in(user)
    await user.open('/admin/settings/deliveries')
    await user.should_see(marker=f'message-{customer_mail.id}')
    await user.should_see(f'connection refused by 127.0.0.1:{smtp_port}')
    await user.should_see('3 not delivered')
    catcher = MailCatcher(smtp_port).start()
    try:
        user.find(marker=f'retry-{customer_mail.id}').click()
        await user.should_see('Confirmation mail to ann@example.com: trying again now.')
        await catcher.wait_for(1, seconds=5)
        assert catcher.received[0].recipients == ['ann@example.com']
        await eventually_async(lambda: delivered(customer_mail.id))
        await user.should_not_see(marker=f'message-{customer_mail.id}', retries=20)  # the page follows live
        user.find(marker='retry-all').click()
        await user.should_see('Trying 2 again now.')
        await catcher.wait_for(3, seconds=5)
        await user.should_see(marker='all-delivered', retries=50)
    finally:
        catcher.stop()
    order = await Order.get(code=code)
    history = await order.log_entries.filter(kind__startswith='delivery.').values_list('kind', 'actor', 'message')
    assert ('delivery.retry', 'owner@demo-shop.example', 'Confirmation mail to ann@example.com: retry now requested') \
        in history
    assert ('delivery.sent', 'system', 'Confirmation mail sent to ann@example.com') in history


async def delivered(message_id: int) -> bool:
    return (await OutboxMessage.get(id=message_id)).state is OutboxState.DELIVERED


async def eventually_async(condition, seconds: float = 5) -> None:
    for _ in range(int(seconds / 0.05)):
        if await condition():
            return
        await asyncio.sleep(0.05)
    assert await condition()


async def test_without_smtp_the_owner_reads_each_mail_as_the_customer_sees_it(user: User):
    code = await customer_orders('Ann <b>Peeters</b>')
    await eventually_async(lambda: _kept(3))
    await sign_in(user)
    await user.open('/admin/settings/mailbox')
    await user.should_see(f'Your order {code} at Demo shop')
    await user.should_see(f'New order {code} from Ann <b>Peeters</b> (€ 13.90)')
    confirmation = await MailboxMail.get(recipient='ann@example.com')
    user.find(marker=f'mail-{confirmation.id}').click()
    await user.should_see(marker='mail-html')
    frame = user.find(marker='mail-html').elements.pop()
    assert frame.props['sandbox'] == SANDBOX  # no scripts, no same-origin: the mail cannot touch the admin
    html = frame.props['srcdoc']
    assert '<base target="_blank">' in html and code in html
    assert 'Ann &lt;b&gt;Peeters&lt;/b&gt;' in html and '<b>Peeters' not in html
    assert user.find(marker='header-To').elements.pop().text == '"Ann <b>Peeters</b>" <ann@example.com>'
    assert 'Thank you for your order, Ann <b>Peeters</b>!' in user.find(marker='mail-text').elements.pop().text
    status_page = re.search(r'href="http://[^/"]+(/order/[^"/]+)"', html).group(1)
    await user.open(status_page)  # the mail's link leads to the customer's order page
    await user.should_see(code)


async def _kept(count: int) -> bool:
    return await MailboxMail.all().count() >= count


async def test_an_employee_cannot_open_the_deliveries_or_the_mailbox(user: User):
    await add_admin(shop=await default_shop(), email='clerk@demo-shop.example', password='a long password 42',
                    role=AdminRole.EMPLOYEE)
    await sign_in(user, email='clerk@demo-shop.example', password='a long password 42')
    for page in ('/admin/settings/deliveries', '/admin/settings/mailbox'):
        await user.open(page)
        await user.should_see('Only the shop owner can open this page.')
