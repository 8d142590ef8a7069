"""Logs: one line per event, plain text or JSON (ORDERLY_LOG_FORMAT=json) for a log collector.

A log call about an order passes `extra={'order_code': …, 'shop': …}`; both formats carry them. Messages never hold
secrets (passwords, keys, tokens): they are written by Orderly's code, not copied from requests or settings.
"""

import json
import logging
from datetime import UTC, datetime
from typing import Literal, TextIO

ORDER_FIELDS = ('order_code', 'shop')
PLAIN_LABELS = {'order_code': 'order', 'shop': 'shop'}
HANDLER_NAME = 'orderly'
PLAIN_FORMAT = '%(asctime)s %(levelname)s %(name)s: %(message)s%(order_context)s'


class OrderContext(logging.Filter):
    """Gives every record an `order_context` (" order=DEMO-1042-7K shop=1", or empty) for the plain format."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.order_context = ''.join(f' {PLAIN_LABELS[name]}={getattr(record, name)}' for name in ORDER_FIELDS
                                       if getattr(record, name, None) not in (None, ''))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, order_code and shop when given,
    and the traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        line = {'time': datetime.fromtimestamp(record.created, UTC).isoformat(timespec='milliseconds'),
                'level': record.levelname, 'logger': record.name, 'message': record.getMessage()}
        for name in ORDER_FIELDS:
            if getattr(record, name, None) not in (None, ''):
                line[name] = getattr(record, name)
        if record.exc_info:
            line['exception'] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(log_format: Literal['text', 'json'] = 'text', *, level: int = logging.INFO,
                      stream: TextIO | None = None) -> logging.Handler:
    """Send every log record to `stream` (stderr), one line each, in `log_format`; replaces the handler of an
    earlier call, keeps any other (pytest's)."""
    handler = logging.StreamHandler(stream)
    handler.set_name(HANDLER_NAME)
    handler.addFilter(OrderContext())
    handler.setFormatter(JsonFormatter() if log_format == 'json' else logging.Formatter(PLAIN_FORMAT))
    root = logging.getLogger()
    for old in root.handlers[:]:
        if old.get_name() == HANDLER_NAME:
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler
