"""The worked demonstration ``make run`` prints until the web application exists.

It computes, with the same engine every other part of lindung uses, the agreements told in the news
reports lindung was built from (shared/seeds): the Lampung province's 2,700 daily workers (PTHL) at
Rp16.800 a month (February 2018), the Kota Metro PKS of 30 June 2022 for 2,727 community workers in
9 groups, a Dishub KIR counter in 2026 under the PP 50/2025 discount, and the benefits the heirs of
such a worker receive (JKM Rp42.000.000; JKK death 48 x wage plus funeral, periodic benefit and
scholarship).
"""

from __future__ import annotations

from datetime import date

import polars as pl
from rich.console import Console
from rich.table import Table

from lindung.formatting import (
    AMOUNT_LABELS,
    format_date_id,
    format_number,
    format_rupiah,
    terbilang_rupiah,
)
from lindung.rules import benefits
from lindung.rules.contributions import contributions

# The Kota Metro PKS names 9 groups and a total of 2,727 people; it does not give the split, so the
# split below is illustrative and labelled so. Only the total is from the report.
METRO_GROUPS = (
    ("LINMAS", "linmas", 620), ("LPM kelurahan", "lpm", 330), ("Kader Poskeskel", "kader_kesehatan",
                                                                 220),
    ("Kader Posyandu Lansia", "kader_posyandu", 440), ("Juru kunci makam", "juru_kunci_makam", 45),
    ("Marbot", "marbot", 410), ("Tokoh agama", "tokoh_agama", 232), ("Guru mengaji", "guru_ngaji",
                                                                      380),
    ("Guru sekolah minggu", "guru_sekolah_minggu", 50),
)


def _bpu_frame(count: int, income: int, occupation: str, funded_by: str) -> pl.DataFrame:
    return pl.DataFrame({
        "segment": ["bpu"] * count,
        "declared_income": [income] * count,
        "occupation": [occupation] * count,
        "funded_by": [funded_by] * count,
    })


def _budget_rows(console: Console, title: str, frame: pl.DataFrame, months: list[str]) -> int:
    table = Table(title=title, title_justify="left")
    for column in ("Bulan iuran", "Peserta", "JKK", "JKM", "Iuran sebulan"):
        table.add_column(column, justify="right")
    grand = 0
    for month in months:
        result = contributions(frame, month)
        if not result["valid"].all():
            raise RuntimeError(f"demo data invalid: {result['errors'].drop_nulls().to_list()[:3]}")
        jkk, jkm, total = (int(result[c].sum()) for c in ("jkk", "jkm", "total"))
        grand += total
        table.add_row(month, format_number(frame.height), format_rupiah(jkk), format_rupiah(jkm),
                      format_rupiah(total))
    console.print(table)
    return grand


