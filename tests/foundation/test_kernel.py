"""pmks_portal is the kernel every app builds on: it imports no app, so that no app can reach
another through it and the kernel can be read (and tested) on its own."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

KERNEL = Path(settings.BASE_DIR) / "pmks_portal"
# The root URLconf's job is to include the apps; it is the one kernel module that names them.
WIRING = {"urls.py"}


def _project_apps() -> set[str]:
    base = Path(settings.BASE_DIR).resolve()
    return {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == base and config.name != "pmks_portal"
    }


def _imported_packages(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_project_apps_are_found():
    assert {"accounts", "audit", "cases", "demo", "kube", "rakornis", "regions", "reports"} <= (
        _project_apps()
    )


def test_pmks_portal_imports_no_app():
    project_apps = _project_apps()
    offenders = {
        str(path.relative_to(KERNEL)): sorted(_imported_packages(path) & project_apps)
        for path in sorted(KERNEL.rglob("*.py"))
        if path.name not in WIRING and "migrations" not in path.parts
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from kube.models import Kube\n    import cases.services\n")
    assert _imported_packages(module) == {"kube", "cases"}


def test_no_two_apps_import_each_other():
    """Apps depend one way (regions and audit, cases and kube...): a circle means two concerns
    have grown into one."""
    project_apps = _project_apps() | {"pmks_portal"}
    base = Path(settings.BASE_DIR)
    uses = {app: set() for app in project_apps}
    for app in project_apps:
        for path in (base / app).rglob("*.py"):
            if "migrations" in path.parts or (app == "pmks_portal" and path.name in WIRING):
                continue
            uses[app] |= (_imported_packages(path) & project_apps) - {app}
    circles = sorted((a, b) for a in uses for b in uses[a] if a < b and a in uses[b])
    assert circles == []
