"""The planning engine imports no Django (the import-linter contract checks it too)."""

import subprocess
import sys


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
