"""No import circle inside restitution: no module imports, even lazily inside a function, a
module that imports it back (``report`` ↔ ``tables`` and ``services`` ↔ ``tasks`` were two)."""

import ast
from pathlib import Path

import restitution

ROOT = Path(restitution.__file__).resolve().parent


def module_name(path: Path) -> str:
    parts = ["restitution", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    module_name(path): path
    for path in ROOT.rglob("*.py")
    if "migrations" not in path.parts and "management" not in path.parts
}


def imports_of(path: Path) -> set[str]:
    """The restitution modules a file names in any import statement, wherever it stands."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # `from a import b`: the module a.b if there is one, else a
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in MODULES else node.module)
    return {name for name in found if name in MODULES}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), or a module that
    imports itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph[node]:
                out.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return out


def test_it_reads_the_modules_it_checks():
    graph = {name: imports_of(path) for name, path in MODULES.items()}
    assert "restitution.report" in graph["restitution.tables"]
    assert "restitution.tasks" in graph["restitution.services"]
    assert "restitution.document.reading" in graph["restitution.importer"]


def test_it_finds_a_circle_when_there_is_one():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"a"}}) == [["a"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_it_has_no_import_circle_inside_restitution():
    graph = {name: imports_of(path) for name, path in MODULES.items()}
    assert circles(graph) == []
