"""HTML pages. Each module owns the pages of one domain; all unsafe requests need CSRF."""

from fastapi import APIRouter, Depends

from lindung.web.deps import csrf_guard
from lindung.web.pages import (
    admin,
    agreements,
    audit,
    auth,
    counter,
    exchange,
    home,
    roster,
    workers,
)

router = APIRouter(dependencies=[Depends(csrf_guard)])
for module in (auth, home, agreements, roster, workers, exchange, admin, audit, counter):
    router.include_router(module.router)
