"""Subscriptions of a page to the domain's event hub that end with the page's client: a tab closed with a dialog
still open leaves no subscriber behind to update elements of a deleted client."""

from collections.abc import Callable

from nicegui import ui

from domain.events import Handler, hub


def subscribe_while_open(event_type: type, handler: Handler) -> Callable[[], None]:
    """Call `handler` for every `event_type` until the current client is deleted (or the returned function is
    called, e.g. when a dialog closes first)."""
    unsubscribe = hub.subscribe(event_type, handler)
    ui.context.client.on_delete(unsubscribe)
    return unsubscribe
