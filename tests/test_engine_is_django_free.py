"""The planning engine imports no Django and reads no files (import-linter checks the first too)."""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import sendplan.engine

ENGINE = Path(sendplan.engine.__file__).parent
# Modules that open, list or decode files; the command line and the apps' adapters read
# files and hand the engine plain data.
FILE_MODULES = {"csv", "glob", "gzip", "io", "os", "pathlib", "shutil", "tempfile", "zipfile"}


def test_engine_modules_import_without_django():
    code = (
        "import sys, pkgutil, importlib, sendplan.engine as e\n"
        "for m in pkgutil.iter_modules(e.__path__): importlib.import_module('sendplan.engine.' + m.name)\n"
        "bad = sorted(n for n in sys.modules if n == 'django' or n.startswith('django.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def _file_access(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "open":
            names = ["open()"]
        else:
            continue
        found += [
            f"{path.name}:{node.lineno}: {name}"
            for name in names
            if name == "open()"
            or name.split(".")[0] in FILE_MODULES
            or name == "importlib.resources"
        ]
    return found


def test_the_engine_reads_no_files():
    modules = [
        ENGINE / "__init__.py",
        *(ENGINE / f"{m.name}.py" for m in pkgutil.iter_modules([str(ENGINE)])),
    ]
    assert [hit for path in modules for hit in _file_access(path)] == []
    assert not [p.name for p in ENGINE.iterdir() if p.suffix not in {".py", ""} and p.is_file()]
