"""Reference data: Kemendagri regions, the occupation taxonomy and the funding sources.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PACKAGE = Path(__file__).parents[2]
REGIONS = PACKAGE / "registry" / "data" / "regions.csv.gz"
OCCUPATIONS = PACKAGE / "registry" / "data" / "occupations.yaml"
FUNDING = PACKAGE / "agreements" / "data" / "funding_sources.yaml"

region = sa.table("region", sa.column("code", sa.String), sa.column("level", sa.SmallInteger),
                  sa.column("name", sa.String), sa.column("parent_code", sa.String),
                  sa.column("postal_code", sa.String), sa.column("retired", sa.Boolean))
occupation = sa.table("occupation", sa.column("code", sa.String), sa.column("name", sa.String),
                      sa.column("group", sa.String), sa.column("default_segment", sa.String),
                      sa.column("risk_class", sa.SmallInteger), sa.column("aliases", sa.JSON),
                      sa.column("builtin", sa.Boolean))
funding = sa.table("funding_source", sa.column("code", sa.String), sa.column("name", sa.String),
                   sa.column("description", sa.Text), sa.column("occupation_groups", sa.JSON),
                   sa.column("same_village_only", sa.Boolean), sa.column("basis", sa.Text))


def _regions() -> list[dict[str, Any]]:
    with gzip.open(REGIONS, "rt", encoding="utf-8", newline="") as handle:
        return [{"code": r["code"], "level": int(r["level"]), "name": r["name"],
                 "parent_code": r["parent_code"] or None, "postal_code": r["postal_code"] or None,
                 "retired": r["retired"].strip().lower() in ("true", "1", "yes")}
                for r in csv.DictReader(handle)]


def upgrade() -> None:
    rows = _regions()
    for start in range(0, len(rows), 10_000):
        op.bulk_insert(region, rows[start:start + 10_000])
    occupations = yaml.safe_load(OCCUPATIONS.read_text(encoding="utf-8"))
    op.bulk_insert(occupation, [{"code": o["code"], "name": o["name"], "group": o["group"],
                                 "default_segment": o["default_segment"],
                                 "risk_class": o.get("risk_class"),
                                 "aliases": o.get("aliases", []), "builtin": True}
                                for o in occupations])
    sources = yaml.safe_load(FUNDING.read_text(encoding="utf-8"))
    op.bulk_insert(funding, [{"code": f["code"], "name": f["name"],
                              "description": f["description"],
                              "occupation_groups": f["occupation_groups"],
                              "same_village_only": f["same_village_only"], "basis": f["basis"]}
                             for f in sources])


def downgrade() -> None:
    op.execute(funding.delete())
    op.execute(occupation.delete().where(occupation.c.builtin.is_(True)))
    op.execute(region.delete())
