"""Tortoise models. Every shop-owned row carries its shop, and every query filters by it."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from domain.schemas import DeliveryMethod
from domain.statuses import OrderStatus


def _money(**kwargs) -> fields.DecimalField:
    return fields.DecimalField(max_digits=12, decimal_places=2, **kwargs)


class Shop(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120)
    code_prefix = fields.CharField(max_length=8, unique=True)
    currency = fields.CharField(max_length=3, default='EUR')
    timezone = fields.CharField(max_length=64, default='Europe/Brussels')
    email = fields.CharField(max_length=254, default='')  # the shop's address: merchant mails, Reply-To
    next_order_number = fields.IntField(default=1001)  # only ever increases: codes never repeat
    # Addresses of the admins whose "receives order mails" is on, kept by domain.admins in the transaction that
    # changes an admin: the checkout reads them with the order number, in the same statement.
    order_mail_recipients = fields.JSONField(default=list)
    brand_color = fields.CharField(max_length=7, default='#2f3e46')  # hex; mails and documents use it
    postal_address = fields.TextField(default='')  # several lines, printed on documents
    # What the checkout offers (Settings > Checkout); place_order reads these with the order number
    pickup_enabled = fields.BooleanField(default=True)
    shipping_enabled = fields.BooleanField(default=True)
    shipping_cost = _money(default=0)
    shipping_vat_rate = fields.DecimalField(max_digits=5, decimal_places=2, default=21)
    free_shipping_from = _money(null=True)  # order subtotal (incl. VAT) from which shipping is free; None: never
    pickup_address = fields.CharField(max_length=300, default='')
    # Settings > Customers checkout: guests, optional or required (domain.customer_settings); read again at placing
    customer_accounts = fields.CharField(max_length=16, default='optional')
    guest_status_link = fields.BooleanField(default=True)  # guests get a link to /order/{token} in their mails
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = 'shop'


class Product(Model):
    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField('models.Shop', related_name='products', on_delete=fields.CASCADE, db_index=True)
    sku = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    description = fields.TextField(default='')
    price = _money()  # incl. VAT
    vat_rate = fields.DecimalField(max_digits=5, decimal_places=2)
    stock = fields.IntField(default=0)
    swatch = fields.CharField(max_length=7, default='#9ca3af')  # colour shown where there is no picture
    image_url = fields.CharField(max_length=500, default='')
    active = fields.BooleanField(default=True)
    position = fields.IntField(default=0)

    class Meta:
        table = 'product'
        unique_together = (('shop', 'sku'),)


class Customer(Model):
    """A shop's customer: a guest of the checkout, or an account once it has a password (domain.customer_accounts)."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField('models.Shop', related_name='customers', on_delete=fields.CASCADE, db_index=True)
    email = fields.CharField(max_length=254)  # lower case
    name = fields.CharField(max_length=120)
    phone = fields.CharField(max_length=30, default='')
    password_hash = fields.CharField(max_length=200, default='')  # '' = no account (a guest)
    email_verified_at = fields.DatetimeField(null=True)  # the verification link was opened
    # The account's addresses, the first the default: [{street, postal_code, city, country}, ...]
    addresses = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)

    @property
    def has_account(self) -> bool:
        return bool(self.password_hash)

    class Meta:
        table = 'customer'
        unique_together = (('shop', 'email'),)


