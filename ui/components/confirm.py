from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui


def ask_to_confirm(warning: str, on_confirm: Callable[[], Awaitable[Any]], *, action: str = 'Change anyway',
                   mark: str = 'confirm-change') -> None:
    """A dialog with `warning`; `on_confirm` (already guarded by the caller) runs only after the merchant agrees."""
    with ui.dialog() as dialog, ui.card().classes('gap-3'):
        question = ui.label(warning)
        dialog.props['aria-labelledby'] = f'c{question.id}'  # the dialog is named by its question (NiceGUI's ids)
        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=dialog.close).props('flat no-caps')

            async def confirmed() -> None:
                dialog.close()
                await on_confirm()
            ui.button(action, on_click=confirmed).props('unelevated no-caps').mark(mark)
    dialog.on('hide', dialog.delete)
    dialog.open()
