"""Demo data for ``make run``: Kota Metro's PKS for 2,727 community workers in 9 groups (as in the
news report of 30 June 2022, renewed every year: the agreements are those of the current year,
:func:`lindung.clock.today`), the BPJS Metro branch, and Dishub Lampung Tengah's KIR counter.
Everything goes through the same services an operator uses: roster files are written and
imported, submitted to the branch and answered. Running it twice changes nothing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select

from lindung import clock
from lindung.accounts.service import create_organisation, create_token, create_user
from lindung.agreements.models import Organisation
from lindung.agreements.service import PhaseTerms, create_agreement
from lindung.db import transaction
from lindung.enrollment.exchange import export_submission, import_answer
from lindung.enrollment.service import import_roster
from lindung.registry.regions import load_regions
from lindung.tempfiles import temporary_directory

DEMO_PASSWORD = "lindung-demo-2026"
ACTOR = "demo:seed"
# (group label, occupation as written in the OPD's file, agency that keeps the list, people)
GROUPS = (
    ("LINMAS", "Linmas", "Satpol PP Kota Metro", 620),
    ("LPM kelurahan", "LPM", "Dinas Sosial Kota Metro", 330),
    ("Kader Poskeskel", "Kader Poskeskel", "Dinas Kesehatan Kota Metro", 220),
    ("Kader Posyandu Lansia", "Kader Posyandu", "Dinas Kesehatan Kota Metro", 440),
    ("Juru kunci makam", "Juru Kunci Makam", "Dinas Perkim Kota Metro", 45),
    ("Marbot", "Marbot", "Bagian Kesra Setda Kota Metro", 410),
    ("Tokoh agama", "Tokoh Agama", "Bagian Kesra Setda Kota Metro", 232),
    ("Guru mengaji", "Guru Ngaji", "Bagian Kesra Setda Kota Metro", 380),
    ("Guru sekolah minggu", "Guru Sekolah Minggu", "Bagian Kesra Setda Kota Metro", 50),
)
FIRST = ("Ahmad", "Siti", "Budi", "Dewi", "Slamet", "Sri", "Agus", "Nur", "Joko", "Rina",
         "Hendra", "Wati", "Bambang", "Yuni", "Eko", "Lestari", "Rahmat", "Fitri")
LAST = ("Saputra", "Wahyuni", "Setiawan", "Handayani", "Pratama", "Kurniawati", "Hidayat",
        "Susanti", "Gunawan", "Lestari", "Nugroho", "Rahayu")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    organisation: str


ACCOUNTS = (
    DemoAccount("admin.metro", "pemda_admin", "PEMKOT-METRO"),
    DemoAccount("opd.satpol", "opd_operator", "SATPOL-METRO"),
    DemoAccount("desa.metro", "village_operator", "KEL-METRO-DEMO"),
    DemoAccount("bpjs.metro", "bpjs_officer", "BPJS-KCP-METRO"),
    DemoAccount("loket.kir", "counter_officer", "DISHUB-LAMTENG-KIR"),
    DemoAccount("auditor.metro", "auditor", "PEMKOT-METRO"),
)


def _metro_villages() -> list[str]:
    regions = load_regions()
    villages = regions.filter((regions["level"] == 4) & regions["code"].str.starts_with("18.72."))
    return sorted(villages["code"].to_list())


def _write_roster(path: Path, start: int, count: int, occupation: str, agency: str,
                  villages: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["No", "NIK", "Nama", "Tempat Lahir", "Tgl Lahir", "Jenis Kelamin",
                         "Alamat", "Desa/Kelurahan", "Pekerjaan", "No HP", "OPD"])
        for i in range(start, start + count):
            woman = i % 2 == 1
            born = date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
            village = villages[i % len(villages)]
            district = village[:8].replace(".", "")
            nik = (f"{district}{born.day + (40 if woman else 0):02d}{born.month:02d}"
                   f"{born.year % 100:02d}{i:04d}")
            name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}"
            writer.writerow([i - start + 1, nik, name, "Metro", born.strftime("%d-%m-%Y"),
                             "P" if woman else "L", f"Jl. Demo No. {i % 200 + 1}", village,
                             occupation, f"0812{i:08d}", agency])


def demo_codes(year: int) -> dict[str, str]:
    """The demo agreements' codes for ``year``."""
    return {"metro": f"METRO-{year}", "kir_self": f"KIR-LAMTENG-MANDIRI-{year}",
            "kir_apbd": f"KIR-LAMTENG-APBD-{year}"}


