"""The account's rules on PostgreSQL: the same code paths (conditional updates, case-insensitive e-mail, concurrent
registrations) as on SQLite."""

import asyncio

import pytest
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from domain import admin_auth
from domain.catalogue import default_shop
from domain.customer_accounts import AccountError, authenticate, register
from domain.customer_orders import account_orders, attach_guest_orders
from domain.customer_tokens import request_password_reset, reset_password, verify_email
from domain.models import Customer, Shop
from domain.seed import ensure_demo_shop
from integrations.database import open_database
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.integration.test_customer_accounts import ANN, PASSWORD, guest_order, last_link


@pytest.fixture
async def pg_shop(postgres_server, monkeypatch) -> Shop:
    monkeypatch.setattr(admin_auth, 'FAILED_LOGIN_DELAY', 0)
    # Tortoise caches each model's INSERT by connection name and table, not by dialect: a SQLite test earlier in
    # this process would leave its `?` placeholders for PostgreSQL
    EXECUTOR_CACHE.clear()
    await open_database(postgres_server.database())
    try:
        await ensure_demo_shop(admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD)
        yield await default_shop()
    finally:
        await Tortoise.close_connections()
        EXECUTOR_CACHE.clear()


async def test_account_flow_on_postgresql(pg_shop):
    shop = pg_shop
    first = await guest_order(shop, email='Ann@Example.com')
    results = await asyncio.gather(*(register(shop, name='Ann Peeters', email=ANN, password=PASSWORD)
                                     for _ in range(3)), return_exceptions=True)
    assert sum(isinstance(result, Customer) for result in results) == 1  # one of three at once wins
    assert all(isinstance(result, AccountError) for result in results if not isinstance(result, Customer))
    customer = await verify_email(shop, await last_link(await Customer.get(email=ANN), 'customer_verification'))
    assert await attach_guest_orders(customer) == 1
    assert [order.id for order in await account_orders(customer)] == [first.id]
    await request_password_reset(shop, email=ANN)
    await reset_password(shop, token=await last_link(customer, 'password_reset'), password='a brand new secret')
    assert (await authenticate(shop, email=ANN, password='a brand new secret', remote='1.1.1.1')).id == customer.id
