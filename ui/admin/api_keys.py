"""`/admin/settings/api-keys` (owners): keys for the REST API, each shown once when it is made, revocable."""

from zoneinfo import ZoneInfo

from nicegui import ui

from domain.admin_auth import SignedInAdmin
from domain.api_keys import MAX_LABEL_LENGTH, InvalidApiKey, create_api_key, list_api_keys, revoke_api_key
from domain.models import ApiKey, ApiKeyAccess, Shop
from ui.admin.frame import admin_frame
from ui.admin.session import admin_page, guarded
from ui.components.confirm import ask_to_confirm
from ui.components.page_title import page_title

ACCESS = {access.value: access.label for access in ApiKeyAccess}


class ApiKeysView:
    def __init__(self, shop: Shop, admin: SignedInAdmin) -> None:
        self.shop, self.admin = shop, admin
        self.timezone = ZoneInfo(shop.timezone)
        self.guard = lambda handler: guarded(shop.id, handler, owner=True)

    def local(self, moment) -> str:
        return moment.astimezone(self.timezone).strftime('%d %b %Y %H:%M')

    @ui.refreshable_method
    async def keys(self) -> None:
        keys = await list_api_keys(self.shop.id)
        if not keys:
            ui.label('No API keys yet.').classes('text-stone-600').mark('no-keys')
            return
        with ui.card().classes('w-full gap-0 p-0').props('flat bordered'):
            for key in keys:
                self.key_row(key)

    def key_row(self, key: ApiKey) -> None:
        revoked = key.revoked_at is not None
        with ui.row().classes('w-full items-center gap-3 p-3 border-b border-stone-200' +
                              (' opacity-60' if revoked else '')).mark(f'key-{key.id}'):
            ui.icon('key_off' if revoked else 'key').classes('text-2xl text-stone-500')
            with ui.column().classes('gap-0 grow min-w-48'):
                with ui.row().classes('items-center gap-2'):
                    ui.label(key.label).classes('font-medium')
                    ui.badge(key.access.label, color='primary' if key.access is ApiKeyAccess.READ_WRITE
                             else 'grey-8').props('outline')  # grey-6 text was 2.7:1 on white
                ui.label(f'{key.hint}…').classes('text-sm font-mono text-stone-500')
            with ui.column().classes('gap-0 text-sm text-stone-600'):
                ui.label(f'Created {self.local(key.created_at)} by {key.created_by}')
                ui.label(f'Revoked {self.local(key.revoked_at)}' if revoked else
                         f'Last used {self.local(key.last_used_at)}' if key.last_used_at else 'Never used')
            if not revoked:
                ui.button('Revoke', icon='block', on_click=self.guard(lambda: self.ask_to_revoke(key))) \
                    .props('flat no-caps color=negative').mark(f'revoke-{key.id}')

    def ask_to_revoke(self, key: ApiKey) -> None:
        ask_to_confirm(f'Revoke "{key.label}"? Programs using it are refused from their next request on. '
                       'This cannot be undone.', self.guard(lambda: self.revoke(key)), action='Revoke key',
                       mark='confirm-revoke')

    async def revoke(self, key: ApiKey) -> None:
        try:
            await revoke_api_key(shop_id=self.shop.id, key_id=key.id, actor=self.admin.email)
        except InvalidApiKey as error:
            ui.notify(str(error), type='negative')
        else:
            ui.notify(f'"{key.label}" revoked.', type='positive')
        self.keys.refresh()

    def create_form(self) -> None:
        with ui.card().classes('w-full gap-2').props('flat bordered'):
            ui.label('Create an API key').classes('text-lg font-medium')
            with ui.row().classes('w-full items-start gap-2'):
                label = ui.input('Name', placeholder='e.g. Point of sale') \
                    .props(f'outlined dense maxlength={MAX_LABEL_LENGTH}').classes('grow min-w-48').mark('key-label')
                access = ui.select(ACCESS, value=ApiKeyAccess.READ.value).props('outlined dense') \
                    .classes('w-48').mark('key-access')

            async def create() -> None:
                try:
                    new = await create_api_key(shop_id=self.shop.id, label=label.value or '',
                                               access=ApiKeyAccess(access.value), actor=self.admin.email)
                except InvalidApiKey as error:
                    ui.notify(str(error), type='negative')
                    return
                label.value = ''
                self.keys.refresh()
                show_once(new.key, new.secret)

            ui.button('Create key', icon='add', on_click=self.guard(create)).props('unelevated no-caps') \
                .classes('self-end').mark('create-key')


def show_once(key: ApiKey, secret: str) -> None:
    """The new key's secret, in a dialog that is deleted when closed: it is never shown again."""
    with ui.dialog().props('persistent') as dialog, ui.card().classes('w-full max-w-xl gap-3'):
        title = ui.label(f'API key "{key.label}"').classes('text-lg font-medium')
        dialog.props['aria-labelledby'] = f'c{title.id}'  # the dialog's name for screen readers
        ui.label('Copy the key now: it is shown only this once. Orderly keeps only a fingerprint of it.') \
            .classes('text-sm text-stone-700')
        ui.input(value=secret).props('readonly outlined dense input-class="font-mono"').classes('w-full') \
            .mark('new-key')
        with ui.row().classes('w-full justify-end gap-2'):
            ui.button('Copy', icon='content_copy', on_click=lambda: ui.clipboard.write(secret)) \
                .props('flat no-caps').mark('copy-key')
            ui.button('Done', on_click=dialog.close).props('unelevated no-caps').mark('key-done')
    dialog.on('hide', dialog.delete)
    dialog.open()


async def api_keys_screen() -> None:
    signed_in = await admin_page(owner=True)
    if signed_in is None:
        return
    admin, shop = signed_in
    with admin_frame(shop, admin, 'API keys'):
        page_title('API keys')
        with ui.row().classes('items-center gap-1 text-stone-600'):
            ui.label('Other programs (a point of sale, accounting) read and work your orders with a key through the')
            ui.link('REST API', '/api/v1/docs', new_tab=True)
        view = ApiKeysView(shop, admin)
        view.create_form()
        await view.keys()