class Order(Model):
    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField('models.Shop', related_name='orders', on_delete=fields.CASCADE, db_index=True)
    number = fields.IntField()
    code = fields.CharField(max_length=32, unique=True)
    token = fields.CharField(max_length=64, unique=True)  # the customer's unguessable link
    idempotency_key = fields.CharField(max_length=64)
    version = fields.IntField(default=1)  # optimistic locking for concurrent edits
    status = fields.CharEnumField(OrderStatus, max_length=32, default=OrderStatus.ORDER_RECEIVED)
    is_test = fields.BooleanField(default=False)
    customer = fields.ForeignKeyField('models.Customer', related_name='orders', null=True,
                                      on_delete=fields.SET_NULL, db_index=True)
    customer_name = fields.CharField(max_length=120)
    email = fields.CharField(max_length=254)
    phone = fields.CharField(max_length=30, default='')
    vat_number = fields.CharField(max_length=32, default='')
    delivery_method = fields.CharEnumField(DeliveryMethod, max_length=16)
    street = fields.CharField(max_length=200, default='')
    postal_code = fields.CharField(max_length=16, default='')
    city = fields.CharField(max_length=200, default='')
    country = fields.CharField(max_length=2, default='')
    note = fields.TextField(default='')
    reference = fields.CharField(max_length=200, default='')  # internal reference or tracking code
    currency = fields.CharField(max_length=3)
    subtotal = _money()
    shipping_cost = _money()
    vat_total = _money()
    total = _money()
    line_count = fields.IntField()  # stored so the grid never counts lines per row
    item_count = fields.IntField()
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = 'order'
        unique_together = (('shop', 'number'), ('shop', 'idempotency_key'))
        indexes = (('shop', 'created_at'), ('shop', 'status', 'created_at'))

    @property
    def status_label(self) -> str:
        return self.status.label


class OrderLine(Model):
    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField('models.Shop', related_name='order_lines', on_delete=fields.CASCADE,
                                  db_index=False)
    order = fields.ForeignKeyField('models.Order', related_name='lines', on_delete=fields.CASCADE, db_index=True)
    product = fields.ForeignKeyField('models.Product', related_name='order_lines', null=True,
                                     on_delete=fields.SET_NULL)
    position = fields.IntField()
    sku = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    quantity = fields.IntField()
    unit_price = _money()  # incl. VAT, as sold
    vat_rate = fields.DecimalField(max_digits=5, decimal_places=2)
    total = _money()

    class Meta:
        table = 'order_line'
        ordering = ('position',)


