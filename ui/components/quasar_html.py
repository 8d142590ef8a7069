"""Quasar's buttons as plain HTML, for parts of a page drawn as one `ui.html` instead of several NiceGUI elements
(each element costs server memory in every open page: bench/live.py). Only our own fixed labels go in."""

_BUTTON = 'q-btn q-btn-item non-selectable no-outline q-btn--actionable q-focusable q-hoverable'


def button_html(icon: str, label: str, attributes: str, *, look: str, tag: str = 'button', text: bool = False,
                short: str = '') -> str:
    """A button as Quasar draws it: `look` holds its variant classes, `attributes` what it does (an onclick, or an
    href for an `<a>`). `label` names it for screen readers and as its tooltip; with `text` it is also shown beside
    the icon, except on a phone, where `short` (if given) is shown instead."""
    shown = f'<span class="max-sm:hidden">{label}</span>' if text else ''
    if text and short:
        shown = f'<span class="sm:hidden" aria-hidden="true">{short}</span>' + shown
    return (f'<{tag} {attributes} aria-label="{label}" title="{label}" class="{_BUTTON} {look}">'
            '<span class="q-focus-helper"></span><span class="q-btn__content text-center col items-center '
            f'justify-center row"><i class="q-icon notranslate material-icons{_gap(text, short)}" '
            f'aria-hidden="true">{icon}</i>{shown}</span></{tag}>')


def emits(event: str) -> str:
    """The attributes of a button that sends the page event `event` (NiceGUI's `emitEvent`, handled by `ui.on`)."""
    return f'type="button" onclick="emitEvent(\'{event}\')"'


def _gap(text: bool, short: str) -> str:
    return (' mr-2 sm:mr-3' if short else ' sm:mr-3') if text else ''
