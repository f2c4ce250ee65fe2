"""Words of the honest counter: the receipt, the sending to BPJS, the card with the KPJ, and the
public card check (Bahasa Indonesia first). Keys start with ``counter.``; the older counter
words are ``loket.`` and ``kartu.`` in ``texts_shared``."""

from __future__ import annotations

from lindung.web.i18n import register

WORDS: dict[str, dict[str, str]] = {
    "counter.pending": {
        "id": "Belum terlindungi: pendaftaran menunggu konfirmasi BPJS.",
        "en": "Not covered yet: the enrolment is waiting for confirmation by BPJS."},
    "counter.registered": {"id": "Terdaftar, menunggu konfirmasi BPJS",
                           "en": "Registered, waiting for confirmation by BPJS"},
    "counter.receipt_number": {"id": "Nomor bukti pendaftaran", "en": "Receipt number"},
    "counter.period": {"id": "Masa iuran", "en": "Contribution period"},
    "counter.until": {"id": "s.d.", "en": "to"},
    "counter.paid": {"id": "Dibayar", "en": "Paid"},
    "counter.paid_by_apbd": {"id": "Ditanggung APBD", "en": "Paid by the APBD"},
    "counter.status": {"id": "Status", "en": "Status"},
    "counter.status_proposed": {"id": "menunggu dikirim ke BPJS",
                                "en": "waiting to be sent to BPJS"},
    "counter.status_submitted": {"id": "terkirim, menunggu jawaban BPJS",
                                 "en": "sent, waiting for the answer of BPJS"},
    "counter.status_active": {"id": "dikonfirmasi BPJS", "en": "confirmed by BPJS"},
    "counter.status_rejected": {"id": "ditolak BPJS", "en": "rejected by BPJS"},
    "counter.status_ended": {"id": "berakhir", "en": "ended"},
    "counter.kpj": {"id": "Nomor KPJ", "en": "KPJ number"},
    "counter.reason": {"id": "Alasan", "en": "Reason"},
    "counter.not_yet_covered": {
        "id": "Perlindungan dimulai setelah BPJS mengonfirmasi kepesertaan dan memberi nomor "
              "KPJ. Serahkan bukti pendaftaran kepada pengemudi.",
        "en": "Coverage starts when BPJS confirms the membership and gives a KPJ number. Hand "
              "the registration receipt to the driver."},
    "counter.print_receipt": {"id": "Cetak bukti pendaftaran", "en": "Print the receipt"},
    "counter.send": {"id": "Kirim ke BPJS", "en": "Send to BPJS"},
    "counter.send_hint": {
        "id": "Kantor cabang BPJS menjawab seketika lewat API: kirim sekarang, lalu cetak kartu.",
        "en": "The BPJS branch answers at once through its API: send now, then print the "
              "card."},
    "counter.file_hint": {
        "id": "Kantor cabang BPJS PKS ini bertukar berkas: pendaftaran ikut berkas pengiriman "
              "Pemda berikutnya; kartu dicetak di loket setelah jawaban BPJS diunggah.",
        "en": "This agreement's BPJS branch exchanges files: the enrolment goes in the Pemda's "
              "next submission file; the card is printed at the counter once the answer of "
              "BPJS is uploaded."},
    "counter.accepted": {"id": "Diterima BPJS. Cetak kartu KIR dan kartu BPJS sekarang.",
                         "en": "Accepted by BPJS. Print the KIR card and the BPJS card now."},
    "counter.rejected": {"id": "Ditolak BPJS", "en": "Rejected by BPJS"},
    "counter.print_card": {"id": "Cetak kartu peserta BPJS", "en": "Print the BPJS card"},
    "counter.open_receipt": {"id": "Buka bukti pendaftaran", "en": "Open a receipt"},
    "counter.open": {"id": "Buka", "en": "Open"},
    "counter.sent_error": {"id": "Belum terkirim", "en": "Not sent"},
    "counter.exchange_send_api": {"id": "Kirim lewat API BPJS", "en": "Send through the BPJS API"},
    "counter.exchange_fetch_api": {"id": "Ambil jawaban BPJS", "en": "Fetch the BPJS answers"},
    "counter.exchange_via_api": {"id": "API mitra kantor cabang BPJS",
                                 "en": "the BPJS branch's partner API"},
    "counter.exchange_api_hint": {
        "id": "Cabang yang memakai API menjawab seketika: peserta diusulkan dikirim dan "
              "jawabannya (KPJ atau alasan penolakan) langsung dicatat.",
        "en": "A branch with an API answers at once: proposed members are sent and the "
              "answers (KPJ or reason for refusal) recorded straight away."},
    "counter.verify_holder": {"id": "Nama pemegang", "en": "Holder"},
    "counter.verify_valid_until": {"id": "Berlaku sampai", "en": "Valid until"},
    "counter.verify_state": {"id": "Status", "en": "Status"},
    "counter.verify_state_valid": {"id": "SAH: peserta terlindungi",
                                   "en": "VALID: the member is covered"},
    "counter.verify_state_expired": {
        "id": "TIDAK BERLAKU: masa berlaku sudah habis atau kepesertaan berakhir",
        "en": "NOT VALID: the period has ended or the membership ended"},
    "counter.verify_state_unconfirmed": {
        "id": "TIDAK BERLAKU: kartu ini belum dikonfirmasi BPJS (tanpa nomor KPJ)",
        "en": "NOT VALID: this card is not confirmed by BPJS (no KPJ number)"},
    "counter.verify_state_unknown": {"id": "TIDAK DIKENAL: kode kartu tidak terdaftar",
                             "en": "UNKNOWN: the card code is not registered"},
    "counter.verify_compare": {
        "id": "Cocokkan nama di atas dengan nama pada kartu dan KTP pemegangnya.",
        "en": "Compare the name above with the name on the card and the holder's ID card."},
}

register(WORDS, __name__)