class LogEntry(Model):
    """The shop's Logs and each order's history: who did what, when."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField('models.Shop', related_name='log_entries', on_delete=fields.CASCADE,
                                  db_index=False)
    order = fields.ForeignKeyField('models.Order', related_name='log_entries', null=True,
                                   on_delete=fields.SET_NULL, db_index=True)
    order_code = fields.CharField(max_length=32, default='')  # survives the order's deletion
    kind = fields.CharField(max_length=40)  # e.g. order.placed, order.status_changed, admin.login
    actor = fields.CharField(max_length=254)  # "customer", "system" or an admin's e-mail
    message = fields.TextField()
    data = fields.JSONField(default=dict)
    created_at = fields.DatetimeField()

    class Meta:
        table = 'log_entry'
        indexes = (('shop', 'created_at'), ('shop', 'order_code'))


class OutboxState(StrEnum):
    PENDING = 'pending'  # waiting for its first or next attempt
    DELIVERED = 'delivered'
    DEAD = 'dead'  # gave up; the merchant sees it


class OutboxMessage(Model):
    """A side effect written in the same transaction as its cause and delivered after commit, with retries."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField('models.Shop', related_name='outbox', on_delete=fields.CASCADE, db_index=True)
    order = fields.ForeignKeyField('models.Order', related_name='outbox', null=True, on_delete=fields.SET_NULL,
                                   db_index=True)
    order_code = fields.CharField(max_length=32, default='')
    event_id = fields.CharField(max_length=40, unique=True)  # stable across retries: Message-ID, webhook-id
    channel = fields.CharField(max_length=16)  # mail, push, webhook, invoice: which integration delivers it
    event = fields.CharField(max_length=40)  # order.created, order.status_changed, ...
    template = fields.CharField(max_length=40, default='')  # what to render: customer_confirmation, ...
    recipient = fields.CharField(max_length=254, default='')  # address, admin id, endpoint id; '' = all
    payload = fields.JSONField(default=dict)
    state = fields.CharEnumField(OutboxState, max_length=16, default=OutboxState.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    lease_expires_at = fields.DatetimeField(null=True)  # a worker's claim; expired leases come back
    leased_by = fields.CharField(max_length=64, default='')
    last_error = fields.TextField(default='')
    created_at = fields.DatetimeField()
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = 'outbox_message'
        # the second: the claim's look for an earlier pending event of the same order and endpoint (API PUSH order)
        indexes = (('state', 'next_attempt_at'), ('order_code', 'recipient'))


class MailboxMail(Model):
    """A mail kept in the database instead of sent, while no SMTP server is set up (Settings > Mailbox)."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField('models.Shop', related_name='mailbox', on_delete=fields.CASCADE, db_index=False)
    order_code = fields.CharField(max_length=32, default='')
    message_id = fields.CharField(max_length=254, unique=True)  # a repeated delivery is kept once
    recipient = fields.CharField(max_length=254)
    subject = fields.TextField()
    source = fields.TextField()  # the whole message as it would have been sent: headers, text and HTML parts
    created_at = fields.DatetimeField()

    class Meta:
        table = 'mailbox_mail'
        indexes = (('shop', 'created_at'),)


class AdminRole(StrEnum):
    OWNER = 'owner'
    EMPLOYEE = 'employee'


class AdminUser(Model):
    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField('models.Shop', related_name='admins', on_delete=fields.CASCADE, db_index=True)
    email = fields.CharField(max_length=254)
    name = fields.CharField(max_length=120, default='')
    password_hash = fields.CharField(max_length=200)
    role = fields.CharEnumField(AdminRole, max_length=16, default=AdminRole.EMPLOYEE)
    receives_order_mails = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = 'admin_user'
        unique_together = (('shop', 'email'),)


class AdminSession(Model):
    """A signed-in browser of an admin; only the token's hash is stored. Logout revokes every session."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField('models.Shop', related_name='admin_sessions', on_delete=fields.CASCADE,
                                  db_index=False)
    admin = fields.ForeignKeyField('models.AdminUser', related_name='sessions', on_delete=fields.CASCADE,
                                   db_index=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    # null for sessions opened before sessions expired: created_at + ORDERLY_SESSION_MAX_DAYS, then
    expires_at = fields.DatetimeField(null=True)
    last_seen_at = fields.DatetimeField(null=True)  # idle for ORDERLY_SESSION_IDLE_HOURS: the session ends
    user_agent = fields.CharField(max_length=300, default='')  # shown in the account's list of sessions
    address = fields.CharField(max_length=64, default='')

    class Meta:
        table = 'admin_session'


class LoginFailure(Model):
    """A failed sign-in, counted per address and per account to refuse guessing."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=300)  # "ip:…" or "account:…"
    created_at = fields.DatetimeField()

    class Meta:
        table = 'login_failure'
        indexes = (('key', 'created_at'),)


class ApiKeyAccess(StrEnum):
    READ = 'read'
    READ_WRITE = 'read_write'

    @property
    def label(self) -> str:
        return {'read': 'Read only', 'read_write': 'Read and write'}[self.value]


class ApiKey(Model):
    """A key other programs use for the REST API (Settings > API keys); only the secret's hash is stored."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField('models.Shop', related_name='api_keys', on_delete=fields.CASCADE, db_index=True)
    label = fields.CharField(max_length=80)
    hint = fields.CharField(max_length=16)  # the key's first characters, so the owner can tell keys apart
    key_hash = fields.CharField(max_length=64, unique=True)  # sha256: the secret is random, no slow hash needed
    access = fields.CharEnumField(ApiKeyAccess, max_length=16, default=ApiKeyAccess.READ)
    created_by = fields.CharField(max_length=254)
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)  # to the minute: a request writes it at most once a minute
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = 'api_key'


