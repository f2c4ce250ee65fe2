"""Words of the labels of codes (segments, programmes, occupation groups, funding sources,
roles, permissions, the legal-basis wording), read by :mod:`lindung.web.labels`. Every key starts
with ``label.`` so it cannot clash with an area's page words."""

from __future__ import annotations

from lindung.web.i18n import register

WORDS: dict[str, dict[str, str]] = {
    # segments
    "label.segment.pu": {"id": "PU (penerima upah)", "en": "PU (wage earners)"},
    "label.segment.bpu": {"id": "BPU (bukan penerima upah)", "en": "BPU (non-wage earners)"},
    "label.segment.jakon": {"id": "Jakon (jasa konstruksi)", "en": "Jakon (construction work)"},
    "label.segment.pmi": {"id": "PMI (pekerja migran Indonesia)",
                          "en": "PMI (Indonesian migrant workers)"},
    # programmes
    "label.programme.jkk": {"id": "JKK (Jaminan Kecelakaan Kerja)",
                            "en": "JKK (work accident insurance)"},
    "label.programme.jkm": {"id": "JKM (Jaminan Kematian)", "en": "JKM (death insurance)"},
    "label.programme.jht": {"id": "JHT (Jaminan Hari Tua)", "en": "JHT (old-age savings)"},
    "label.programme.jp": {"id": "JP (Jaminan Pensiun)", "en": "JP (pension)"},
    "label.programme.jkp": {"id": "JKP (Jaminan Kehilangan Pekerjaan)",
                            "en": "JKP (job loss insurance)"},
    # amount lines of a contribution (lindung.formatting.AMOUNT_LABELS in Indonesian)
    "label.line.jkk": {"id": "JKK", "en": "JKK"},
    "label.line.jkm": {"id": "JKM", "en": "JKM"},
    "label.line.jht": {"id": "JHT", "en": "JHT"},
    "label.line.jht_employer": {"id": "JHT, pemberi kerja", "en": "JHT, employer"},
    "label.line.jht_worker": {"id": "JHT, pekerja", "en": "JHT, worker"},
    "label.line.jp_employer": {"id": "JP, pemberi kerja", "en": "JP, employer"},
    "label.line.jp_worker": {"id": "JP, pekerja", "en": "JP, worker"},
    "label.line.jkp": {"id": "JKP, dibayar Pemerintah Pusat",
                       "en": "JKP, paid by the central government"},
    "label.line.jkk_jkm_pre_placement": {"id": "JKK + JKM sebelum penempatan",
                                         "en": "JKK + JKM before placement"},
    "label.line.jkk_jkm_placement": {"id": "JKK + JKM masa penempatan",
                                     "en": "JKK + JKM during placement"},
    # who did something (the audit log's actor: user:NAME, token:NAME, system:...)
    "label.actor.system": {"id": "sistem ({name})", "en": "system ({name})"},
    "label.actor.token": {"id": "token API {name}", "en": "API token {name}"},
    # occupation groups (registry/data/occupations.yaml)
    "label.group.community": {"id": "Kemasyarakatan", "en": "Community"},
    "label.group.health_cadre": {"id": "Kader kesehatan", "en": "Health cadres"},
    "label.group.religious": {"id": "Keagamaan", "en": "Religious workers"},
    "label.group.transport": {"id": "Transportasi", "en": "Transport"},
    "label.group.agriculture": {"id": "Pertanian dan peternakan", "en": "Farming"},
    "label.group.tobacco": {"id": "Tembakau", "en": "Tobacco"},
    "label.group.fisheries": {"id": "Perikanan", "en": "Fisheries"},
    "label.group.trade": {"id": "Perdagangan", "en": "Trade"},
    "label.group.government": {"id": "Pemerintahan (non-ASN)",
                               "en": "Government (non-civil-servant)"},
    "label.group.village_government": {"id": "Pemerintahan desa", "en": "Village government"},
    "label.group.construction": {"id": "Jasa konstruksi", "en": "Construction"},
    "label.group.migrant": {"id": "Pekerja migran", "en": "Migrant workers"},
    "label.group.other": {"id": "Lainnya", "en": "Other"},
    # funding sources (agreements/data/funding_sources.yaml); Indonesian names are in the table
    "label.funding.apbd": {"id": "APBD (anggaran pendapatan dan belanja daerah)",
                           "en": "APBD (regional budget)"},
    "label.funding.apbdes": {"id": "APBDes / Dana Desa", "en": "APBDes (village budget and funds)"},
    "label.funding.dbhcht": {"id": "DBHCHT (dana bagi hasil cukai hasil tembakau)",
                             "en": "DBHCHT (tobacco excise revenue share)"},
    "label.funding.apbn": {"id": "APBN (anggaran pendapatan dan belanja negara)",
                           "en": "APBN (state budget)"},
    "label.funding.csr": {"id": "CSR (tanggung jawab sosial perusahaan)",
                          "en": "CSR (company social responsibility funds)"},
    "label.funding.self": {"id": "Mandiri (dibayar sendiri)", "en": "Self-paid"},
    "label.funding_about.apbd": {"id": "Anggaran provinsi, kabupaten atau kota",
                                 "en": "Budget of a province, regency or city"},
    "label.funding_about.apbdes": {
        "id": "Anggaran desa, termasuk Dana Desa; hanya untuk warga desa itu sendiri",
        "en": "Village budget, including village funds; only for that village's own people"},
    "label.funding_about.dbhcht": {
        "id": "Bagi hasil cukai tembakau; hanya untuk petani tembakau dan buruh pabrik rokok",
        "en": "Tobacco-excise revenue share; only for tobacco farmers and cigarette workers"},
    "label.funding_about.apbn": {"id": "Anggaran negara", "en": "State budget"},
    "label.funding_about.csr": {"id": "Dana tanggung jawab sosial perusahaan",
                                "en": "A company's social responsibility funds"},
    "label.funding_about.self": {"id": "Dibayar oleh pekerja sendiri", "en": "Paid by the worker"},
    # roles (lindung.principal.ROLE_LABELS holds the Indonesian words too)
    "label.role.pemda_admin": {"id": "Admin Pemda", "en": "Pemda administrator"},
    "label.role.opd_operator": {"id": "Operator OPD", "en": "OPD operator"},
    "label.role.village_operator": {"id": "Operator Desa", "en": "Village operator"},
    "label.role.bpjs_officer": {"id": "Petugas BPJS Cabang", "en": "BPJS branch officer"},
    "label.role.counter_officer": {"id": "Petugas Loket", "en": "Counter officer"},
    "label.role.auditor": {"id": "Auditor", "en": "Auditor"},
    "label.role.api_client": {"id": "Klien API", "en": "API client"},
    "label.role.system": {"id": "Sistem", "en": "System"},
    # permissions, in English (Indonesian: lindung.principal.PERMISSION_LABELS)
    "label.permission.agreements.read": {"id": "melihat PKS", "en": "view agreements"},
    "label.permission.agreements.write": {"id": "mencatat dan mengubah PKS",
                                          "en": "record and amend agreements"},
    "label.permission.roster.import": {"id": "mengunggah daftar peserta",
                                       "en": "upload rosters"},
    "label.permission.workers.read": {"id": "melihat data pekerja", "en": "view workers"},
    "label.permission.exchange.export": {"id": "mengirim data pendaftaran ke BPJS",
                                         "en": "send enrolments to BPJS"},
    "label.permission.exchange.answer": {"id": "mencatat jawaban BPJS",
                                         "en": "record the BPJS answer"},
    "label.permission.occupations.write": {"id": "menambah pekerjaan",
                                           "en": "add occupations"},
    "label.permission.tokens.manage": {"id": "mengelola token API", "en": "manage API tokens"},
    "label.permission.audit.read": {"id": "membaca log audit", "en": "read the audit log"},
    "label.permission.coverage.check": {"id": "memeriksa kepesertaan", "en": "check coverage"},
    "label.permission.counter.enrol": {"id": "mendaftarkan di loket",
                                       "en": "enrol at the counter"},
    "label.permission.reference.read": {"id": "melihat data rujukan",
                                        "en": "view reference data"},
    "label.permission.accounts.manage": {"id": "mengelola akun pengguna",
                                         "en": "manage user accounts"},
    # the terms of an agreement, as an amendment changes them (lindung.agreements.terms)
    "label.term.programs": {"id": "Program", "en": "Programmes"},
    "label.term.funded_by": {"id": "Sumber dana", "en": "Funding source"},
    "label.term.income": {"id": "Penghasilan BPU", "en": "BPU declared income"},
    "label.term.wage": {"id": "Upah PU", "en": "PU wage"},
    "label.term.risk_class": {"id": "Kelas risiko JKK", "en": "JKK risk class"},
    "label.term.contract_months": {"id": "Lama kontrak (bulan)", "en": "Contract (months)"},
    "label.term.quota": {"id": "Kuota", "en": "Quota"},
    "label.term.budget": {"id": "Pagu anggaran", "en": "Budget ceiling"},
    "label.term.payer": {"id": "Pembayar", "en": "Payer"},
    "label.term.start": {"id": "Tanggal mulai", "en": "Start date"},
    "label.term.end": {"id": "Tanggal akhir", "en": "End date"},
    "label.term.start_rule": {"id": "Mulai kepesertaan", "en": "Membership starts"},
    "label.term.number": {"id": "Nomor PKS", "en": "Agreement number"},
    "label.term.title": {"id": "Judul", "en": "Title"},
    "label.term.phases": {"id": "Tahap", "en": "Phases"},
    "label.term.segment": {"id": "Segmen", "en": "Segment"},
    "label.phase": {"id": "tahap {number} mulai {start}, kuota {quota}",
                    "en": "phase {number} from {start}, quota {quota}"},
    "label.start_rule.usulan": {"id": "sejak diusulkan, tidak sebelum tahap dimulai",
                                "en": "from the day proposed, not before the phase starts"},
    "label.start_rule.tahap": {"id": "sejak tahap dimulai", "en": "from the start of the phase"},
    "label.stale": {
        "id": "{name} terakhir diperiksa {reviewed}, lebih dari 12 bulan sebelum {month}: "
              "periksa apakah peraturannya sudah berubah.",
        "en": "{name} was last reviewed on {reviewed}, more than 12 months before {month}: "
              "check that the law has not changed."},
    # sex
    "label.sex.L": {"id": "Laki-laki", "en": "Male"},
    "label.sex.P": {"id": "Perempuan", "en": "Female"},
    # legal basis and confidence of a parameter value (lindung.rules)
    "label.confidence.confirmed": {"id": "terkonfirmasi", "en": "confirmed"},
    "label.confidence.single-source": {"id": "satu sumber", "en": "single source"},
    "label.confidence.derived": {"id": "diturunkan", "en": "derived"},
    "label.confidence.unconfirmed": {"id": "belum terkonfirmasi", "en": "not confirmed"},
    "label.confidence_about.single-source": {
        "id": "Nilai ini baru ditemukan di satu sumber; belum dicocokkan dengan sumber kedua.",
        "en": "This value was found in one source only; not yet checked against a second."},
    "label.confidence_about.derived": {
        "id": "Nilai ini dihitung dari aturan lain, tidak tertulis langsung di peraturan.",
        "en": "This value is worked out from other rules, not written in the regulation."},
    "label.confidence_about.unconfirmed": {
        "id": "Nilai ini belum dapat dicocokkan dengan naskah peraturannya; mungkin sudah "
              "diganti peraturan yang lebih baru. Hasilnya dipakai, tetapi periksa dengan "
              "BPJS Ketenagakerjaan sebelum dijadikan dasar keputusan.",
        "en": "This value could not be checked against the text of the regulation; a newer "
              "regulation may have replaced it. It is used, but check with BPJS "
              "Ketenagakerjaan before relying on it."},
}

register(WORDS, __name__)
