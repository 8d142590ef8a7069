"""`/admin/account` (every admin): your own name, e-mail and password (the last two ask for the current password),
and the browsers you are signed in with, each of which you can sign out."""

from collections.abc import Awaitable, Callable

from nicegui import ui

from domain.admin_auth import SessionInfo, SignedInAdmin, end_session, live_sessions
from domain.admins import InvalidAdmin, change_own_account
from domain.models import Shop
from ui.admin.frame import admin_frame
from ui.admin.session import admin_page, current_admin, current_token, guarded
from ui.components.field_errors import clear_on_change, set_error
from ui.components.page_title import page_title
from ui.components.session_list import SessionList


class AccountView:
    def __init__(self, shop: Shop, admin: SignedInAdmin) -> None:
        self.shop = shop
        self.others_signed_out: Callable[[], Awaitable[None]] | None = None  # refreshes the list of sessions
        with ui.card().classes('w-full max-w-xl gap-2').props('flat bordered'):
            ui.label('Owner' if admin.is_owner else 'Employee').classes('text-sm text-stone-500')
            self.inputs: dict[str, ui.element] = {
                'name': ui.input('Name', value=admin.name).props('outlined maxlength=120 autocomplete=name')
                .mark('name'),
                'email': ui.input('E-mail', value=admin.email).props('outlined type=email autocomplete=username')
                .mark('email'),
                'new_password': ui.input('New password (12+ characters)', password=True,
                                         password_toggle_button=True)
                .props('outlined autocomplete=new-password hint="Leave empty to keep your password."')
                .mark('new_password'),
                'current_password': ui.input('Current password', password=True)
                .props('outlined autocomplete=current-password '
                       'hint="Needed to change your e-mail or password."').mark('current_password'),
            }
            for element in self.inputs.values():
                element.classes('w-full')
            clear_on_change(self.inputs)
            self.button = ui.button('Save', icon='save', on_click=guarded(shop.id, self.save)) \
                .props('unelevated no-caps').classes('self-end').mark('save')

    async def save(self) -> None:
        admin = await current_admin()
        if admin is None:
            return
        values = {field: element.value or '' for field, element in self.inputs.items()}
        self.button.props('loading')
        try:
            changed = await change_own_account(shop_id=self.shop.id, admin_id=admin.id, **values,
                                               session_token=current_token())
        except InvalidAdmin as error:
            if error.field in self.inputs:
                set_error(self.inputs[error.field], str(error))
            ui.notify(str(error), type='negative')
            return
        finally:
            self.button.props(remove='loading')
        self.inputs['new_password'].value = self.inputs['current_password'].value = ''
        for element in self.inputs.values():
            set_error(element, None)
        if not changed:
            ui.notify('Nothing to save: nothing was changed.', type='info')
        elif 'email' in changed or 'password' in changed:
            ui.notify('Saved. Your other sessions were signed out.', type='positive')
            if self.others_signed_out is not None:
                await self.others_signed_out()
        else:
            ui.notify('Saved.', type='positive')


async def account_screen() -> None:
    signed_in = await admin_page()
    if signed_in is None:
        return
    admin, shop = signed_in
    with admin_frame(shop, admin, 'Your account'):
        page_title('Your account')
        view = AccountView(shop, admin)

        async def load() -> list[SessionInfo]:
            signed_in = await current_admin()
            return await live_sessions(signed_in, current_token()) if signed_in else []

        async def end(session_id: int) -> bool:
            signed_in = await current_admin()
            return signed_in is not None and await end_session(signed_in, session_id)

        sessions = SessionList(shop.timezone, load, guarded(shop.id, end))
        await sessions.show()
        view.others_signed_out = sessions.show
