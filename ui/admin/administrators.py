"""`/admin/settings/administrators` (owners): who may work the shop, and who gets a mail for each new order."""

from nicegui import ui

from domain.admin_auth import SignedInAdmin
from domain.admins import InvalidAdmin, add_admin, list_admins, remove_admin, update_admin
from domain.catalogue import default_shop
from domain.models import AdminRole, AdminUser, Shop
from ui.admin.frame import admin_frame
from ui.admin.session import guarded, require_admin

ROLES = {AdminRole.OWNER.value: 'Owner: everything', AdminRole.EMPLOYEE.value: 'Employee: orders and logs'}


class AdministratorsView:
    def __init__(self, shop: Shop, admin: SignedInAdmin) -> None:
        self.shop, self.admin = shop, admin
        self.guard = lambda handler: guarded(shop.id, handler)

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


async def administrators_screen() -> None:
    admin = await require_admin(owner=True)
    if admin is None:
        return
    shop = await default_shop()
    if admin.shop_id != shop.id:
        ui.navigate.to('/admin/login')
        return
    with admin_frame(shop, admin, 'Administrators'):
        ui.label('Administrators').classes('text-2xl font-semibold')
        view = AdministratorsView(shop, admin)
        await view.admins()
        view.add_form()
