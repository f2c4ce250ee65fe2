"""Property-based test of the whole API ``/api/v1`` from its OpenAPI description (schemathesis):
generated requests, valid and invalid, signed in as the demo Pemda admin, must never make the
server fail and must get the answers the description promises (schemathesis' default checks).

Operations are walked by hand rather than with ``schemathesis.pytest.from_fixture``, which does
not run under this pytest (``'Function' object has no attribute '_nodeid'``): the schema has to
come from the per-test demo database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.web.conftest import Client

EXAMPLES = 25
def _explore(operation: Any, mode: GenerationMode, headers: dict[str, str],
             failures: dict[str, str]) -> None:
    """Up to EXAMPLES generated calls of one operation, findings collected in ``failures``.

    Findings are collected, not raised: hypothesis would otherwise stop the operation at its
    first one (and its pytest plugin reports an inner failure in place of the test's own).
    """
    label = f"{operation.label} ({mode})"
    uploads = "multipart/form-data" in str(operation.definition.raw.get("requestBody", ""))

    @given(case=operation.as_strategy(mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case: schemathesis.Case) -> None:
        try:
            response = case.call(headers=headers)
        except Exception as exc:  # the in-process app re-raises what would be a 500
            failures.setdefault(f"{label}: server error {exc!r}"[:300],
                                f"{case.as_curl_command(headers=headers)}\n{exc!r}")
            return
        # The contents of an uploaded file (a roster, an answer) cannot be described by JSON
        # Schema: a schema-valid upload of a non-spreadsheet is rightly refused with 422.
        excluded = [positive_data_acceptance] if uploads else []
        try:
            case.validate_response(response, headers=headers, excluded_checks=excluded)
        except (Exception, FailureGroup) as exc:  # FailureGroup is a BaseExceptionGroup
            text = str(exc)
            found = sorted({line.strip() for line in text.splitlines() if "- ST" in line})
            failures.setdefault(f"{label}: {', '.join(found) or type(exc).__name__}", text)

    with contextlib.suppress(Unsatisfiable):  # nothing to make invalid: no parameters, no body
        check()


def test_api_keeps_its_description(app: FastAPI, signed_in: Callable[[str], Client]) -> None:
    client = signed_in("admin.metro")
    headers = {"Cookie": f"lindung_session={client.cookies.get('lindung_session')}",
               "X-CSRF-Token": client.csrf}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _explore(result.ok(), mode, headers, failures)
    assert operations >= 9
    assert not failures, "\n\n".join(f"{key}\n{text}" for key, text in failures.items())
