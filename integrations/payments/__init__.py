"""Payment providers: `demo` (built in: integrations/payments/demo.py; it answers only in shops that chose it) and
`mollie` (Mollie's cloud, or any URL that speaks its Payments API v2, like `python -m
integrations.payments.mollie_standin`, through ORDERLY_MOLLIE_API_URL)."""

from collections.abc import Mapping

from fastapi import FastAPI

from domain.payments import PaymentProvider
from integrations.payments.demo import DemoProvider, demo_provider
from integrations.payments.mollie import DEFAULT_API_URL, MollieProvider


def payment_providers(app: FastAPI, *, public_url: str, mollie_api_key: str = '',
                      mollie_api_url: str = DEFAULT_API_URL) -> dict[str, PaymentProvider]:
    """The providers by name; mounts the demo provider on `app` (it refuses everything in shops that did not choose
    it). Mollie only with an API key."""
    providers: dict[str, PaymentProvider] = {'demo': demo_provider(app, public_url=public_url)}
    if mollie_api_key:
        providers['mollie'] = MollieProvider(api_key=mollie_api_key, api_url=mollie_api_url or DEFAULT_API_URL)
    return providers


async def close_providers(providers: Mapping[str, PaymentProvider]) -> None:
    for provider in providers.values():
        if isinstance(provider, MollieProvider | DemoProvider):
            await provider.aclose()
