"""Imports run one way: pages -> state -> services -> models.

Beside that layering (docs/architecture.md): collab/ and api/ stay out of Reflex, collab/
reads users through services, vocabulary.py and routes.py load without Reflex, and what
vocabulary.py defines is defined nowhere else.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "hitrec_app"
# The layers that are Reflex (states, pages, UI and live rooms, the app itself).
REFLEX_LAYERS = (
    "reflex",
    "hitrec_app.state",
    "hitrec_app.pages",
    "hitrec_app.components",
    "hitrec_app.realtime",
    "hitrec_app.hitrec_app",
)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST, *, runtime_only: bool) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement; with `runtime_only`, not those under `if TYPE_CHECKING:`."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        if runtime_only and isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _imports(path: Path, *, runtime_only: bool = False) -> set[str]:
    names: set[str] = set()
    for node in _import_nodes(ast.parse(path.read_text()), runtime_only=runtime_only):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif node.module:
            names.add(node.module)
    return names


def _files(folder: str) -> list[Path]:
    return sorted((PKG / folder).rglob("*.py"))


def _rel(path: Path) -> str:
    return str(path.relative_to(PKG))


def _reflex_layer(module: str) -> bool:
    return any(module == layer or module.startswith(layer + ".") for layer in REFLEX_LAYERS)


@pytest.mark.parametrize(
    "path", _files("services") + _files("models") + _files("tasks"), ids=lambda p: p.name
)
def test_services_models_and_tasks_never_import_reflex_state_or_pages(path):
    bad = {
        n
        for n in _imports(path)
        if n == "reflex" or n.startswith(("reflex.", "hitrec_app.state", "hitrec_app.pages"))
    }
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", _files("pages") + _files("components"), ids=lambda p: p.name)
def test_pages_never_touch_services_or_the_database(path):
    """Pages read state vars; what they show comes through a state, never a service."""
    bad = {
        n
        for n in _imports(path)
        if n.startswith(
            ("sqlmodel", "sqlalchemy", "hitrec_app.db", "hitrec_app.models", "hitrec_app.services")
        )
    }
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", _files("state"), ids=lambda p: p.name)
def test_states_leave_queries_to_services(path):
    source = path.read_text()
    bad = [call for call in ("session.get(", "session.exec(", "session.add(") if call in source]
    assert not bad, f"{path.name} queries the database directly ({bad}); call a service"
    # A type-only import (`if TYPE_CHECKING:`) of `Session` runs no query.
    db = {n for n in _imports(path, runtime_only=True) if n.startswith(("sqlmodel", "sqlalchemy"))}
    assert not db, f"{path.name} imports {db}; call a service"


@pytest.mark.parametrize("path", _files("collab") + _files("api"), ids=_rel)
def test_collab_and_api_never_import_reflex_states_or_pages(path):
    bad = {n for n in _imports(path) if _reflex_layer(n)}
    assert not bad, f"{_rel(path)} imports {bad}: collab/ and api/ run outside Reflex"


_USER_QUERY = re.compile(r"\b(?:select|session\.(?:get|exec|add|delete|merge))\(\s*User\b")


@pytest.mark.parametrize("path", _files("collab"), ids=_rel)
def test_collab_reads_users_through_services(path):
    tree = ast.parse(path.read_text())
    imported = {
        alias.name
        for node in _import_nodes(tree, runtime_only=False)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hitrec_app.models")
        for alias in node.names
    }
    assert "User" not in imported, f"{_rel(path)} imports the User table; ask services.accounts"
    assert not _USER_QUERY.search(path.read_text()), f"{_rel(path)} queries User; use a service"


@pytest.mark.parametrize("name", ["vocabulary.py", "routes.py"])
def test_vocabulary_and_routes_never_import_reflex_at_runtime(name):
    bad = {n for n in _imports(PKG / name, runtime_only=True) if _reflex_layer(n)}
    assert not bad, f"{name} imports {bad} at runtime (type-only imports go under TYPE_CHECKING)"


def test_importing_vocabulary_and_routes_loads_no_reflex():
    """Also what they import: services and models use them without pulling Reflex in."""
    code = (
        "import sys, hitrec_app.vocabulary, hitrec_app.routes; "
        "print(sorted(m for m in sys.modules if m == 'reflex' or m.startswith('reflex.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PKG.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]", f"importing them loads {out.stdout.strip()}"


def _module_level_names(tree: ast.Module) -> dict[str, int]:
    """Names a module binds at its top level (assignments, functions, classes) -> line."""
    names: dict[str, int] = {}
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.setdefault(node.name, node.lineno)
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Name):
                    names.setdefault(sub.id, node.lineno)
    return names


def _vocabulary_names() -> set[str]:
    """What vocabulary.py defines: its top-level names and its enums' members."""
    tree = ast.parse((PKG / "vocabulary.py").read_text())
    names = set(_module_level_names(tree))
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names.update(_module_level_names(ast.Module(body=node.body, type_ignores=[])))
    return {name for name in names if not name.startswith("_")}


VOCABULARY = _vocabulary_names()


@pytest.mark.parametrize(
    "path", [p for p in sorted(PKG.rglob("*.py")) if p.name != "vocabulary.py"], ids=_rel
)
def test_what_vocabulary_defines_is_defined_nowhere_else(path):
    defined = _module_level_names(ast.parse(path.read_text()))
    again = sorted(f"{name} (line {line})" for name, line in defined.items() if name in VOCABULARY)
    assert not again, f"{_rel(path)} defines {again} again; import them from hitrec_app.vocabulary"
