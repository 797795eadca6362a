"""Every operation of the app's own OpenAPI document, fuzzed in process as each kind of user.

Schemathesis reads ``/api/v1/_openapi`` (as the user sees it) and generates requests that follow
the schema (positive) and requests that break it (negative: wrong types, missing fields, strange
strings). Whatever a client sends, the platform must answer with a 2xx/4xx and a message, never a
server error. The number of examples per operation is bounded so the module stays quick.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core import NotSet

from cli.demo_data import DEMO_PASSWORD

# One login per kind of user: the scopes differ (all / district / enterprise), so do the answers.
ROLES = ["admin", "city_station", "district_authority_laoshan", "supervisor_shinan", "enterprise_01"]
# Examples per operation and generation mode. The default run is the same every time (derandomized);
# FUZZ_EXAMPLES=20 gives a longer run with fresh random examples, for hunting rather than guarding.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1"))
DERANDOMIZE = "FUZZ_EXAMPLES" not in os.environ


def jwt_headers(app: Flask, username: str) -> dict[str, str]:
    answer = app.test_client().post("/api/v1/security/login", json={"username": username, "password": DEMO_PASSWORD, "provider": "db"})
    assert answer.status_code == 200, answer.get_json()
    return {"Authorization": f"Bearer {answer.get_json()['access_token']}"}


def fuzz_operation(operation: Any, headers: dict[str, str]) -> tuple[int, list[str]]:
    """Run the operation's examples (schema-following and schema-breaking); returns how many ran
    and a line for each 5xx answer."""
    ran = 0
    failures: list[str] = []

    def call(case: Any) -> None:
        nonlocal ran
        ran += 1
        response = case.call(headers=headers)
        if response.status_code >= 500:
            sent = "" if isinstance(case.body, NotSet) else repr(case.body)[:300]
            failures.append(
                f"{operation.label} {case.path_parameters or ''} {case.query or ''} {sent} -> {response.status_code} {response.text[:200]}"
            )

    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        run = settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=DERANDOMIZE,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )(given(case=operation.as_strategy(mode))(call))
        try:
            run()
        except Unsatisfiable:  # nothing in this operation can be made invalid (no parameters, no body)
            pass
    return ran, failures


@pytest.mark.parametrize("username", ROLES)
def test_no_operation_answers_a_server_error(app: Flask, username: str) -> None:
    # The document is the administrator's (other roles may not read it): every role meets every
    # operation, and the ones it may not use must refuse cleanly (401/403/404), not fail.
    schema = schemathesis.openapi.from_wsgi("/api/v1/_openapi", app, headers=jwt_headers(app, "admin"))
    headers = jwt_headers(app, username)
    operations = examples = 0
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        ran, found = fuzz_operation(operation, headers)
        operations += 1
        examples += ran
        failures += found
    print(f"\nfuzz {username}: {operations} operations, {examples} examples")
    assert operations > 50  # the whole document was read, not an error page
    assert not failures, "\n".join(failures)
