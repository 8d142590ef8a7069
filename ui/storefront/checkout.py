"""`/checkout`: the customer's details and delivery, the order summary, and "Place order"."""

import secrets
from decimal import Decimal

from nicegui import app, ui

from domain.catalogue import default_shop, priced_line, products_by_id
from domain.checkout import place_order
from domain.customer_accounts import AccountError, register
from domain.customer_settings import CustomerAccounts, customer_accounts
from domain.delivery import NOTHING_OFFERED, DeliveryOffer
from domain.errors import InvalidCheckout
from domain.models import Customer, Product, Shop
from domain.money import PricedLine, format_money
from domain.payment_settings import PaymentOptions, payment_options
from domain.schemas import CheckoutForm as ParsedForm
from domain.schemas import DeliveryMethod, parse_checkout
from ui.components.browser_session import client_address
from ui.components.page_title import page_title
from ui.components.totals import totals_block
from ui.storefront import cart_state
from ui.storefront.checkout_account import AccountOffer, account_required_notice, signed_in_note
from ui.storefront.customer_session import current_customer, sign_in_path
from ui.storefront.frame import storefront_frame
from ui.storefront.order_access import remember_placed
from ui.storefront.payment_choice import PaymentChoice

COUNTRIES = {'BE': 'Belgium', 'NL': 'Netherlands', 'LU': 'Luxembourg', 'FR': 'France', 'DE': 'Germany'}


# A long message under a field wraps onto a second line: Quasar draws it in a fixed 20 px strip, over the next
# field. Here the message takes the room it needs and pushes the next field down.
CHECKOUT_CSS = '''
.checkout-form .q-field--with-bottom { padding-bottom: 0; }
.checkout-form .q-field__bottom { position: static; transform: none; min-height: 20px; }
'''


def checkout_key() -> str:
    """The idempotency key of this cart's checkout: the same across double clicks, tabs and resubmits."""
    if 'checkout_key' not in app.storage.user:
        app.storage.user['checkout_key'] = secrets.token_urlsafe(24)
    return app.storage.user['checkout_key']


async def checkout_page() -> None:
    shop = await default_shop()
    products = await products_by_id(shop, list(cart_state.cart()))
    accounts = customer_accounts(shop)
    customer = await current_customer(shop) if accounts is not CustomerAccounts.GUESTS else None
    with storefront_frame(shop, 'Checkout'):
        page_title('Checkout')
        if not any(pid in products for pid in cart_state.cart()):
            ui.label('Your cart is empty.').classes('text-lg')
            ui.button('Browse the products', on_click=lambda: ui.navigate.to('/')).props('no-caps')
            return
        if not DeliveryOffer.of(shop).methods:
            ui.label(NOTHING_OFFERED).classes('text-lg')
            return
        if accounts is CustomerAccounts.REQUIRED and customer is None:
            account_required_notice()
            return
        CheckoutForm(shop, products, await payment_options(shop.id), accounts=accounts, customer=customer)


def prefill(inputs: dict[str, ui.element], customer: Customer) -> None:
    """The signed-in customer's details and default address (the account's first), still editable."""
    address = customer.addresses[0] if customer.addresses and isinstance(customer.addresses[0], dict) else {}
    values = {'name': customer.name, 'email': customer.email, 'phone': customer.phone, **address}
    for name, value in values.items():
        if name in inputs and isinstance(value, str) and value and (name != 'country' or value in COUNTRIES):
            inputs[name].value = value


