"""The REST API ``/api/v1``: strict JSON in and out, errors as {"error": {...}}, OpenAPI."""

from fastapi import APIRouter

from lindung.web.api import (
    agreements,
    counter,
    exchange,
    me,
    reference,
    roster,
    workers,
)

router = APIRouter()
for module in (me, reference, agreements, roster, workers, exchange, counter):
    router.include_router(module.router)
