"""`/admin/settings/mailbox` (owners): the mails kept in the database while no SMTP server is set up, as sent."""

from zoneinfo import ZoneInfo

from nicegui import ui

from domain.events import DeliveriesRecorded
from domain.mailbox import PAGE_SIZE, kept_mail, mailbox_page
from domain.models import Shop
from ui.admin.frame import admin_frame
from ui.admin.session import admin_page, guarded
from ui.components.live_events import subscribe_while_open
from ui.components.page_title import page_title
from ui.components.table_events import MAX_PAGE

# The mail's HTML is the customer's view; in the admin's page it runs without scripts, forms or same-origin rights,
# and its links open in a new tab.
SANDBOX = 'allow-popups allow-popups-to-escape-sandbox'


def framed(html: str) -> str:
    """The mail's HTML with links opening outside the frame."""
    base = '<base target="_blank">'
    return html.replace('<head>', f'<head>{base}', 1) if '<head>' in html else base + html


class MailboxView:
    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        self.timezone = ZoneInfo(shop.timezone)
        self.page = 1
        with ui.element('div').classes('w-full grid grid-cols-1 lg:grid-cols-5 gap-4'):
            self.list_column = ui.column().classes('lg:col-span-2 gap-2 min-w-0')
            with ui.column().classes('lg:col-span-3 gap-2 min-w-0') as self.viewer:
                ui.label('Choose a mail to see it as its recipient does.').classes('text-stone-500')

    @ui.refreshable_method
    async def mail_list(self) -> None:
        mails, total = await mailbox_page(self.shop.id, page=self.page)
        if not total:
            ui.label('No mails yet. Place a test order to see the mails it sends.').classes('text-stone-500') \
                .mark('mailbox-empty')
            return
        with ui.card().classes('w-full gap-0 p-0').props('flat bordered role=list'):  # the items' list
            for mail in mails:
                with ui.item(on_click=guarded(self.shop.id, lambda m=mail: self.show(m.id))) \
                        .classes('w-full border-b border-stone-200').mark(f'mail-{mail.id}'):
                    with ui.item_section():
                        ui.item_label(mail.subject).classes('font-medium')
                        ui.item_label(f'{mail.recipient} · {self.local(mail.created_at)}').props('caption')
        pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
        if pages > 1:
            ui.pagination(1, pages, direction_links=True, value=self.page,
                          on_change=guarded(self.shop.id, self.turn)).props('max-pages=7')

    async def turn(self, event) -> None:
        # the page number as the browser sent it: a hand-made event may send anything
        value = event.value
        self.page = value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_PAGE else 1
        await self.mail_list.refresh()

    def local(self, moment) -> str:
        return moment.astimezone(self.timezone).strftime('%d %b %Y %H:%M:%S')

    async def show(self, mail_id: int) -> None:
        mail = await kept_mail(self.shop.id, mail_id)
        self.viewer.clear()
        with self.viewer:
            if mail is None:
                ui.label('This mail is no longer here.')
                return
            with ui.card().classes('w-full gap-1').props('flat bordered'):
                for name, value in mail.headers.items():
                    with ui.row().classes('w-full gap-2 no-wrap text-sm'):
                        ui.label(name).classes('w-24 shrink-0 text-stone-500')
                        ui.label(value).classes('break-all').mark(f'header-{name}')
            frame = ui.element('iframe').classes('w-full h-[70vh] bg-white rounded border border-stone-300') \
                .mark('mail-html')
            frame.props['sandbox'] = SANDBOX
            frame.props['title'] = 'The mail as its recipient sees it'
            frame.props['srcdoc'] = framed(mail.html)
            with ui.expansion('Plain text version').classes('w-full bg-white'):
                ui.label(mail.text).classes('whitespace-pre-wrap font-mono text-sm').mark('mail-text')

    def recorded(self, event: DeliveriesRecorded) -> None:
        if event.shop_id == self.shop.id and event.delivered and self.page == 1:
            self.mail_list.refresh()


async def mailbox_screen() -> None:
    signed_in = await admin_page(owner=True)
    if signed_in is None:
        return
    admin, shop = signed_in
    with admin_frame(shop, admin, 'Mailbox'):
        page_title('Mailbox')
        ui.label('While no SMTP server is set up (ORDERLY_SMTP_HOST), the shop keeps its mails here instead of '
                 'sending them, newest first.').classes('text-stone-600')
        view = MailboxView(shop)
        with view.list_column:
            await view.mail_list()
    subscribe_while_open(DeliveriesRecorded, view.recorded)
