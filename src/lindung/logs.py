"""Logging without personal data: every log line lindung or its server writes passes through
:class:`RedactNik`, which masks any run of 16 or more digits (a NIK, or a NIK glued to other
digits) as ``1872********0001``, in the message, its arguments and a traceback alike.

Services never log a NIK on purpose; this is the net under them, for what a driver's error
message or a URL in an access log may carry (UU PDP 27/2022).
"""

from __future__ import annotations

import logging
import re
from typing import Any

LONG_DIGITS = re.compile(r"(?<!\d)\d{16,}(?!\d)")


def redact(text: str) -> str:
    """``text`` with every run of 16 or more digits masked but for its first and last four."""
    return LONG_DIGITS.sub(lambda m: m.group()[:4] + "*" * 8 + m.group()[-4:], text)


class RedactNik(logging.Filter):
    """A handler filter: formats the record's message and traceback, then masks long digit runs.

    Put on handlers (not loggers), so records propagated from any library pass through it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is still logged, as its raw template
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = redact(text), None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def logging_config(level: str = "WARNING") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the server and the CLI: one stderr handler, redacted,
    shared by lindung, uvicorn (errors and access log) and every library."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact_nik": {"()": "lindung.logs.RedactNik"}},
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                                "formatter": "plain", "filters": ["redact_nik"]}},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {name: {"handlers": [], "propagate": True, "level": level}
                    for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
    }


def configure(level: str = "WARNING") -> None:
    """Install :func:`logging_config` for this process (the CLI and ``lindung serve``)."""
    import logging.config

    logging.config.dictConfig(logging_config(level))
