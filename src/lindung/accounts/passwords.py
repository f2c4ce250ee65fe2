"""Passwords: hashed with argon2id; checked per NIST SP 800-63B (length, not composition).

The hasher is one object of this module, :data:`hasher`, which tests replace with a cheap one
(:func:`use_hasher`): argon2 at its real cost three times per test would slow the suite by
minutes and test nothing of ours.
"""

from __future__ import annotations

from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from lindung.errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 200


class Hasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, hashed: str, password: str) -> bool: ...
    def check_needs_rehash(self, hashed: str) -> bool: ...


hasher: Hasher = PasswordHasher()  # argon2id with the library's current parameters


def use_hasher(replacement: Hasher) -> Hasher:
    """Use ``replacement`` from now on (tests: a cheap argon2); returns the one it replaces."""
    global hasher
    previous, hasher = hasher, replacement
    return previous


def check_new_password(password: str) -> None:
    """NIST 800-63B: at least MIN_LENGTH characters, at most MAX_LENGTH, any characters."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"kata sandi paling sedikit {MIN_LENGTH} karakter", "password")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"kata sandi paling panjang {MAX_LENGTH} karakter", "password")


def hash_password(password: str) -> str:
    check_new_password(password)
    return hasher.hash(password)


def verify_password(hashed: str | None, password: str) -> bool:
    """True when ``password`` matches; the same work is done when there is no account."""
    if hashed is None:
        hasher.hash(password or "-")
        return False
    try:
        return bool(hasher.verify(hashed, password[:MAX_LENGTH * 4]))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(hashed: str) -> bool:
    return bool(hasher.check_needs_rehash(hashed))
