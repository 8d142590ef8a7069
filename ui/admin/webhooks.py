"""`/admin/settings/api-push` (owners): API PUSH endpoints, secrets shown once, test events and delivery logs."""

from zoneinfo import ZoneInfo

from nicegui import ui

from domain.admin_auth import SignedInAdmin
from domain.events import DeliveriesRecorded
from domain.models import Shop, WebhookDelivery, WebhookEndpoint
from domain.outbox_delivery import GIVE_UP_AFTER
from domain.webhook_payload import EVENTS
from domain.webhook_urls import shown_url
from domain.webhooks import (
    FORMATS,
    ROTATION_WINDOW,
    EndpointForm,
    EndpointGone,
    InvalidEndpoint,
    create_endpoint,
    delete_endpoint,
    delivery_log,
    describe_endpoint,
    list_endpoints,
    redeliver,
    rotate_secret,
    send_test_event,
    set_endpoint_enabled,
    update_endpoint,
)
from ui.admin.frame import admin_frame
from ui.admin.session import admin_page, guarded
from ui.components.confirm import ask_to_confirm
from ui.components.field_errors import clear_on_change, set_error, show_errors
from ui.components.live_events import subscribe_while_open
from ui.components.page_title import page_title

LOG_SHOWN = 50


class ApiPushView:
    def __init__(self, shop: Shop, admin: SignedInAdmin) -> None:
        self.shop, self.admin = shop, admin
        self.timezone = ZoneInfo(shop.timezone)
        self.guard = lambda handler: guarded(shop.id, handler, owner=True)
        self.dialog = EndpointDialog(self)
        self.open_logs: set[int] = set()  # endpoints whose delivery log is unfolded
        self.page = ui.context.client.content  # dialogs opened from a dialog live here, not in the closing one
        self.stale = False

    def local(self, moment) -> str:
        return moment.astimezone(self.timezone).strftime('%d %b %H:%M:%S')

    @ui.refreshable_method
    async def endpoints(self) -> None:
        endpoints = await list_endpoints(self.shop.id)
        if not endpoints:
            ui.label('No endpoints yet: add the address of your point of sale or accounting program.') \
                .classes('text-stone-600').mark('no-endpoints')
        for endpoint in endpoints:
            await self.endpoint_card(endpoint)

    async def endpoint_card(self, endpoint: WebhookEndpoint) -> None:
        with ui.card().classes('w-full gap-2').props('flat bordered').mark(f'endpoint-{endpoint.id}'):
            with ui.row().classes('w-full items-center gap-3 no-wrap'):
                ui.icon('webhook' if endpoint.enabled else 'link_off').classes('text-2xl text-stone-500')
                with ui.column().classes('gap-0 grow min-w-0'):
                    if endpoint.description:
                        ui.label(endpoint.description).classes('font-medium')
                    ui.label(shown_url(endpoint.url)).classes('font-mono text-sm break-all')
                    ui.label(f'{", ".join(endpoint.events)} · {FORMATS[endpoint.format]}' +
                             (' · local network allowed' if endpoint.allow_local_network else '')) \
                        .classes('text-xs text-stone-500')
                ui.switch('Enabled', value=endpoint.enabled,
                          on_change=self.guard(lambda e, ep=endpoint: self.enable(ep, e.value))) \
                    .mark(f'enabled-{endpoint.id}')
            if endpoint.disabled_reason:
                ui.label(f'Switched off by Orderly: {endpoint.disabled_reason}. Switch it on again once the '
                         'receiver is back.').classes('text-sm text-negative').mark(f'disabled-{endpoint.id}')
            with ui.row().classes('gap-1'):
                ui.button('Send test event', icon='send', on_click=self.guard(lambda: self.test(endpoint))) \
                    .props('flat no-caps').mark(f'test-{endpoint.id}')
                ui.button('Edit', icon='edit', on_click=self.guard(lambda: self.dialog.edit(endpoint))) \
                    .props('flat no-caps').mark(f'edit-{endpoint.id}')
                ui.button('Rotate secret', icon='autorenew',
                          on_click=self.guard(lambda: self.ask_to_rotate(endpoint))) \
                    .props('flat no-caps').mark(f'rotate-{endpoint.id}')
                ui.button('Delete', icon='delete', on_click=self.guard(lambda: self.ask_to_delete(endpoint))) \
                    .props('flat no-caps color=negative').mark(f'delete-{endpoint.id}')
            with ui.expansion('Delivery log', icon='history', value=endpoint.id in self.open_logs,
                              on_value_change=self.guard(lambda e, i=endpoint.id: self.fold(i, e.value))) \
                    .classes('w-full').props('dense').mark(f'log-{endpoint.id}'):
                if endpoint.id in self.open_logs:  # folded logs are read when unfolded
                    await self.log(endpoint)

    async def fold(self, endpoint_id: int, unfolded: bool) -> None:
        if unfolded and endpoint_id not in self.open_logs:
            self.open_logs.add(endpoint_id)
            await self.endpoints.refresh()
        elif not unfolded:
            self.open_logs.discard(endpoint_id)

    async def log(self, endpoint: WebhookEndpoint) -> None:
        deliveries = await delivery_log(self.shop.id, endpoint.id, limit=LOG_SHOWN)
        if not deliveries:
            ui.label('Nothing sent yet.').classes('text-sm text-stone-500')
            return
        for delivery in deliveries:
            self.delivery_row(delivery)

    def delivery_row(self, delivery: WebhookDelivery) -> None:
        ok = delivery.status_code is not None and 200 <= delivery.status_code < 300
        with ui.row().classes('w-full items-start gap-3 py-1 border-b border-stone-100 no-wrap text-sm') \
                .mark(f'delivery-{delivery.id}'):
            ui.badge(str(delivery.status_code or 'no answer'), color='positive' if ok else 'negative') \
                .classes('mt-1 shrink-0')
            with ui.column().classes('gap-0 grow min-w-0'):
                ui.label(f'{delivery.event}' + (f' · {delivery.order_code}' if delivery.order_code else '') +
                         f' · attempt {delivery.attempt}').classes('font-medium')
                ui.label(f'{self.local(delivery.created_at)} · {delivery.duration_ms} ms · {delivery.event_id}') \
                    .classes('text-xs text-stone-500 break-all')
                if delivery.error or delivery.response_excerpt:
                    ui.label(delivery.error or delivery.response_excerpt) \
                        .classes('text-xs break-all ' + ('text-negative' if delivery.error else 'text-stone-600'))
            ui.button('Redeliver', icon='replay', on_click=self.guard(lambda: self.redeliver(delivery))) \
                .props('flat dense no-caps').classes('shrink-0').mark(f'redeliver-{delivery.id}')

    async def attempt(self, change, success: str) -> bool:
        """Run a change; show its refusal as it is, or confirm it; show the endpoints as they are now."""
        try:
            await change
        except (EndpointGone, InvalidEndpoint) as error:
            ui.notify(str(error), type='negative')
            self.endpoints.refresh()
            return False
        ui.notify(success, type='positive')
        self.endpoints.refresh()
        return True

    async def enable(self, endpoint: WebhookEndpoint, enabled: bool) -> None:
        await self.attempt(set_endpoint_enabled(shop_id=self.shop.id, endpoint_id=endpoint.id, enabled=enabled,
                                                actor=self.admin.email), 'Enabled.' if enabled else
                           'Disabled: no more events go there until you enable it again.')

    async def test(self, endpoint: WebhookEndpoint) -> None:
        self.open_logs.add(endpoint.id)
        await self.attempt(send_test_event(shop_id=self.shop.id, endpoint_id=endpoint.id, actor=self.admin.email),
                           'Test event queued: it appears in the delivery log in a moment.')

    async def redeliver(self, delivery: WebhookDelivery) -> None:
        await self.attempt(redeliver(shop_id=self.shop.id, delivery_id=delivery.id, actor=self.admin.email),
                           f'{delivery.event} is sent again, with the same webhook-id.')

    def ask_to_rotate(self, endpoint: WebhookEndpoint) -> None:
        hours = int(ROTATION_WINDOW.total_seconds() // 3600)
        with self.page:  # not in the card: a live refresh of the list would take the dialog with it
            ask_to_confirm(f'Make a new secret for {describe_endpoint(endpoint)}? For the next {hours} hours each '
                           'request is signed with both the old and the new secret, so you can update the '
                           'receiver in the meantime.', self.guard(lambda: self.rotate(endpoint)),
                           action='Rotate secret', mark='confirm-rotate')

    async def rotate(self, endpoint: WebhookEndpoint) -> None:
        try:
            secret = await rotate_secret(shop_id=self.shop.id, endpoint_id=endpoint.id, actor=self.admin.email)
        except EndpointGone as error:
            ui.notify(str(error), type='negative')
            self.endpoints.refresh()
            return
        with self.page:
            show_secret(endpoint, secret, rotated=True)

    def ask_to_delete(self, endpoint: WebhookEndpoint) -> None:
        with self.page:
            ask_to_confirm(f'Delete {describe_endpoint(endpoint)} and its delivery log? Events waiting for it are '
                           'dropped.', self.guard(lambda: self.delete(endpoint)), action='Delete endpoint',
                           mark='confirm-delete')

    async def delete(self, endpoint: WebhookEndpoint) -> None:
        await self.attempt(delete_endpoint(shop_id=self.shop.id, endpoint_id=endpoint.id, actor=self.admin.email),
                           'Endpoint deleted.')

    def recorded(self, event: DeliveriesRecorded) -> None:
        if event.shop_id == self.shop.id:
            self.stale = True  # refreshed by the page's timer: a burst of deliveries redraws once

    async def refresh_if_stale(self) -> None:
        if self.stale:
            self.stale = False
            await self.endpoints.refresh()


class EndpointDialog(ui.dialog):
    """Add an endpoint, or edit one (its secret stays)."""

    def __init__(self, view: ApiPushView) -> None:
        super().__init__()
        self.view = view
        self.endpoint_id: int | None = None
        with self, ui.card().classes('w-full max-w-lg gap-2'):
            self.title = ui.label().classes('text-lg font-medium')
            self.props['aria-labelledby'] = f'c{self.title.id}'  # the dialog's name for screen readers
            self.inputs: dict[str, ui.element] = {
                'url': ui.input('URL', placeholder='https://pos.example.com/orderly')
                .props('outlined hint="https:// only; http:// only for a receiver on this computer."').mark('url'),
                'description': ui.input('Name (optional)', placeholder='e.g. Cash register')
                .props('outlined maxlength=120').mark('description'),
                'format': ui.select(FORMATS, value='json', label='Format').props('outlined').mark('format'),
            }
            for element in self.inputs.values():
                element.classes('w-full')
            clear_on_change(self.inputs)
            ui.label('Events').classes('text-sm text-stone-600')
            self.events = {event: ui.checkbox(f'{event}: {what}', value=True).mark(f'event-{event}')
                           for event, what in EVENTS.items()}
            self.events_error = ui.label().classes('text-xs text-negative')
            self.local = ui.switch('Allow local network targets (this computer, 192.168.x.x, 10.x.x.x)') \
                .mark('allow-local')
            with ui.row().classes('w-full justify-end gap-2'):
                ui.button('Cancel', on_click=self.close).props('flat no-caps')
                ui.button('Save', icon='save', on_click=guarded(view.shop.id, self.save, owner=True)) \
                    .props('unelevated no-caps').mark('save-endpoint')

    def add(self) -> None:
        self.fill(None, url='', description='', format='json', events=list(EVENTS), allow_local=False)

    def edit(self, endpoint: WebhookEndpoint) -> None:
        self.fill(endpoint.id, url=endpoint.url, description=endpoint.description, format=endpoint.format,
                  events=endpoint.events, allow_local=endpoint.allow_local_network)

    def fill(self, endpoint_id: int | None, *, url: str, description: str, format: str, events: list[str],
             allow_local: bool) -> None:
        self.endpoint_id = endpoint_id
        self.title.text = 'Add an endpoint' if endpoint_id is None else 'Edit endpoint'
        self.inputs['url'].value, self.inputs['description'].value = url, description
        self.inputs['format'].value = format
        for event, box in self.events.items():
            box.value = event in events
        self.local.value = allow_local
        for element in self.inputs.values():
            set_error(element, None)
        self.events_error.text = ''
        self.open()

    async def save(self) -> None:
        form = EndpointForm(url=self.inputs['url'].value or '', description=self.inputs['description'].value or '',
                            format=self.inputs['format'].value or '', allow_local_network=self.local.value,
                            events=[event for event, box in self.events.items() if box.value])
        view = self.view
        try:
            if self.endpoint_id is None:
                endpoint, secret = await create_endpoint(shop_id=view.shop.id, form=form, actor=view.admin.email)
            else:
                changed = await update_endpoint(shop_id=view.shop.id, endpoint_id=self.endpoint_id, form=form,
                                                actor=view.admin.email)
        except InvalidEndpoint as error:
            self.events_error.text = error.field_errors.get('events', '')
            show_errors(self.inputs, error.field_errors)
            return
        except EndpointGone as error:
            ui.notify(str(error), type='negative')
            self.close()
            view.endpoints.refresh()
            return
        self.close()
        view.endpoints.refresh()
        if self.endpoint_id is None:
            with view.page:
                show_secret(endpoint, secret, rotated=False)
        else:
            ui.notify('Saved.' if changed else 'Nothing to save: nothing was changed.',
                      type='positive' if changed else 'info')


def show_secret(endpoint: WebhookEndpoint, secret: str, *, rotated: bool) -> None:
    """The signing secret, in a dialog deleted when closed: it is never shown again."""
    hours = int(ROTATION_WINDOW.total_seconds() // 3600)
    overlap = f' The previous secret also signs for the next {hours} hours.' if rotated else ''
    with ui.dialog().props('persistent') as dialog, ui.card().classes('w-full max-w-xl gap-3'):
        title = ui.label('New signing secret' if rotated else 'Endpoint added').classes('text-lg font-medium')
        dialog.props['aria-labelledby'] = f'c{title.id}'  # the dialog's name for screen readers
        ui.label(f'The signing secret of {describe_endpoint(endpoint)}. Copy it into the receiver now: it is shown '
                 f'only this once.{overlap}').classes('text-sm text-stone-700')
        ui.input(value=secret).props('readonly outlined dense input-class="font-mono"').classes('w-full') \
            .mark('secret')
        with ui.row().classes('w-full justify-end gap-2'):
            ui.button('Copy', icon='content_copy', on_click=lambda: ui.clipboard.write(secret)) \
                .props('flat no-caps').mark('copy-secret')
            ui.button('Done', on_click=dialog.delete).props('unelevated no-caps').mark('secret-done')
    dialog.open()


async def api_push_screen() -> None:
    signed_in = await admin_page(owner=True)
    if signed_in is None:
        return
    admin, shop = signed_in
    with admin_frame(shop, admin, 'API PUSH'):
        with ui.row().classes('w-full items-center'):
            page_title('API PUSH')
            ui.space()
            view = ApiPushView(shop, admin)
            ui.button('Add endpoint', icon='add', on_click=view.guard(view.dialog.add)) \
                .props('unelevated no-caps').mark('add-endpoint')
        ui.label('Orderly sends each order event as an HTTPS POST to the endpoints below, as JSON or XML, signed per '
                 'the Standard Webhooks specification (webhook-id, webhook-timestamp and webhook-signature '
                 f'headers). A receiver that does not answer with 2xx gets the event again, for about '
                 f'{GIVE_UP_AFTER.days} days; events of one order arrive in the order they happened. The payload '
                 'is described in docs/webhooks.md.').classes('text-stone-600')
        await view.endpoints()
        ui.timer(1.0, view.refresh_if_stale)
    subscribe_while_open(DeliveriesRecorded, view.recorded)
