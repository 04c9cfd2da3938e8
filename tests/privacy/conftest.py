"""The privacy tests use the reports tests' reference data (categories, national targets),
eager Celery and private files in a temporary directory."""

from tests.cases.conftest import samarinda_case  # noqa: E402, F401 - a fixture
from tests.reports.conftest import (  # noqa: F401 - fixtures, used by name
    eager_celery,
    reference_data,
    report_files,
)
