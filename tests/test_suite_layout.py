"""The suite's own layout: helpers live in helper modules or fixtures, never in a test module.

A test module that imports another runs that module's tests' set-up twice over and ties two
topics together; what both need belongs in a helper module (tests/singer.py, tests/bookmarks.py,
tests/readme.py, ...) or a fixture (conftest.py, tests/inprocess.py, tests/emulator/fixtures.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_modules(source: str, package: str) -> set[str]:
    """Every module `source` (a module of `package`) imports, relative imports resolved."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def imported_test_modules(path: Path) -> set[str]:
    """The test modules a module of the suite imports."""
    package = ".".join(path.relative_to(TESTS.parent).parent.parts)
    imported = imported_modules(path.read_text(), package)
    return {name for name in imported if name.rsplit(".", 1)[-1].startswith("test_")}


def test_no_module_of_the_suite_imports_a_test_module() -> None:
    found = {
        str(path.relative_to(TESTS.parent)): sorted(imported_test_modules(path))
        for path in sorted(TESTS.rglob("*.py"))
    }
    assert {path: names for path, names in found.items() if names} == {}


def test_the_check_sees_absolute_and_relative_imports_of_test_modules() -> None:
    source = "from tests.e2e.test_meltano_run import RUN\nfrom . import test_pipe\nimport os\n"
    imported = imported_modules(source, "tests.e2e")
    assert {"tests.e2e.test_meltano_run", "tests.e2e.test_pipe", "os"} <= imported
