"""Words of the member list and the corrections of a worker (Bahasa Indonesia first).

The Indonesian words of end reasons and occupation groups are enrollment's (they go into the
exported workbook too); the English ones are here. Registered into the one ``t("key")``
catalogue by :mod:`lindung.web.i18n`.
"""

from __future__ import annotations

from lindung.enrollment.corrections import END_REASON_WORDS, GROUP_WORDS
from lindung.web.i18n import register

END_REASONS_EN = {"death": "death", "agreement_end": "agreement ended", "moved": "moved away",
                  "duplicate": "duplicate record", "resigned": "stopped working",
                  "lapsed": "not renewed"}
GROUPS_EN = {"community": "community", "health_cadre": "health cadres",
             "religious": "religious", "transport": "transport", "agriculture": "agriculture",
             "tobacco": "tobacco", "fisheries": "fisheries", "trade": "trade",
             "government": "government (non-ASN)", "village_government": "village government",
             "construction": "construction", "migrant": "migrant workers"}

WORDS: dict[str, dict[str, str]] = {
    **{f"workers.end_reason.{k}": {"id": v, "en": END_REASONS_EN[k]}
       for k, v in END_REASON_WORDS.items()},
    **{f"workers.group.{k}": {"id": v, "en": GROUPS_EN[k]} for k, v in GROUP_WORDS.items()},
    "workers.list_title": {"id": "Daftar peserta", "en": "Members"},
    "workers.filters": {"id": "Saring", "en": "Filter"},
    "workers.agreement": {"id": "PKS", "en": "Agreement"},
    "workers.status": {"id": "Status", "en": "Status"},
    "workers.village": {"id": "Desa/Kelurahan", "en": "Village"},
    "workers.occupation": {"id": "Pekerjaan", "en": "Occupation"},
    "workers.group": {"id": "Kelompok pekerjaan", "en": "Occupation group"},
    "workers.reason_filter": {"id": "Alasan penolakan BPJS (sebagian kata)",
                              "en": "BPJS rejection reason (part of it)"},
    "workers.any": {"id": "semua", "en": "all"},
    "workers.apply": {"id": "Terapkan saringan", "en": "Apply filters"},
    "workers.clear": {"id": "Hapus saringan", "en": "Clear filters"},
    "workers.rejected_only": {"id": "Hanya yang ditolak BPJS", "en": "Rejected by BPJS only"},
    "workers.members_found": {"id": "peserta", "en": "members"},
    "workers.export": {"id": "Unduh daftar ini (XLSX)", "en": "Download this list (XLSX)"},
    "workers.export_note": {"id": "Unduhan dicatat di log audit; NIK tersamar.",
                            "en": "Downloads are recorded in the audit log; NIKs masked."},
    "workers.select": {"id": "Pilih", "en": "Select"},
    "workers.select_member": {"id": "Pilih {name}", "en": "Select {name}"},
    "workers.bulk": {"id": "Untuk peserta yang dipilih", "en": "For the selected members"},
    "workers.resubmit": {"id": "Usulkan ulang (yang ditolak BPJS)",
                         "en": "Propose again (rejected by BPJS)"},
    "workers.resubmit_one": {"id": "Usulkan ulang", "en": "Propose again"},
    "workers.end": {"id": "Akhiri kepesertaan", "en": "End the membership"},
    "workers.end_reason": {"id": "Alasan berakhir", "en": "Reason for ending"},
    "workers.end_date": {"id": "Berakhir pada tanggal", "en": "Ends on"},
    "workers.action": {"id": "Tindakan", "en": "Action"},
    "workers.run": {"id": "Jalankan", "en": "Run"},
    "workers.done_resubmit": {"id": "{n} peserta diusulkan ulang.",
                              "en": "{n} members proposed again."},
    "workers.done_end": {"id": "{n} kepesertaan diakhiri.", "en": "{n} memberships ended."},
    "workers.done_correct": {"id": "Data pekerja dikoreksi.", "en": "Worker corrected."},
    "workers.refused": {"id": "Tidak ada yang disimpan. Peserta yang tidak dapat diproses:",
                        "en": "Nothing was saved. Members that cannot be processed:"},
    "workers.member": {"id": "Peserta", "en": "Member"},
    "workers.why": {"id": "Sebab", "en": "Why"},
    "workers.rejection_reasons": {"id": "Alasan penolakan BPJS terbanyak",
                                  "en": "Most frequent BPJS rejection reasons"},
    "workers.count": {"id": "Jumlah", "en": "Count"},
    "workers.bpjs_reason": {"id": "Alasan BPJS", "en": "BPJS reason"},
    "workers.start": {"id": "Mulai", "en": "From"},
    "workers.agency": {"id": "OPD", "en": "Agency"},
    "workers.correct": {"id": "Koreksi data pekerja", "en": "Correct the worker's data"},
    "workers.correct_hint": {
        "id": "NIK dan tanggal lahir mengikuti data kependudukan dan tidak dikoreksi di sini.",
        "en": "The NIK and birth date follow the civil registry and are not corrected here."},
    "workers.address": {"id": "Alamat", "en": "Address"},
    "workers.phone": {"id": "Nomor telepon", "en": "Phone number"},
    "workers.occupation_in": {"id": "Pekerjaan pada PKS {code}", "en": "Occupation under {code}"},
    "workers.reason": {"id": "Alasan koreksi (boleh kosong)", "en": "Reason (optional)"},
    "workers.save": {"id": "Simpan koreksi", "en": "Save the correction"},
    "workers.not_in_list": {"id": "(di luar daftar)", "en": "(not in the list)"},
    "workers.name_filter": {"id": "Nama (awal kata)", "en": "Name (start of a word)"},
    "workers.none_found": {"id": "Tidak ada peserta dengan saringan ini.",
                           "en": "No member matches these filters."},
}

register(WORDS, __name__)
