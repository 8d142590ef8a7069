"""Who is calling: the bearer API key of every request, checked before anything else is read."""

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from domain.api_keys import ApiCaller, authenticate
from integrations.api.errors import ApiError

bearer = HTTPBearer(auto_error=False, scheme_name='ApiKey',
                    description='An API key from Settings > API keys: `Authorization: Bearer ok_live_…`.')
_CHALLENGE = {'WWW-Authenticate': 'Bearer'}


async def api_caller(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> ApiCaller:
    """The live key behind the request; 401 without one."""
    if credentials is None:
        raise ApiError(401, 'unauthorized', 'Send an API key: "Authorization: Bearer ok_live_…".', headers=_CHALLENGE)
    caller = await authenticate(credentials.credentials)
    if caller is None:
        raise ApiError(401, 'invalid_api_key', 'This API key is unknown or was revoked.', headers=_CHALLENGE)
    return caller


async def api_writer(caller: Annotated[ApiCaller, Depends(api_caller)]) -> ApiCaller:
    """A key that may change things; 403 for a read-only key."""
    if not caller.can_write:
        raise ApiError(403, 'read_only_key', 'This API key can only read. The shop owner can create a read and '
                                             'write key under Settings > API keys.')
    return caller
