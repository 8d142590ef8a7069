"""schemathesis against /api/v1/openapi.json of a live server with a read and write key: whatever it sends, the API
never answers 5xx, every answer (status, content type, body, headers) is what the schema says, invalid data and
missing or spoilt keys are refused, and unsupported methods answer 405 with the right `Allow`."""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import asynccontextmanager

import pytest
import schemathesis
import uvicorn
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings
from schemathesis import checks
from schemathesis.config import SchemathesisConfig
from tortoise import Tortoise

from domain.api_keys import create_api_key
from domain.catalogue import default_shop
from domain.models import ApiKeyAccess
from domain.seed import ensure_demo_shop
from domain.test_orders import place_test_order
from integrations.api import API_PREFIX, mount_api
from integrations.database import open_database
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD

MAX_EXAMPLES = 30  # per operation and phase: the run stays well under a minute on two cores
# all of schemathesis' checks but one: a schema-valid cursor it makes up is still not one we gave out (422)
EXCLUDED_CHECKS = [checks.positive_data_acceptance]


class LiveApi:
    """The API on a real port, in a thread with its own event loop and database (a shop, orders and a key)."""

    def __init__(self, database_url: str) -> None:
        self.database_url, self.secret = database_url, ''
        with socket.socket() as probe:
            probe.bind(('127.0.0.1', 0))
            self.port = probe.getsockname()[1]
        app = FastAPI(lifespan=self.lifespan)
        mount_api(app)
        self.server = uvicorn.Server(uvicorn.Config(app, host='127.0.0.1', port=self.port, log_level='warning'))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def base_url(self) -> str:
        return f'http://127.0.0.1:{self.port}{API_PREFIX}'

    @asynccontextmanager
    async def lifespan(self, _: FastAPI):
        await open_database(self.database_url)
        await ensure_demo_shop(admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD)
        shop = await default_shop()
        for _ in range(3):
            await place_test_order(shop=shop, actor=ADMIN_EMAIL)
        self.secret = (await create_api_key(shop_id=shop.id, label='schemathesis', access=ApiKeyAccess.READ_WRITE,
                                            actor=ADMIN_EMAIL)).secret
        yield
        await Tortoise.close_connections()

    def __enter__(self) -> 'LiveApi':
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), 'the API server did not start'
            time.sleep(0.05)
        return self

    def __exit__(self, *_) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope='module')
def live_api(tmp_path_factory, new_database_url) -> Iterator[LiveApi]:
    with LiveApi(new_database_url(tmp_path_factory.mktemp('api'))) as api:
        yield api


@pytest.fixture(scope='module')
def api_schema(live_api):
    # the key is given for the schema's bearer scheme, as to a client: schemathesis then tells its tests of missing
    # or spoilt keys (401) from those of the data
    config = SchemathesisConfig.from_dict({'base-url': live_api.base_url,
                                           'auth': {'openapi': {'ApiKey': {'bearer': live_api.secret}}}})
    return schemathesis.openapi.from_url(f'{live_api.base_url}/openapi.json', config=config)


schema = schemathesis.pytest.from_fixture('api_schema')


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_api_answers_every_generated_request_as_its_schema_says(case):
    case.call_and_validate(excluded_checks=EXCLUDED_CHECKS, timeout=10)

