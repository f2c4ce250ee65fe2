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


DATABASE_BUSY = ("basis data sedang sibuk atau tidak dapat dihubungi; tidak ada yang disimpan. "
                 "Coba lagi sebentar lagi.")
"""Said (web 503, CLI) when the database cannot take the change now."""

DATABASE_CONFLICT = ("perubahan ini bertabrakan dengan perubahan lain yang baru saja disimpan "
                     "(misalnya berkas yang sama diimpor bersamaan); tidak ada yang disimpan. "
                     "Muat ulang, periksa hasilnya, lalu coba lagi bila perlu.")
"""Said (web 409, CLI) when a unique key refuses the change; never the key's value (a NIK)."""
