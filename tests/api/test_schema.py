"""The OpenAPI 3 schema validates, lists every endpoint, and documents them with examples; the
documentation page is served by the portal itself."""

import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern
from openapi_spec_validator import validate

from api import urls as api_urls

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "put", "patch", "delete"}
# The framework's own pages: the schema and its documentation.
FRAMEWORK_ROUTES = {"schema/", "docs/", ""}  # "": the framework's index, to the docs


@pytest.fixture
def schema(kaltim):
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    return response.json()


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _unexampled(schema: dict, node: dict, path: str, required_only: bool) -> list[str]:
    node = _resolve(schema, node)
    if node.get("type") == "array":
        return _unexampled(schema, node["items"], f"{path}[]", required_only)
    missing = []
    required = set(node.get("required", ()))
    for name, prop in node.get("properties", {}).items():
        if required_only and name not in required:
            continue
        target = _resolve(schema, prop)
        if (
            target.get("properties")
            or target.get("type") == "array"
            and "$ref" in target.get("items", {})
        ):
            missing += _unexampled(schema, target, f"{path}.{name}", required_only)
        elif "examples" not in prop and "examples" not in target:
            missing.append(f"{path}.{name}")
    return missing


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_the_schema_has_no_duplicate_keys(kaltim):
    """Swagger UI reads the schema as YAML, which refuses a key twice (JSON parsers keep one)."""
    duplicates = []

    def keep(pairs):
        keys = [key for key, _value in pairs]
        duplicates.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(pairs)

    json.loads(Client().get("/api/v1/schema/").content, object_pairs_hook=keep)
    assert not duplicates


def test_every_endpoint_is_in_the_schema(schema):
    documented = {re.sub(r"\{(\w+)\}", "<>", p.removeprefix("/api/v1/")) for p in schema["paths"]}
    routes = {
        re.sub(r"<[^>]+>", "<>", str(entry.pattern))
        for entry in api_urls.urlpatterns
        if isinstance(entry, URLPattern)
    }
    assert routes - FRAMEWORK_ROUTES == documented


def test_every_operation_has_examples_for_what_it_returns_and_requires(schema):
    missing = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            where = f"{method.upper()} {path}"
            assert operation.get("security"), f"{where} documents no authentication"
            for status, response in operation["responses"].items():
                content = response.get("content", {}).get("application/json")
                if content and status.startswith("2"):
                    missing += _unexampled(schema, content["schema"], where, required_only=False)
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                missing += _unexampled(schema, body["schema"], f"{where} body", required_only=True)
            assert "401" in operation["responses"], f"{where} does not document its 401"
    assert not missing, f"Fields without an example: {missing}"


def test_the_documentation_page_is_served_from_the_portals_own_files(kaltim):
    page = Client().get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(source.startswith("/static/") for source in sources), sources
    assert "/api/v1/schema/" in html
