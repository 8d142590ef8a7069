from nicegui import ui


def page_title(text: str, *, classes: str = 'text-2xl font-semibold') -> ui.label:
    """The page's own title, drawn as before and announced as its level-one heading (screen readers, search)."""
    return ui.label(text).classes(classes).props('role=heading aria-level=1')
