"""A shop's admin accounts: adding, changing and removing them, and who gets a mail for each new order."""

import asyncio
from datetime import UTC, datetime
from typing import Any

from pydantic import EmailStr, TypeAdapter, ValidationError
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain import admin_auth
from domain.errors import OrderlyError
from domain.logs import write_log
from domain.models import AdminRole, AdminSession, AdminUser, Shop
from domain.passwords import hash_password
from domain.text_rules import invisible_problem

MIN_PASSWORD_LENGTH = 12
_EMAIL = TypeAdapter(EmailStr)


class InvalidAdmin(OrderlyError):
    """An admin account cannot be saved as asked; the message says why, `field` which input it is about (or '')."""

    def __init__(self, message: str, field: str = '') -> None:
        super().__init__(message)
        self.field = field


async def refresh_order_mail_recipients(shop_id: int) -> None:
    """Store on the shop the admins that want order mails; call in the transaction that changes an admin."""
    emails = await AdminUser.filter(shop_id=shop_id, receives_order_mails=True).order_by('id') \
        .values_list('email', flat=True)
    await Shop.filter(id=shop_id).update(order_mail_recipients=list(emails))


async def list_admins(shop_id: int) -> list[AdminUser]:
    return await AdminUser.filter(shop_id=shop_id).order_by('id')


async def add_admin(*, shop: Shop, email: str, password: str, name: str = '', role: AdminRole = AdminRole.EMPLOYEE,
                    receives_order_mails: bool = True, actor: str = 'system') -> AdminUser:
    """Create an admin of `shop` with an argon2-hashed password."""
    email, name = _email(email), _name(name.strip()[:120])
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidAdmin(f'The password needs at least {MIN_PASSWORD_LENGTH} characters.')
    try:
        async with in_transaction() as connection:
            admin = await AdminUser.create(shop=shop, email=email, name=name, role=role,
                                           password_hash=hash_password(password),
                                           receives_order_mails=receives_order_mails)
            await refresh_order_mail_recipients(shop.id)
            await write_log(connection, shop_id=shop.id, order=None, kind='settings.admins', actor=actor,
                            message=f'Administrator {email} added ({role.value})', now=datetime.now(UTC))
    except IntegrityError:
        raise InvalidAdmin(f'{email} is already an administrator of this shop.') from None
    return admin


async def update_admin(*, shop_id: int, admin_id: int, role: AdminRole, receives_order_mails: bool, actor: str,
                       name: str | None = None, email: str | None = None, new_password: str = '') -> list[str]:
    """An owner changes an admin (name, e-mail and password only given ones); the shop always keeps an owner.

    A new e-mail or password signs that admin out everywhere. Admins change their own under `change_own_account`,
    which asks for the current password. Returns the fields that changed ('password' for a new one).
    """
    changes: dict[str, Any] = {'role': role, 'receives_order_mails': receives_order_mails}
    if name is not None:
        changes['name'] = _name(name)
    if email is not None:
        changes['email'] = _email(email)
    password_hash = await _new_password_hash(new_password)
    async with in_transaction() as connection:
        admin = await _admin_of(shop_id, admin_id)
        credentials = ('email' in changes and changes['email'] != admin.email) or password_hash
        if credentials and admin.email == actor.lower():
            raise InvalidAdmin('Change your own e-mail or password under Your account, with your current password.')
        if admin.role is AdminRole.OWNER and role is not AdminRole.OWNER:
            await _keep_an_owner(shop_id, admin_id)
        return await _apply(connection, admin, changes, password_hash, actor=actor, signed_out='everywhere')


async def change_own_account(*, shop_id: int, admin_id: int, name: str, email: str, current_password: str = '',
                             new_password: str = '', session_token: str | None = None) -> list[str]:
    """An admin changes their own name, e-mail or password; the last two need the current password.

    A new e-mail or password ends the admin's other sessions (not `session_token`'s). Returns what changed.
    """
    changes = {'name': _name(name), 'email': _email(email)}
    password_hash = await _new_password_hash(new_password)
    admin = await _admin_of(shop_id, admin_id)
    if changes['email'] != admin.email or password_hash:
        await _check_current_password(admin, current_password)
    async with in_transaction() as connection:
        admin = await _admin_of(shop_id, admin_id)
        keep = admin_auth.token_hash(session_token) if session_token else None
        return await _apply(connection, admin, changes, password_hash, actor=admin.email, signed_out='elsewhere',
                            keep_session=keep)


