"""Demo data for ``make run``: Kota Metro's PKS for 2,727 community workers in 9 groups (as in the
news report of 30 June 2022, renewed every year: the agreements are those of the current year,
:func:`lindung.clock.today`), the BPJS Metro branch, and Dishub Lampung Tengah's KIR counter.
Everything goes through the same services an operator uses: roster files are written and
imported, submitted to the branch and answered. Running it twice changes nothing.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lindung import clock
from lindung.accounts.actions import do_create_user, do_issue_token
from lindung.accounts.queries import user_principal
from lindung.agreements.actions import PhaseTerms, do_assign_payer, do_create_agreement
from lindung.db import transaction
from lindung.enrollment.actions import do_export_submission, do_import_answer, do_import_roster
from lindung.organisations.actions import do_create_organisation
from lindung.organisations.models import Organisation
from lindung.principal import Principal, system_principal
from lindung.registry.regions import load_regions
from lindung.tempfiles import temporary_directory

DEMO_PASSWORD = "lindung-demo-2026"
ACTOR = "demo:seed"
OPDS = (("SATPOL-METRO", "Satpol PP Kota Metro"), ("DINKES-METRO", "Dinas Kesehatan Kota Metro"),
        ("DINSOS-METRO", "Dinas Sosial Kota Metro"), ("PERKIM-METRO", "Dinas Perkim Kota Metro"),
        ("KESRA-METRO", "Bagian Kesra Setda Kota Metro"),
        ("DISNAKER-METRO", "Dinas Tenaga Kerja Kota Metro"))
"""The OPDs of Kota Metro whose lists the demo imports (and Disnaker, which keeps none)."""
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
    :func:`lindung.clock.today`) and members; returns what it did. Every change goes through
    the actions, as the installation (organisations, accounts, agreements) or as the demo
    people (imports by the Pemda admin, the answer by the BPJS officer)."""
    done: list[str] = []
    year = clock.today().year
    codes = demo_codes(year)
    system = system_principal(ACTOR)
    with transaction(engine) as s:
        if s.scalar(select(Organisation.id).where(Organisation.code == "PEMKOT-METRO")):
            return ["data demo sudah ada"]
        villages = _metro_villages()
        add = functools.partial(do_create_organisation, s, system)
        add(code="PEMKOT-METRO", kind="pemda", name="Pemerintah Kota Metro",
            region_code="18.72")
        for code, name in OPDS:
            add(code=code, kind="opd", name=name, region_code="18.72",
                parent_code="PEMKOT-METRO")
        add(code="KEL-METRO-DEMO", kind="village", name=f"Kelurahan {villages[0]}",
            region_code=villages[0], parent_code="PEMKOT-METRO")
        add(code="BPJS-KCP-METRO", kind="bpjs_branch", name="BPJS Ketenagakerjaan KCP Metro",
            region_code="18.72")
        add(code="PEMKAB-LAMTENG", kind="pemda", name="Pemerintah Kabupaten Lampung Tengah",
            region_code="18.02")
        add(code="DISHUB-LAMTENG-KIR", kind="counter",
            name="Loket KIR Dinas Perhubungan Lampung Tengah", region_code="18.02",
            parent_code="PEMKAB-LAMTENG")
        for account in ACCOUNTS:
            do_create_user(s, system, username=account.username,
                           display_name=account.username, password=DEMO_PASSWORD,
                           role=account.role, organisation_code=account.organisation)
        do_create_agreement(
            s, system, code=codes["metro"], number=f"PKS/BPJS-METRO/{year}/001",
            region_code="18.72", title="Perlindungan 2.727 pekerja rentan Kota Metro",
            segment="bpu", programs=["jkk", "jkm"], funded_by="apbd", start=date(year, 1, 1),
            end=date(year, 12, 31), quota=3000, declared_income=1_000_000,
            budget_ceiling=3000 * 16_800 * 12, pemda_code="PEMKOT-METRO",
            branch_code="BPJS-KCP-METRO",
            phases=[PhaseTerms(1, date(year, 1, 1), 1200), PhaseTerms(2, date(year, 7, 1),
                                                                       1800)])
        # Satpol PP pays its LINMAS from its own budget (DPA); the rest from the BPKAD.
        do_assign_payer(s, system, codes["metro"], payer_code="SATPOL-METRO",
                        funded_by="apbd", effective=date(year, 1, 1),
                        group_code="SATPOL-METRO")
        for code, funded, title, payer in (
                (codes["kir_self"], "self", "Sopir KIR, iuran dibayar sendiri", "self"),
                (codes["kir_apbd"], "apbd", "Sopir KIR, iuran dibayar APBD", "PEMKAB-LAMTENG")):
            do_create_agreement(
                s, system, code=code, title=title, region_code="18.02", segment="bpu",
                programs=["jkk", "jkm"], funded_by=funded, start=date(year, 1, 1),
                end=date(year, 12, 31), quota=10_000, declared_income=1_000_000,
                pemda_code="PEMKAB-LAMTENG", branch_code="BPJS-KCP-METRO", payer_code=payer)
            # The drivers enrolled at the KIR desk are this agreement's for this payer.
            do_assign_payer(s, system, code, payer_code=payer, funded_by=funded,
                            effective=date(year, 1, 1), group_code="DISHUB-LAMTENG-KIR")
        done.append("organisasi, akun dan PKS dibuat")
    with temporary_directory() as tmp:
        start = 1
        for label, occupation, agency, count in GROUPS:
            path = Path(tmp) / f"{label.replace(' ', '_')}.csv"
            _write_roster(path, start, count, occupation, agency, villages)
            phase = 1 if start + count - 1 <= 1200 else 2
            start += count
            with transaction(engine) as s:
                admin = _person(s, "admin.metro")
                report = do_import_roster(s, admin, path, codes["metro"], phase=phase,
                                          today=date(year, 7, 15))
            done.append(f"{label}: {report.accepted} diterima, {report.rejected} ditolak")
        with transaction(engine) as s:
            sent = do_export_submission(s, _person(s, "admin.metro"), codes["metro"],
                                        Path(tmp) / "kirim.xlsx")
        answer = Path(tmp) / "jawaban.csv"
        _write_answer(engine, answer)
        with transaction(engine) as s:
            result = do_import_answer(s, _person(s, "bpjs.metro"), answer, codes["metro"])
        done.append(f"{sent.count} dikirim ke BPJS; {result.activated} aktif, "
                    f"{result.rejected} ditolak")
    done.extend(_counter_members(engine, system, codes["kir_self"]))
    with transaction(engine) as s:
        secret, _token = do_issue_token(s, system, name="Sistem KIR Dishub Lampung Tengah",
                                        organisation_code="DISHUB-LAMTENG-KIR",
                                        permissions=["coverage.check", "counter.enrol"])
    done.append(f"token API loket KIR (disimpan hanya sekali): {secret}")
    return done


