"""The audit log in words: every action and every recorded field with a label in Bahasa
Indonesia (and English), values written as people read them (dates "1 Januari 2026", rupiah
"Rp1.500.000", numbers "2.700"), and times in the office's own zone (WIB, WITA, WIT).

The log itself keeps codes (``agreement.amend``, ``{"quota": [3000, 3500]}``): they are the
record and are hashed into the chain (docs/decisions/0014). Pages and the export show them
through this module; ``tests/web/test_audit_log.py`` fails when an action recorded anywhere in
lindung has no label here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from babel.dates import format_date

from lindung.formatting import (
    format_date_id,
    format_datetime_id,
    format_number,
    format_rupiah,
)
from lindung.logs import redact
from lindung.time_zones import TimeZone, zone_of

Words = Mapping[str, str]

ACTION_LABELS: dict[str, dict[str, str]] = {
    "agreement.create": {"id": "PKS dicatat", "en": "Agreement recorded"},
    "agreement.amend": {"id": "Addendum PKS", "en": "Agreement amended"},
    "agreement.add_phase": {"id": "Tahap PKS ditambahkan", "en": "Agreement phase added"},
    "agreement.assign_payer": {"id": "Pembayar ditetapkan", "en": "Payer assigned"},
    "audit.export": {"id": "Log audit diekspor", "en": "Audit log exported"},
    "auth.sign_in": {"id": "Masuk", "en": "Signed in"},
    "auth.sign_in_failed": {"id": "Gagal masuk", "en": "Sign-in failed"},
    "auth.sign_in_throttled": {"id": "Masuk ditahan (terlalu sering gagal)",
                               "en": "Sign-in held back (too many failures)"},
    "auth.sign_out": {"id": "Keluar", "en": "Signed out"},
    "auth.sessions_purged": {"id": "Sesi kedaluwarsa dihapus", "en": "Expired sessions removed"},
    "auth.sign_in_code": {"id": "Masuk dengan kode sekali pakai",
                          "en": "Signed in with a one-time code"},
    "coverage.check": {"id": "Cek kepesertaan", "en": "Coverage check"},
    "counter.card_print": {"id": "Kartu dicetak", "en": "Card printed"},
    "counter.card_verify": {"id": "Kartu diperiksa (kode QR)", "en": "Card checked (QR code)"},
    "counter.enrol": {"id": "Pendaftaran di loket", "en": "Enrolment at the counter"},
    "counter.receipt_print": {"id": "Bukti pendaftaran dicetak",
                              "en": "Registration receipt printed"},
    "counter.send": {"id": "Pendaftaran loket dikirim ke BPJS",
                     "en": "Counter enrolment sent to BPJS"},
    "exchange.fetch_answers": {"id": "Jawaban BPJS diambil", "en": "BPJS answers fetched"},
    "exchange.submit": {"id": "Data dikirim ke BPJS", "en": "Data sent to BPJS"},
    "membership.correct_occupation": {"id": "Pekerjaan peserta diperbaiki",
                                      "en": "Member's occupation corrected"},
    "membership.end": {"id": "Kepesertaan diakhiri", "en": "Membership ended"},
    "membership.enrol": {"id": "Peserta didaftarkan", "en": "Member enrolled"},
    "membership.resubmit": {"id": "Peserta diajukan ulang ke BPJS",
                            "en": "Member resubmitted to BPJS"},
    "membership.set_terms": {"id": "Penghasilan/upah peserta diubah",
                             "en": "Member's income or wage changed"},
    "occupation.create": {"id": "Pekerjaan ditambahkan ke daftar",
                          "en": "Occupation added to the list"},
    "organisation.create": {"id": "Organisasi dicatat", "en": "Organisation recorded"},
    "organisation.deactivate": {"id": "Organisasi dinonaktifkan",
                                "en": "Organisation deactivated"},
    "roster.dry_run": {"id": "Uji coba unggah daftar peserta", "en": "Roster dry run"},
    "roster.export_report": {"id": "Laporan unggahan diunduh", "en": "Upload report downloaded"},
    "roster.export_submission": {"id": "Berkas pengiriman ke BPJS dibuat",
                                 "en": "Submission file for BPJS made"},
    "roster.import": {"id": "Daftar peserta diunggah", "en": "Roster imported"},
    "roster.import_answer": {"id": "Jawaban BPJS diunggah", "en": "BPJS answer imported"},
    "roster.upload_delete": {"id": "Berkas unggahan dihapus", "en": "Uploaded file deleted"},
    "roster.upload_purge": {"id": "Berkas unggahan lama dihapus (masa simpan habis)",
                            "en": "Old uploaded files deleted (retention period over)"},
    "roster.upload_retention": {"id": "Masa simpan berkas unggahan diubah",
                                "en": "Upload retention period changed"},
    "token.create": {"id": "Token API dibuat", "en": "API token issued"},
    "token.revoke": {"id": "Token API dicabut", "en": "API token revoked"},
    "token.rotate": {"id": "Token API diganti", "en": "API token rotated"},
    "user.create": {"id": "Pengguna dibuat", "en": "User created"},
    "user.deactivate": {"id": "Pengguna dinonaktifkan", "en": "User deactivated"},
    "user.password_change": {"id": "Kata sandi diganti oleh penggunanya",
                             "en": "Password changed by its user"},
    "user.password_reset": {"id": "Kode atur ulang kata sandi dibuat",
                            "en": "Password reset code issued"},
    "user.password_set": {"id": "Kata sandi baru ditetapkan dengan kode",
                          "en": "New password set with a code"},
    "worker.correct": {"id": "Data pekerja diperbaiki", "en": "Worker's details corrected"},
    "worker.lookup": {"id": "Pencarian pekerja menurut NIK", "en": "Worker looked up by NIK"},
    "workers.export": {"id": "Daftar pekerja diekspor", "en": "Worker list exported"},
}
"""Every action code the log records -> its words."""

ENTITY_LABELS: dict[str, dict[str, str]] = {
    "agreement": {"id": "PKS", "en": "agreement"},
    "api_token": {"id": "token API", "en": "API token"},
    "audit_event": {"id": "log audit", "en": "audit log"},
    "counter_card": {"id": "kartu", "en": "card"},
    "counter_payment": {"id": "pembayaran loket", "en": "counter payment"},
    "membership": {"id": "kepesertaan", "en": "membership"},
    "occupation": {"id": "pekerjaan", "en": "occupation"},
    "organisation": {"id": "organisasi", "en": "organisation"},
    "setting": {"id": "pengaturan", "en": "setting"},
    "upload": {"id": "berkas unggahan", "en": "upload"},
    "user": {"id": "pengguna", "en": "user"},
    "web_session": {"id": "sesi", "en": "session"},
    "worker": {"id": "pekerja", "en": "worker"},
}
"""What an event is about -> words."""


def subject(entity: str, entity_id: str | None, lang: str = "id") -> str:
    """``PKS METRO-2026``, ``pekerja 1872********0001``: the event's record in words."""
    entry = ENTITY_LABELS.get(entity)
    word = entry["en" if lang == "en" else "id"] if entry else ""
    return redact(" ".join(part for part in (word, entity_id or "") if part))


