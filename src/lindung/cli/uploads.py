"""``lindung uploads`` commands: uploaded rosters at rest (full NIKs): their retention period
and the purge of those past it. Both are audited actions (``enrollment.actions``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lindung.cli.common import AsOption, JsonOption, acting, emit_json

uploads_app = typer.Typer(help="Berkas daftar peserta yang diunggah: masa simpan dan "
                               "penghapusan.", no_args_is_help=True)

DirOption = Annotated[Path | None, typer.Option(
    "--dir", help="Folder unggahan (bawaan: LINDUNG_UPLOAD_DIR atau var/uploads)")]


def purge_now(root: Path | None = None, as_user: str | None = None) -> tuple[int, int, int]:
    """Delete the uploads past their retention: (deleted, kept, days). ``lindung serve`` calls
    it before it starts serving."""
    from lindung.db import transaction
    from lindung.enrollment.actions import do_purge_uploads
    from lindung.enrollment.uploads import default_root

    with transaction() as session:
        result = do_purge_uploads(session, acting(session, as_user), root or default_root())
    return result.deleted, result.kept, result.days


@uploads_app.command("purge")
def uploads_purge(folder: DirOption = None, as_user: AsOption = None,
                  as_json: JsonOption = False) -> None:
    """Menghapus berkas unggahan yang lebih lama dari masa simpan (tercatat di log audit)."""
    deleted, kept, days = purge_now(folder, as_user)
    if as_json:
        emit_json({"deleted": deleted, "kept": kept, "days": days})
    else:
        typer.echo(f"{deleted} berkas unggahan dihapus (lebih lama dari {days} hari); "
                   f"{kept} masih disimpan.")


@uploads_app.command("retention")
def uploads_retention(
    days: Annotated[int | None, typer.Option("--days", help="Masa simpan baru, dalam hari")]
    = None,
    as_user: AsOption = None, as_json: JsonOption = False,
) -> None:
    """Menampilkan atau mengubah masa simpan berkas unggahan (bawaan 7 hari)."""
    from lindung.db import transaction
    from lindung.enrollment.actions import do_set_upload_retention
    from lindung.enrollment.uploads import retention_days

    with transaction() as session:
        if days is not None:
            do_set_upload_retention(session, acting(session, as_user), days)
        current = retention_days(session)
    if as_json:
        emit_json({"days": current})
    else:
        typer.echo(f"Masa simpan berkas unggahan: {current} hari.")
