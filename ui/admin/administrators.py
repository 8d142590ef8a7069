"""`/admin/settings/administrators` (owners): who may work the shop, and who gets a mail for each new order."""

from nicegui import ui

from domain.admin_auth import SignedInAdmin
from domain.admins import InvalidAdmin, add_admin, list_admins, remove_admin, update_admin
from domain.models import AdminRole, AdminUser, Shop
from ui.admin.frame import admin_frame
from ui.admin.session import admin_page, current_admin, guarded
from ui.components.field_errors import clear_on_change, set_error
from ui.components.page_title import page_title

ROLES = {AdminRole.OWNER.value: 'Owner: everything', AdminRole.EMPLOYEE.value: 'Employee: orders and logs'}


class AdministratorsView:
    def __init__(self, shop: Shop, admin: SignedInAdmin) -> None:
        self.shop, self.admin = shop, admin
        self.guard = lambda handler: guarded(shop.id, handler, owner=True)
        self.edit_dialog = EditAdminDialog(self)

    @ui.refreshable_method
    async def admins(self) -> None:
        with ui.card().classes('w-full gap-0 p-0').props('flat bordered'):
            for admin in await list_admins(self.shop.id):
                self.admin_row(admin)

    def admin_row(self, admin: AdminUser) -> None:
        async def save() -> None:
            await self.attempt(update_admin(shop_id=self.shop.id, admin_id=admin.id, role=AdminRole(role.value),
                                            receives_order_mails=mails.value, actor=self.admin.email), 'Saved.')

        async def remove() -> None:
            await self.attempt(remove_admin(shop_id=self.shop.id, admin_id=admin.id, actor=self.admin.email),
                               f'{admin.email} removed.')

        with ui.row().classes('w-full items-center gap-3 p-3 border-b border-stone-200'):
            with ui.column().classes('gap-0 grow min-w-48'):
                ui.label(admin.name or admin.email).classes('font-medium')
                ui.label(admin.email).classes('text-sm text-stone-500')
            role = ui.select(ROLES, value=admin.role.value, on_change=self.guard(save)).props('outlined dense') \
                .classes('w-56').mark(f'role-{admin.email}')
            mails = ui.switch('Receives an e-mail for new orders', value=admin.receives_order_mails,
                              on_change=self.guard(save)).mark(f'mails-{admin.email}')
            ui.button(icon='edit', on_click=self.guard(lambda: self.edit_dialog.edit(admin))) \
                .props('flat round aria-label="Edit"').mark(f'edit-{admin.email}')
            ui.button(icon='delete', on_click=self.guard(remove)).props('flat round aria-label="Remove"') \
                .mark(f'remove-{admin.email}')

    def add_form(self) -> None:
        with ui.card().classes('w-full gap-2').props('flat bordered'):
            ui.label('Add an administrator').classes('text-lg font-medium')
            with ui.element('div').classes('w-full grid grid-cols-1 sm:grid-cols-2 gap-2'):
                name = ui.input('Name').props('outlined').mark('new-name')
                email = ui.input('E-mail').props('outlined type=email').mark('new-email')
                password = ui.input('Initial password (12+ characters)', password=True, password_toggle_button=True) \
                    .props('outlined autocomplete=new-password').mark('new-password')
                role = ui.select(ROLES, value=AdminRole.EMPLOYEE.value).props('outlined').mark('new-role')
            mails = ui.switch('Receives an e-mail for new orders', value=True)

            async def add() -> None:
                added = await self.attempt(add_admin(shop=self.shop, email=email.value or '', name=name.value or '',
                                                     password=password.value or '', role=AdminRole(role.value),
                                                     receives_order_mails=mails.value, actor=self.admin.email),
                                           f'{email.value} can now sign in.')
                if added:
                    name.value = email.value = password.value = ''

            ui.button('Add administrator', icon='person_add', on_click=self.guard(add)) \
                .props('unelevated no-caps').classes('self-end').mark('add-admin')

    async def attempt(self, change, success: str) -> bool:
        """Run a change; show its refusal as it is, or confirm it and show the new list."""
        try:
            await change
        except InvalidAdmin as error:
            ui.notify(str(error), type='negative')
            self.admins.refresh()
            return False
        ui.notify(success, type='positive')
        self.admins.refresh()
        return True


