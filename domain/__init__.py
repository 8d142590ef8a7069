"""The business of Orderly: models, rules and services. Imports neither nicegui nor httpx."""
