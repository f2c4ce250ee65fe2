"""Bahasa Indonesia first, English available: the words of the web pages.

Templates call ``t("key")``; the language comes from the ``lang`` cookie (default ``id``).
A key missing in English falls back to Indonesian, so a page is never blank.
"""

from __future__ import annotations

LANGUAGES = ("id", "en")

TEXTS: dict[str, dict[str, str]] = {
    "app.tagline": {"id": "Perlindungan pekerja oleh Pemda dan BPJS Ketenagakerjaan",
                    "en": "Worker protection by regional governments and BPJS Ketenagakerjaan"},
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
}


def translate(key: str, lang: str) -> str:
    entry = TEXTS.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["id"]
