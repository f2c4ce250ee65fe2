"""Who may do what, and where: roles, permissions and scopes, enforced by the actions.

A :class:`Principal` is whoever is acting: a signed-in user, an API token, or the installation
itself at the server's shell (:func:`system_principal`). Its permissions come from its role (or,
for a token, the token's own list); its scope from its organisation:

- Pemda admin and auditor: every agreement in the Pemda's region (auditor read-only);
- OPD operator: the Pemda's agreements, and only the members of their own agency;
- village operator: agreements of the village or its regency, members living in the village;
- BPJS branch officer: agreements signed with that branch;
- counter officer and counter API client: coverage checks and counter enrolment only;
- the system (the shell of the server, which already holds the database): everything.

Every domain's actions take the principal first; this module is the vocabulary they share, so it
depends on no domain (tables are passed in as arguments to the scope conditions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, false, or_, true

from lindung.errors import LindungError

PERMISSIONS = (
    "agreements.read", "agreements.write", "roster.import", "workers.read", "exchange.export",
    "exchange.answer", "occupations.write", "tokens.manage", "audit.read", "coverage.check",
    "counter.enrol", "reference.read", "accounts.manage",
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "pemda_admin": frozenset({"agreements.read", "agreements.write", "roster.import",
                              "workers.read", "exchange.export", "exchange.answer",
                              "occupations.write", "tokens.manage", "reference.read",
                              "accounts.manage"}),
    "opd_operator": frozenset({"agreements.read", "roster.import", "workers.read",
                               "reference.read"}),
    "village_operator": frozenset({"agreements.read", "roster.import", "workers.read",
                                   "reference.read"}),
    "bpjs_officer": frozenset({"agreements.read", "workers.read", "exchange.export",
                               "exchange.answer", "reference.read"}),
    # COUNTER_PERMISSIONS, and the reference data every signed-in person may read (issue 9)
    "counter_officer": frozenset({"coverage.check", "counter.enrol", "reference.read"}),
    "auditor": frozenset({"agreements.read", "workers.read", "audit.read", "reference.read"}),
    "api_client": frozenset(),  # a token carries its own list
}

ROLE_LABELS = {
    "pemda_admin": "Admin Pemda", "opd_operator": "Operator OPD",
    "village_operator": "Operator Desa", "bpjs_officer": "Petugas BPJS Cabang",
    "counter_officer": "Petugas Loket", "auditor": "Auditor", "api_client": "Klien API",
    "system": "Sistem",
}

PERMISSION_LABELS = {
    "agreements.read": "melihat PKS", "agreements.write": "mencatat dan mengubah PKS",
    "roster.import": "mengunggah daftar peserta", "workers.read": "melihat data pekerja",
    "exchange.export": "mengirim data pendaftaran ke BPJS",
    "exchange.answer": "mencatat jawaban BPJS", "occupations.write": "menambah pekerjaan",
    "tokens.manage": "mengelola token API", "audit.read": "membaca log audit",
    "coverage.check": "memeriksa kepesertaan", "counter.enrol": "mendaftarkan di loket",
    "reference.read": "melihat data rujukan", "accounts.manage": "mengelola akun pengguna",
}
"""What each permission lets one do, in words (refusals never show the internal code)."""


TOKEN_SCOPE_ROLES = {"pemda": "pemda_admin", "opd": "opd_operator",
                     "village": "village_operator", "bpjs_branch": "bpjs_officer"}
"""Organisation kind -> the role whose scope an API token of that organisation has. A
counter's or a donor's token sees no agreement or member (it checks coverage, enrols)."""


ROLES_AT: dict[str, tuple[str, ...]] = {
    "pemda": ("pemda_admin", "auditor"), "opd": ("opd_operator", "auditor"),
    "village": ("village_operator",), "bpjs_branch": ("bpjs_officer",),
    "counter": ("counter_officer",), "donor": (),
}
"""Organisation kind -> the roles a person working there may have (an auditor sits at the
Pemda or at its Inspektorat, an OPD; a donor's people do not sign in)."""

COUNTER_PERMISSIONS = frozenset({"coverage.check", "counter.enrol"})


def token_ceiling(organisation_kind: str) -> frozenset[str]:
    """The permissions an API token of an organisation of this kind may carry: at most what a
    person working there may do (a village's token cannot amend its regency's PKS), and for a
    counter or a donor, checking coverage and enrolling at the counter."""
    role = TOKEN_SCOPE_ROLES.get(organisation_kind)
    if role is not None:
        return ROLE_PERMISSIONS[role]
    return COUNTER_PERMISSIONS if organisation_kind == "counter" else frozenset()


class Forbidden(LindungError):
    """The principal may not do this, or not here."""


@dataclass(frozen=True)
class Principal:
    """Who is acting, with what permissions, over which part of the data."""

    kind: str  # "user", "token" or "system"
    id: int
    name: str
    role: str
    organisation_id: int
    organisation_name: str
    organisation_kind: str
    region_code: str | None
    permissions: frozenset[str] = field(default_factory=frozenset)
    pemda_id: int | None = None
    """The Pemda the principal's organisation belongs to (itself for a Pemda); None for a BPJS
    branch. Audit events the principal causes are the Pemda's."""

    @property
    def actor(self) -> str:
        """How the audit log names this principal."""
        return f"{self.kind}:{self.name}"

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise Forbidden(f"{ROLE_LABELS.get(self.role, self.role)} tidak berwenang "
                            f"{PERMISSION_LABELS.get(permission, 'melakukan ini')}")

    # --- scopes as SQL conditions --------------------------------------------------------------

    @property
    def scope_role(self) -> str:
        """The role whose scope applies: a user's own; for an API token, the role of a person
        at the token's organisation (a Pemda's token reads what its admin reads, an OPD's what
        its operator reads), whatever permissions the token carries."""
        if self.role != "api_client":
            return self.role
        return TOKEN_SCOPE_ROLES.get(self.organisation_kind, "none")

    def agreement_filter(self, agreement: Any) -> ColumnElement[bool]:
        """Which agreements this principal may see (``agreement`` is the Agreement class)."""
        role = self.scope_role
        if role == "system":
            return true()
        if role == "bpjs_officer":
            return agreement.branch_id == self.organisation_id  # type: ignore[no-any-return]
        if role not in ("pemda_admin", "auditor", "opd_operator", "village_operator"):
            return false()
        if not self.region_code:
            return false()
        if role == "village_operator":
            regency = ".".join(self.region_code.split(".")[:2])
            return or_(agreement.region_code == self.region_code,
                       agreement.region_code == regency)
        return or_(agreement.region_code == self.region_code,
                   agreement.region_code.startswith(self.region_code + "."))

    def membership_filter(self, membership: Any, worker: Any) -> ColumnElement[bool]:
        """Which memberships (and so workers) this principal may see, on top of agreements."""
        if self.scope_role == "opd_operator":
            return membership.agency_id == self.organisation_id  # type: ignore[no-any-return]
        if self.scope_role == "village_operator":
            return worker.village_code == self.region_code  # type: ignore[no-any-return]
        return true()


def system_principal(name: str) -> Principal:
    """The installation acting at its own shell (a CLI command without ``--as``): every
    permission, every scope; audited under ``name`` (the operating-system user), because whoever
    runs commands on the server already holds the database."""
    return Principal(kind="system", id=0, name=name, role="system", organisation_id=0,
                     organisation_name="lindung", organisation_kind="system", region_code=None,
                     permissions=frozenset(PERMISSIONS))


def permissions_for(role: str, token_permissions: list[str] | None = None) -> frozenset[str]:
    if role == "api_client":
        return frozenset(p for p in token_permissions or [] if p in PERMISSIONS)
    return ROLE_PERMISSIONS.get(role, frozenset())
