"""Every error of the API has one shape, `{"error": {"code", "message", ...}}`, and a 4xx status for what callers
cause: invalid requests, unknown routes and refused changes alike. Only our own bugs answer 500."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from domain.errors import OrderlyError
from integrations.api.schemas import ErrorDetail, ErrorResponse, OrderOut

log = logging.getLogger(__name__)

NOT_JSON = 'The body is not valid JSON.'
_METHODS = ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE')
_HTTP_CODES = {401: 'unauthorized', 403: 'forbidden', 404: 'not_found',
               405: 'method_not_allowed', 406: 'not_acceptable', 413: 'too_large', 415: 'unsupported_media_type'}


class ApiError(Exception):
    """Answer the request with `status` and an error body; raised by endpoints and dependencies."""

    def __init__(self, status: int, code: str, message: str, *, fields: dict[str, str] | None = None,
                 order: OrderOut | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields, self.order, self.headers = fields, order, headers


def not_found(what: str) -> ApiError:
    return ApiError(404, 'not_found', f'{what} was not found in this shop.')


def error_response(status: int, code: str, message: str, *, fields: dict[str, str] | None = None,
                   order: OrderOut | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorResponse(error=ErrorDetail(code=code, message=message, fields=fields, order=order))
    return JSONResponse(body.model_dump(mode='json', exclude_none=True), status_code=status, headers=headers)


def field_name(location: tuple[Any, ...]) -> str:
    """`customer.email`, `lines.0.quantity`, `limit`: where in the request a value was wrong."""
    parts = [str(part) for part in location]
    if parts[:1] == ['body']:
        # a body that is one of several models (`StockSet | StockAdjust`) names the model it was tried as: our
        # field names are lower case, so those are easy to leave out
        parts = [part for part in parts[1:] if not part[:1].isupper()]
    elif parts[:1] in (['query'], ['path'], ['header']):
        parts = parts[1:]
    return '.'.join(parts) or 'body'


def _allowed_methods(request: Request) -> list[str]:
    """Every method the path takes: Starlette names only those of the first route that has the path."""
    return [method for method in _METHODS if any(
        route.matches({**request.scope, 'method': method})[0] is Match.FULL for route in request.app.router.routes)]


def install_error_handlers(api: FastAPI) -> None:
    @api.exception_handler(ApiError)
    async def api_error(_: Request, error: ApiError) -> JSONResponse:
        return error_response(error.status, error.code, error.message, fields=error.fields, order=error.order,
                              headers=error.headers)

    @api.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        fields: dict[str, str] = {}
        for item in error.errors():
            if item.get('type') == 'json_invalid':  # its location is a position in the text, not a field
                fields.setdefault('body', NOT_JSON)
            else:
                fields.setdefault(field_name(item.get('loc', ())), str(item.get('msg', 'Invalid value')))
        return error_response(422, 'validation_error', 'The request has invalid values: see `fields`.',
                              fields=fields)

    @api.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        if error.status_code == 400:  # FastAPI's answer to a body that is not even text: like any bad JSON
            return error_response(422, 'validation_error', 'The request has invalid values: see `fields`.',
                                  fields={'body': NOT_JSON})
        code = _HTTP_CODES.get(error.status_code, 'http_error')
        message = 'There is no such endpoint: see /api/v1/docs.' if error.status_code == 404 else str(error.detail)
        headers = getattr(error, 'headers', None)
        if error.status_code == 405:
            headers = {'Allow': ', '.join(_allowed_methods(request))}
        return error_response(error.status_code, code, message, headers=headers)

    @api.exception_handler(OrderlyError)
    async def refused(_: Request, error: OrderlyError) -> JSONResponse:
        # endpoints translate the errors they expect; any other refusal of the domain is still the caller's
        return error_response(422, 'refused', str(error))

    @api.exception_handler(Exception)
    async def server_error(request: Request, error: Exception) -> JSONResponse:
        log.error('API request %s %s failed', request.method, request.url.path, exc_info=error)
        return error_response(500, 'internal_error', 'Something went wrong on our side; it has been logged.')


_DESCRIPTIONS = {401: 'No API key, or an unknown or revoked one.', 403: 'The API key can only read.',
                 404: 'Not found in this shop.', 409: 'Refused in the current state; `order` shows it.',
                 422: 'Invalid request: `fields` says what is wrong.'}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error answers of an endpoint, for its OpenAPI description."""
    return {status: {'model': ErrorResponse, 'description': _DESCRIPTIONS[status]} for status in statuses}
