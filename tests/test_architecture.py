"""The import rules between the kiosk's folders (ARCHITECTURE.md), checked on every module.

A module may import only from its own folder and the folders its rule names: the core from
nothing, the adapters (speech, store, staff) from the core, outputs from the store, the shell
from the speech interfaces, and only the wiring (bootstrap), the commands and the developer
tools from everything. A new folder or top-level module needs a rule here, on purpose.
"""

from __future__ import annotations

import ast
from pathlib import Path

import kiosk

PACKAGE = Path(kiosk.__file__).parent

# Folder (or top-level module) -> the folders and modules it may import from.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "i18n": set(),
    "ids": set(),  # random ids, given to the core by those that build sessions
    "background": set(),  # work on a thread of its own, its result waited for
    "private": set(),  # owner-only files (PIN hash, hub token, keys)
    "speech": {"core"},
    "store": {"core", "ids", "private", "background"},
    "staff": {"core", "private"},
    "printing": {"core"},  # the receipt printer, an adapter like speech
    "outputs": {"core", "store", "ids", "i18n"},  # i18n: the audio report's own sentences
    "ui": {"core", "speech.ports", "staff", "store", "i18n"},
    "bootstrap": {"core", "i18n", "ids", "printing", "private", "speech", "staff", "store", "ui"},
    "devtools": {"core", "i18n", "ids", "outputs", "printing", "private", "speech", "store",
                 "staff", "ui", "bootstrap"},
    "commands": {"core", "i18n", "ids", "outputs", "printing", "private", "speech", "store",
                 "staff", "devtools", "bootstrap", "background"},
    "cli": {"__init__"},  # commands are loaded by name, when asked for
    "__main__": {"cli"},
    "__init__": set(),
}


def _room(module: str) -> str:
    """The folder or top-level module a dotted module name (under kiosk) belongs to."""
    parts = module.split(".")[1:]
    return parts[0] if parts else "__init__"


def _allowed(source: str, target: str) -> bool:
    room, other = _room(source), _room(target)
    if room == other:
        return True
    rule = ALLOWED[room]
    rest = target.split(".")[1:]
    return other in rule or ".".join(rest[:2]) in rule


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.split(".")[0] == "kiosk":
            if node.module == "kiosk":
                found += [(node.lineno, f"kiosk.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names
                      if alias.name.split(".")[0] == "kiosk"]
    return found


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts)


def test_every_module_keeps_to_the_import_rules() -> None:
    broken = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _module_name(path)
        room = _room(source)
        assert room in ALLOWED, f"{source}: no import rule for {room!r}; add one to ALLOWED"
        for line, target in _imports(path):
            if target == "kiosk.__version__" or target == "kiosk":
                target = "kiosk.__init__"
            if not _allowed(source, target):
                broken.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {room} imports "
                              f"{target}")
    assert not broken, "\n".join(broken)


def test_the_rules_catch_a_wrong_import() -> None:
    assert not _allowed("kiosk.core.session", "kiosk.store.db")
    assert not _allowed("kiosk.store.db", "kiosk.ui.app")
    assert not _allowed("kiosk.ui.app", "kiosk.speech.voice")
    assert not _allowed("kiosk.outputs.report", "kiosk.devtools.bench")
    assert _allowed("kiosk.ui.app", "kiosk.speech.ports")
    assert _allowed("kiosk.outputs.export", "kiosk.store.shared")


def _top_level_imports(path: Path) -> set[str]:
    """The kiosk modules a module imports when it is loaded (imports inside functions, made
    lazily on purpose, are left out)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.split(".")[0] == "kiosk":
            found |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "kiosk"}
    return found


def test_no_two_modules_import_each_other() -> None:
    # A cycle loads half a module; the rooms' rules allow cycles inside a room, this does not.
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {name: {t for t in _top_level_imports(path) if t in modules and t != name}
             for name, path in modules.items()}
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                raise AssertionError("import cycle: " + " -> ".join(
                    [*trail[trail.index(target):], target]))
            if target not in state:
                visit(target, [*trail, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