class VapidKeys(Model):
    """The shop's Web Push key pair (VAPID): made once, kept beside the subscriptions that were made with it."""

    id = fields.IntField(primary_key=True)
    shop = fields.OneToOneField('models.Shop', related_name='vapid_keys', on_delete=fields.CASCADE)
    private_key = fields.CharField(max_length=64)  # raw 32-byte P-256 scalar, base64url: never shown or logged
    public_key = fields.CharField(max_length=100)  # uncompressed point, base64url: the browser's applicationServerKey
    created_at = fields.DatetimeField()

    class Meta:
        table = 'vapid_keys'

    def __str__(self) -> str:  # never the private key
        return f'VapidKeys(shop={self.shop_id}, public={self.public_key[:12]}…)'


class PushSubscription(Model):
    """A browser (phone, computer) of an admin that receives Web Push notifications, as `pushManager` made it."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField('models.Shop', related_name='push_subscriptions', on_delete=fields.CASCADE,
                                  db_index=True)
    admin = fields.ForeignKeyField('models.AdminUser', related_name='push_subscriptions', on_delete=fields.CASCADE,
                                   db_index=True)
    endpoint = fields.CharField(max_length=1000, unique=True)  # the push service's URL for this browser
    p256dh = fields.CharField(max_length=100)  # the browser's public key, base64url
    auth = fields.CharField(max_length=40)  # the browser's 16-byte auth secret, base64url
    device_label = fields.CharField(max_length=80)
    created_at = fields.DatetimeField()
    last_success_at = fields.DatetimeField(null=True)
    last_event_id = fields.CharField(max_length=40, default='')  # the last outbox message it accepted: no resend
    last_error = fields.CharField(max_length=300, default='')

    class Meta:
        table = 'push_subscription'


class PushPreferences(Model):
    """Which events an admin wants pushed (outbox event names); an admin without a row gets the defaults."""

    id = fields.IntField(primary_key=True)
    admin = fields.OneToOneField('models.AdminUser', related_name='push_preferences', on_delete=fields.CASCADE)
    events = fields.JSONField(default=list)

    class Meta:
        table = 'push_preferences'


class WebhookEndpoint(Model):
    """A receiver of the shop's API PUSH (Settings > API PUSH): order events are POSTed to it, signed.

    The secrets sign every request, so they are stored as they are (not hashed); the owner sees one once, when it
    is made, and it is never logged. During a rotation the previous secret signs too, until it expires.
    """

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField('models.Shop', related_name='webhook_endpoints', on_delete=fields.CASCADE,
                                  db_index=True)
    url = fields.CharField(max_length=2000)
    description = fields.CharField(max_length=120, default='')  # the owner's name for it: "Cash register"
    events = fields.JSONField(default=list)  # event types it wants: order.created, ...
    format = fields.CharField(max_length=8, default='json')  # json or xml: the same fields
    enabled = fields.BooleanField(default=True)
    allow_local_network = fields.BooleanField(default=False)  # loopback and private addresses allowed
    secret = fields.CharField(max_length=80)  # whsec_ + base64
    previous_secret = fields.CharField(max_length=80, default='')
    previous_secret_expires_at = fields.DatetimeField(null=True)
    disabled_reason = fields.CharField(max_length=300, default='')  # why Orderly switched it off (410 Gone)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = 'webhook_endpoint'


class WebhookDelivery(Model):
    """One HTTP attempt of an API PUSH message: the endpoint's delivery log. Not a foreign key to the endpoint or
    the outbox row, so an attempt in flight when either is deleted is still recorded."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField('models.Shop', related_name='webhook_deliveries', on_delete=fields.CASCADE,
                                  db_index=False)
    endpoint_id = fields.IntField()
    outbox_message_id = fields.IntField()
    event = fields.CharField(max_length=40)
    event_id = fields.CharField(max_length=40)  # the webhook-id header
    order_code = fields.CharField(max_length=32, default='')
    attempt = fields.IntField()
    created_at = fields.DatetimeField()
    status_code = fields.IntField(null=True)  # None: no answer (refused, timed out, not sent)
    duration_ms = fields.IntField(default=0)
    response_excerpt = fields.CharField(max_length=500, default='')
    error = fields.CharField(max_length=500, default='')

    class Meta:
        table = 'webhook_delivery'
        indexes = (('endpoint_id', 'created_at'),)


