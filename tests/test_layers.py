"""The data flows one way: read -> extract -> write (shared/spec/STYLE.md). A module may import
from its own area and the areas before it, never from one after it; imports inside functions
count too."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"


def _imports(path: Path, source: str | None = None) -> set[str]:
    """Absolute names of the modules a file imports (anywhere in it), relative imports resolved."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = parts if path.name == "__init__.py" else parts[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8") if source is None else source)):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[:len(package) - node.level + 1]) if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            out.add(module)
            out.update(f"{module}.{a.name}" for a in node.names)
    return out


@pytest.mark.parametrize("area, later", [("read", ("pipeline.extract", "pipeline.write")),
                                         ("extract", ("pipeline.write",))])
def test_layers_no_area_imports_a_later_one(area, later):
    files = sorted((PACKAGE / area).rglob("*.py"))
    assert files
    bad = [f"{f.relative_to(PACKAGE.parent)} imports {name}" for f in files for name in sorted(_imports(f))
           if any(name == a or name.startswith(a + ".") for a in later)]
    assert bad == []


@pytest.mark.parametrize("source, expected", [
    ("from pipeline.write import files\n", {"pipeline.write", "pipeline.write.files"}),
    ("def f():\n    from ..write.csvio import read_csv\n", {"pipeline.write.csvio", "pipeline.write.csvio.read_csv"}),
])
def test_layers_imports_are_read_in_every_form(source, expected):
    """The check sees absolute, relative and function-level imports (so it can fail)."""
    assert _imports(PACKAGE / "extract" / "probe.py", source) == expected


MODULE_MAX_LINES = 600      # issue 18: a module a newcomer can read in one sitting
FUNCTION_MAX_LINES = 80


def _sizes(root: Path):
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        yield path, source.count("\n"), [
            (node.name, node.end_lineno - node.lineno + 1) for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def test_layers_modules_and_functions_stay_short():
    too_long = [f"{p.relative_to(PACKAGE.parent)}: {n} lines" for p, n, _f in _sizes(PACKAGE) if n > MODULE_MAX_LINES]
    too_long += [f"{p.relative_to(PACKAGE.parent)}: {name}() {n} lines" for p, _n, funcs in _sizes(PACKAGE)
                 for name, n in funcs if n > FUNCTION_MAX_LINES]
    assert not too_long, "split these (issue 18's bounds): " + "; ".join(too_long)


def test_layers_size_check_sees_a_long_function(tmp_path):
    (tmp_path / "m.py").write_text("def f():\n" + "    x = 1\n" * 90, encoding="utf-8")
    [(path, lines, funcs)] = list(_sizes(tmp_path))
    assert lines == 91 and funcs == [("f", 91)]
