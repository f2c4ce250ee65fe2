"""The organisations behind every agreement, account and payment."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column

from lindung.db import Base

ORGANISATION_KINDS = ("pemda", "opd", "village", "bpjs_branch", "counter", "donor")
KIND_LABELS = {"pemda": "Pemda", "opd": "OPD", "village": "Desa/Kelurahan",
               "bpjs_branch": "Kantor Cabang BPJS", "counter": "Loket layanan",
               "donor": "Donatur (CSR)"}


class Organisation(Base):
    """A Pemda, one of its OPDs, a village, a BPJS branch office, a service counter or a donor.

    ``parent_id`` ties an OPD, a village, a counter (and a donor that gives through a Pemda) to
    its Pemda; ``region_code`` is where it works (a village's own code for a village).
    """

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    """False once deactivated: its people cannot sign in, its tokens stop, nothing new is
    made under it. The row stays (agreements, payers and the audit log name it)."""
