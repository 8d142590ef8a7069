"""The account page's list of signed-in browsers (admin and customer): when, where, which browser; each can end."""

from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from nicegui import ui

from domain.admin_auth import SessionInfo
from domain.sessions import lifetimes


def browser_name(user_agent: str) -> str:
    """A short name for a user agent: what the list shows first (the whole string is its tooltip)."""
    agent = user_agent.lower()
    browser = next((name for key, name in (('edg/', 'Edge'), ('firefox/', 'Firefox'), ('chrome/', 'Chrome'),
                                           ('safari/', 'Safari')) if key in agent), 'A browser')
    system = next((name for key, name in (('android', 'Android'), ('iphone', 'iPhone'), ('ipad', 'iPad'),
                                          ('windows', 'Windows'), ('mac os', 'macOS'), ('linux', 'Linux'))
                   if key in agent), '')
    return f'{browser} on {system}' if system else browser


class SessionList:
    """`load()` gives the live sessions, `end(id)` ends one (False: not any more); refreshed after each end."""

    def __init__(self, timezone: str, load: Callable[[], Awaitable[list[SessionInfo]]],
                 end: Callable[[int], Awaitable[bool]]) -> None:
        self.zone, self.load, self.end = ZoneInfo(timezone), load, end
        with ui.card().classes('w-full max-w-xl gap-1').props('flat bordered').mark('sessions'):
            ui.label('Where you are signed in').classes('text-lg font-medium')
            hours, days = lifetimes().idle.total_seconds() / 3600, lifetimes().absolute.total_seconds() / 86400
            ui.label(f'A sign-in ends after {hours:g} hours without use and {days:g} days after it started.') \
                .classes('text-sm text-stone-500')
            self.rows = ui.column().classes('w-full gap-0')

    def when(self, moment) -> str:
        return moment.astimezone(self.zone).strftime('%d %b %Y %H:%M')

    async def show(self) -> None:
        self.rows.clear()
        with self.rows:
            for index, session in enumerate(await self.load()):
                if index:
                    ui.separator()
                with ui.row().classes('w-full items-center justify-between no-wrap py-2 gap-2').mark('session'):
                    with ui.column().classes('gap-0 min-w-0'):
                        name = browser_name(session.user_agent) + (' · this browser' if session.current else '')
                        ui.label(name).classes('font-medium').tooltip(session.user_agent or 'unknown')
                        ui.label(f'Signed in {self.when(session.created_at)} from {session.address or "unknown"}'
                                 f' · last used {self.when(session.last_seen_at)}').classes('text-sm text-stone-500')
                    if not session.current:
                        ui.button('Sign out', on_click=lambda _, id=session.id: self.end_one(id)) \
                            .props('flat no-caps dense').mark(f'end-session-{session.id}')

    async def end_one(self, session_id: int) -> None:
        if await self.end(session_id):
            ui.notify('That browser is signed out.', type='positive')
        await self.show()
