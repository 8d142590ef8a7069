"""The orders grid's toolbar (search, status filter, Export CSV, Create test order) as one HTML element.

Five NiceGUI elements here cost ~30 KiB of server memory in every open Orders page (bench/live.py). As plain HTML
they cost one element: the browser keeps the typed search and the chosen status, and sends them with NiceGUI's page
events (`emitEvent`); the grid keeps what it was last sent. Only our own fixed labels go into this HTML.
"""

from html import escape

from domain.statuses import OrderStatus
from ui.components.quasar_html import button_html, emits

FILTER_EVENT = 'orders_filter'  # args: {'search': str, 'status': '' or an OrderStatus value}
EXPORT_EVENT = 'orders_export'
TEST_ORDER_EVENT = 'orders_test_order'
SEARCH_MAX_LENGTH = 200

_FIELD = 'h-10 rounded border border-stone-400 bg-white text-base hover:border-stone-800 focus:border-primary ' \
         'focus:outline focus:outline-1 focus:outline-primary'
_OUTLINE = 'q-btn--outline q-btn--rectangle text-primary q-btn--no-uppercase'  # as props('outline no-caps')
_SEND = (f"emitEvent('{FILTER_EVENT}', {{search: this.elements.search.value, "
         f"status: this.elements.status.value}})")
SEARCH_DELAY_MS = 300  # the search follows typing once the merchant pauses this long, not on every key
# `this` is the form (arrow functions keep it); the pending search is kept on the form and dropped when one is sent
_SEND_NOW = f'clearTimeout(this.pending); {_SEND}'
_SEND_SOON = f'clearTimeout(this.pending); this.pending = setTimeout(() => {_SEND}, {SEARCH_DELAY_MS})'


def _button(label: str, short: str, icon: str, event: str) -> str:
    """On a phone its icon with a short label, so that status and both buttons share one line."""
    return button_html(icon, label, emits(event), look=_OUTLINE, text=True, short=short)


def toolbar_html() -> str:
    """Typing sends the search after a pause; Enter, leaving the field or clearing it, and choosing a status send
    at once."""
    options = ''.join(f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in
                      (('', 'All statuses'), *((status.value, status.label) for status in OrderStatus)))
    return (f'<form class="flex flex-wrap items-center gap-2 w-full" onsubmit="event.preventDefault(); {_SEND_NOW}" '
            f'onchange="{_SEND_NOW}" oninput="{_SEND_SOON}" role="search">'
            '<input name="search" type="search" placeholder="Code, name, e-mail, city or tracking code" '
            f'aria-label="Search orders" maxlength="{SEARCH_MAX_LENGTH}" autocomplete="off" '
            f'class="{_FIELD} grow min-w-48 max-sm:w-full px-3" '
            'onsearch="this.form.requestSubmit()">'
            f'<select name="status" aria-label="Status" class="{_FIELD} w-28 min-w-0 grow sm:grow-0 sm:w-48 px-2">'
            f'{options}</select>'
            + _button('Export CSV', 'Export', 'download', EXPORT_EVENT)
            + _button('Create test order', 'Test order', 'science', TEST_ORDER_EVENT)
            + '</form>')


TOOLBAR_HTML = toolbar_html()  # the same for every page: one string, not a copy per open page


def parse_filter(args: object) -> tuple[str, OrderStatus | None]:
    """The search and status a page event carries; anything else (a hand-made event) means no filter."""
    if not isinstance(args, dict):
        return '', None
    search = args.get('search')
    search = search.strip()[:SEARCH_MAX_LENGTH] if isinstance(search, str) else ''
    status = args.get('status')
    try:
        return search, OrderStatus(status) if isinstance(status, str) and status else None
    except ValueError:
        return search, None
