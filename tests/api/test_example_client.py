"""docs/api-client.py works against a running portal: lists, registers, opens, moves a case."""

import importlib.util
from pathlib import Path

import pytest

from cases.models import Case, Category
from tests.api.conftest import issue

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "api-client.py"


def load_example():
    spec = importlib.util.spec_from_file_location("api_client_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_client_registers_and_moves_a_case(live_server, admin, samarinda, categories):
    example = load_example()
    token = issue(admin, regency=samarinda, can_write=True).token
    client = example.PortalClient(live_server.url, token)

    person = client.register_person(
        {"nik": "6472014107950004", "name": "Sri Wahyuni", "sex": "P", "birth_date": "1996-01-02"}
    )  # the NIK's birth date differs: the example confirms the warning
    case = client.open_case(
        person["id"],
        {
            "category": Category.objects.get(code="AJ").pk,
            "found_on": "2026-11-10",
            "source": "outreach",
        },
    )
    moved = client.move_case(case["id"], "verified", "Kunjungan rumah", "2026-11-12")
    assert moved["status"] == "verified"
    assert [row["id"] for row in client.pages("cases/")] == [case["id"]]
    with pytest.raises(example.ApiError) as refused:
        client.request("GET", "cases/999999/")
    assert refused.value.status == 404
    assert Case.objects.get(pk=case["id"]).status == "verified"
