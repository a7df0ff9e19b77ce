"""The shape of the code that a newcomer relies on (docs/architecture.md): imports at the top
unless a comment says why, no private helper borrowed from another module, modules that fit in
a head. The layers themselves are import-linter's contract, run by `make lint`."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = {
    "config",
    "audit",
    "accounts",
    "programs",
    "participants",
    "placements",
    "reporting",
    "imports",
    "summerjobs",
    "privacy",
    "web",
    "demo",
    "bench",
    "faults",
}
# A whole module may give the reason once, near its top, for all its imports in functions.
MODULE_REASON = "# Imports inside functions:"
MAX_LINES = 700


def _modules():
    for app in sorted(APPS):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _project_module(node: ast.Import | ast.ImportFrom) -> str:
    name = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
    return name or ""


def _imports_in_functions(tree: ast.AST):
    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            is_import = isinstance(child, ast.Import | ast.ImportFrom)
            if in_function and is_import and _project_module(child).split(".")[0] in APPS:
                yield child
            yield from walk(child, inside)

    yield from walk(tree, False)


def _says_why(lines: list[str], node: ast.stmt) -> bool:
    """A comment on the import's line, or above the block of imports it belongs to."""
    if "#" in lines[node.lineno - 1]:
        return True
    above = node.lineno - 2
    while above >= 0 and lines[above].strip().startswith(("from ", "import ")):
        above -= 1
    return above >= 0 and lines[above].strip().startswith("#")


def unexplained_imports(source: str) -> list[int]:
    if MODULE_REASON in source:
        return []
    lines = source.splitlines()
    tree = ast.parse(source)
    return [node.lineno for node in _imports_in_functions(tree) if not _says_why(lines, node)]


def borrowed_private_names(source: str) -> list[str]:
    """Names starting with one underscore imported from another project module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in APPS:
            found += [a.name for a in node.names if a.name.startswith("_") and a.name != "_"]
    return found


def test_imports_inside_functions_say_why():
    unexplained = {
        str(path.relative_to(ROOT)): lines
        for path in _modules()
        if (lines := unexplained_imports(path.read_text()))
    }
    assert unexplained == {}, "Move these imports to the top, or say why they cannot be there."


def test_no_module_borrows_another_modules_private_helper():
    borrowed = {
        str(path.relative_to(ROOT)): names
        for path in _modules()
        if (names := borrowed_private_names(path.read_text()))
    }
    assert borrowed == {}, "A helper used by two modules is public, in one home."


def test_modules_fit_in_a_head():
    long = {
        str(path.relative_to(ROOT)): count
        for path in _modules()
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}, f"Split these by topic (at most about {MAX_LINES} lines)."


def test_the_checks_see_what_they_look_for():
    hidden = "def f():\n    from participants.models import Participant\n    return Participant\n"
    explained = "def f():\n    # the task calls this module\n    from imports.tasks import t\n"
    same_line = "def f():\n    from imports.tasks import t  # the task calls this module\n"
    assert unexplained_imports(hidden) == [2]
    assert unexplained_imports(explained) == []
    assert unexplained_imports(same_line) == []
    assert unexplained_imports("import django\n\ndef f():\n    import json\n") == []
    assert borrowed_private_names("from participants.services import _clean\n") == ["_clean"]
    assert borrowed_private_names("from django.utils.translation import gettext as _\n") == []


def test_test_modules_share_helpers_through_tests_support():
    borrowed = {}
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            module = node.module if isinstance(node, ast.ImportFrom) else ""
            last = (module or "").rsplit(".", 1)[-1]
            if module and module.startswith("tests.") and last.startswith(("test_", "conftest")):
                borrowed.setdefault(str(path.relative_to(ROOT)), []).append(module)
    assert borrowed == {}, "Move what test modules share into tests/support/."
