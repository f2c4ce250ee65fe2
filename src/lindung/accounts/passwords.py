"""Passwords: hashed with argon2id; checked per NIST SP 800-63B-4 (length, not composition;
no list of rules, but a refusal of passwords known to be common or breached, of the username,
of mere repetitions and sequences). See docs/decisions/0018.

The hasher is one object of this module, :data:`hasher`, which tests replace with a cheap one
(:func:`use_hasher`): argon2 at its real cost three times per test would slow the suite by
minutes and test nothing of ours.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from functools import cache
from importlib import resources
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from lindung.errors import InvalidInput
from lindung.text import invisible_characters

MIN_LENGTH = 15
"""800-63B-4 section 3.1.1.2: a password that is the only factor is at least 15 characters."""
MAX_LENGTH = 128
"""Bounded (every input is), well above the 64 the guideline asks to allow."""
SEQUENCES = ("0123456789" * 3, "abcdefghijklmnopqrstuvwxyz" * 2, "qwertyuiopasdfghjklzxcvbnm",
             "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p")


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


@cache
def common_passwords() -> frozenset[str]:
    """The passwords refused as common or breached: the 30,000 most common of the 10 million
    passwords Mark Burnett published (public domain), as zxcvbn 4.5.0 ships them (MIT), plus
    our short list of Indonesian favourites and words of this service
    (``data/SOURCE.md``). Lowercase."""
    data = resources.files("lindung.accounts") / "data"
    with gzip.open(str(data / "common_passwords.txt.gz"), "rt", encoding="utf-8") as handle:
        words = {line.strip() for line in handle if line.strip()}
    local = (data / "common_passwords_id.txt").read_text(encoding="utf-8").splitlines()
    words |= {line.strip() for line in local if line.strip() and not line.startswith("#")}
    return frozenset(words)


def _core(value: str) -> str:
    """``"Bismillah 2026!"`` -> ``"bismillah"``: lowercase letters and digits, trailing digits
    cut (a common word with a year or a count after it is still a common word)."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    return re.sub(r"[0-9]+$", "", "".join(c for c in folded if c.isalnum()))


def _repeated(value: str) -> bool:
    """One short piece said again and again: ``aaaaaaaaaaaaaaa``, ``abcabcabcabcabc``."""
    return any(len(value) % n == 0 and value[:n] * (len(value) // n) == value
               for n in range(1, len(value) // 2 + 1))


def _sequence(value: str) -> bool:
    folded = value.casefold()
    return any(folded in run or folded in run[::-1] for run in SEQUENCES)


def check_new_password(password: str, *, username: str = "", display_name: str = "") -> None:
    """NIST SP 800-63B-4: at least :data:`MIN_LENGTH` characters, at most :data:`MAX_LENGTH`,
    any characters (spaces and every script included), no composition rules; refused when it
    is common or breached, the username or the person's name, or a repetition or sequence."""
    length = len(unicodedata.normalize("NFC", password))
    if length < MIN_LENGTH:
        raise InvalidInput(f"kata sandi paling sedikit {MIN_LENGTH} karakter (sekarang "
                           f"{length}); kalimat pendek yang mudah Anda ingat, mis. tiga atau "
                           "empat kata, sudah cukup", "password")
    if length > MAX_LENGTH:
        raise InvalidInput(f"kata sandi paling panjang {MAX_LENGTH} karakter", "password")
    hidden = invisible_characters(password)
    if hidden:
        # 800-63B asks for every printing character; a control or invisible one cannot be typed
        # again at the next sign-in, so it is refused rather than stored
        raise InvalidInput("kata sandi memuat karakter kendali atau tak terlihat ("
                           f"{', '.join(hidden)}); ketik kata sandi langsung dengan papan "
                           "ketik", "password")
    core = _core(password)
    person = {c for c in (_core(username), _core(display_name)) if c}
    if core in person:
        raise InvalidInput("kata sandi tidak boleh nama pengguna atau nama Anda sendiri",
                           "password")
    common = common_passwords()
    if password.casefold() in common or core in common:
        raise InvalidInput("kata sandi ini terlalu umum: ada di daftar kata sandi yang sering "
                           "dipakai atau pernah bocor; pilih yang lain", "password")
    if _repeated(password.casefold()) or _sequence(password):
        raise InvalidInput("kata sandi ini hanya pengulangan atau urutan (mis. aaaa..., "
                           "1234...); pilih yang lain", "password")


def hash_password(password: str, *, username: str = "", display_name: str = "") -> str:
    """Check a new password (:func:`check_new_password`) and hash it."""
    check_new_password(password, username=username, display_name=display_name)
    return hasher.hash(password)


def rehash(password: str) -> str:
    """Hash a password already accepted once (at sign-in, when the hasher's parameters
    changed): no policy check, a rule made later must not lock anyone out at sign-in."""
    return hasher.hash(password)


UNUSABLE = "!"
"""The hash of an account that has no password yet (it signs in with a one-time code)."""


def verify_password(hashed: str | None, password: str) -> bool:
    """True when ``password`` matches; the same work is done when there is no account."""
    if hashed is None or hashed == UNUSABLE:
        hasher.hash(password or "-")
        return False
    try:
        return bool(hasher.verify(hashed, password[:MAX_LENGTH * 4]))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(hashed: str) -> bool:
    if hashed == UNUSABLE:
        return False
    return bool(hasher.check_needs_rehash(hashed))
