"""`/admin/settings/notifications` (every admin, for themselves): push notifications on this device, the devices
that get them with "send test notification" and "remove", and which events notify."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from nicegui import ui
from nicegui.events import ValueChangeEventArguments

from domain.admin_auth import SignedInAdmin
from domain.events import DeliveriesRecorded
from domain.models import PushSubscription, Shop
from domain.push_subscriptions import (
    PUSH_EVENTS,
    InvalidSubscription,
    admin_devices,
    device_label,
    is_admins_device,
    parse_browser_subscription,
    push_preferences,
    queue_test_notification,
    remove_device,
    save_push_preferences,
    save_subscription,
    vapid_public_key,
)
from ui.admin.frame import admin_frame
from ui.admin.pwa import SCOPE
from ui.admin.session import admin_page, guarded
from ui.components.live_events import subscribe_while_open
from ui.components.page_title import page_title

# Each script starts with a comment naming it, so that tests can answer for the browser.
DEVICE_STATE_JS = f'''/* orderly:push-state */ (async () => {{
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {{
    return {{supported: false}};
  }}
  const registration = await navigator.serviceWorker.getRegistration('{SCOPE}');
  const subscription = registration && await registration.pushManager.getSubscription();
  return {{supported: true, permission: Notification.permission, endpoint: subscription && subscription.endpoint}};
}})()'''

SUBSCRIBE_JS = '''/* orderly:push-subscribe */ (async (publicKey, scope, seconds) => {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    return {error: 'unsupported'};
  }
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return {error: permission};
  try {
    const registration = await navigator.serviceWorker.register('/sw.js', {scope});
    await navigator.serviceWorker.ready;
    const key = Uint8Array.from(atob(publicKey.replace(/-/g, '+').replace(/_/g, '/')), c => c.charCodeAt(0));
    let subscription = await registration.pushManager.getSubscription();
    const old = subscription && subscription.options.applicationServerKey;
    if (subscription && (!old || new Uint8Array(old).join() !== key.join())) {
      await subscription.unsubscribe();  // made with other keys: the push service would refuse our pushes
      subscription = null;
    }
    // a browser whose push service is out of reach would otherwise keep the admin waiting without end
    const late = new Promise((_, fail) => setTimeout(() => fail(`its push service did not answer in ${seconds} s`),
                                                     seconds * 1000));
    subscription = subscription || await Promise.race([late, registration.pushManager.subscribe({
      userVisibleOnly: true, applicationServerKey: key})]);
    return {subscription: subscription.toJSON(), userAgent: navigator.userAgent};
  } catch (error) {
    return {error: 'failed', message: String(error)};
  }
})'''

SUBSCRIBE_SECONDS = 30  # for the push service to answer, once the admin allowed notifications

REFUSALS = {
    'unsupported': 'This browser cannot receive push notifications. On iPhone or iPad: add Orderly to the Home '
                   'Screen (Share, then Add to Home Screen), open it from there and enable notifications in it.',
    'denied': 'Notifications are blocked for this site. Allow them in the browser\'s site settings, then try again.',
    'default': 'Notifications were not allowed. Try again and choose Allow.',
}


class NotificationsView:
    def __init__(self, shop: Shop, admin: SignedInAdmin, public_key: str, events: frozenset[str]) -> None:
        self.shop, self.admin, self.public_key = shop, admin, public_key
        self.timezone = ZoneInfo(shop.timezone)
        self.this_endpoint: str | None = None
        with ui.card().classes('w-full max-w-3xl gap-2').props('flat bordered'):
            ui.label('This device').classes('text-lg font-medium')
            self.state = ui.label('Checking this device…').classes('text-stone-600').mark('device-state')
            with ui.row().classes('w-full items-center gap-2'):
                self.label_input = ui.input('Name of this device', placeholder='e.g. Shop phone') \
                    .props('outlined dense maxlength=80').classes('grow').mark('device-label')
                self.enable_button = ui.button('Enable notifications on this device', icon='notifications_active',
                                               on_click=guarded(shop.id, self.enable_here)) \
                    .props('unelevated no-caps').mark('enable-push')
        with ui.card().classes('w-full max-w-3xl gap-2').props('flat bordered'):
            ui.label('Your devices').classes('text-lg font-medium')
            self.devices_column = ui.column().classes('w-full gap-0')
        with ui.card().classes('w-full max-w-3xl gap-1').props('flat bordered'):
            ui.label('Notify me of').classes('text-lg font-medium')
            self.switches = {
                event: ui.switch(words, value=event in events, on_change=guarded(shop.id, self.choose))
                .mark(f'event-{event}') for event, words in PUSH_EVENTS.items()}

    def local(self, moment: datetime) -> str:
        return moment.astimezone(self.timezone).strftime('%d %b %Y %H:%M:%S')

    @ui.refreshable_method
    async def devices(self) -> None:
        devices = await admin_devices(shop_id=self.shop.id, admin_id=self.admin.id)
        if not devices:
            ui.label('No device gets notifications yet. Enable them above, on each phone or computer you use.') \
                .classes('text-stone-500').mark('no-devices')
            return
        for device in devices:
            self.device_row(device)

    def device_row(self, device: PushSubscription) -> None:
        here = device.endpoint == self.this_endpoint
        with ui.row().classes('w-full items-center gap-x-3 gap-y-0 py-2 border-b border-stone-200') \
                .mark(f'device-{device.id}'):
            phone = any(word in device.device_label for word in ('Android', 'iPhone', 'iPad'))
            ui.icon('smartphone' if phone else 'computer').classes('text-2xl text-stone-500')
            with ui.column().classes('gap-0 grow min-w-[12rem] basis-0'):
                with ui.row().classes('items-center gap-2'):
                    ui.label(device.device_label).classes('font-medium break-all')
                    if here:
                        ui.badge('this device', color='secondary').props('outline')
                last = f'last notification {self.local(device.last_success_at)}' if device.last_success_at \
                    else 'no notification yet'
                ui.label(f'Added {self.local(device.created_at)} · {last}').classes('text-xs text-stone-500')
                if device.last_error:
                    ui.label(f'Last attempt failed: {device.last_error}').classes('text-xs text-negative')
            ui.button('Send test notification', icon='send',
                      on_click=guarded(self.shop.id, lambda d=device: self.send_test(d))) \
                .props('flat no-caps').classes('shrink-0').mark(f'test-{device.id}')
            ui.button(icon='delete', on_click=guarded(self.shop.id, lambda d=device: self.remove(d))) \
                .props('flat round color=negative aria-label="Remove"').tooltip('Remove') \
                .classes('shrink-0').mark(f'remove-{device.id}')

    async def check_this_device(self) -> None:
        try:
            state = await ui.run_javascript(DEVICE_STATE_JS, timeout=5)
        except TimeoutError:
            self.state.text = 'Could not ask this browser whether it gets notifications.'
            return
        if not isinstance(state, dict) or not state.get('supported'):
            self.state.text = REFUSALS['unsupported']
            self.enable_button.disable()
            return
        self.this_endpoint = state.get('endpoint')
        known = await is_admins_device(admin_id=self.admin.id, endpoint=self.this_endpoint)
        if state.get('permission') == 'denied':
            self.state.text = REFUSALS['denied']
        elif known:
            self.state.text = 'This device gets your notifications.'
            self.enable_button.text = 'Subscribe this device again'
        else:
            self.state.text = 'This device gets no notifications from Orderly yet.'
        await self.devices.refresh()

    async def enable_here(self) -> None:
        self.enable_button.props('loading')
        try:  # the browser may ask the admin first: give them time to answer
            arguments = ', '.join(json.dumps(value) for value in (self.public_key, SCOPE, SUBSCRIBE_SECONDS))
            result = await ui.run_javascript(f'{SUBSCRIBE_JS}({arguments})', timeout=120 + SUBSCRIBE_SECONDS)
        except TimeoutError:
            ui.notify('The browser did not answer. Please try again.', type='warning')
            return
        finally:
            self.enable_button.props(remove='loading')
        result = result if isinstance(result, dict) else {'error': 'failed'}
        if error := result.get('error'):
            ui.notify(REFUSALS.get(error) or f'The browser could not subscribe: {result.get("message", error)}',
                      type='warning', multi_line=True)
            return
        try:
            subscription = parse_browser_subscription(result.get('subscription'))
            label = self.label_input.value or device_label(str(result.get('userAgent', '')))
            device = await save_subscription(shop_id=self.shop.id, admin_id=self.admin.id, label=label,
                                             subscription=subscription, actor=self.admin.email)
        except InvalidSubscription as error:
            ui.notify(str(error), type='negative')
            return
        self.this_endpoint = subscription.endpoint
        self.state.text = 'This device gets your notifications.'
        self.label_input.value = ''
        ui.notify(f'Notifications are on for {device.device_label}. Send a test notification to see one.',
                  type='positive')
        await self.devices.refresh()

    async def send_test(self, device: PushSubscription) -> None:
        try:
            await queue_test_notification(shop_id=self.shop.id, admin_id=self.admin.id, device_id=device.id)
        except InvalidSubscription as error:
            ui.notify(str(error), type='warning')
            await self.devices.refresh()
            return
        ui.notify(f'Test notification on its way to {device.device_label}.', type='info')

    async def remove(self, device: PushSubscription) -> None:
        try:
            await remove_device(shop_id=self.shop.id, admin_id=self.admin.id, device_id=device.id,
                                actor=self.admin.email)
        except InvalidSubscription as error:
            ui.notify(str(error), type='warning')
        else:
            ui.notify(f'{device.device_label} gets no more notifications.', type='positive')
            if device.endpoint == self.this_endpoint:
                self.state.text = 'This device gets no notifications from Orderly yet.'
                self.enable_button.text = 'Enable notifications on this device'
        await self.devices.refresh()

    async def choose(self, _: ValueChangeEventArguments) -> None:
        chosen = await save_push_preferences(admin_id=self.admin.id,
                                             events=[event for event, switch in self.switches.items() if switch.value])
        ui.notify('Saved: ' + (', '.join(PUSH_EVENTS[e].lower() for e in PUSH_EVENTS if e in chosen) or
                               'no notifications') + '.', type='positive')

    def recorded(self, event: DeliveriesRecorded) -> None:
        if event.shop_id == self.shop.id:  # a push went out (or failed, or found a device gone): show it
            self.devices.refresh()


async def notifications_screen() -> None:
    signed_in = await admin_page()
    if signed_in is None:
        return
    admin, shop = signed_in
    with admin_frame(shop, admin, 'Notifications'):
        page_title('Notifications')
        ui.label('Get a notification on your phone, computer or watch for every new order, even while Orderly is '
                 'closed. Enable it on each device you use; a watch shows what its phone gets.') \
            .classes('text-stone-600 max-w-3xl')
        view = NotificationsView(shop, admin, await vapid_public_key(shop.id), await push_preferences(admin.id))
        with view.devices_column:
            await view.devices()
    subscribe_while_open(DeliveriesRecorded, view.recorded)
    await ui.context.client.connected()
    await view.check_this_device()
