"""Imports run one way: pages -> state -> services -> models."""

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "hitrec_app"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _files(folder: str) -> list[Path]:
    return sorted((PKG / folder).rglob("*.py"))


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
def test_pages_never_open_database_sessions(path):
    bad = {
        n
        for n in _imports(path)
        if n.startswith(("sqlmodel", "sqlalchemy", "hitrec_app.db", "hitrec_app.models"))
    }
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", _files("state"), ids=lambda p: p.name)
def test_states_leave_queries_to_services(path):
    source = path.read_text()
    bad = [call for call in ("session.get(", "session.exec(", "session.add(") if call in source]
    assert not bad, f"{path.name} queries the database directly ({bad}); call a service"
    assert not {n for n in _imports(path) if n.startswith(("sqlmodel", "sqlalchemy"))}