class PaymentStatus(StrEnum):
    """A payment attempt's status, in the providers' words (Mollie's v2 statuses)."""

    OPEN = 'open'
    PAID = 'paid'
    FAILED = 'failed'
    CANCELED = 'canceled'
    EXPIRED = 'expired'


class Payment(Model):
    """One attempt of a customer to pay an order through a provider; the provider's notification settles it."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField('models.Shop', related_name='payments', on_delete=fields.CASCADE, db_index=False)
    order = fields.ForeignKeyField('models.Order', related_name='payments', null=True, on_delete=fields.SET_NULL,
                                   db_index=True)
    order_code = fields.CharField(max_length=32)  # survives the order's deletion: a late payment needs a refund
    provider = fields.CharField(max_length=16)  # demo, mollie
    provider_payment_id = fields.CharField(max_length=64)  # tr_… at Mollie
    method = fields.CharField(max_length=32, default='')  # as the provider reports it: ideal, creditcard, …
    amount = _money()
    currency = fields.CharField(max_length=3)
    status = fields.CharEnumField(PaymentStatus, max_length=16, default=PaymentStatus.OPEN)
    checkout_url = fields.CharField(max_length=1000, default='')
    flagged = fields.CharField(max_length=300, default='')  # why it needs the merchant's eye (amount mismatch, …)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    paid_at = fields.DatetimeField(null=True)

    class Meta:
        table = 'payment'
        unique_together = (('provider', 'provider_payment_id'),)


class PaymentSettings(Model):
    """Settings > Checkout, payment methods: which ones the checkout offers; a shop without a row gets the defaults."""

    id = fields.IntField(primary_key=True)
    shop = fields.OneToOneField('models.Shop', related_name='payment_settings', on_delete=fields.CASCADE)
    pay_on_pickup = fields.BooleanField(default=True)
    bank_transfer = fields.BooleanField(default=False)
    iban = fields.CharField(max_length=34, default='')  # the shop's one IBAN: bank transfers and invoices
    online = fields.BooleanField(default=False)
    provider = fields.CharField(max_length=16, default='demo')
    auto_cancel_days = fields.IntField(null=True)  # unpaid "Waiting for payment" orders older than this: cancelled
    demo_api_key = fields.CharField(max_length=100, default='')  # random, made once the demo provider is chosen

    class Meta:
        table = 'payment_settings'


class InvoiceSettings(Model):
    """Settings > Invoices (owners): what an invoice says about the seller, its numbering, and when it is issued."""

    id = fields.IntField(primary_key=True)
    shop = fields.OneToOneField('models.Shop', related_name='invoice_settings', on_delete=fields.CASCADE)
    legal_name = fields.CharField(max_length=200, default='')  # '' = the shop's name
    vat_number = fields.CharField(max_length=32, default='')
    trade_register = fields.CharField(max_length=64, default='')
    # no IBAN here: invoices print the shop's one IBAN, PaymentSettings.iban (domain.invoices.shop_iban)
    number_format = fields.CharField(max_length=60, default='{year}-{seq:06d}')
    credit_note_format = fields.CharField(max_length=60, default='CN-{year}-{seq:06d}')
    reset_yearly = fields.BooleanField(default=True)  # the counter starts at 1 again each year
    footer = fields.TextField(default='')
    issue_when = fields.CharField(max_length=16, default='manual')  # manual, paid, shipped
    paper_size = fields.CharField(max_length=8, default='A4')  # A4 or Letter: packing slips and invoices

    class Meta:
        table = 'invoice_settings'


class InvoiceCounter(Model):
    """The last number taken in a series (invoices or credit notes) and period: taken under this row's lock,
    in the transaction that stores the invoice, so a number is used exactly once and none is skipped."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField('models.Shop', related_name='invoice_counters', on_delete=fields.CASCADE,
                                  db_index=False)
    kind = fields.CharField(max_length=16)  # invoice, credit_note
    period = fields.CharField(max_length=8)  # the year, or '' when the counter never resets
    last_sequence = fields.IntField(default=0)

    class Meta:
        table = 'invoice_counter'
        unique_together = (('shop', 'kind', 'period'),)


