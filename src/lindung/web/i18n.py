"""Bahasa Indonesia first, English available: the words of the web pages.

One mechanism for every word on a page: templates call ``t("key")`` (a template global that
reads the page's ``lang``), Python calls :func:`translate`. The entries ``{"id": ..., "en": ...}``
live in this module (the words every page shares) and in one module per area,
``lindung/web/texts_<area>.py``, each with a ``WORDS`` table passed to :func:`register`. This
module imports every ``lindung.web.texts_*`` module when it is first imported, so a new words
module needs no other wiring; a key defined twice is an error at import, never an override.
The language comes from the ``lang`` cookie (default ``id``). A key missing in English falls
back to Indonesian, so a page is never blank; an unknown key is shown as itself and remembered
in :data:`MISSING`, which the tests of the pages check is empty.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from pathlib import Path

LANGUAGES = ("id", "en")

TEXTS: dict[str, dict[str, str]] = {
    "app.tagline": {"id": "Perlindungan pekerja oleh Pemda dan BPJS Ketenagakerjaan",
                    "en": "Worker protection by regional governments and BPJS Ketenagakerjaan"},
    "app.footer": {"id": "UU PDP 27/2022: data pribadi dilindungi; NIK ditampilkan tersamar.",
                   "en": "UU PDP 27/2022: personal data is protected; NIKs are shown masked."},
    "nav.home": {"id": "Beranda", "en": "Home"},
    "nav.agreements": {"id": "PKS", "en": "Agreements"},
    "nav.roster": {"id": "Unggah daftar", "en": "Upload roster"},
    "nav.workers": {"id": "Pekerja", "en": "Workers"},
    "nav.exchange": {"id": "Pertukaran BPJS", "en": "BPJS exchange"},
    "nav.counter": {"id": "Loket", "en": "Counter"},
    "nav.admin": {"id": "Pengaturan", "en": "Settings"},
    "nav.audit": {"id": "Log audit", "en": "Audit log"},
    "nav.sign_out": {"id": "Keluar", "en": "Sign out"},
    "signin.title": {"id": "Masuk", "en": "Sign in"},
    "signin.username": {"id": "Nama pengguna", "en": "Username"},
    "signin.password": {"id": "Kata sandi", "en": "Password"},
    "signin.submit": {"id": "Masuk", "en": "Sign in"},
    "home.title": {"id": "Yang perlu perhatian", "en": "What needs attention"},
    "home.proposed": {"id": "Peserta diusulkan, belum dikirim ke BPJS",
                      "en": "Proposed members not yet sent to BPJS"},
    "home.submitted": {"id": "Menunggu jawaban BPJS", "en": "Waiting for the BPJS answer"},
    "home.active": {"id": "Peserta aktif", "en": "Active members"},
    "home.ending": {"id": "PKS berakhir dalam 60 hari", "en": "Agreements ending within 60 days"},
    "home.quota": {"id": "PKS dengan kuota terpakai ≥ 90%", "en": "Agreements ≥ 90% of quota"},
    "home.nothing": {"id": "Tidak ada yang mendesak.", "en": "Nothing urgent."},
    "home.ends": {"id": "Berakhir", "en": "Ends"},
    "status.proposed": {"id": "diusulkan", "en": "proposed"},
    "status.submitted": {"id": "dikirim ke BPJS", "en": "submitted to BPJS"},
    "status.active": {"id": "aktif", "en": "active"},
    "status.rejected": {"id": "ditolak BPJS", "en": "rejected by BPJS"},
    "status.ended": {"id": "berakhir", "en": "ended"},
    "common.none": {"id": "Tidak ada data.", "en": "No data."},
    "common.save": {"id": "Simpan", "en": "Save"},
    "common.back": {"id": "Kembali", "en": "Back"},
    "error.title": {"id": "Tidak dapat diproses", "en": "Cannot be processed"},
    "error.forbidden": {"id": "Anda tidak berwenang membuka halaman ini.",
                        "en": "You may not open this page."},
    "error.not_found": {"id": "Halaman tidak ditemukan.", "en": "Page not found."},
    "error.home": {"id": "Kembali ke beranda", "en": "Back to the home page"},
    "error.status": {"id": "Kode jawaban HTTP {status}", "en": "HTTP status {status}"},
    "error.title.400": {"id": "Permintaan tidak dapat dibaca", "en": "The request cannot be read"},
    "error.title.401": {"id": "Perlu masuk dulu", "en": "Sign in first"},
    "error.title.403": {"id": "Tidak berwenang", "en": "Not allowed"},
    "error.title.404": {"id": "Tidak ditemukan", "en": "Not found"},
    "error.title.405": {"id": "Cara permintaan tidak tersedia", "en": "Method not available"},
    "error.title.409": {"id": "Bentrok dengan data yang sudah ada",
                        "en": "Conflicts with data already recorded"},
    "error.title.413": {"id": "Berkas atau isian terlalu besar", "en": "Too large"},
    "error.title.415": {"id": "Jenis isi tidak didukung", "en": "Content type not supported"},
    "error.title.422": {"id": "Isian belum benar", "en": "Something to correct"},
    "error.title.429": {"id": "Terlalu banyak permintaan", "en": "Too many requests"},
    "error.title.500": {"id": "Terjadi kesalahan di server", "en": "Something went wrong"},
    "error.title.503": {"id": "Basis data sedang sibuk", "en": "The database is busy"},
    "error.hint.403": {"id": "Bila Anda perlu melakukannya, minta admin Pemda mengubah peran "
                              "akun Anda.",
                       "en": "If you need to do this, ask the Pemda administrator to change "
                             "your account's role."},
    "error.hint.404": {"id": "Periksa alamatnya, atau buka lagi dari menu.",
                       "en": "Check the address, or open it again from the menu."},
    "error.hint.503": {"id": "Tunggu beberapa detik lalu coba lagi.",
                       "en": "Wait a few seconds and try again."},
}


MISSING: set[str] = set()
"""Keys asked for that no words module defines (shown as the key itself)."""


class DuplicateWords(RuntimeError):
    """Two words modules define the same key."""


def register(words: Mapping[str, Mapping[str, str]], source: str) -> None:
    """Adds a words module's entries to :data:`TEXTS`; a key already defined is an error.

    Every entry needs its Indonesian words (``id``); English (``en``) may follow later.
    """
    clash = sorted(set(words) & set(TEXTS))
    if clash:
        raise DuplicateWords(f"kunci teks ganda di {source}: {', '.join(clash)}")
    for key, entry in words.items():
        if not entry.get("id"):
            raise ValueError(f"{source}: {key} tidak punya kata Bahasa Indonesia (id)")
    TEXTS.update({key: dict(entry) for key, entry in words.items()})


def translate(key: str, lang: str, **values: object) -> str:
    """The words of ``key`` in ``lang``; ``{name}`` placeholders are filled from ``values``."""
    entry = TEXTS.get(key)
    if entry is None:
        MISSING.add(key)
        return key
    words = entry.get(lang) or entry["id"]
    return words.format(**values) if values else words


def word_modules() -> list[str]:
    """The names of every ``lindung.web.texts_*`` module."""
    here = Path(__file__).parent
    return sorted(f"lindung.web.{m.name}" for m in pkgutil.iter_modules([str(here)])
                  if m.name.startswith("texts_"))


def _load_word_modules() -> None:
    for name in word_modules():
        importlib.import_module(name)


_load_word_modules()