async def remove_admin(*, shop_id: int, admin_id: int, actor: str) -> None:
    """Remove an admin (and so every session of theirs); the shop always keeps an owner."""
    async with in_transaction() as connection:
        admin = await _admin_of(shop_id, admin_id)
        if admin.role is AdminRole.OWNER:
            await _keep_an_owner(shop_id, admin_id)
        await admin.delete()
        await refresh_order_mail_recipients(shop_id)
        await write_log(connection, shop_id=shop_id, order=None, kind='settings.admins', actor=actor,
                        message=f'Administrator {admin.email} removed', now=datetime.now(UTC))


_FIELD_WORDS = {'name': 'name', 'email': 'e-mail', 'role': 'role'}


async def _apply(connection: BaseDBAsyncClient, admin: AdminUser, changes: dict[str, Any], password_hash: str, *,
                 actor: str, signed_out: str, keep_session: str | None = None) -> list[str]:
    """Write the changed fields of `admin`, sign them out if their credentials changed, and log it."""
    changed = {field: value for field, value in changes.items() if getattr(admin, field) != value}
    if password_hash:
        changed['password_hash'] = password_hash
    if not changed:
        return []
    try:
        await AdminUser.filter(id=admin.id).update(**changed)
    except IntegrityError:
        raise InvalidAdmin(f'{changed["email"]} is already an administrator of this shop.', field='email') from None
    now = datetime.now(UTC)
    said = [f'{_FIELD_WORDS[field]} {_shown(getattr(admin, field))} → {_shown(value)}'
            for field, value in changed.items() if field in _FIELD_WORDS]
    if 'receives_order_mails' in changed:
        said.append('now receives order mails' if changed['receives_order_mails'] else 'no more order mails')
    if 'receives_order_mails' in changed or 'email' in changed:
        await refresh_order_mail_recipients(admin.shop_id)
    if password_hash:
        said.append('new password set')
    if 'email' in changed or password_hash:
        sessions = AdminSession.filter(admin_id=admin.id, revoked_at__isnull=True)
        if keep_session:
            sessions = sessions.exclude(token_hash=keep_session)
        if await sessions.update(revoked_at=now):
            said.append(f'signed out {signed_out}')
    await write_log(connection, shop_id=admin.shop_id, order=None, kind='settings.admins', actor=actor, now=now,
                    message=f'Administrator {admin.email}: ' + '; '.join(said),
                    data={field: [_shown(getattr(admin, field)), _shown(value)] for field, value in changed.items()
                          if field != 'password_hash'})
    return [field if field != 'password_hash' else 'password' for field in changed]


def _shown(value: Any) -> Any:
    return value.value if isinstance(value, AdminRole) else value


def _name(name: str) -> str:
    name = name.strip()
    if len(name) > 120:
        raise InvalidAdmin('Please keep the name to 120 characters at most.', field='name')
    if problem := invisible_problem(name):
        raise InvalidAdmin(problem, field='name')
    return name


def _email(email: str) -> str:
    if problem := invisible_problem(email.strip()):
        raise InvalidAdmin(problem, field='email')
    try:
        return _EMAIL.validate_python(email.strip()).lower()
    except ValidationError:
        raise InvalidAdmin('Please enter a valid e-mail address.', field='email') from None


async def _new_password_hash(password: str) -> str:
    """The hash of a new password ('' for none), made before any transaction: argon2 takes a while."""
    if not password:
        return ''
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidAdmin(f'The password needs at least {MIN_PASSWORD_LENGTH} characters.', field='new_password')
    return await asyncio.to_thread(hash_password, password)


async def _check_current_password(admin: AdminUser, password: str) -> None:
    """Wrong answers count with the account's failed sign-ins, so a left-open session cannot guess it either."""
    try:
        valid = await admin_auth.password_matches([f'account:{admin.shop_id}:{admin.email}'], admin.password_hash,
                                                  password)
    except admin_auth.TooManyFailures:
        raise InvalidAdmin('Too many wrong passwords. Please wait 15 minutes and try again.',
                           field='current_password') from None
    if not valid:
        raise InvalidAdmin('Your current password is not correct.', field='current_password')


async def _admin_of(shop_id: int, admin_id: int) -> AdminUser:
    admin = await AdminUser.get_or_none(id=admin_id, shop_id=shop_id)
    if admin is None:
        raise InvalidAdmin('This administrator no longer exists.')
    return admin


async def _keep_an_owner(shop_id: int, leaving_id: int) -> None:
    if not await AdminUser.filter(shop_id=shop_id, role=AdminRole.OWNER).exclude(id=leaving_id).exists():
        raise InvalidAdmin('The shop needs at least one owner: make someone else owner first.')

