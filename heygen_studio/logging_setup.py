"""Logging to a rotating file and stderr, with API keys and key headers redacted from every line."""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
import threading
from pathlib import Path
from typing import TextIO

REDACTED = "[redacted]"
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_KEY_HEADER = re.compile(
    r"""(?ix)
    (
      \b(?:x-api-key|api[_-]?key|authorization)   # the header or field name
      ['"]?\s*[:=]\s*['"]?                         # : or =, maybe quoted
      (?:bearer\s+|basic\s+)?                      # an auth scheme
    )
    (?!\[redacted\])[^\s'",;}\]]+                  # the value, unless already redacted
    """
)


MIN_SECRET_LENGTH = 8
"""Shorter values cannot be a HeyGen key, and redacting them would garble every log line."""


def register_secret(value: str) -> None:
    """Never let `value` (an API key) appear in a log line, traceback or crash report again."""
    if len(value) >= MIN_SECRET_LENGTH:
        with _secrets_lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """`text` with every registered secret and anything that looks like a key header replaced."""
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return _KEY_HEADER.sub(lambda match: match.group(1) + REDACTED, text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message, exception and stack text through `redact` before any output."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _OwnHandler:
    """Marks the handlers this module installed so a second setup replaces rather than doubles."""


class _RotatingFileHandler(logging.handlers.RotatingFileHandler, _OwnHandler):
    pass


class _StderrHandler(logging.StreamHandler[TextIO], _OwnHandler):
    pass


def setup_logging(log_file: Path, level: int = logging.INFO, *, to_stderr: bool = True) -> Path:
    """Log to `log_file` (1 MB x 5 rotated) and, warnings only unless debugging, stderr; both redacted.
    Returns the log file path."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for installed in [h for h in root.handlers if isinstance(h, _OwnHandler)]:
        root.removeHandler(installed)
        installed.close()
    formatter = logging.Formatter(LOG_FORMAT)
    handlers: list[logging.Handler] = [
        _RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    ]
    # A windowed app on Windows has no stderr at all.
    if to_stderr and sys.stderr is not None:
        terminal = _StderrHandler(sys.stderr)
        terminal.setLevel(level if level <= logging.DEBUG else logging.WARNING)  # the rest is in the file
        handlers.append(terminal)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(RedactingFilter())
        root.addHandler(handler)
    root.setLevel(level)
    # qasync's debug lines carry whole response bodies (thumbnails): they would rotate the log away.
    logging.getLogger("qasync").setLevel(max(level, logging.INFO))
    logging.captureWarnings(True)
    return log_file
