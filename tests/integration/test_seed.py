"""The demo shop on a fresh database, also when several instances start on it at the same moment."""

import asyncio

from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from domain.models import AdminUser, Product, Shop
from domain.seed import DEMO_PRODUCTS, ensure_demo_shop
from integrations.database import open_database
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD


async def test_instances_starting_together_create_one_demo_shop(postgres_server):
    EXECUTOR_CACHE.clear()  # Tortoise caches INSERTs per table, not per dialect: an earlier SQLite test's would stay
    await open_database(postgres_server.database())
    try:
        results = await asyncio.gather(*(ensure_demo_shop(admin_email=ADMIN_EMAIL, admin_password=None)
                                         for _ in range(4)))
        assert sum(result is not None for result in results) == 1  # one generated password: one shop was made
        assert await Shop.all().count() == 1 and await AdminUser.all().count() == 1
        assert await Product.all().count() == len(DEMO_PRODUCTS)
        assert await ensure_demo_shop(admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD) is None
    finally:
        await Tortoise.close_connections()
        EXECUTOR_CACHE.clear()
