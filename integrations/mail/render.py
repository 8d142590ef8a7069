"""The shop's mails: Jinja2 templates (HTML and plain text) rendered into an `EmailMessage` with proper headers.

Customer text is escaped by the HTML templates (autoescape) and never reaches a header unflattened: every header
value goes through `one_line` and `email.headerregistry`, so a name with a line break cannot add a header.
"""

import email.policy
import functools
import re
import secrets
from datetime import UTC, datetime
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from domain.addresses import shipping_address_lines
from domain.models import Order, OutboxMessage, Shop
from domain.money import format_money
from domain.outbox_delivery import NOTICE_TEMPLATE
from domain.payment_guidance import HowToPay
from domain.references import reference_link
from domain.schemas import DeliveryMethod
from domain.statuses import OrderStatus
from domain.text_rules import without_invisible
from integrations.mail.wording import WORDING

ACCOUNT_TEMPLATES = {'customer_verification': ('verify', '/account/verify/'),  # wording prefix, link path
                     'password_reset': ('reset', '/account/reset/')}
TEMPLATES = ('customer_confirmation', 'merchant_new_order', 'status_update', 'invoice', NOTICE_TEMPLATE,
             *ACCOUNT_TEMPLATES)
ORDERLESS = frozenset({NOTICE_TEMPLATE, *ACCOUNT_TEMPLATES})  # templates about the shop or an account, not an order
# Per kind of shop notice: the admin page where the owner acts on it, and its button's wording
NOTICE_ACTIONS = {'api_push_disabled': ('/admin/settings/api-push', 'api_push_open'),
                  'api_push_given_up': ('/admin/settings/api-push', 'api_push_open')}
DEFAULT_BRAND = '#2f3e46'

_environment = Environment(loader=FileSystemLoader(Path(__file__).parent / 'templates'), auto_reload=False,
                           autoescape=select_autoescape(['html']), trim_blocks=True, lstrip_blocks=True,
                           keep_trailing_newline=True, undefined=StrictUndefined)


class _HeaderClasses(HeaderRegistry):
    """Parses headers as the standard registry does, without its waste: that builds a new class for every header it
    parses (one per name does), and parses the same MIME headers ("Content-Type: text/plain; charset=utf-8") again
    for every mail. Parsed headers are immutable values, so a mail may share them with another."""

    @functools.cache  # noqa: B019  one registry lives as long as the process
    def __getitem__(self, name: str) -> type:
        return super().__getitem__(name)

    def __call__(self, name: str, value: Any) -> Any:
        return self._parsed(name, value) if type(value) is str else super().__call__(name, value)

    @functools.lru_cache(maxsize=512)  # noqa: B019
    def _parsed(self, name: str, value: str) -> Any:
        return super().__call__(name, value)


POLICY = email.policy.default.clone(header_factory=_HeaderClasses())


class UnknownTemplate(Exception):
    pass


def one_line(text: str) -> str:
    """`text` with every run of whitespace (line breaks included) as one space, without control, bidi and
    zero-width characters: safe for a header even when stored text holds one that input validation refuses now."""
    return without_invisible(' '.join(text.split()))


def t(key: str, **fields: Any) -> str:
    return WORDING[key].format(**fields)


def text_colour_on(background: str) -> str:
    """Black or white, whichever reads better on the `#rrggbb` background."""
    red, green, blue = (int(background[i:i + 2], 16) for i in (1, 3, 5))
    return '#1c1917' if 0.299 * red + 0.587 * green + 0.114 * blue > 160 else '#ffffff'


