"""Keep less per open page: NiceGUI keeps each page's HTTP request for as long as the page is open."""

from nicegui import Client
from starlette.requests import Request

# What NiceGUI reads from a page's request after the page was built: the session (app.storage.user), the state,
# the headers and route (sub pages), the client's address.
_KEPT_SCOPE = ('type', 'asgi', 'http_version', 'method', 'scheme', 'server', 'client', 'root_path', 'path', 'raw_path',
               'query_string', 'headers', 'state', 'session', 'app', 'route', 'path_params', 'nicegui_page_path')


def release_request(client: Client) -> None:
    """Swap the page's request for one with the same scope entries but without the ASGI call's receive channel,
    middleware streams and exit stack, which the kept request otherwise holds alive (~14 KiB per open page)."""
    scope = client.request.scope
    client._request = Request({key: scope[key] for key in _KEPT_SCOPE if key in scope})
