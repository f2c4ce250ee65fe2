"""The REST API ``/api/v1``: strict JSON in and out, errors as {"error": {...}}, OpenAPI."""

from fastapi import APIRouter, Depends

from lindung.web.api import (
    accounts,
    agreements,
    counter,
    exchange,
    me,
    reference,
    roster,
    workers,
)
from lindung.web.api.common import errors
from lindung.web.deps import csrf_guard

# A browser calling the API with its session cookie must send X-CSRF-Token like a form does;
# calls with a bearer token carry no ambient credential and need none.
router = APIRouter(dependencies=[Depends(csrf_guard)])
# Every operation may answer these (no credentials, no permission, rate limit, unreadable or
# invalid body); routes add their own (404, 409) on top.
for module in (me, reference, agreements, roster, workers, exchange, counter, accounts):
    router.include_router(module.router, responses=errors(400, 422))