class MailRenderer:
    """Turns a mail outbox row, with its shop and order, into the message the recipient gets."""

    def __init__(self, *, base_url: str, mail_from: str = '') -> None:
        self.base_url, self.mail_from = base_url.rstrip('/'), mail_from

    def sender(self, shop: Shop) -> str:
        return self.mail_from or shop.email or 'orderly@localhost'

    def render(self, message: OutboxMessage, shop: Shop, order: Order | None, *,
               now: datetime | None = None, attachment: tuple[str, bytes] | None = None,
               payment: HowToPay | None = None) -> EmailMessage:
        """The mail of `message`; `order` may be None only for a template in ORDERLESS; `attachment` (file name,
        PDF bytes) goes along, e.g. the invoice; `payment`: how the customer pays what is open (the confirmation's
        pay link or instructions; None: neither)."""
        if message.template not in TEMPLATES:
            raise UnknownTemplate(f'no mail template "{message.template}"')
        if message.template in ACCOUNT_TEMPLATES:
            context = self.account_context(message, shop)
        elif message.template in ORDERLESS:
            context = self.notice_context(message, shop)
        elif order is None:
            raise ValueError(f'the mail template "{message.template}" needs an order')
        else:
            context = self.context(message, shop, order, payment)
        mail = EmailMessage(policy=POLICY)
        sender = self.sender(shop)
        # Address quotes and escapes a display name; as text, a header the shop's mails share is parsed only once
        mail['Subject'] = one_line(context['subject'])
        mail['From'] = str(Address(display_name=one_line(shop.name), addr_spec=sender))
        if message.template == NOTICE_TEMPLATE:
            mail['To'] = str(Address(addr_spec=message.recipient))
        elif message.template in ACCOUNT_TEMPLATES:
            mail['To'] = str(Address(display_name=one_line(context['name']), addr_spec=message.recipient))
            if shop.email:
                mail['Reply-To'] = str(Address(display_name=one_line(shop.name), addr_spec=shop.email))
        elif message.template == 'merchant_new_order':
            mail['To'] = str(Address(addr_spec=message.recipient))
            mail['Reply-To'] = str(Address(display_name=one_line(order.customer_name), addr_spec=order.email))
        else:
            mail['To'] = str(Address(display_name=one_line(order.customer_name), addr_spec=message.recipient))
            if shop.email:
                mail['Reply-To'] = str(Address(display_name=one_line(shop.name), addr_spec=shop.email))
        mail['Date'] = format_datetime((now or datetime.now(UTC)).astimezone(UTC))
        # Stable across attempts: a mail sent twice (a crash before its delivery was recorded) is recognisable.
        mail['Message-ID'] = f'<{message.event_id}@{sender.rpartition("@")[2] or "localhost"}>'
        mail['Auto-Submitted'] = 'auto-generated'
        mail.set_content(_environment.get_template(f'{message.template}.txt').render(context))
        # a random boundary given now spares the generator its search for one that is not in the text (~40 % of
        # flattening)
        mail.make_alternative(boundary=f'=_{secrets.token_hex(16)}')
        mail.add_alternative(_environment.get_template(f'{message.template}.html').render(context), subtype='html',
                             cte='base64')  # much faster than quoted-printable for its long lines
        if attachment is not None:
            mail.add_attachment(attachment[1], maintype='application', subtype='pdf', filename=attachment[0])
        return mail

    def notice_context(self, message: OutboxMessage, shop: Shop) -> dict[str, Any]:
        """A notice to the owner: its kind's wording, then endpoint, event, order code and last error as given."""
        kind = message.payload.get('kind', '')
        if kind not in NOTICE_ACTIONS:
            raise UnknownTemplate(f'no shop notice "{kind}"')
        fields = {name: str(value) for name, value in message.payload.items()}
        path, action = NOTICE_ACTIONS[kind]
        details = [(t(label), fields.get(name, '')) for label, name in (
            ('notice_endpoint', 'url'), ('notice_event', 'event'), ('order_code', 'order_code'),
            ('notice_last_error', 'error'))]
        try:
            wording = {part: t(f'{kind}_{part}', **fields) for part in ('subject', 'title', 'intro')}
        except KeyError as missing:
            raise ValueError(f'the notice lacks its {missing} field') from None
        return {**self._look(shop), **wording, 'details': [(label, value) for label, value in details if value],
                'action_url': f'{self.base_url}{path}', 'action': t(action)}

    def account_context(self, message: OutboxMessage, shop: Shop) -> dict[str, Any]:
        """A mail to a customer about their account: the link of its token (verify the e-mail, reset the password)."""
        prefix, path = ACCOUNT_TEMPLATES[message.template]
        token = str(message.payload.get('token', ''))
        if not token:
            raise ValueError('the account mail lacks its token')
        return {**self._look(shop), 'name': str(message.payload.get('name', '')),
                'valid_hours': message.payload.get('valid_hours', 1), 'link': f'{self.base_url}{path}{token}',
                'subject': t(f'{prefix}_subject', shop=shop.name)}

    def _look(self, shop: Shop) -> dict[str, Any]:
        brand = shop.brand_color if re.fullmatch(r'#[0-9a-fA-F]{6}', shop.brand_color or '') else DEFAULT_BRAND
        return {'t': t, 'shop_name': shop.name, 'brand': brand, 'brand_text': text_colour_on(brand)}

    def view_link(self, shop: Shop, order: Order, status_url: str) -> tuple[str, str]:
        """(url, wording) of the mail's "view your order" link; ('', '') for none (Settings > Customers checkout:
        guests get no status link, an order placed with an account links to the account)."""
        if shop.guest_status_link:
            return status_url, t('view_order')
        if order.customer_id:
            return f'{self.base_url}/account/orders/{order.code}', t('view_in_account')
        return '', ''

    def context(self, message: OutboxMessage, shop: Shop, order: Order,
                payment: HowToPay | None = None) -> dict[str, Any]:
        money = lambda amount: format_money(amount, order.currency)  # noqa: E731
        status_url = f'{self.base_url}/order/{order.token}'
        view_url, view_label = self.view_link(shop, order, status_url)
        context: dict[str, Any] = {
            **self._look(shop), 'money': money,
            'order': order, 'lines': list(order.lines), 'view_url': view_url, 'view_label': view_label,
            'placed_at': order.created_at.astimezone(ZoneInfo(shop.timezone)).strftime('%d %b %Y %H:%M'),
            'delivery_method': order.delivery_method.label,
            'pickup': order.delivery_method is DeliveryMethod.PICKUP, 'pickup_address': shop.pickup_address,
            'address_lines': [line for line in (order.customer_name, *shipping_address_lines(order)) if line],
        }
        if message.template == 'customer_confirmation':
            # a pay link only where it leads to a page that takes the open amount, else how to pay
            # (domain/payment_guidance.py: the order page, the pay page and the API say the same)
            context['payment'] = payment if payment is not None and not payment.nothing_to_pay else None
            context['pay_url'] = f'{self.base_url}{payment.pay_path}' if payment and payment.pay_path else None
            context['subject'] = t('confirmation_subject', code=order.code, shop=shop.name)
        elif message.template == 'merchant_new_order':
            context['admin_url'] = f'{self.base_url}/admin/orders/{order.code}'
            subject = 'merchant_test_subject' if order.is_test else 'merchant_subject'
            context['subject'] = t(subject, code=order.code, name=order.customer_name, total=money(order.total))
        elif message.template == 'invoice':
            number = str(message.payload.get('number', ''))
            context |= {'invoice_number': number, 'subject': t('invoice_subject', number=number, code=order.code)}
        else:  # the status and reference as they were when the merchant sent the mail
            status = OrderStatus(message.payload.get('status', order.status.value)).label
            reference = message.payload.get('reference', '')
            link = reference_link(reference) if reference else None
            context |= {'status': status, 'reference': reference, 'reference_label': link[0] if link else '',
                        'reference_url': link[1] if link else '',
                        'subject': t('status_subject', code=order.code, status=status)}
        return context
