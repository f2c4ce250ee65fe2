"""Words of the account pages: managing users and organisations, one-time codes, one's own
password, token rotation (Bahasa Indonesia first). Keys start with ``akun.``."""

from __future__ import annotations

from lindung.web.i18n import register

WORDS: dict[str, dict[str, str]] = {
    "akun.title": {"id": "Akun dan organisasi", "en": "Accounts and organisations"},
    "akun.link": {"id": "Kelola akun pengguna dan organisasi",
                  "en": "Manage user accounts and organisations"},
    "akun.users": {"id": "Pengguna", "en": "Users"},
    "akun.username": {"id": "Nama pengguna", "en": "Username"},
    "akun.username_hint": {"id": "huruf kecil, angka, titik, - atau _; mis. desa.yosodadi",
                           "en": "lowercase letters, digits, dot, - or _; e.g. desa.yosodadi"},
    "akun.display_name": {"id": "Nama lengkap", "en": "Full name"},
    "akun.role": {"id": "Peran", "en": "Role"},
    "akun.organisation": {"id": "Organisasi", "en": "Organisation"},
    "akun.status": {"id": "Status", "en": "Status"},
    "akun.active": {"id": "aktif", "en": "active"},
    "akun.inactive": {"id": "nonaktif", "en": "inactive"},
    "akun.waiting_code": {"id": "menunggu masuk dengan kode, berlaku sampai",
                          "en": "waiting to sign in with a code, valid until"},
    "akun.no_password": {"id": "belum punya kata sandi", "en": "no password yet"},
    "akun.reset": {"id": "Atur ulang kata sandi", "en": "Reset password"},
    "akun.deactivate": {"id": "Nonaktifkan", "en": "Deactivate"},
    "akun.create_user": {"id": "Tambah pengguna", "en": "Add a user"},
    "akun.create_user_hint": {
        "id": "Anda tidak memilih kata sandinya: setelah disimpan, lindung menampilkan kode "
              "masuk sekali pakai untuk diserahkan langsung kepada orangnya.",
        "en": "You do not choose the password: once saved, lindung shows a one-time sign-in "
              "code to hand to the person directly."},
    "akun.organisations": {"id": "Organisasi", "en": "Organisations"},
    "akun.code": {"id": "Kode", "en": "Code"},
    "akun.name": {"id": "Nama", "en": "Name"},
    "akun.kind": {"id": "Jenis", "en": "Kind"},
    "akun.region": {"id": "Kode wilayah (Kemendagri)", "en": "Region code (Kemendagri)"},
    "akun.region_hint": {"id": "kosong = wilayah Pemda; desa/kelurahan: kode desanya, "
                               "mis. 18.72.01.1001",
                         "en": "empty = the Pemda's region; a village: its own code, "
                               "e.g. 18.72.01.1001"},
    "akun.parent": {"id": "Di bawah", "en": "Under"},
    "akun.create_organisation": {"id": "Tambah organisasi", "en": "Add an organisation"},
    "akun.deactivate_org_hint": {
        "id": "Menonaktifkan organisasi juga menonaktifkan organisasi di bawahnya; penggunanya "
              "tidak dapat masuk dan tokennya berhenti.",
        "en": "Deactivating an organisation also deactivates those under it; their users "
              "cannot sign in and their tokens stop."},
    "akun.code_title": {"id": "Kode masuk sekali pakai", "en": "One-time sign-in code"},
    "akun.code_for": {"id": "Untuk pengguna", "en": "For user"},
    "akun.code_valid_until": {"id": "Berlaku sampai", "en": "Valid until"},
    "akun.code_once": {
        "id": "Kode ini hanya ditampilkan sekali ini dan tidak dikirim lewat surel. Serahkan "
              "langsung atau bacakan lewat telepon kepada orangnya. Kode berlaku untuk satu "
              "kali masuk; setelah itu ia harus memilih kata sandinya sendiri.",
        "en": "This code is shown only this once and is not e-mailed. Hand it over in person "
              "or read it out on the phone. It is good for one sign-in; the person must then "
              "choose their own password."},
    "akun.code_how": {
        "id": "Cara memakai: buka halaman Masuk, ketik nama pengguna, lalu ketik kode ini di "
              "kolom kata sandi.",
        "en": "How to use it: open the sign-in page, type the username, then type this code in "
              "the password field."},
    "akun.back": {"id": "Kembali ke daftar akun", "en": "Back to the accounts"},
    "akun.my_password": {"id": "Ganti kata sandi", "en": "Change password"},
    "akun.current_password": {"id": "Kata sandi sekarang", "en": "Current password"},
    "akun.new_password": {"id": "Kata sandi baru", "en": "New password"},
    "akun.new_password_again": {"id": "Ulangi kata sandi baru", "en": "New password again"},
    "akun.password_rules": {
        "id": "Paling sedikit 15 karakter. Tidak perlu huruf besar, angka atau simbol: "
              "kalimat pendek yang mudah Anda ingat, mis. tiga atau empat kata, sudah cukup. "
              "Kata sandi yang terlalu umum atau pernah bocor ditolak.",
        "en": "At least 15 characters. No capitals, digits or symbols needed: a short "
              "sentence you remember easily, e.g. three or four words, is enough. Passwords "
              "that are too common or have leaked are refused."},
    "akun.password_changed": {"id": "Kata sandi sudah diganti. Sesi lain akun ini diakhiri.",
                              "en": "Password changed. Other sessions of this account ended."},
    "akun.mismatch": {"id": "kedua kata sandi baru tidak sama", "en": "the two new passwords "
                                                                     "differ"},
    "akun.choose_title": {"id": "Pilih kata sandi baru", "en": "Choose a new password"},
    "akun.choose_intro": {
        "id": "Anda masuk dengan kode sekali pakai. Pilih kata sandi Anda sendiri sekarang; "
              "kode tidak dapat dipakai lagi.",
        "en": "You signed in with a one-time code. Choose your own password now; the code "
              "cannot be used again."},
    "akun.signin_code_hint": {
        "id": "Mendapat kode sekali pakai dari admin? Ketik kode itu di kolom kata sandi.",
        "en": "Got a one-time code from your admin? Type it in the password field."},
    "akun.rotate": {"id": "Ganti rahasia", "en": "Rotate"},
    "akun.overlap": {"id": "Token lama tetap berlaku (menit)", "en": "Old token stays valid "
                                                                     "(minutes)"},
    "akun.valid_until": {"id": "berlaku sampai", "en": "valid until"},
    "akun.rotated_note": {
        "id": "Token lama tetap berlaku sampai waktu yang tertera di daftar token, lalu "
              "berhenti. Pasang token baru ini di sistem loket sebelum itu.",
        "en": "The old token keeps working until the time shown in the token list, then stops. "
              "Install this new token in the desk system before then."},
    "akun.role.pemda_admin": {"id": "Admin Pemda", "en": "Pemda admin"},
    "akun.role.opd_operator": {"id": "Operator OPD", "en": "OPD operator"},
    "akun.role.village_operator": {"id": "Operator Desa", "en": "Village operator"},
    "akun.role.bpjs_officer": {"id": "Petugas BPJS Cabang", "en": "BPJS branch officer"},
    "akun.role.counter_officer": {"id": "Petugas Loket", "en": "Counter officer"},
    "akun.role.auditor": {"id": "Auditor", "en": "Auditor"},
    "akun.kind.pemda": {"id": "Pemda", "en": "Regional government (Pemda)"},
    "akun.kind.opd": {"id": "OPD", "en": "Agency (OPD)"},
    "akun.kind.village": {"id": "Desa/Kelurahan", "en": "Village"},
    "akun.kind.bpjs_branch": {"id": "Kantor Cabang BPJS", "en": "BPJS branch office"},
    "akun.kind.counter": {"id": "Loket layanan", "en": "Service counter"},
    "akun.kind.donor": {"id": "Donatur (CSR)", "en": "Donor (CSR)"},
}

register(WORDS, __name__)
