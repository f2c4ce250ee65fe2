"""One page of a long list: what every paginated service returns, and the API's envelope.

Pages are numbered from 1; ``per_page`` is capped so no caller can ask for the whole registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from lindung.errors import InvalidInput

T = TypeVar("T")
MAX_PER_PAGE = 100
MAX_PAGE = 100_000  # far beyond any real list; keeps OFFSET inside a 64-bit integer


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def check_page(page: int, per_page: int) -> None:
    if not 1 <= page <= MAX_PAGE:
        raise InvalidInput(f"halaman harus 1 sampai {MAX_PAGE}", "page")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInput(f"jumlah per halaman harus 1 sampai {MAX_PER_PAGE}", "per_page")


def paginate(session: Session, statement: Select[Any], page: int, per_page: int) -> Page[Any]:
    """Rows of ``statement`` (already ordered) on page ``page``, and how many there are in all.

    ``statement`` selecting one entity or column yields those values; several, yield Rows.
    """
    check_page(page, per_page)
    total = session.scalar(select(func.count()).select_from(
        statement.order_by(None).subquery())) or 0
    limited = statement.limit(per_page).offset((page - 1) * per_page)
    items: Sequence[Any]
    if len(statement.column_descriptions) == 1:
        items = list(session.scalars(limited))
    else:
        items = list(session.execute(limited))
    return Page(items=items, page=page, per_page=per_page, total=int(total))
