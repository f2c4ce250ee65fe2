"""Errors a person can act on. Services raise them; the CLI and web show ``str(error)``."""

from __future__ import annotations


class LindungError(Exception):
    """Base of lindung's errors: the message says what is wrong and what to do (Indonesian)."""


class NotFound(LindungError):
    """A record named by the user does not exist."""


class InvalidInput(LindungError):
    """Input that cannot be accepted; ``field`` names the field when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(LindungError):
    """The change conflicts with what is already recorded (a duplicate code, a quota)."""