FIELD_LABELS: dict[str, dict[str, str]] = {
    "accepted": {"id": "diterima", "en": "accepted"},
    "activated": {"id": "menjadi aktif", "en": "activated"},
    "password_set": {"id": "kata sandi ditetapkan", "en": "password set"},
    "start_rule": {"id": "aturan tanggal mulai", "en": "start date rule"},
    "days": {"id": "hari", "en": "days"},
    "deleted": {"id": "dihapus", "en": "deleted"},
    "expires_at": {"id": "berlaku sampai", "en": "expires"},
    "files": {"id": "berkas", "en": "files"},
    "old_valid_until": {"id": "semula berlaku sampai", "en": "previously valid until"},
    "other_sessions_ended": {"id": "sesi lain diakhiri", "en": "other sessions ended"},
    "payment": {"id": "pembayaran", "en": "payment"},
    "pending": {"id": "menunggu", "en": "pending"},
    "receipt": {"id": "nomor bukti", "en": "receipt no."},
    "removed": {"id": "dihapus", "en": "removed"},
    "sessions_ended": {"id": "sesi diakhiri", "en": "sessions ended"},
    "state": {"id": "keadaan", "en": "state"},
    "token": {"id": "token", "en": "token"},
    "active": {"id": "aktif", "en": "active"},
    "agreement": {"id": "PKS", "en": "agreement"},
    "aliases": {"id": "nama lain", "en": "other names"},
    "also_deactivated": {"id": "ikut dinonaktifkan", "en": "also deactivated"},
    "amendment": {"id": "addendum ke", "en": "amendment no."},
    "branch": {"id": "kantor cabang BPJS", "en": "BPJS branch"},
    "budget": {"id": "pagu anggaran", "en": "budget ceiling"},
    "card": {"id": "kartu", "en": "card"},
    "client": {"id": "klien", "en": "client"},
    "connector": {"id": "saluran ke BPJS", "en": "BPJS connector"},
    "contract_months": {"id": "lama kontrak (bulan)", "en": "contract length (months)"},
    "count": {"id": "jumlah", "en": "count"},
    "covered": {"id": "terlindungi", "en": "covered"},
    "declared_income": {"id": "penghasilan", "en": "declared income"},
    "default_segment": {"id": "segmen bawaan", "en": "default segment"},
    "display_name": {"id": "nama", "en": "name"},
    "effective": {"id": "berlaku mulai", "en": "effective from"},
    "end": {"id": "tanggal akhir", "en": "end date"},
    "end_date": {"id": "tanggal akhir", "en": "end date"},
    "end_reason": {"id": "alasan berakhir", "en": "reason for ending"},
    "errors": {"id": "kesalahan", "en": "errors"},
    "field": {"id": "isian", "en": "field"},
    "file": {"id": "berkas", "en": "file"},
    "filters": {"id": "saringan", "en": "filters"},
    "from": {"id": "dari", "en": "from"},
    "funded_by": {"id": "sumber dana", "en": "funding source"},
    "group": {"id": "kelompok", "en": "group"},
    "import_id": {"id": "nomor unggahan", "en": "import no."},
    "income": {"id": "penghasilan", "en": "declared income"},
    "kind": {"id": "jenis", "en": "kind"},
    "kpj": {"id": "nomor KPJ", "en": "KPJ number"},
    "membership": {"id": "nomor kepesertaan", "en": "membership no."},
    "name": {"id": "nama", "en": "name"},
    "nik": {"id": "NIK", "en": "NIK"},
    "niks_known": {"id": "NIK sudah terdaftar", "en": "NIKs already known"},
    "niks_looked_up": {"id": "NIK diperiksa", "en": "NIKs looked up"},
    "number": {"id": "nomor", "en": "number"},
    "occupation": {"id": "pekerjaan", "en": "occupation"},
    "on": {"id": "tanggal", "en": "date"},
    "organisation": {"id": "organisasi", "en": "organisation"},
    "parent": {"id": "induk", "en": "parent"},
    "payer": {"id": "pembayar", "en": "payer"},
    "permissions": {"id": "wewenang", "en": "permissions"},
    "phase": {"id": "tahap", "en": "phase"},
    "phases": {"id": "tahap", "en": "phases"},
    "prefix": {"id": "awalan token", "en": "token prefix"},
    "previous": {"id": "sebelumnya", "en": "previous"},
    "problems": {"id": "masalah", "en": "problems"},
    "programs": {"id": "program", "en": "programmes"},
    "quota": {"id": "kuota", "en": "quota"},
    "reason": {"id": "alasan", "en": "reason"},
    "refused": {"id": "ditolak", "en": "refused"},
    "region_code": {"id": "wilayah", "en": "region"},
    "rejected": {"id": "ditolak", "en": "rejected"},
    "renewal": {"id": "perpanjangan", "en": "renewal"},
    "result": {"id": "hasil", "en": "result"},
    "risk_class": {"id": "kelas risiko JKK", "en": "JKK risk class"},
    "role": {"id": "peran", "en": "role"},
    "rows": {"id": "baris", "en": "rows"},
    "segment": {"id": "segmen", "en": "segment"},
    "sha256": {"id": "sidik berkas (SHA-256)", "en": "file fingerprint (SHA-256)"},
    "start": {"id": "tanggal mulai", "en": "start date"},
    "start_date": {"id": "tanggal mulai", "en": "start date"},
    "status": {"id": "status", "en": "status"},
    "status_reason": {"id": "keterangan status", "en": "status note"},
    "title": {"id": "judul", "en": "title"},
    "to": {"id": "sampai", "en": "to"},
    "unchanged": {"id": "tidak berubah", "en": "unchanged"},
    "username": {"id": "nama pengguna", "en": "username"},
    "valid": {"id": "sah", "en": "valid"},
    "valid_from": {"id": "berlaku mulai", "en": "valid from"},
    "wage": {"id": "upah", "en": "wage"},
    "written": {"id": "disimpan", "en": "written"},
    "quota_usage": {"id": "kuota terpakai", "en": "quota used"},
    "action": {"id": "tindakan", "en": "action"},
    "actor": {"id": "pelaku", "en": "actor"},
    "since": {"id": "dari tanggal", "en": "from"},
    "until": {"id": "sampai tanggal", "en": "until"},
}
"""Keys of the recorded before/after/detail -> their words (the terms of an agreement under the
names of ``lindung agreements create``, see ``agreements.terms.TERM_FIELDS``)."""

