"""Messages of a refused form next to the inputs they are about, cleared as soon as the input changes."""

from nicegui import ui
from nicegui.elements.mixins.validation_element import ValidationElement


def set_error(element: ui.element, message: str | None) -> None:
    """Show `message` under `element` (None clears it); also for inputs without validation, like `ui.color_input`."""
    if isinstance(element, ValidationElement):
        element.error = message
        return
    element.props['error'] = message is not None
    element.props['error-message'] = message or ''
    element.update()


def show_errors(inputs: dict[str, ui.element], field_errors: dict[str, str]) -> None:
    """Mark each input with its field's message and clear the others; the first message goes to a notification."""
    for field, element in inputs.items():
        set_error(element, field_errors.get(field))
    ui.notify(next(iter(field_errors.values())) if len(field_errors) == 1 else 'Please correct the marked fields.',
              type='negative')


def clear_on_change(inputs: dict[str, ui.element]) -> None:
    for element in inputs.values():
        element.on_value_change(lambda e: set_error(e.sender, None))