def load_demo(engine: Engine) -> list[str]:
    """Create the demo organisations, accounts, agreements (of the year of
    :func:`lindung.clock.today`) and members; returns what it did."""
    done: list[str] = []
    year = clock.today().year
    codes = demo_codes(year)
    with transaction(engine) as s:
        if s.scalar(select(Organisation.id).where(Organisation.code == "PEMKOT-METRO")):
            return ["data demo sudah ada"]
        villages = _metro_villages()
        create_organisation(s, code="PEMKOT-METRO", kind="pemda", name="Pemerintah Kota Metro",
                            region_code="18.72", actor=ACTOR)
        for code, name in (("SATPOL-METRO", "Satpol PP Kota Metro"),
                           ("DINKES-METRO", "Dinas Kesehatan Kota Metro"),
                           ("DISNAKER-METRO", "Dinas Tenaga Kerja Kota Metro")):
            create_organisation(s, code=code, kind="opd", name=name, region_code="18.72",
                                parent_code="PEMKOT-METRO", actor=ACTOR)
        create_organisation(s, code="KEL-METRO-DEMO", kind="village",
                            name=f"Kelurahan {villages[0]}", region_code=villages[0],
                            parent_code="PEMKOT-METRO", actor=ACTOR)
        create_organisation(s, code="BPJS-KCP-METRO", kind="bpjs_branch",
                            name="BPJS Ketenagakerjaan KCP Metro", region_code="18.72",
                            actor=ACTOR)
        create_organisation(s, code="PEMKAB-LAMTENG", kind="pemda",
                            name="Pemerintah Kabupaten Lampung Tengah", region_code="18.02",
                            actor=ACTOR)
        create_organisation(s, code="DISHUB-LAMTENG-KIR", kind="counter",
                            name="Loket KIR Dinas Perhubungan Lampung Tengah",
                            region_code="18.02", parent_code="PEMKAB-LAMTENG", actor=ACTOR)
        for account in ACCOUNTS:
            create_user(s, username=account.username, display_name=account.username,
                        password=DEMO_PASSWORD, role=account.role,
                        organisation_code=account.organisation, actor=ACTOR)
        create_agreement(
            s, code=codes["metro"], number=f"PKS/BPJS-METRO/{year}/001", region_code="18.72",
            title="Perlindungan 2.727 pekerja rentan Kota Metro", segment="bpu",
            programs=["jkk", "jkm"], funded_by="apbd", start=date(year, 1, 1),
            end=date(year, 12, 31), quota=3000, declared_income=1_000_000,
            budget_ceiling=3000 * 16_800 * 12, pemda_code="PEMKOT-METRO",
            branch_code="BPJS-KCP-METRO", actor=ACTOR,
            phases=[PhaseTerms(1, date(year, 1, 1), 1200), PhaseTerms(2, date(year, 7, 1),
                                                                       1800)])
        for code, funded, title in (
                (codes["kir_self"], "self", "Sopir KIR, iuran dibayar sendiri"),
                (codes["kir_apbd"], "apbd", "Sopir KIR, iuran dibayar APBD")):
            create_agreement(
                s, code=code, title=title, region_code="18.02", segment="bpu",
                programs=["jkk", "jkm"], funded_by=funded, start=date(year, 1, 1),
                end=date(year, 12, 31), quota=10_000, declared_income=1_000_000,
                pemda_code="PEMKAB-LAMTENG", branch_code="BPJS-KCP-METRO", actor=ACTOR)
        done.append("organisasi, akun dan PKS dibuat")
    with temporary_directory() as tmp:
        start = 1
        for label, occupation, agency, count in GROUPS:
            path = Path(tmp) / f"{label.replace(' ', '_')}.csv"
            _write_roster(path, start, count, occupation, agency, villages)
            phase = 1 if start + count - 1 <= 1200 else 2
            start += count
            with transaction(engine) as s:
                report = import_roster(s, path, codes["metro"], actor="user:opd.satpol",
                                       phase=phase, today=date(year, 7, 15))
            done.append(f"{label}: {report.accepted} diterima, {report.rejected} ditolak")
        with transaction(engine) as s:
            sent = export_submission(s, codes["metro"], Path(tmp) / "kirim.xlsx",
                                     actor="user:admin.metro")
        answer = Path(tmp) / "jawaban.csv"
        _write_answer(engine, answer)
        with transaction(engine) as s:
            result = import_answer(s, answer, actor="user:bpjs.metro")
        done.append(f"{sent.count} dikirim ke BPJS; {result.activated} aktif, "
                    f"{result.rejected} ditolak")
    with transaction(engine) as s:
        secret, _token = create_token(s, name="Sistem KIR Dishub Lampung Tengah",
                                      organisation_code="DISHUB-LAMTENG-KIR",
                                      permissions=["coverage.check", "counter.enrol"],
                                      actor=ACTOR)
    done.append(f"token API loket KIR (disimpan hanya sekali): {secret}")
    return done


def _write_answer(engine: Engine, path: Path) -> None:
    """The branch's answer: every 100th submitted member rejected, the rest given a KPJ."""
    from lindung.enrollment.models import Membership
    from lindung.registry.models import Worker

    with transaction(engine) as s:
        rows = s.execute(select(Worker.nik, Membership.id).join(
            Membership, Membership.worker_id == Worker.id).where(
            Membership.status == "submitted").order_by(Membership.id)).all()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["NIK", "KPJ", "Status", "Keterangan"])
        for i, (nik, membership_id) in enumerate(rows):
            if i % 100 == 99:
                writer.writerow([nik, "", "Ditolak", "NIK tidak padan dengan data Dukcapil"])
            else:
                writer.writerow([nik, f"26{membership_id:09d}", "Diterima", ""])
