"""The migrations build exactly the schema the models describe, on both engines, with the
Kemendagri reference data loaded."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from lindung.migrate import alembic_config, current_revision
from lindung.models import Base


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    assert current_revision(engine) == ScriptDirectory.from_config(
        alembic_config()).get_current_head()


def test_reference_data_is_loaded(engine: Engine) -> None:
    with engine.connect() as connection:
        levels: dict[int, int] = dict(connection.execute(text(
            "SELECT level, COUNT(*) FROM region GROUP BY level")).all())
        assert levels == {1: 38, 2: 514, 3: 7285, 4: 83762}
        assert connection.execute(text(
            "SELECT name FROM region WHERE code = '18.72'")).scalar_one() == "Kota Metro"
        funding = set(connection.execute(text("SELECT code FROM funding_source")).scalars())
        assert funding == {"apbd", "apbdes", "dbhcht", "apbn", "csr", "self"}
        groups = set(connection.execute(text('SELECT "group" FROM occupation')).scalars())
        assert {"transport", "tobacco", "religious", "government"} <= groups
