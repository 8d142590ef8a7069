"""Small pieces the account pages share: the centred form card, inputs that show a field's error, the remote address."""

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from nicegui import ui

from domain.customer_accounts import AccountError
from ui.components.browser_session import client_address
from ui.components.field_errors import set_error
from ui.components.page_title import page_title

T = TypeVar('T')


@contextmanager
def form_card(title: str, subtitle: str = '') -> Iterator[ui.card]:
    with ui.card().classes('w-full max-w-md mx-auto p-6 gap-3').props('flat bordered') as card:
        page_title(title)
        if subtitle:
            ui.label(subtitle).classes('text-stone-600')
        yield card


def text_input(label: str, marker: str, *, password: bool = False, autocomplete: str = '',
               input_type: str = '') -> ui.input:
    field = ui.input(label, password=password, password_toggle_button=password).classes('w-full').mark(marker)
    field.props('outlined' + (f' autocomplete={autocomplete}' if autocomplete else '')
                + (f' type={input_type}' if input_type else ''))
    field.on_value_change(lambda e: set_error(e.sender, None))
    return field


def form_message() -> ui.label:
    """The form's general message (a refused sign-in, an invalid link), hidden until there is one."""
    message = ui.label().classes('text-negative form-message')
    message.set_visibility(False)
    return message


def show_errors(error: AccountError, fields: dict[str, ui.input], message: ui.label) -> None:
    """Each field's message under its input; the rest (or a general message) in `message`."""
    for name, element in fields.items():
        set_error(element, error.errors.get(name))
    message.text = ' '.join(text for name, text in error.errors.items() if name not in fields)
    message.set_visibility(bool(message.text))


def remote_address() -> str:
    """The page's client address (a trusted proxy's X-Forwarded-For counts: ORDERLY_TRUSTED_PROXIES)."""
    return client_address()


async def attempt(button: ui.button, fields: dict[str, ui.input], message: ui.label,
                  action: Callable[[], Awaitable[T]]) -> T | None:
    """Run a form's `action` with the button busy; a refusal is shown at its fields (and in `message`): None."""
    button.props('loading')
    try:
        return await action()
    except AccountError as error:
        show_errors(error, fields, message)
        return None
    finally:
        button.props(remove='loading')
