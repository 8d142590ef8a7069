"""Web Push: new orders as notifications on the admins' phones and computers (the installed Orderly PWA)."""

from config import Settings
from domain.models import Shop
from domain.push_subscriptions import vapid_keys
from integrations.push.handler import PushHandler


def push_handler(settings: Settings) -> PushHandler:
    """The 'push' channel's handler; the VAPID subject is the setting, else mailto: the shop's address."""
    def subject(shop: Shop) -> str:
        return settings.vapid_subject or f'mailto:{shop.email or settings.admin_email}'
    return PushHandler(subject=subject, timeout=settings.push_timeout)


async def ensure_vapid_keys() -> None:
    """Make each shop's VAPID keys if it has none yet (first start); existing keys are never replaced."""
    for shop_id in await Shop.all().values_list('id', flat=True):
        await vapid_keys(shop_id)
