"""Words of the agreement, roster-upload and BPJS-exchange pages (Bahasa Indonesia first).

Kept apart from ``i18n.py`` so each domain owns its words; registered into the shared table
when the pages are imported. A key already defined elsewhere is an error, not an override.
"""

from __future__ import annotations

from lindung.web.i18n import TEXTS

WORDS: dict[str, dict[str, str]] = {
    "pks.list": {"id": "Perjanjian kerja sama (PKS)", "en": "Cooperation agreements (PKS)"},
    "pks.new": {"id": "PKS baru", "en": "New agreement"},
    "pks.code": {"id": "Kode", "en": "Code"},
    "pks.number": {"id": "Nomor PKS", "en": "Agreement number"},
    "pks.title": {"id": "Judul", "en": "Title"},
    "pks.region": {"id": "Kode wilayah (Kemendagri)", "en": "Region code (Kemendagri)"},
    "pks.segment": {"id": "Segmen", "en": "Segment"},
    "pks.programs": {"id": "Program", "en": "Programmes"},
    "pks.funded_by": {"id": "Sumber dana", "en": "Funding source"},
    "pks.period": {"id": "Masa berlaku", "en": "Period"},
    "pks.start": {"id": "Tanggal mulai", "en": "Start date"},
    "pks.end": {"id": "Tanggal akhir", "en": "End date"},
    "pks.quota": {"id": "Kuota", "en": "Quota"},
    "pks.used": {"id": "Terpakai", "en": "Used"},
    "pks.income": {"id": "Penghasilan BPU (Rp)", "en": "BPU declared income (Rp)"},
    "pks.wage": {"id": "Upah PU (Rp)", "en": "PU wage (Rp)"},
    "pks.risk_class": {"id": "Kelas risiko JKK", "en": "JKK risk class"},
    "pks.budget_ceiling": {"id": "Pagu anggaran (Rp)", "en": "Budget ceiling (Rp)"},
    "pks.branch": {"id": "Kantor cabang BPJS", "en": "BPJS branch"},
    "pks.phases": {"id": "Tahap", "en": "Phases"},
    "pks.phase_hint": {"id": "Satu tahap per baris: NOMOR;TANGGAL;KUOTA, mis. 1;2026-01-01;1200",
                       "en": "One phase per line: NUMBER;DATE;QUOTA, e.g. 1;2026-01-01;1200"},
    "pks.amendments": {"id": "Riwayat addendum", "en": "Amendment history"},
    "pks.amend": {"id": "Addendum", "en": "Amend"},
    "pks.effective": {"id": "Tanggal berlaku", "en": "Effective date"},
    "pks.reason": {"id": "Alasan", "en": "Reason"},
    "pks.changes": {"id": "Perubahan", "en": "Changes"},
    "pks.amend_hint": {"id": "Isi hanya yang berubah; kosongkan yang tetap.",
                       "en": "Fill in only what changes; leave the rest empty."},
    "pks.contribution": {"id": "Iuran per peserta per bulan", "en": "Contribution per member "
                                                                     "per month"},
    "pks.basis": {"id": "Dasar hukum", "en": "Legal basis"},
    "pks.budget": {"id": "Anggaran terhadap pagu", "en": "Budget against the ceiling"},
    "pks.monthly": {"id": "Per bulan (kuota penuh)", "en": "Per month (full quota)"},
    "pks.annual": {"id": "Per tahun (kuota penuh, 12 bulan)",
                   "en": "Per year (full quota, 12 months)"},
    "pks.period_total": {"id": "Selama masa PKS (kuota penuh)",
                         "en": "Over the agreement period (full quota)"},
    "pks.period_members": {"id": "Selama masa PKS (peserta terdaftar)",
                           "en": "Over the agreement period (enrolled members)"},
    "pks.within": {"id": "Dalam pagu", "en": "Within the ceiling"},
    "pks.over": {"id": "Melebihi pagu", "en": "Over the ceiling"},
    "pks.no_ceiling": {"id": "Pagu belum diisi", "en": "No ceiling recorded"},
    "pks.by_status": {"id": "Peserta menurut status", "en": "Members by status"},
    "roster.title": {"id": "Unggah daftar peserta", "en": "Upload a roster"},
    "roster.agreement": {"id": "PKS tujuan", "en": "Agreement"},
    "roster.file": {"id": "Berkas daftar (Excel .xlsx atau CSV)", "en": "Roster file "
                                                                        "(Excel .xlsx or CSV)"},
    "roster.phase": {"id": "Tahap (kosong = tahap yang sedang berjalan)",
                     "en": "Phase (empty = the current phase)"},
    "roster.all_or_nothing": {"id": "Simpan semua baris atau tidak sama sekali",
                              "en": "Save all rows or none"},
    "roster.check": {"id": "Periksa", "en": "Check"},
    "roster.save": {"id": "Simpan", "en": "Save"},
    "roster.checked": {"id": "Hasil pemeriksaan (belum disimpan)",
                       "en": "Check result (not saved yet)"},
    "roster.saved": {"id": "Hasil penyimpanan", "en": "Save result"},
    "roster.rows": {"id": "Baris", "en": "Rows"},
    "roster.accepted": {"id": "Diterima", "en": "Accepted"},
    "roster.unchanged": {"id": "Sudah terdaftar", "en": "Already enrolled"},
    "roster.rejected": {"id": "Ditolak", "en": "Rejected"},
    "roster.warnings": {"id": "Peringatan", "en": "Warnings"},
    "roster.row": {"id": "Baris", "en": "Row"},
    "roster.field": {"id": "Kolom", "en": "Column"},
    "roster.value": {"id": "Isi sel", "en": "Cell value"},
    "roster.message": {"id": "Masalah", "en": "Problem"},
    "roster.todo": {"id": "Yang harus dilakukan", "en": "What to do"},
    "roster.report": {"id": "Unduh laporan (XLSX)", "en": "Download the report (XLSX)"},
    "roster.again": {"id": "Unggah berkas lain", "en": "Upload another file"},
    "roster.confirm": {"id": "Baris yang diterima akan disimpan sebagai peserta diusulkan.",
                       "en": "Accepted rows will be saved as proposed members."},
    "exchange.title": {"id": "Pertukaran data dengan BPJS", "en": "Exchange with BPJS"},
    "exchange.proposed": {"id": "Diusulkan", "en": "Proposed"},
    "exchange.submitted": {"id": "Terkirim", "en": "Submitted"},
    "exchange.active": {"id": "Aktif", "en": "Active"},
    "exchange.rejected": {"id": "Ditolak", "en": "Rejected"},
    "exchange.download": {"id": "Unduh berkas pengiriman", "en": "Download submission file"},
    "exchange.download_hint": {
        "id": "Peserta diusulkan masuk ke berkas dan berstatus terkirim.",
        "en": "Proposed members go into the file and become submitted."},
    "exchange.answer": {"id": "Unggah jawaban BPJS", "en": "Upload the BPJS answer"},
    "exchange.answer_file": {"id": "Berkas jawaban (kolom NIK, KPJ, Status, Keterangan)",
                             "en": "Answer file (columns NIK, KPJ, Status, Keterangan)"},
    "exchange.result": {"id": "Hasil jawaban BPJS", "en": "Result of the BPJS answer"},
    "exchange.activated": {"id": "Menjadi aktif", "en": "Activated"},
    "exchange.errors": {"id": "Galat", "en": "Errors"},
}

_clash = set(WORDS) & set(TEXTS)
if _clash:  # pragma: no cover - a programming error caught on import
    raise RuntimeError(f"kunci teks ganda: {', '.join(sorted(_clash))}")
TEXTS.update(WORDS)