def run_demo(console: Console) -> None:
    console.rule("[bold]lindung[/bold]: perlindungan pekerja oleh Pemda dan BPJS Ketenagakerjaan")

    # 1. Lampung province, 2,700 PTHL at Rp16,800, paid by the province (seed 001, Feb 2018).
    lampung = _bpu_frame(2700, 1_000_000, "pthl", "apbd")
    per_month = _budget_rows(console, "1. Pemprov Lampung: 2.700 PTHL, JKK + JKM, dibayar APBD",
                             lampung, ["2018-02"])
    console.print(f"   Per orang: {format_rupiah(per_month // 2700)} sebulan. Setahun: "
                  f"{format_rupiah(per_month * 12)} ({terbilang_rupiah(per_month * 12)}).")
    console.print("   Dasar: PP 44/2015 Lampiran II (JKK 1% x Rp1.000.000 + JKM Rp6.800).\n")

    # 2. Kota Metro PKS, 2,727 workers in 9 groups, Jul-Dec 2022 (seed 004).
    metro = pl.concat([_bpu_frame(n, 1_000_000, code, "apbd") for _, code, n in METRO_GROUPS])
    groups = Table(title="2. Pemkot Metro, PKS 30 Juni 2022: 2.727 pekerja rentan dalam 9 kelompok "
                         "(pembagian per kelompok: ilustrasi; hanya total dari berita)",
                   title_justify="left")
    groups.add_column("Kelompok")
    groups.add_column("Peserta", justify="right")
    groups.add_column("Iuran sebulan", justify="right")
    for label, code, n in METRO_GROUPS:
        groups.add_row(label, format_number(n),
                       format_rupiah(int(contributions(_bpu_frame(n, 1_000_000, code, "apbd"),
                                                       "2022-07")["total"].sum())))
    console.print(groups)
    months = [f"2022-{m:02d}" for m in range(7, 13)]
    total = _budget_rows(console, "   Anggaran Juli-Desember 2022 (APBD Kota Metro)", metro, months)
    console.print(f"   Kebutuhan APBD 6 bulan: {format_rupiah(total)} "
                  f"({terbilang_rupiah(total)}).\n")

    # 3. KIR counter drivers in 2026: self-paid transport BPU get PP 50/2025's 50% discount,
    #    APBD-paid ones do not (PP 50/2025 excludes APBN/APBD-paid members).
    drivers_self = _bpu_frame(20, 1_000_000, "driver", "self")
    drivers_apbd = _bpu_frame(20, 1_000_000, "driver", "apbd")
    self_paid = int(contributions(drivers_self, "2026-02")["total"].sum())
    apbd_paid = int(contributions(drivers_apbd, "2026-02")["total"].sum())
    console.print("3. Loket KIR Dishub, Februari 2026: 20 sopir sehari, iuran 1 bulan")
    console.print(f"   bayar sendiri (diskon 50% PP 50/2025): {format_rupiah(self_paid)} "
                  f"= {format_rupiah(self_paid // 20)} per sopir")
    console.print(f"   dibayar APBD (tanpa diskon):            {format_rupiah(apbd_paid)} "
                  f"= {format_rupiah(apbd_paid // 20)} per sopir\n")

    # 4. Benefits as of the event date.
    death = date(2024, 5, 1)
    jkm = benefits.jkm(death_date=death, contribution_months=40)
    jkk = benefits.jkk_death(accident_date=death, wage=1_000_000)
    for title, result in (
        (f"4. JKM: peserta meninggal {format_date_id(death)}, masa iur 40 bulan", jkm),
        (f"5. JKK: peserta (penghasilan Rp1.000.000) meninggal karena kecelakaan kerja "
         f"{format_date_id(death)}", jkk),
    ):
        table = Table(title=title, title_justify="left")
        table.add_column("Komponen")
        table.add_column("Jumlah", justify="right")
        table.add_column("Dasar hukum")
        data = result.to_dict()
        basis: dict[str, str] = {}
        for t in data["trace"]:  # the first value a line used is the one that sets it
            basis.setdefault(t["line"], t["basis"])
        for key, amount in data["amounts"].items():
            if isinstance(amount, int):
                table.add_row(AMOUNT_LABELS.get(key, key), format_rupiah(amount),
                              basis.get(key, ""))
        table.add_row("Total tunai", format_rupiah(int(data["total"])), "")
        console.print(table)
        console.print(f"   {terbilang_rupiah(int(data['total']))}")
        scholarship = data.get("scholarship") or {}
        if scholarship:
            verdict = "berhak" if scholarship.get("eligible") else "tidak berhak"
            console.print(f"   Beasiswa 2 anak: {verdict}"
                          f", paling banyak {format_rupiah(int(scholarship.get('cap', 0)))}")
        for w in data["warnings"]:
            console.print(f"   [yellow]Peringatan:[/yellow] {w}")
        console.print()
    console.print("Perintah lain: lindung rules contribution --help, lindung rules benefit --help, "
                  "lindung rules params --on 2024-06-01, lindung rules check")
