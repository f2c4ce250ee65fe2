"""Uploaded files kept server-side between "Periksa" and "Simpan".

The browser only ever holds a random key; the file, who uploaded it and for which agreement live
under ``<upload dir>/<key>/``. A key is accepted only from the principal who made it, so a client
can neither name a path nor reuse someone else's upload. A file is deleted when its import is
saved (``enrollment.actions.do_delete_upload``) and, at the latest, when the retention period
the admin sets has passed (``do_purge_uploads``: at every new upload, at the start of
``lindung serve`` and by ``lindung uploads purge``); both deletions are audited.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from lindung.accounts.crypto import same_secret
from lindung.enrollment.roster_read import ROSTER_SUFFIXES
from lindung.enrollment.uploads import KEY, default_root
from lindung.errors import InvalidInput, NotFound
from lindung.tempfiles import temporary_directory

MAX_BYTES = 200 * 1024 * 1024
_KEY = KEY
_SUFFIXES = ROSTER_SUFFIXES


def upload_root(state: Any) -> Path:
    """``app.state.upload_dir`` when set (tests), else ``LINDUNG_UPLOAD_DIR`` or var/uploads."""
    configured = getattr(state, "upload_dir", None)
    return Path(configured) if configured else default_root()


def safe_name(name: str | None) -> str:
    """The file's own name without any directory, limited to harmless characters."""
    base = Path((name or "").replace("\\", "/")).name
    cleaned = re.sub(r"[^\w.\- ]", "_", base).strip(" .")[:120]
    if not cleaned or Path(cleaned).suffix.lower() not in _SUFFIXES:
        raise InvalidInput("unggah daftar sebagai Excel (.xlsx), OpenDocument (.ods) atau CSV; "
                           "berkas .xls lama: buka di Excel lalu Simpan Sebagai .xlsx", "file")
    return cleaned


def _copy(source: IO[bytes], target: Path) -> None:
    written = 0
    with target.open("wb") as out:
        for block in iter(lambda: source.read(1 << 20), b""):
            written += len(block)
            if written > MAX_BYTES:
                raise InvalidInput(f"berkas lebih dari {MAX_BYTES // (1024 * 1024)} MB; "
                                   "bagi menjadi beberapa berkas", "file")
            out.write(block)
    if written == 0:
        raise InvalidInput("berkas kosong; pilih berkas daftar peserta", "file")


@dataclass(frozen=True)
class StoredUpload:
    key: str
    path: Path
    owner: str
    agreement: str
    all_or_nothing: bool
    phase: int | None


def store(root: Path, source: IO[bytes], name: str | None, *, owner: str, agreement: str,
          all_or_nothing: bool, phase: int | None) -> StoredUpload:
    """Keep an uploaded file for ``owner`` until it is saved or discarded."""
    file_name = safe_name(name)
    root.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(24)
    folder = root / key
    folder.mkdir(mode=0o700)
    try:
        _copy(source, folder / file_name)
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    meta = {"owner": owner, "agreement": agreement, "file": file_name,
            "all_or_nothing": all_or_nothing, "phase": phase}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return StoredUpload(key, folder / file_name, owner, agreement, all_or_nothing, phase)


def fetch(root: Path, key: str, *, owner: str) -> StoredUpload:
    """The upload behind ``key`` if ``owner`` made it; NotFound otherwise (expired included)."""
    gone = NotFound("berkas unggahan tidak ditemukan atau sudah kedaluwarsa; unggah ulang")
    if not _KEY.match(key):
        raise gone
    meta_path = root / key / "meta.json"
    if not meta_path.is_file():
        raise gone
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if not same_secret(str(meta["owner"]), owner):
        raise gone
    return StoredUpload(key, root / key / safe_name(meta["file"]), meta["owner"],
                        meta["agreement"], bool(meta["all_or_nothing"]), meta["phase"])


def discard(root: Path, key: str) -> None:
    if _KEY.match(key):
        shutil.rmtree(root / key, ignore_errors=True)


@contextmanager
def temporary(source: IO[bytes], name: str | None) -> Iterator[Path]:
    """An uploaded file on disk for the duration of one request (the API's uploads)."""
    file_name = safe_name(name)
    with temporary_directory() as folder:
        path = Path(folder) / file_name
        _copy(source, path)
        yield path
