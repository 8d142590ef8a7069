"""Mail: the order e-mails and the owner's notices, rendered from Jinja2 templates, sent by SMTP or kept in the
database Mailbox."""

from config import Settings
from integrations.mail.handler import MailHandler
from integrations.mail.mailbox import DatabaseMailbox
from integrations.mail.render import MailRenderer
from integrations.mail.smtp import SmtpServer, SmtpTransport


def mail_handler(settings: Settings) -> MailHandler:
    """The 'mail' channel's handler for these settings: SMTP when a host is set, else the database Mailbox."""
    renderer = MailRenderer(base_url=settings.effective_base_url, mail_from=settings.mail_from)
    if not settings.smtp_host:
        return MailHandler(transport=DatabaseMailbox(), renderer=renderer, concurrency=1)
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else ''
    server = SmtpServer(host=settings.smtp_host, port=settings.effective_smtp_port, username=settings.smtp_username,
                        password=password, security=settings.smtp_security)
    return MailHandler(transport=SmtpTransport(server), renderer=renderer)
