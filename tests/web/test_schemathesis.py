"""Property-based test of the whole API ``/api/v1`` from its OpenAPI description (schemathesis):
generated requests, valid and invalid, must never make the server fail and must get the answers
the description promises (schemathesis' default checks, negative data rejection included).

Two passes per operation:

- the *coverage* phase: every boundary the description states, just inside and just outside
  (lengths, minimum and maximum, enum values, wrong types, missing required fields), in both
  positive and negative modes;
- the *fuzzing* phase: random valid and invalid requests.

Operations are called signed in as the demo Pemda admin, and the counter's operations with the
counter's API token, so that each reaches its real work rather than a 403. Free text in the API
has the format ``lindung-text`` (no control, zero-width or bidi characters): its strategy is
registered here so that "valid" means what the services accept.

Operations are walked by hand rather than with ``schemathesis.pytest.from_fixture``, which does
not run under this pytest (``'Function' object has no attribute '_nodeid'``): the schema has to
come from the per-test demo database.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Err
from schemathesis.generation import GenerationMode
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)
from schemathesis.specs.openapi.checks import positive_data_acceptance

from lindung.text import INVISIBLE_CATEGORIES, TEXT_FORMAT
from tests.web.conftest import Client

if TYPE_CHECKING:
    from hypothesis.internal.charmap import CategoriesTuple

EXAMPLES = 10

schemathesis.openapi.format(TEXT_FORMAT, st.text(
    # hypothesis types the categories as a Literal of their names; ours are a frozenset[str]
    alphabet=st.characters(exclude_categories=cast("CategoriesTuple", tuple(INVISIBLE_CATEGORIES))),
    min_size=1,
).map(lambda t: unicodedata.normalize("NFC", t)).filter(lambda t: bool(t.strip())))


def _semantic(operation: Any) -> bool:
    """Operations whose valid input JSON Schema cannot describe, so that a schema-valid request
    may rightly be refused with 422: an uploaded file's contents (a roster, an answer), and a
    driver's enrolment (the NIK must agree with the birth date and sex, the occupation must be
    one the counter offers, the term one the law allows)."""
    return ("multipart/form-data" in str(operation.definition.raw.get("requestBody", ""))
            or operation.label == "POST /api/v1/counter-enrolments"
            # a correction must differ from what is on file, a phone number's length depends
            # on its prefix, an occupation must be one of the Pemda's taxonomy
            or operation.label in ("PATCH /api/v1/workers/{worker_id}",
                                   "PATCH /api/v1/memberships/{membership_id}")
            # a role only where such people work, an organisation only at a place its kind
            # may sit (a village at its own code), a token no wider than its organisation, a
            # password not common, not the username (NIST 800-63B)
            or operation.label in ("POST /api/v1/users", "POST /api/v1/organisations",
                                   "POST /api/v1/tokens", "POST /api/v1/me/password"))


def _judge(operation: Any, label: str, headers: dict[str, str], failures: dict[str, str],
           case: schemathesis.Case[Any]) -> None:
    """Call the app with one case and record what the checks find (never raise: hypothesis
    would stop at the first finding and hide the rest)."""
    try:
        response = case.call(headers=headers)
    except Exception as exc:  # the in-process app re-raises what would be a 500
        failures.setdefault(f"{label}: server error {exc!r}"[:300],
                            f"{case.as_curl_command(headers=headers)}\n{exc!r}")
        return
    if response.status_code >= 500:
        failures.setdefault(f"{label}: {response.status_code}",
                            f"{case.as_curl_command(headers=headers)}\n{response.text[:500]}")
        return
    excluded: list[schemathesis.CheckFunction] = (
        [positive_data_acceptance] if _semantic(operation) else [])
    try:
        case.validate_response(response, headers=headers, excluded_checks=excluded)
    except (Exception, FailureGroup) as exc:  # FailureGroup is a BaseExceptionGroup
        text = str(exc)
        found = sorted({line.strip() for line in text.splitlines() if "- ST" in line})
        failures.setdefault(f"{label}: {', '.join(found) or type(exc).__name__}", text)


def _fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str],
          failures: dict[str, str]) -> None:
    """Up to EXAMPLES random calls of one operation."""

    @given(case=operation.as_strategy(mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case: schemathesis.Case[Any]) -> None:
        _judge(operation, f"{operation.label} ({mode})", headers, failures, case)

    with contextlib.suppress(Unsatisfiable):  # nothing to make invalid: no parameters, no body
        check()


def _boundaries(schema: Any, operation: Any, headers: dict[str, str],
                failures: dict[str, str]) -> int:
    """Every case of schemathesis' coverage phase (boundaries, positive and negative)."""
    cases: list[schemathesis.Case[Any]] = []

    def collect(case: schemathesis.Case[Any]) -> None:
        cases.append(case)

    test = create_test(operation=operation, test_func=collect, config=HypothesisTestConfig(
        project=schema.config, modes=[HypothesisTestMode.COVERAGE],
        settings=hypothesis.settings(max_examples=1, database=None, deadline=None,
                                     suppress_health_check=list(HealthCheck))))
    test()
    for case in cases:
        _judge(operation, f"{operation.label} (boundary)", headers, failures, case)
    return len(cases)


PARTS = 4
"""The operations are judged in this many tests (every PARTS-th operation each), so that the
two workers of the suite share them."""


@pytest.mark.parametrize("part", range(PARTS))
def test_api_keeps_its_description(app: FastAPI, signed_in: Callable[[str], Client],
                                   counter_token: str, part: int) -> None:
    client = signed_in("admin.metro")
    admin = {"Cookie": f"lindung_session={client.cookies.get('lindung_session')}",
             "X-CSRF-Token": client.csrf}
    counter = {"Authorization": f"Bearer {counter_token}"}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    failures: dict[str, str] = {}
    operations = boundary_cases = 0
    for index, result in enumerate(schema.get_all_operations()):
        if isinstance(result, Err):  # an operation schemathesis could not read
            raise result.err()
        if index % PARTS != part:
            continue
        operation = result.ok()
        operations += 1
        headers = counter if "loket" in (operation.tags or []) else admin
        boundary_cases += _boundaries(schema, operation, headers, failures)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, headers, failures)
    assert operations >= 20 // PARTS and boundary_cases >= 500 // PARTS
    assert not failures, "\n\n".join(f"{key}\n{text}" for key, text in failures.items())