DEMO_DRIVERS = (
    # (NIK, name, birth date, sex): Lampung Tengah; the first is confirmed by BPJS (card
    # printable at /loket/bukti/<number>), the second waits for the officer's "Kirim ke BPJS".
    ("1802012308780003", "Bambang Supriyadi", date(1978, 8, 23), "L"),
    ("1802016204850004", "Sri Wahyuni", date(1985, 4, 22), "P"),
)


def _counter_members(engine: Engine, system: Principal, code: str) -> list[str]:
    """Two drivers enrolled at the KIR desk, as the officer does it: the first went to the
    branch in a submission file and was accepted with a KPJ; the second is still a proposal."""
    from lindung.counter.actions import do_enrol_driver

    receipts = []
    with temporary_directory() as tmp:
        for i, (nik, name, born, sex) in enumerate(DEMO_DRIVERS):
            with transaction(engine) as s:
                receipts.append(do_enrol_driver(
                    s, _person(s, "loket.kir"), nik=nik, name=name, birth_date=born, sex=sex,
                    phone=None, occupation="sopir", declared_income=1_000_000, months=3,
                    funded_by="self").receipt_number)
            if i == 0:
                with transaction(engine) as s:
                    do_export_submission(s, system, code, Path(tmp) / "kirim-kir.xlsx")
                answer = Path(tmp) / "jawaban-kir.csv"
                answer.write_text(f"NIK,KPJ,Status,Keterangan\n{nik},26900000001,Diterima,\n",
                                  encoding="utf-8")
                with transaction(engine) as s:
                    do_import_answer(s, system, answer, code)
    return [f"loket KIR: bukti {receipts[0]} dikonfirmasi BPJS (KPJ 26900000001), bukti "
            f"{receipts[1]} menunggu dikirim ke BPJS"]


def _person(session: Session, username: str) -> Principal:
    principal = user_principal(session, username)
    assert principal is not None
    return principal


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