class Invoice(Model):
    """An issued invoice or credit note, as it was issued: never updated (but for its PDF, made once after)."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField('models.Shop', related_name='invoices', on_delete=fields.CASCADE, db_index=True)
    order = fields.ForeignKeyField('models.Order', related_name='invoices', null=True, on_delete=fields.SET_NULL,
                                   db_index=True)
    order_code = fields.CharField(max_length=32)
    kind = fields.CharField(max_length=16, default='invoice')  # invoice, credit_note
    number = fields.CharField(max_length=80)
    period = fields.CharField(max_length=8)
    sequence = fields.IntField()
    credited_number = fields.CharField(max_length=80, default='')  # a credit note: the invoice it cancels
    issue_date = fields.DateField()
    supply_date = fields.DateField()
    currency = fields.CharField(max_length=3)
    seller = fields.JSONField(default=dict)  # name, address, VAT number, trade register, IBAN, footer
    buyer = fields.JSONField(default=dict)  # name, e-mail, address lines, VAT number
    lines = fields.JSONField(default=list)  # sku, name, quantity, unit price excl. VAT, VAT rate, net, VAT, gross
    vat_breakdown = fields.JSONField(default=list)  # per rate: net, VAT, gross
    net_total = _money()
    vat_total = _money()
    total = _money()
    issued_at = fields.DatetimeField()
    issued_by = fields.CharField(max_length=254)
    pdf = fields.BinaryField(null=True)

    class Meta:
        table = 'invoice'
        unique_together = (('shop', 'kind', 'number'),)
        indexes = (('shop', 'kind', 'period', 'sequence'),)


class CustomerSession(Model):
    """A signed-in browser of a customer; only the token's hash is stored. Logout revokes every session."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField('models.Shop', related_name='customer_sessions', on_delete=fields.CASCADE,
                                  db_index=False)
    customer = fields.ForeignKeyField('models.Customer', related_name='sessions', on_delete=fields.CASCADE,
                                      db_index=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)  # as AdminSession's
    last_seen_at = fields.DatetimeField(null=True)
    user_agent = fields.CharField(max_length=300, default='')
    address = fields.CharField(max_length=64, default='')

    class Meta:
        table = 'customer_session'


class SignInTicket(Model):
    """A checked password waiting for its HTTP round trip: the route that redeems it (once, within a minute, in the
    browser that asked) opens the session, sets its cookie and gives the browser a new NiceGUI session id."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=16)  # admin, customer
    account_id = fields.IntField()  # AdminUser.id or Customer.id
    ticket_hash = fields.CharField(max_length=64, unique=True)
    browser_hash = fields.CharField(max_length=64)  # SHA-256 of NiceGUI's browser id it was issued to
    address = fields.CharField(max_length=64, default='')
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = 'sign_in_ticket'


class KnownDevice(Model):
    """A browser that signed in to an account before (its device cookie; only the hash is stored): guesses from
    elsewhere never slow down or refuse its correct password."""

    id = fields.IntField(primary_key=True)
    account = fields.CharField(max_length=80)  # "admin:ID" or "customer:ID"
    token_hash = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField()

    class Meta:
        table = 'known_device'
        unique_together = (('account', 'token_hash'),)


class CustomerToken(Model):
    """A single-use link mailed to a customer (verify the e-mail, reset the password); only its hash is stored."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField('models.Shop', related_name='customer_tokens', on_delete=fields.CASCADE,
                                  db_index=False)
    customer = fields.ForeignKeyField('models.Customer', related_name='tokens', on_delete=fields.CASCADE,
                                      db_index=True)
    purpose = fields.CharField(max_length=16)  # verify, reset
    token_hash = fields.CharField(max_length=64, unique=True)
    email = fields.CharField(max_length=254)  # the address it was sent to: verifies that one only
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = 'customer_token'
