"""The Open Referral API tested by schemathesis against the official HSDS 3.0 OpenAPI document and our own.

schemathesis generates requests from each document (every operation, its parameters valid and
not) and checks what comes back: never a server error, JSON as documented, bodies that
validate against the HSDS schemas. The official document (``data/hsds-3.0/openapi.json``,
copied unchanged) names its schemas by their address on GitHub; the loader puts the local
copies kept with the tests in their place, so nothing is fetched.

The official document only lists 200 responses and lets parameters take any value; our API
answers a bad parameter with a JSON 400 and an unknown id with a JSON 404, as our own document
says. So against the official document the status codes and the acceptance of any value are
not checked (docs/open-data.md lists these deviations); against our own, everything is.
"""

import gzip
import json
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks

from directory.opendata.openreferral.identifiers import service_at_location_id
from directory.opendata.openreferral.views import OPENAPI_FILE
from directory.tests.opendata.helpers import build_directory

HSDS_DIR = Path(__file__).parent / "data" / "hsds-3.0"
REMOTE_SCHEMAS = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
BASE_URL = "http://testserver/openreferral"
EXAMPLES_PER_OPERATION = 16  # valid and invalid requests together
OFFICIAL_CHECKS = (
    "not_a_server_error",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
OWN_CHECKS = (*OFFICIAL_CHECKS, "status_code_conformance", "positive_data_acceptance", "negative_data_rejection")


def local_schema(name):
    """An HSDS schema from the copies kept with the tests, its own references resolved the same way."""
    path = HSDS_DIR / name
    if not path.exists():
        path = path.with_name(path.name + ".gz")
        return with_local_schemas(json.loads(gzip.decompress(path.read_bytes())), path.parent)
    return with_local_schemas(json.loads(path.read_text(encoding="utf-8")), path.parent)


def with_local_schemas(value, folder=HSDS_DIR):
    """``value`` with each reference to an HSDS schema file replaced by the local copy's contents."""
    if isinstance(value, list):
        return [with_local_schemas(item, folder) for item in value]
    if not isinstance(value, dict):
        return value
    reference = value.get("$ref", "#")
    if not reference.startswith("#"):
        name = reference.removeprefix(REMOTE_SCHEMAS)
        if name == reference:  # relative to the schema that holds it
            name = str((folder / reference).relative_to(HSDS_DIR))
        schema = local_schema(name)
        schema.pop("$id", None)
        schema.pop("$schema", None)
        return {**schema, **{key: item for key, item in value.items() if key != "$ref"}}
    return {key: with_local_schemas(item, folder) for key, item in value.items()}


def load_document(path):
    document = with_local_schemas(json.loads(Path(path).read_text(encoding="utf-8")))
    schema = schemathesis.openapi.from_dict(document)
    schema.config.update(base_url=BASE_URL)
    return schema


def checks_named(names):
    load_all_checks()
    return [check for check in CHECKS.get_all() if check.__name__ in names]


def run_operation(operation, app, checks, failures):
    """``EXAMPLES_PER_OPERATION`` generated requests, valid and not, to one operation; what fails is collected."""

    @hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=st.one_of(operation.as_strategy(), operation.as_strategy(GenerationMode.NEGATIVE)))
    def check(case):
        try:
            case.call_and_validate(app=app, checks=checks)
        except AssertionError as failure:  # schemathesis's FailureGroup is one
            failures.append(f"{operation.label}: {failure}")

    check()


def known_cases(schema, directory, official):
    """Requests for things that exist, which random ids never hit: a service, its location, full lists."""
    netmums = directory.netmums
    ids = {"/services/{id}": str(netmums.translation_key)}
    if not official:
        # The official document gives /service_at_locations/{id} the schema of a service (not of a
        # service_at_location, as its own description says); docs/open-data.md lists the deviation.
        ids["/service_at_locations/{id}"] = service_at_location_id(netmums)
    for path, identifier in ids.items():
        yield schema.make_case(operation=schema[path]["GET"], path_parameters={"id": identifier})
    yield schema.make_case(operation=schema["/organizations"]["GET"], query={"full_service": "true"})
    yield schema.make_case(operation=schema["/services"]["GET"], query={"full": "true"})


def assert_conforms(schema, app, directory, check_names, official=False):
    checks = checks_named(check_names)
    failures = []
    for result in schema.get_all_operations():
        run_operation(result.ok(), app, checks, failures)
    for case in known_cases(schema, directory, official):
        try:
            case.call_and_validate(app=app, checks=checks)
        except AssertionError as failure:
            failures.append(f"{case.operation.label}: {failure}")
    assert not failures, "\n\n".join(failures[:5])


@pytest.fixture
def directory(directory_index, departments_index):
    return build_directory(directory_index, departments_index)


@pytest.fixture
def app():
    """The site as a WSGI application that, as Django's test client does, keeps the test's database connection.

    Django closes the connection when a request starts and finishes; on PostgreSQL that would end
    the test's transaction, and the data with it.
    """
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


def test_api_conforms_to_the_official_hsds_openapi_document(app, directory):
    """Generated requests from Open Referral's own OpenAPI document get valid HSDS JSON and never a server error.

    If this fails, a client built from the official HSDS 3.0 specification breaks on our API.
    """
    assert_conforms(load_document(HSDS_DIR / "openapi.json"), app, directory, OFFICIAL_CHECKS, official=True)


def test_api_conforms_to_its_own_openapi_document(app, directory):
    """Every answer, status code included, is the one our published OpenAPI document promises."""
    assert_conforms(load_document(OPENAPI_FILE), app, directory, OWN_CHECKS)
