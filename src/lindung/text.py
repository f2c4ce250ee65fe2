"""Clean text: what lindung stores of a name, a place, a code or a note a person typed.

Text is normalised to NFC (an "é" typed as e + accent is the same as "é"), runs of white space
(tabs, line breaks, no-break spaces) become one space, and characters a person cannot see are
refused with a message rather than stored: control characters, zero-width characters,
bidirectional overrides (which make "Ahmad" display as something else), private-use and
unassigned code points. A length is counted after cleaning.

:func:`clean_text` checks one value (forms, the API, the counter); :data:`INVISIBLE_PATTERN`
and :data:`SPACES_PATTERN` are the same rules for polars (a roster checked column-wise).
"""

from __future__ import annotations

import re
import unicodedata

from lindung.errors import InvalidInput

INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"})
"""Unicode general categories refused: control, format (zero-width, bidi), private use,
unassigned, surrogate, line and paragraph separators."""

INVISIBLE_PATTERN = r"[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]"
"""The same, as a regular expression for polars (Rust strings hold no surrogates)."""

SPACES_PATTERN = r"[\s\p{Zs}]+"
"""White space of any kind, folded to one space (tab, line break, no-break space...)."""

_SPACES = re.compile("[\t\n\x0b\x0c\r \x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f"
                     "\u205f\u3000]+")
"""Unicode's White_Space characters (what Rust's ``\\s`` in :data:`SPACES_PATTERN` matches);
Python's ``\\s`` would also take U+001C-U+001F, which are control characters here."""

INVISIBLE_WHAT_TO_DO = ("ketik ulang isinya (jangan menyalin dari dokumen atau pesan lain): ada "
                        "karakter tak terlihat, karakter kendali atau pembalik arah tulisan")


def invisible_characters(text: str) -> list[str]:
    """The refused characters in ``text``, each as ``U+202E``, in order, without repeats."""
    found: list[str] = []
    for char in text:
        if unicodedata.category(char) in INVISIBLE_CATEGORIES:
            code = f"U+{ord(char):04X}"
            if code not in found:
                found.append(code)
    return found


def fold_spaces(text: str) -> str:
    """NFC, every run of white space one space, no space at either end."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def clean_text(value: str | None, *, label: str, field: str, max_length: int,
               required: bool = False) -> str | None:
    """``value`` cleaned (see the module), or None when blank; InvalidInput naming ``label``
    when it is required and blank, holds a refused character, or is longer than
    ``max_length`` characters once cleaned."""
    if value is None:
        cleaned = ""
    else:
        # Folding first turns tabs and line breaks (control characters too) into spaces.
        cleaned = fold_spaces(value[: max_length * 4 + 64])
        if len(value) > max_length * 4 + 64:
            raise InvalidInput(f"{label} paling panjang {max_length} karakter", field)
    if not cleaned:
        if required:
            raise InvalidInput(f"{label} wajib diisi", field)
        return None
    bad = invisible_characters(cleaned)
    if bad:
        raise InvalidInput(f"{label} berisi karakter yang tidak boleh ({', '.join(bad[:5])}); "
                           f"{INVISIBLE_WHAT_TO_DO}", field)
    if len(cleaned) > max_length:
        raise InvalidInput(f"{label} paling panjang {max_length} karakter (sekarang "
                           f"{len(cleaned)})", field)
    return cleaned


def required_text(value: str | None, *, label: str, field: str, max_length: int) -> str:
    """:func:`clean_text` of a value that must be given."""
    cleaned = clean_text(value, label=label, field=field, max_length=max_length, required=True)
    assert cleaned is not None
    return cleaned


CODE_REGEX = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"
"""A code of an agreement or an organisation: it appears in addresses (``/pks/METRO-2026``)
and file names, so letters, digits, ``-`` and ``_`` only, 1 to 40 long (the same regular
expression in Python, in the API's JSON Schema and in browsers)."""

CODE_PATTERN = re.compile(CODE_REGEX)

CODE_RULE = "huruf, angka, tanda - atau _, diawali huruf atau angka, paling panjang 40 karakter"

TEXT_FORMAT = "lindung-text"
"""The JSON Schema ``format`` of free text in the API: any characters but those
:func:`clean_text` refuses (see :data:`INVISIBLE_CATEGORIES`), at least one not a space."""


def clean_code(value: str | None, *, label: str, field: str, example: str) -> str:
    """A code (of an agreement, an organisation), spaces at the ends dropped, matching
    :data:`CODE_PATTERN`; InvalidInput with an ``example`` otherwise (the value is not
    repeated back: it may be anything)."""
    cleaned = (value or "").strip()
    if not cleaned:
        raise InvalidInput(f"{label} wajib diisi, misalnya {example}", field)
    if not CODE_PATTERN.fullmatch(cleaned):
        raise InvalidInput(f"{label}: {CODE_RULE}, misalnya {example}", field)
    return cleaned
