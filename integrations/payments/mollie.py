"""Mollie's Payments API v2 over httpx: create a payment, fetch it. https://docs.mollie.com/reference/payments-api

Amounts go out as strings with two decimals ({"currency": "EUR", "value": "10.00"}). A 5xx or a timeout is retried
a few times with a short pause; what still fails becomes a `PaymentProviderError` whose message names no key.
"""

import asyncio
import logging
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from domain.models import PaymentStatus
from domain.payments import CreatedPayment, PaymentProviderError, PaymentRequest, ProviderPayment
from domain.redirects import web_url

log = logging.getLogger(__name__)  # never given the API key

DEFAULT_API_URL = 'https://api.mollie.com'
RETRIES = 2  # after the first try, for 5xx and timeouts
RETRY_PAUSE = 0.3  # seconds, doubled each time


class MollieProvider:
    """A `PaymentProvider` for Mollie (or anything that speaks its v2 Payments API, like our stand-in)."""

    def __init__(self, *, api_key: str, api_url: str = DEFAULT_API_URL, name: str = 'mollie',
                 timeout: float = 10, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.name = name
        self.api_url = api_url.rstrip('/')
        self._client = httpx.AsyncClient(
            base_url=self.api_url, timeout=httpx.Timeout(timeout, connect=5), transport=transport,
            headers={'Authorization': f'Bearer {api_key}', 'User-Agent': 'Orderly-Payments/1'})

    async def aclose(self) -> None:
        await self._client.aclose()

    async def create_payment(self, request: PaymentRequest, *, api_key: str | None = None) -> CreatedPayment:
        """Create the payment (with `api_key` instead of the client's own, for a provider with a key per shop)."""
        body = {
            'amount': {'currency': request.currency, 'value': f'{request.amount:.2f}'},
            'description': request.description[:255],
            'redirectUrl': request.redirect_url,
            'webhookUrl': request.webhook_url,
            'metadata': request.metadata,
        }
        data = await self._request('POST', '/v2/payments', api_key, json=body)
        try:
            payment_id, checkout_url = str(data['id']), web_url(str(data['_links']['checkout']['href']))
        except (KeyError, TypeError) as error:
            raise PaymentProviderError(f'{self.name} answered without a payment id or checkout link.') from error
        if checkout_url is None:  # customers are sent there: an http(s) address only
            raise PaymentProviderError(f'{self.name} answered with a checkout link that is no web address.')
        return CreatedPayment(provider_payment_id=payment_id, checkout_url=checkout_url)

    async def fetch_payment(self, provider_payment_id: str, *, api_key: str | None = None) -> ProviderPayment:
        """The payment as the provider reports it now."""
        data = await self._request('GET', f'/v2/payments/{provider_payment_id}', api_key)
        try:
            status = PaymentStatus(data['status'])
        except (KeyError, ValueError):
            status = PaymentStatus.OPEN  # pending, authorized: not paid yet
        parsed = amount_of(data.get('amount'))
        if parsed is None:
            raise PaymentProviderError(f'{self.name} answered without an amount.')
        amount, currency = parsed
        metadata = data.get('metadata')
        return ProviderPayment(provider_payment_id=str(data.get('id', '')), status=status, amount=amount,
                               currency=currency, method=str(data.get('method') or ''),
                               metadata=metadata if isinstance(metadata, dict) else {})

    async def _request(self, method: str, path: str, api_key: str | None = None, **kwargs: Any) -> dict[str, Any]:
        pause = RETRY_PAUSE
        if api_key is not None:
            kwargs['headers'] = {'Authorization': f'Bearer {api_key}'}
        for attempt in range(RETRIES + 1):
            try:
                response = await self._client.request(method, path, **kwargs)
            except httpx.HTTPError as error:
                problem = f'could not be reached ({type(error).__name__})'
            else:
                if response.status_code < 500:
                    return self._answer(response)
                problem = f'answered {response.status_code}'
            log.warning('%s %s %s: %s (attempt %d)', self.name, method, path, problem, attempt + 1)
            if attempt < RETRIES:
                await asyncio.sleep(pause)
                pause *= 2
        raise PaymentProviderError(f'The payment provider {problem}. Please try again in a moment.')

    def _answer(self, response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.is_success and isinstance(data, dict):
            return data
        detail = data.get('detail', '') if isinstance(data, dict) else ''
        raise PaymentProviderError(f'The payment provider refused the request ({response.status_code}'
                                   f'{": " + str(detail)[:200] if detail else ""}).')


def amount_of(amount: object) -> tuple[Decimal, str] | None:
    """(value, currency) of a Mollie amount ({"currency": "EUR", "value": "10.00"}); None if it is none."""
    try:
        value = Decimal(str(amount['value']))  # type: ignore[index]
        currency = str(amount['currency'])  # type: ignore[index]
    except (KeyError, TypeError, InvalidOperation):
        return None
    return (value, currency) if value.is_finite() else None
