"""The REST API for other programs (`/api/v1`): a FastAPI application of its own, with its own OpenAPI schema
(`/api/v1/openapi.json`) and docs (`/api/v1/docs`), mounted on NiceGUI's app by main.py."""

import re

from fastapi import FastAPI
from starlette.routing import Mount

from integrations.api import orders, payments, products
from integrations.api.errors import install_error_handlers

API_PREFIX = '/api/v1'
DESCRIPTION = """Read and work the shop's orders and products from other programs.

Authenticate with an API key from **Settings > API keys**: `Authorization: Bearer ok_live_…`. Read-only keys may
only read. Errors are JSON: `{"error": {"code": "…", "message": "…"}}` with a 4xx status. See docs/api.md.
"""


def create_api() -> FastAPI:
    """The API application, to be mounted at `API_PREFIX`."""
    api = FastAPI(title='Orderly API', version='1.0.0', description=DESCRIPTION, docs_url='/docs', redoc_url=None,
                  openapi_url='/openapi.json', generate_unique_id_function=lambda route: route.name)
    install_error_handlers(api)
    api.include_router(orders.router)
    api.include_router(payments.router)
    api.include_router(products.router)
    return api


class ApiMount(Mount):
    """A mount that takes every path under its prefix: Starlette's own lets a path with a line break fall through
    to the outer app, whose 404 is not the API's JSON."""

    def __init__(self, path: str, app: FastAPI) -> None:
        super().__init__(path, app)
        self.path_regex = re.compile(self.path_regex.pattern, re.DOTALL)


def mount_api(app: FastAPI, *, base_url: str = '') -> None:
    """Serve the API under `API_PREFIX` of `app`, replacing an earlier mount (tests compose the app again);
    `base_url` is where the shop's pages are (an order's `payment.payment_url`)."""
    orders.set_base_url(base_url)
    app.router.routes[:] = [route for route in app.router.routes
                            if not (isinstance(route, Mount) and route.path == API_PREFIX)]
    app.router.routes.append(ApiMount(API_PREFIX, create_api()))
