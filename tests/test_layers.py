"""Dependencies point one way: territories ← workshops ← baskets ← plenary ← restitution.

Every import of every Python file of the production apps is read (at the top of a
module, inside a function, under ``TYPE_CHECKING``, or as ``import_module("…")``): an
app may import the apps to its left, never one to its right. ``config`` wires them all
and may import any of them. docs/architecture.md, "Which app imports which".
"""

import ast
from pathlib import Path

from django.conf import settings

LAYERS = ("territories", "workshops", "baskets", "plenary", "restitution")
BASE_DIR = Path(settings.BASE_DIR)


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, module) for every absolute import in the source, wherever it stands."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def upward_imports(root: Path) -> list[str]:
    """Every import in ``root``'s apps of an app to their right, as "file:line imports x"."""
    problems = []
    for rank, app in enumerate(LAYERS):
        higher = set(LAYERS[rank + 1 :])
        for path in sorted((root / app).rglob("*.py")):
            for line, module in imported_modules(path.read_text(encoding="utf-8")):
                if module.split(".")[0] in higher:
                    problems.append(f"{path.relative_to(root)}:{line} imports {module}")
    return problems


def test_no_app_imports_an_app_built_on_it():
    assert upward_imports(BASE_DIR) == []


def test_the_check_reads_every_app_and_its_imports():
    """The check is not vacuous: it finds the apps, and their imports of the apps below."""
    for app in LAYERS:
        assert list((BASE_DIR / app).rglob("*.py")), app
    restitution = [
        module
        for path in (BASE_DIR / "restitution").rglob("*.py")
        for _line, module in imported_modules(path.read_text(encoding="utf-8"))
    ]
    assert {"workshops", "baskets", "plenary"} <= {m.split(".")[0] for m in restitution}


def test_it_finds_an_upward_import_wherever_it_hides(tmp_path):
    for app in LAYERS:
        (tmp_path / app).mkdir()
    (tmp_path / "workshops" / "views.py").write_text(
        "from territories.models import Territory\n"  # downward: allowed
        "from . import models\n"  # inside the app: allowed
        "\n"
        "def later():\n"
        "    from baskets import services\n"  # lazy, inside a function
        "    return services\n"
    )
    (tmp_path / "territories" / "sub").mkdir()
    (tmp_path / "territories" / "sub" / "deep.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "import importlib\n"
        "if TYPE_CHECKING:\n"
        "    import workshops.models\n"
        "class Lazy:\n"
        "    def method(self):\n"
        "        return importlib.import_module('restitution.report')\n"
    )
    (tmp_path / "baskets" / "ok.py").write_text("import workshops.gate\nimport territories\n")
    (tmp_path / "plenary" / "bad.py").write_text("import os, restitution.models\n")

    assert upward_imports(tmp_path) == [
        "territories/sub/deep.py:4 imports workshops.models",
        "territories/sub/deep.py:7 imports restitution.report",
        "workshops/views.py:5 imports baskets",
        "plenary/bad.py:1 imports restitution.models",
    ]
