"""Words of the audit log page and of the agreement guards' form fields (Bahasa Indonesia
first). The actions and recorded fields in words are in ``lindung.audit.labels`` (the export
below the web needs them too); this module also registers them as ``auditlog.action.<code>``
so the English catalogue the page checks holds every word the page can show.
"""

from __future__ import annotations

from lindung.audit.labels import ACTION_LABELS
from lindung.web.i18n import register

WORDS: dict[str, dict[str, str]] = {
    "auditlog.time": {"id": "Waktu ({zone})", "en": "Time ({zone})"},
    "auditlog.who": {"id": "Pengguna", "en": "User"},
    "auditlog.what": {"id": "Tindakan", "en": "Action"},
    "auditlog.changes": {"id": "Perubahan (sebelum → sesudah)",
                         "en": "Changes (before → after)"},
    "auditlog.details": {"id": "Keterangan", "en": "Details"},
    "auditlog.user_filter": {"id": "Pengguna", "en": "User"},
    "auditlog.all_users": {"id": "semua pengguna", "en": "all users"},
    "auditlog.all_actions": {"id": "semua tindakan", "en": "all actions"},
    "auditlog.export": {"id": "Unduh XLSX (sesuai saringan)",
                        "en": "Download XLSX (as filtered)"},
    "auditlog.export_note": {
        "id": "Unduhan ini dicatat di log audit. NIK selalu disamarkan.",
        "en": "The download is recorded in the audit log. NIKs are always masked."},
    "auditlog.bad_date": {"id": "tanggal ditulis TTTT-BB-HH, misalnya 2026-07-15",
                          "en": "write dates as YYYY-MM-DD, e.g. 2026-07-15"},
    "auditlog.bad_range": {"id": "tanggal awal sesudah tanggal akhir",
                           "en": "the start date is after the end date"},
    "auditlog.removed": {"id": "(dihapus)", "en": "(removed)"},
    "auditlog.seq": {"id": "No. {seq}", "en": "No. {seq}"},
    "pks.new_phase": {"id": "Tahap baru (untuk tambahan kuota)",
                      "en": "New phase (for a quota increase)"},
    "pks.new_phase_number": {"id": "Nomor tahap", "en": "Phase number"},
    "pks.new_phase_start": {"id": "Tahap mulai", "en": "Phase starts"},
    "pks.new_phase_quota": {"id": "Kuota tahap", "en": "Phase quota"},
}

register(WORDS, __name__)
register({f"auditlog.action.{code}": entry for code, entry in ACTION_LABELS.items()}, __name__)
