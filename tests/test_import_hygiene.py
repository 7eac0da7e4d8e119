"""Layering rules of DESIGN.md section 3, checked in fresh interpreters.

The store and the services never pull in Textual; the CLI module starts without Textual or
sqlite-utils so `hotline --help` and scripted commands stay fast.
"""

from __future__ import annotations

import subprocess
import sys

import pytest


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize(
    "statement",
    [
        "import hotline.store",
        "import hotline.services.calls, hotline.services.agents, hotline.services.setup",
        "import hotline.config",
    ],
)
def test_store_services_and_config_never_import_textual(statement: str) -> None:
    loaded = _modules_after(statement)
    assert "textual" not in loaded
    assert "rich" not in loaded or "hotline.store" not in statement


def test_the_cli_module_imports_neither_textual_nor_sqlite_utils() -> None:
    loaded = _modules_after("import hotline.cli")
    assert "textual" not in loaded
    assert "sqlite_utils" not in loaded
