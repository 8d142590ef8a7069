"""A shop's admin accounts: adding, changing and removing them, and who gets a mail for each new order."""

from datetime import UTC, datetime

from pydantic import EmailStr, TypeAdapter, ValidationError
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.errors import OrderlyError
from domain.logs import write_log
from domain.models import AdminRole, AdminUser, Shop
from domain.passwords import hash_password

MIN_PASSWORD_LENGTH = 12
_EMAIL = TypeAdapter(EmailStr)


class InvalidAdmin(OrderlyError):
    """An admin account cannot be saved as asked; the message says why."""


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
    try:
        email = _EMAIL.validate_python(email.strip()).lower()
    except ValidationError:
        raise InvalidAdmin('Please enter a valid e-mail address.') from None
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidAdmin(f'The password needs at least {MIN_PASSWORD_LENGTH} characters.')
    try:
        async with in_transaction() as connection:
            admin = await AdminUser.create(shop=shop, email=email, name=name.strip()[:120], role=role,
                                           password_hash=hash_password(password),
                                           receives_order_mails=receives_order_mails)
            await refresh_order_mail_recipients(shop.id)
            await write_log(connection, shop_id=shop.id, order=None, kind='settings.admins', actor=actor,
                            message=f'Administrator {email} added ({role.value})', now=datetime.now(UTC))
    except IntegrityError:
        raise InvalidAdmin(f'{email} is already an administrator of this shop.') from None
    return admin


async def update_admin(*, shop_id: int, admin_id: int, role: AdminRole, receives_order_mails: bool,
                       actor: str) -> None:
    """Change an admin's role and order-mail switch; the shop always keeps an owner."""
    async with in_transaction() as connection:
        admin = await _admin_of(shop_id, admin_id)
        if admin.role is AdminRole.OWNER and role is not AdminRole.OWNER:
            await _keep_an_owner(shop_id, admin_id)
        await AdminUser.filter(id=admin.id).update(role=role, receives_order_mails=receives_order_mails)
        await refresh_order_mail_recipients(shop_id)
        mails = 'receives' if receives_order_mails else 'does not receive'
        await write_log(connection, shop_id=shop_id, order=None, kind='settings.admins', actor=actor,
                        message=f'Administrator {admin.email}: {role.value}, {mails} order mails',
                        now=datetime.now(UTC))


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


async def _admin_of(shop_id: int, admin_id: int) -> AdminUser:
    admin = await AdminUser.get_or_none(id=admin_id, shop_id=shop_id)
    if admin is None:
        raise InvalidAdmin('This administrator no longer exists.')
    return admin


async def _keep_an_owner(shop_id: int, leaving_id: int) -> None:
    if not await AdminUser.filter(shop_id=shop_id, role=AdminRole.OWNER).exclude(id=leaving_id).exists():
        raise InvalidAdmin('The shop needs at least one owner: make someone else owner first.')