VALUE_WORDS: dict[str, dict[str, str]] = {
    "proposed": {"id": "diusulkan", "en": "proposed"},
    "submitted": {"id": "dikirim ke BPJS", "en": "submitted to BPJS"},
    "active": {"id": "aktif", "en": "active"},
    "rejected": {"id": "ditolak BPJS", "en": "rejected by BPJS"},
    "ended": {"id": "berakhir", "en": "ended"},
    "self": {"id": "pekerja sendiri", "en": "the worker"},
}
"""Coded values (statuses, the worker as payer) -> words; under ``status`` and ``payer``."""

def _words(table: Mapping[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    return {code: {"id": words_id, "en": words_en} for code, (words_id, words_en) in table.items()}


SEGMENT_WORDS = _words({"bpu": ("BPU (bukan penerima upah)", "BPU (non-wage earners)"),
                        "pu": ("PU (penerima upah)", "PU (wage earners)"),
                        "jakon": ("jasa konstruksi", "construction"),
                        "pmi": ("pekerja migran Indonesia", "Indonesian migrant workers")})
FUNDING_WORDS = _words({"apbd": ("APBD", "regional budget (APBD)"),
                        "apbdes": ("APBDes (dana desa)", "village budget (APBDes)"),
                        "dbhcht": ("DBHCHT", "tobacco excise share (DBHCHT)"),
                        "apbn": ("APBN", "state budget (APBN)"), "csr": ("CSR", "CSR"),
                        "self": ("dibayar sendiri", "paid by the worker")})
ROLE_WORDS = _words({"pemda_admin": ("Admin Pemda", "Pemda administrator"),
                     "opd_operator": ("Operator OPD", "OPD operator"),
                     "village_operator": ("Operator Desa", "village operator"),
                     "bpjs_officer": ("Petugas BPJS Cabang", "BPJS branch officer"),
                     "counter_officer": ("Petugas Loket", "counter officer"),
                     "auditor": ("Auditor", "auditor"), "api_client": ("Klien API", "API client"),
                     "system": ("Sistem", "system")})
KIND_WORDS = _words({"pemda": ("Pemda", "Pemda"), "opd": ("OPD", "OPD"),
                     "village": ("Desa/Kelurahan", "village"),
                     "bpjs_branch": ("Kantor Cabang BPJS", "BPJS branch"),
                     "counter": ("Loket layanan", "service counter"),
                     "donor": ("Donatur (CSR)", "donor (CSR)")})
END_REASON_WORDS = _words({"death": ("meninggal dunia", "death"),
                           "agreement_end": ("PKS berakhir", "agreement ended"),
                           "moved": ("pindah", "moved away"),
                           "duplicate": ("data ganda", "duplicate"),
                           "resigned": ("berhenti bekerja", "stopped working"),
                           "lapsed": ("tidak diperpanjang", "not renewed")})
GROUP_WORDS = _words({"community": ("kemasyarakatan", "community"),
                      "health_cadre": ("kader kesehatan", "health cadre"),
                      "religious": ("keagamaan", "religious"),
                      "transport": ("angkutan", "transport"),
                      "agriculture": ("pertanian", "agriculture"),
                      "tobacco": ("tembakau", "tobacco"), "fisheries": ("perikanan", "fisheries"),
                      "trade": ("perdagangan", "trade"),
                      "government": ("pemerintahan (non-ASN)", "government (non-civil-servant)"),
                      "village_government": ("pemerintahan desa", "village government"),
                      "construction": ("jasa konstruksi", "construction"),
                      "migrant": ("pekerja migran", "migrant workers")})
PERMISSION_WORDS = _words({
    "agreements.read": ("melihat PKS", "read agreements"),
    "agreements.write": ("mencatat dan mengubah PKS", "record and amend agreements"),
    "roster.import": ("mengunggah daftar peserta", "upload rosters"),
    "workers.read": ("melihat data pekerja", "read workers"),
    "exchange.export": ("mengirim data pendaftaran ke BPJS", "send enrolments to BPJS"),
    "exchange.answer": ("mencatat jawaban BPJS", "record BPJS answers"),
    "occupations.write": ("menambah pekerjaan", "add occupations"),
    "tokens.manage": ("mengelola token API", "manage API tokens"),
    "audit.read": ("membaca log audit", "read the audit log"),
    "coverage.check": ("memeriksa kepesertaan", "check coverage"),
    "counter.enrol": ("mendaftarkan di loket", "enrol at the counter"),
    "reference.read": ("melihat data rujukan", "read reference data"),
    "accounts.manage": ("mengelola akun pengguna", "manage user accounts")})

CODED_VALUES: dict[str, dict[str, dict[str, str]]] = {
    "segment": SEGMENT_WORDS, "default_segment": SEGMENT_WORDS, "funded_by": FUNDING_WORDS,
    "funding": FUNDING_WORDS, "role": ROLE_WORDS, "kind": KIND_WORDS,
    "end_reason": END_REASON_WORDS, "reason": END_REASON_WORDS, "group": GROUP_WORDS,
    "permissions": PERMISSION_WORDS,
}
"""Keys whose values are codes of a fixed list -> the words of each code (a value not in the
list, e.g. a group a Pemda added or a reason typed in full, is shown as written)."""

MONEY_KEYS = frozenset({"budget", "income", "wage", "declared_income", "budget_ceiling",
                        "amount", "paid", "cost"})
"""Keys whose values are integer rupiah."""

CODED_KEYS = frozenset({"status", "payer", "from", "to", "previous", "result"})
"""Keys whose values may be codes with words in :data:`VALUE_WORDS`."""

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_SHOWN = 300
"""Characters of one formatted value shown (the log keeps at most 200 of a text; a list of
phases or problems is longer)."""

EXPORT_HEADERS = (
    {"id": "No. urut", "en": "Seq."}, {"id": "Waktu", "en": "Time"},
    {"id": "Pengguna", "en": "User"}, {"id": "Organisasi", "en": "Organisation"},
    {"id": "Tindakan", "en": "Action"}, {"id": "Data", "en": "Record"},
    {"id": "Perubahan (sebelum -> sesudah)", "en": "Changes (before -> after)"},
    {"id": "Keterangan", "en": "Details"},
)
"""Columns of the exported log."""

NOTHING = {"id": "(kosong)", "en": "(empty)"}
YES_NO = {True: {"id": "ya", "en": "yes"}, False: {"id": "tidak", "en": "no"}}
SYSTEM_WORDS = {"id": "sistem", "en": "system"}


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "id"


def action_label(code: str, lang: str = "id") -> str:
    """The action in words; an action without a label (a test prevents it) is said generically,
    never as its code."""
    entry = ACTION_LABELS.get(code)
    if entry is None:
        return "Tindakan lain" if _lang(lang) == "id" else "Other action"
    return entry[_lang(lang)]


def field_label(key: str, lang: str = "id") -> str:
    entry = FIELD_LABELS.get(key)
    return entry[_lang(lang)] if entry else key.replace("_", " ")


def format_value(key: str, value: Any, lang: str = "id") -> str:
    """A recorded value as people read it: dates, rupiah, numbers, yes/no, statuses in words;
    lists and mappings spelt out; any NIK-like digit run masked; bounded."""
    text = _format(key, value, _lang(lang))
    if len(text) > MAX_SHOWN:
        text = text[:MAX_SHOWN - 1] + "…"
    return redact(text)


def _format(key: str, value: Any, lang: str) -> str:
    if value is None or value == "" or value == []:
        return NOTHING[lang]
    if isinstance(value, bool):
        return YES_NO[value][lang]
    if isinstance(value, int | float) and not isinstance(value, bool):
        whole = int(value)
        if key in MONEY_KEYS:
            return format_rupiah(whole)
        if key in ("amendment", "membership", "import_id", "phase", "number", "risk_class"):
            return str(whole)
        return format_number(whole) if whole == value else str(value)
    if isinstance(value, str):
        if _ISO_DAY.match(value):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                return value
            return format_date_id(day) if lang == "id" else str(
                format_date(day, "d MMMM y", locale="en"))
        if key in CODED_VALUES and value in CODED_VALUES[key]:
            return CODED_VALUES[key][value][lang]
        if key in CODED_KEYS and value in VALUE_WORDS:
            return VALUE_WORDS[value][lang]
        if key == "programs":
            return value.replace(",", ", ").upper()
        return value
    if isinstance(value, list):
        if key == "programs" and all(isinstance(v, str) for v in value):
            return ", ".join(str(v).upper() for v in value)
        return "; ".join(_format(key, v, lang) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{field_label(str(k), lang)} {_format(str(k), v, lang)}"
                         for k, v in value.items())
    return str(value)


@dataclass(frozen=True)
class Change:
    """One field of an event: its label and, in words, the value before and after."""

    label: str
    before: str | None
    after: str | None

    @property
    def text(self) -> str:
        if self.before is None:
            return f"{self.label}: {self.after}"
        if self.after is None:
            return f"{self.label}: {self.before} -> (dihapus)"
        return f"{self.label}: {self.before} -> {self.after}"


def changes_of(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None,
               lang: str = "id") -> list[Change]:
    """What changed, field by field, as "before -> after" in words (only "after" for what was
    created, in the order recorded)."""
    before, after = before or {}, after or {}
    found = []
    for key in [*after, *(k for k in before if k not in after)]:
        old = format_value(key, before[key], lang) if key in before else None
        new = format_value(key, after[key], lang) if key in after else None
        if key in before and key in after and old == new:
            continue
        found.append(Change(field_label(key, lang), old, new))
    return found


def details_of(detail: Mapping[str, Any] | None, lang: str = "id") -> list[Change]:
    """The event's detail (file, counts, reason ...) as labelled values."""
    return [Change(field_label(k, lang), None, format_value(k, v, lang))
            for k, v in (detail or {}).items()]


# --- time in the office's zone -----------------------------------------------------------------


def office_zone(region_code: str | None) -> TimeZone:
    """The clock of an office's region (WIB, WITA or WIT; :mod:`lindung.time_zones`)."""
    return zone_of(region_code)


def local_time(at: datetime, zone: TimeZone, lang: str = "id") -> str:
    """``29 November 2026 14.05 WIB``: the moment on the office's clock (stored in UTC)."""
    moment = at if at.tzinfo else at.replace(tzinfo=UTC)
    if _lang(lang) == "id":
        return format_datetime_id(moment, zone.tz)
    local = moment.astimezone(zone.tz)
    day = format_date(local.date(), "d MMMM y", locale="en")
    return f"{day} {local.hour:02d}:{local.minute:02d} {zone.abbreviation}"


def local_day_start(day: date, zone: TimeZone) -> datetime:
    """The first moment of ``day`` on the office's clock, in UTC (for a date filter)."""
    return datetime(day.year, day.month, day.day, tzinfo=zone.tz).astimezone(UTC)


# --- who ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Who:
    """An actor as people know it: a name and the organisation it acts for."""

    name: str
    organisation: str | None = None


def who_of(actor: str, known: Mapping[str, Who], lang: str = "id") -> Who:
    """``user:admin.metro`` -> the user's name and organisation (from ``known``); a token by its
    name; the installation (``system:...``) as the system with what ran it."""
    if actor in known:
        return known[actor]
    kind, _, name = actor.partition(":")
    if kind == "system":
        return Who(f"{SYSTEM_WORDS[_lang(lang)]} ({name})" if name else SYSTEM_WORDS[_lang(lang)])
    if kind == "token":
        return Who(f"token API {name}" if _lang(lang) == "id" else f"API token {name}")
    return Who(name or actor)