class EditAdminDialog(ui.dialog):
    """Name, e-mail, role, order mails and a new password of one admin; your own e-mail and password are under
    Your account, where they need your current password."""

    def __init__(self, view: AdministratorsView) -> None:
        super().__init__()
        self.view = view
        self.admin_id = 0
        with self, ui.card().classes('w-full max-w-md gap-2'):
            self.title = ui.label().classes('text-lg font-medium')
            self.props['aria-labelledby'] = f'c{self.title.id}'  # the dialog's name for screen readers
            self.inputs: dict[str, ui.element] = {
                'name': ui.input('Name').props('outlined maxlength=120').mark('edit-name'),
                'email': ui.input('E-mail').props('outlined type=email').mark('edit-email'),
                'new_password': ui.input('Set a new password (12+ characters)', password=True,
                                         password_toggle_button=True)
                .props('outlined autocomplete=new-password hint="Empty keeps it. A new one signs them out."')
                .mark('edit-password'),
            }
            for element in self.inputs.values():
                element.classes('w-full')
            clear_on_change(self.inputs)
            with ui.row().classes('items-center gap-1 text-sm text-stone-600') as self.own_hint:
                ui.label('Your own e-mail and password:')
                ui.link('Your account', '/admin/account')
            self.own_hint.set_visibility(False)
            self.role = ui.select(ROLES, value=AdminRole.EMPLOYEE.value, label='Role').props('outlined') \
                .classes('w-full').mark('edit-role')
            self.mails = ui.switch('Receives an e-mail for new orders').mark('edit-mails')
            with ui.row().classes('w-full justify-end gap-2'):
                ui.button('Cancel', on_click=self.close).props('flat no-caps')
                ui.button('Save', icon='save', on_click=guarded(view.shop.id, self.save, owner=True)) \
                    .props('unelevated no-caps').mark('save-admin')

    async def edit(self, admin: AdminUser) -> None:
        admin = await AdminUser.get_or_none(id=admin.id, shop_id=self.view.shop.id) or admin  # the row may be stale
        own = admin.id == self.view.admin.id
        self.admin_id = admin.id
        self.title.text = f'Edit {admin.name or admin.email}'
        self.inputs['name'].value = admin.name
        self.inputs['email'].value = admin.email
        self.inputs['new_password'].value = ''
        for field in ('email', 'new_password'):
            self.inputs[field].set_enabled(not own)
            set_error(self.inputs[field], None)
        set_error(self.inputs['name'], None)
        self.own_hint.set_visibility(own)
        self.role.value = admin.role.value
        self.mails.value = admin.receives_order_mails
        self.open()

    async def save(self) -> None:
        editor = await current_admin()
        own = self.admin_id == self.view.admin.id
        try:
            changed = await update_admin(shop_id=self.view.shop.id, admin_id=self.admin_id,
                                         role=AdminRole(self.role.value), receives_order_mails=self.mails.value,
                                         name=self.inputs['name'].value or '',
                                         email=None if own else self.inputs['email'].value or '',
                                         new_password='' if own else self.inputs['new_password'].value or '',
                                         actor=editor.email if editor else '')
        except InvalidAdmin as error:
            if error.field in self.inputs:
                set_error(self.inputs[error.field], str(error))
            ui.notify(str(error), type='negative')
            return
        self.close()
        signed_out = not own and ('email' in changed or 'password' in changed)
        ui.notify('Saved. They were signed out everywhere and sign in with the new details.' if signed_out
                  else 'Saved.' if changed else 'Nothing to save: nothing was changed.',
                  type='positive' if changed else 'info')
        self.view.admins.refresh()


async def administrators_screen() -> None:
    signed_in = await admin_page(owner=True)
    if signed_in is None:
        return
    admin, shop = signed_in
    with admin_frame(shop, admin, 'Administrators'):
        page_title('Administrators')
        view = AdministratorsView(shop, admin)
        await view.admins()
        view.add_form()