class CheckoutForm:
    """The form's inputs by field name, so the domain's messages land next to the right field."""

    def __init__(self, shop: Shop, products: dict[int, Product], payment: PaymentOptions | None = None, *,
                 accounts: CustomerAccounts = CustomerAccounts.GUESTS, customer: Customer | None = None) -> None:
        self.shop = shop
        self.accounts, self.customer = accounts, customer
        self.account_offer: AccountOffer | None = None
        self.remote = client_address()  # for throttling (a trusted proxy's X-Forwarded-For counts)
        self.signing_in: Customer | None = None  # the account made with this order: signed in on the way on
        self.payment_options = payment or PaymentOptions()
        self.products = products
        self.offer = DeliveryOffer.of(shop)
        self.line_errors: dict[int, str] = {}
        # Read top down: what is ordered, details, delivery, payment, "Place order" last, its errors just above it.
        # On a laptop the summary sits beside the form (the grid places it in the right column, first row).
        ui.add_css(CHECKOUT_CSS)
        with ui.element('div').classes('w-full grid grid-cols-1 md:grid-cols-5 gap-6 checkout-form'):
            with ui.column().classes('gap-4 md:col-span-3 md:col-start-1 md:row-start-1'):
                self.build_fields()
                self.error_summary = ui.label().classes('w-full text-negative checkout-error-summary') \
                    .props('role=alert').mark('error-summary')
                self.error_summary.set_visibility(False)
                self.submit_button = ui.button('Place order', icon='check', on_click=self.submit) \
                    .props('unelevated no-caps size=lg').classes('w-full').mark('place-order')
            with ui.column().classes('gap-3 w-full self-start order-first md:order-none md:col-span-2 md:col-start-4 '
                                     'md:row-start-1 md:sticky md:top-20'):
                self.summary()  # built after the fields it reads (the delivery method), shown first

    def build_fields(self) -> None:
        with ui.card().classes('w-full gap-2').props('flat bordered'):
            ui.label('Your details').classes('text-lg font-medium')
            if self.customer is not None:
                signed_in_note(self.customer)
            self.inputs = {
                'name': ui.input('Name').props('outlined autocomplete=name'),
                'email': ui.input('E-mail').props('outlined type=email autocomplete=email'),
                'phone': ui.input('Phone (optional)').props('outlined type=tel autocomplete=tel'),
            }
            if self.customer is None and self.accounts is CustomerAccounts.OPTIONAL:
                self.account_offer = AccountOffer()
        with ui.card().classes('w-full gap-2').props('flat bordered'):
            ui.label('Delivery').classes('text-lg font-medium')
            self.delivery = ui.radio({}, on_change=self.delivery_changed).props('inline').mark('delivery_method')
            self.free_shipping_hint = ui.label().classes('text-sm text-stone-600')
            with ui.column().classes('w-full gap-2') as self.address_block:
                self.inputs['street'] = ui.input('Street and number').props('outlined autocomplete=street-address')
                with ui.element('div').classes('w-full grid grid-cols-1 sm:grid-cols-3 gap-2'):
                    self.inputs['postal_code'] = ui.input('Postal code').props('outlined autocomplete=postal-code')
                    self.inputs['city'] = ui.input('City').props('outlined autocomplete=address-level2') \
                        .classes('sm:col-span-2')
                self.inputs['country'] = ui.select(COUNTRIES, value='BE', label='Country').props('outlined')
            self.pickup_hint = ui.label().classes('text-stone-600')
            self.inputs['note'] = ui.textarea('Note for the shop (optional)').props('outlined autogrow')
        self.payment = PaymentChoice(self.payment_options)
        for name, field_input in self.inputs.items():
            field_input.classes('w-full').mark(name).on_value_change(lambda e: setattr(e.sender, 'error', None))
        if self.customer is not None:
            prefill(self.inputs, self.customer)
        self.show_offer()

    def show_offer(self) -> None:
        """Offer the delivery methods of `self.offer`, keeping the customer's choice if it is still offered."""
        offer, money = self.offer, lambda amount: format_money(amount, self.shop.currency)
        subtotal = sum((line.total for line in self.lines()), Decimal('0.00'))
        shipping = 'free' if offer.ships_free(subtotal) or not offer.shipping_cost else money(offer.shipping_cost)
        labels = {DeliveryMethod.SHIPPING: f'Shipping ({shipping})', DeliveryMethod.PICKUP: 'Pickup in the shop (free)'}
        chosen = self.delivery.value if self.delivery.value in offer.methods else offer.methods[0].value
        self.delivery.set_options({method.value: labels[method] for method in offer.methods}, value=chosen)
        self.free_shipping_hint.text = (f'Free shipping from {money(offer.free_shipping_from)}.'
                                        if offer.shipping and offer.free_shipping_from and shipping != 'free' else '')
        self.free_shipping_hint.set_visibility(bool(self.free_shipping_hint.text))
        self.pickup_hint.text = f'Pick up at {offer.pickup_address or "the shop"}.'
        self.delivery_changed()

    @property
    def delivery_method(self) -> DeliveryMethod:
        return DeliveryMethod(self.delivery.value)

    def delivery_changed(self) -> None:
        self.address_block.set_visibility(self.delivery_method is DeliveryMethod.SHIPPING)
        self.pickup_hint.set_visibility(self.delivery_method is DeliveryMethod.PICKUP)
        self.payment.show_for(self.delivery_method)
        self.summary.refresh()

    def lines(self) -> list[PricedLine]:
        return [priced_line(self.products[pid], qty) for pid, qty in cart_state.cart().items()
                if pid in self.products]

    @ui.refreshable_method
    def summary(self) -> None:
        lines = self.lines()
        totals = self.offer.totals(lines, self.delivery_method)
        money = lambda amount: format_money(amount, self.shop.currency)  # noqa: E731
        with ui.card().classes('w-full gap-2 order-summary').props('flat bordered'):
            ui.label('Your order').classes('text-lg font-medium')
            for line in lines:
                with ui.row().classes('w-full justify-between no-wrap gap-2'):
                    ui.label(f'{line.quantity} × {line.name}').classes('min-w-0')
                    ui.label(money(line.total)).classes('shrink-0')
                if line.product_id in self.line_errors:
                    ui.label(self.line_errors[line.product_id]).classes('text-sm text-negative line-error')
            ui.separator()
            totals_block(subtotal=totals.subtotal, shipping=totals.shipping, total=totals.total,
                         vat=totals.vat_total, currency=self.shop.currency)
        ui.link('Edit cart', '/cart').classes('text-sm')

    def form_data(self) -> dict:
        data = {name: field_input.value or '' for name, field_input in self.inputs.items()}
        data['delivery_method'] = self.delivery_method.value
        data['lines'] = [{'product_id': pid, 'quantity': qty} for pid, qty in cart_state.cart().items()]
        data['idempotency_key'] = checkout_key()
        return data

    async def submit(self) -> None:
        self.submit_button.props('loading')
        self.submit_button.disable()
        self.error_summary.set_visibility(False)
        try:
            form = parse_checkout(self.form_data())
            initial_status = self.payment.initial_status(form.delivery_method)
            customer = await self.account(form)
            placed = await place_order(shop=self.shop, form=form, initial_status=initial_status,
                                       customer_id=customer.id if customer else None, storefront=True)
        except AccountError as error:
            self.show_errors({field: message for field, message in error.errors.items() if field}, str(error))
            return
        except InvalidCheckout as error:
            if 'account' in error.field_errors:  # the owner required accounts after this page was opened
                ui.notify(error.field_errors['account'], type='warning')
                ui.navigate.reload()
                return
            if 'delivery_method' in error.field_errors:  # the shop changed its delivery methods meanwhile
                self.shop = await Shop.get(id=self.shop.id)
                self.offer = DeliveryOffer.of(self.shop)
                self.show_offer()
            self.show_errors(error.field_errors)
            return
        finally:
            self.submit_button.props(remove='loading')
            self.submit_button.enable()
        cart_state.clear()
        remember_placed(placed.id)
        next_path = self.payment.next_path(placed.token)
        # a new account's session opens in an HTTP response (its cookie), on the way to the next page
        ui.navigate.to(await sign_in_path(self.signing_in, next_path) if self.signing_in else next_path)

    async def account(self, form: ParsedForm) -> Customer | None:
        """The customer the order goes to: the one signed in now (the page may be older than a sign-out), or the
        account made for it as the customer asked, now signed in; None for a guest. Raises `AccountError`."""
        if self.accounts is CustomerAccounts.GUESTS:
            return None
        signed_in = await current_customer(self.shop)
        if signed_in is not None or self.account_offer is None or not self.account_offer.wanted:
            return signed_in
        if self.signing_in is not None:  # made by an earlier try of this page (the order failed, e.g. stock)
            return self.signing_in
        customer = await register(self.shop, name=form.name, email=str(form.email),
                                  password=self.account_offer.password.value or '', remote=self.remote)
        self.customer = self.signing_in = customer  # a failed order (stock): the next try is this customer's
        self.account_offer.container.set_visibility(False)
        return customer

    def show_errors(self, field_errors: dict[str, str], fallback: str = '') -> None:
        """Each message at its field and, just above "Place order", how many to correct plus any message that has
        no field; the page scrolls to the first marked field. No toast: it covered the fields it was about."""
        product_ids = list(cart_state.cart())
        self.line_errors = {product_ids[int(field.split('.')[1])]: message
                            for field, message in field_errors.items() if field.startswith('lines.')}
        marked, unplaced = 0, []
        for name, message in field_errors.items():
            if name in self.inputs:
                self.inputs[name].error = message
            elif name == 'password' and self.account_offer is not None:
                self.account_offer.password.error = message
            elif not name.startswith('lines.'):
                unplaced.append(message)
                continue
            marked += 1
        if not field_errors and fallback:
            unplaced.append(fallback)
        fields = 'the marked field' if marked == 1 else f'the {marked} marked fields'
        self.error_summary.text = ' '.join([f'Please correct {fields}.'] * bool(marked) + unplaced)
        self.error_summary.set_visibility(bool(self.error_summary.text))
        self.summary.refresh()
        ui.run_javascript('document.querySelector(".q-field--error, .line-error")?.scrollIntoView({block: "center"})')
