"""A shop's admin accounts: adding them, and who among them gets a mail for each new order."""

from tortoise.transactions import in_transaction

from domain.models import AdminRole, AdminUser, Shop
from domain.passwords import hash_password


async def refresh_order_mail_recipients(shop_id: int) -> None:
    """Store on the shop the admins that want order mails; call in the transaction that changes an admin."""
    emails = await AdminUser.filter(shop_id=shop_id, receives_order_mails=True).order_by('id') \
        .values_list('email', flat=True)
    await Shop.filter(id=shop_id).update(order_mail_recipients=list(emails))


async def add_admin(*, shop: Shop, email: str, password: str, name: str = '', role: AdminRole = AdminRole.EMPLOYEE,
                    receives_order_mails: bool = True) -> AdminUser:
    """Create an admin of `shop` with an argon2-hashed password."""
    async with in_transaction():
        admin = await AdminUser.create(shop=shop, email=email.strip().lower(), name=name, role=role,
                                       password_hash=hash_password(password),
                                       receives_order_mails=receives_order_mails)
        await refresh_order_mail_recipients(shop.id)
    return admin
