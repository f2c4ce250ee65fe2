"""Words of the roster upload page's additions: the template, the occupation list, the
retention of uploaded files (Bahasa Indonesia first; see ``texts_enrolment``)."""

from __future__ import annotations

from lindung.web.i18n import register

WORDS: dict[str, dict[str, str]] = {
    "roster.template": {"id": "Unduh templat daftar peserta (XLSX)",
                        "en": "Download the roster template (XLSX)"},
    "roster.template_hint": {
        "id": "Templat berisi kolom yang dibaca lindung, NIK sebagai teks, contoh pengisian, "
              "daftar pekerjaan dan daftar desa wilayah PKS.",
        "en": "The template holds the columns lindung reads, NIK as text, an example, the "
              "occupations and the villages of the agreement's region."},
    "roster.occupations": {"id": "Daftar pekerjaan", "en": "Occupations"},
    "roster.occupations_hint": {
        "id": "Tulis pekerjaan seperti di daftar ini. Pekerjaan lain tetap diterima apa adanya, "
              "dengan peringatan dan kelas risiko JKK bawaan.",
        "en": "Write occupations as listed here. Others are kept as written, with a warning "
              "and the default JKK risk class."},
    "roster.occupation": {"id": "Pekerjaan", "en": "Occupation"},
    "roster.risk_class": {"id": "Kelas risiko JKK", "en": "JKK risk class"},
    "roster.retention": {"id": "Masa simpan berkas unggahan", "en": "Retention of uploaded files"},
    "roster.retention_hint": {
        "id": "Berkas unggahan berisi NIK lengkap. Berkas dihapus setelah impor disimpan, atau "
              "setelah masa simpan ini lewat.",
        "en": "Uploaded files hold full NIKs. A file is deleted once its import is saved, or "
              "when this period has passed."},
    "roster.retention_days": {"id": "Hari", "en": "Days"},
    "roster.retention_save": {"id": "Simpan masa simpan", "en": "Save retention"},
    "roster.retention_saved": {"id": "Masa simpan berkas unggahan disimpan.",
                               "en": "Retention saved."},
    "roster.stored_files": {"id": "Berkas unggahan tersimpan", "en": "Uploaded files kept"},
    "roster.file_deleted": {"id": "Berkas unggahan sudah dihapus dari server.",
                            "en": "The uploaded file has been deleted from the server."},
}

register(WORDS, __name__)
