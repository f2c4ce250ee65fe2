"""Words of the pages that used to carry them inline (settings, audit log, counter, card
check, workers), moved into the one ``t("key")`` catalogue. Keys are prefixed by the page
(``pengaturan.``, ``log_audit.``, ``loket.``, ``kartu.``, ``pekerja.``) so they cannot clash
with an area's own words module."""

from __future__ import annotations

from lindung.web.i18n import register

WORDS: dict[str, dict[str, str]] = {
    "pengaturan.occupations": {"id": "Pekerjaan", "en": "Occupations"},
    "pengaturan.code": {"id": "Kode", "en": "Code"},
    "pengaturan.name": {"id": "Nama", "en": "Name"},
    "pengaturan.group": {"id": "Kelompok", "en": "Group"},
    "pengaturan.segment": {"id": "Segmen", "en": "Segment"},
    "pengaturan.jkk_risk_class": {"id": "Kelas risiko JKK", "en": "JKK risk class"},
    "pengaturan.aliases": {"id": "Nama lain", "en": "Aliases"},
    "pengaturan.added": {"id": "tambahan", "en": "added"},
    "pengaturan.showing": {"id": "Menampilkan", "en": "Showing"},
    "pengaturan.add_occupation": {"id": "Tambah pekerjaan", "en": "Add an occupation"},
    "pengaturan.jkk_risk_class_1": {
        "id": "Kelas risiko JKK (1-5, boleh kosong)",
        "en": "JKK risk class (1-5, optional)"},
    "pengaturan.aliases_comma_separated": {
        "id": "Nama lain, dipisah koma",
        "en": "Aliases, comma separated"},
    "pengaturan.funding_sources": {"id": "Sumber dana", "en": "Funding sources"},
    "pengaturan.constraints": {"id": "Batasan", "en": "Constraints"},
    "pengaturan.legal_basis": {"id": "Dasar hukum", "en": "Legal basis"},
    "pengaturan.only_occupation_groups": {
        "id": "hanya kelompok pekerjaan",
        "en": "only occupation groups"},
    "pengaturan.only_residents_agreement_s": {
        "id": "hanya warga desa PKS",
        "en": "only residents of the agreement's village"},
    "pengaturan.api_tokens": {"id": "Token API", "en": "API tokens"},
    "pengaturan.prefix": {"id": "Awalan", "en": "Prefix"},
    "pengaturan.organisation": {"id": "Organisasi", "en": "Organisation"},
    "pengaturan.permissions": {"id": "Izin", "en": "Permissions"},
    "pengaturan.created": {"id": "Dibuat", "en": "Created"},
    "pengaturan.revoked": {"id": "Dicabut", "en": "Revoked"},
    "pengaturan.revoke": {"id": "Cabut", "en": "Revoke"},
    "pengaturan.create_token": {"id": "Buat token", "en": "Create a token"},
    "pengaturan.name_system_that_uses": {
        "id": "Nama (sistem yang memakainya)",
        "en": "Name (the system that uses it)"},
    "pengaturan.create_token_2": {"id": "Buat token", "en": "Create token"},
    "pengaturan.token_created": {"id": "Token dibuat", "en": "Token created"},
    "pengaturan.copy_token_now_shown": {
        "id": "Salin token ini sekarang. Token hanya ditampilkan sekali ini; lindung menyimpan "
              "sidik (hash)-nya saja.",
        "en": "Copy this token now. It is shown only this once; lindung keeps only its hash."},
    "pengaturan.send_every_request": {
        "id": "Pakai di setiap permintaan",
        "en": "Send with every request"},
    "log_audit.action": {"id": "Tindakan", "en": "Action"},
    "log_audit.all": {"id": "semua", "en": "all"},
    "log_audit.actor_part_name": {"id": "Pelaku (sebagian nama)", "en": "Actor (part of the name)"},
    "log_audit.from": {"id": "Dari tanggal", "en": "From"},
    "log_audit.until": {"id": "Sampai tanggal", "en": "Until"},
    "log_audit.filter": {"id": "Saring", "en": "Filter"},
    "log_audit.events": {"id": "kejadian", "en": "events"},
    "log_audit.time_utc": {"id": "Waktu", "en": "Time"},
    "log_audit.actor": {"id": "Pelaku", "en": "Actor"},
    "log_audit.record": {"id": "Data", "en": "Record"},
    "log_audit.before": {"id": "Sebelum", "en": "Before"},
    "log_audit.after": {"id": "Sesudah", "en": "After"},
    "log_audit.detail": {"id": "Keterangan", "en": "Detail"},
    "log_audit.pages": {"id": "halaman", "en": "pages"},
    "log_audit.previous": {"id": "Sebelumnya", "en": "Previous"},
    "log_audit.page": {"id": "Halaman", "en": "Page"},
    "log_audit.next": {"id": "Berikutnya", "en": "Next"},
    "loket.counter": {"id": "Loket", "en": "Counter"},
    "loket.check_coverage": {"id": "Cek kepesertaan", "en": "Check coverage"},
    "loket.nik_16_digits_from": {
        "id": "NIK (16 angka, dari KTP)",
        "en": "NIK (16 digits, from the ID card)"},
    "loket.check": {"id": "Cek", "en": "Check"},
    "loket.already_covered": {"id": "Sudah terlindungi", "en": "Already covered"},
    "loket.until": {"id": "sampai", "en": "until"},
    "loket.no_need_enrol_again": {
        "id": "Tidak perlu didaftarkan lagi.",
        "en": "No need to enrol again."},
    "loket.not_covered_enrol_below": {
        "id": "Belum terlindungi. Daftarkan di bawah.",
        "en": "Not covered. Enrol below."},
    "loket.enrol_driver": {"id": "Daftarkan pengemudi", "en": "Enrol the driver"},
    "loket.name_as_id_card": {"id": "Nama sesuai KTP", "en": "Name as on the ID card"},
    "loket.date_birth": {"id": "Tanggal lahir", "en": "Date of birth"},
    "loket.sex": {"id": "Jenis kelamin", "en": "Sex"},
    "loket.male": {"id": "Laki-laki", "en": "Male"},
    "loket.female": {"id": "Perempuan", "en": "Female"},
    "loket.mobile_number_optional": {
        "id": "Nomor HP (boleh kosong)",
        "en": "Mobile number (optional)"},
    "loket.occupation": {"id": "Pekerjaan", "en": "Occupation"},
    "loket.monthly_income_rp": {"id": "Penghasilan per bulan (Rp)", "en": "Monthly income (Rp)"},
    "loket.months_paid": {"id": "Lama pembayaran", "en": "Months paid"},
    "loket.months": {"id": "bulan", "en": "months"},
    "loket.paid": {"id": "Iuran dibayar oleh", "en": "Paid by"},
    "loket.driver_self_paid": {"id": "Sopir sendiri (mandiri)", "en": "The driver (self-paid)"},
    "loket.regional_budget_apbd": {"id": "APBD Pemda", "en": "Regional budget (APBD)"},
    "loket.enrol": {"id": "Daftarkan", "en": "Enrol"},
    "loket.enrolled": {"id": "Terdaftar", "en": "Enrolled"},
    "loket.renewal": {"id": "perpanjangan", "en": "renewal"},
    "loket.name": {"id": "Nama", "en": "Name"},
    "loket.membership_number": {"id": "Nomor kepesertaan", "en": "Membership number"},
    "loket.valid": {"id": "Berlaku", "en": "Valid"},
    "loket.contribution": {"id": "Iuran", "en": "Contribution"},
    "loket.paid_apbd_not_driver": {
        "id": "dibayar APBD, bukan oleh sopir",
        "en": "paid by the APBD, not by the driver"},
    "loket.print_card": {"id": "Cetak kartu", "en": "Print the card"},
    "loket.next_driver": {"id": "Pengemudi berikutnya", "en": "Next driver"},
    "kartu.card_check": {"id": "Verifikasi kartu", "en": "Card check"},
    "kartu.membership_card_check": {
        "id": "Verifikasi kartu peserta",
        "en": "Membership card check"},
    "kartu.card_valid": {"id": "Kartu SAH.", "en": "The card is VALID."},
    "kartu.valid_until": {"id": "Berlaku sampai", "en": "Valid until"},
    "kartu.card_not_valid_unknown": {
        "id": "Kartu TIDAK BERLAKU atau tidak dikenal.",
        "en": "The card is NOT VALID or unknown."},
    "pekerja.born": {"id": "Tanggal lahir", "en": "Born"},
    "pekerja.sex": {"id": "Jenis kelamin", "en": "Sex"},
    "pekerja.male": {"id": "Laki-laki", "en": "Male"},
    "pekerja.female": {"id": "Perempuan", "en": "Female"},
    "pekerja.village": {"id": "Desa/Kelurahan", "en": "Village"},
    "pekerja.memberships": {"id": "Kepesertaan", "en": "Memberships"},
    "pekerja.programmes": {"id": "Program", "en": "Programmes"},
    "pekerja.from": {"id": "Mulai", "en": "From"},
    "pekerja.until": {"id": "Berakhir", "en": "Until"},
    "pekerja.funding": {"id": "Sumber dana", "en": "Funding"},
    "pekerja.occupation": {"id": "Pekerjaan", "en": "Occupation"},
    "pekerja.declared_income": {"id": "Penghasilan yang dilaporkan", "en": "Declared income"},
    "pekerja.wage": {"id": "Upah", "en": "Wage"},
    "pekerja.changes_income_wage": {
        "id": "Perubahan penghasilan atau upah",
        "en": "Changes of income or wage"},
    "pekerja.from_2": {"id": "Berlaku mulai", "en": "From"},
    "pekerja.income": {"id": "Penghasilan", "en": "Income"},
    "pekerja.reason": {"id": "Alasan", "en": "Reason"},
    "pekerja.by": {"id": "Oleh", "en": "By"},
    "pekerja.history": {"id": "Riwayat", "en": "History"},
    "pekerja.time_utc": {"id": "Waktu", "en": "Time"},
    "pekerja.from_3": {"id": "Dari", "en": "From"},
    "pekerja.to": {"id": "Menjadi", "en": "To"},
    "pekerja.find_worker": {"id": "Cari pekerja", "en": "Find a worker"},
    "pekerja.name": {"id": "Nama", "en": "Name"},
    "pekerja.type_name_not_nik": {
        "id": "ketik nama, bukan NIK; untuk NIK pakai formulir Cari menurut NIK",
        "en": "type a name, not a NIK; for a NIK use the Find by NIK form"},
    "pekerja.start_name_e_g": {
        "id": "awal kata nama, mis. siti amin",
        "en": "start of a name, e.g. siti amin"},
    "pekerja.search": {"id": "Cari", "en": "Search"},
    "pekerja.find_nik": {"id": "Cari menurut NIK", "en": "Find by NIK"},
    "pekerja.searches_nik_are_recorded": {
        "id": "Pencarian menurut NIK dicatat di log audit.",
        "en": "Searches by NIK are recorded in the audit log."},
    "pekerja.no_worker_that_nik": {
        "id": "Tidak ada pekerja dengan NIK itu di wilayah kewenangan Anda. Periksa NIK di "
              "KTP/KK.",
        "en": "No worker with that NIK within your scope. Check the NIK on the ID card."},
    "pekerja.workers_found": {"id": "pekerja ditemukan", "en": "workers found"},
    "pekerja.pages": {"id": "halaman", "en": "pages"},
    "pekerja.previous": {"id": "Sebelumnya", "en": "Previous"},
    "pekerja.page": {"id": "Halaman", "en": "Page"},
    "pekerja.next": {"id": "Berikutnya", "en": "Next"},
}

register(WORDS, __name__)
