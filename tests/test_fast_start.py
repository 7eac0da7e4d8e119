"""Cold start (DESIGN.md section 6: within 1.3× a bare Textual app): what `hotline` loads before
the first screen, checked in fresh interpreters. The launcher leaves the CLI machinery (typer,
click, pydantic) unloaded, opening an up-to-date store needs no sqlite-utils, and the UI text
catalogs are read from their cache once parsed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hotline.launch import app_options


def _modules_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True)
    return set(out.stdout.split())


def test_the_launcher_loads_no_cli_machinery() -> None:
    loaded = _modules_after("import hotline.launch")
    assert not {"typer", "click", "pydantic", "textual", "sqlite_utils"} & loaded


def test_opening_an_up_to_date_store_needs_no_sqlite_utils(tmp_path: Path) -> None:
    from hotline.store import Store

    path = tmp_path / "s.db"
    Store.open(path, desk="D01", create=True).close()
    loaded = _modules_after(
        f"from hotline.store import Store\nStore.open({str(path)!r}, desk='D01').close()")
    assert "sqlite_utils" not in loaded
    assert "ulid" not in loaded


def test_only_the_three_global_options_take_the_fast_path() -> None:
    assert app_options([]) is not None
    opts = app_options(["--db", "x.db", "--config=h.toml", "--training"])
    assert opts is not None and opts.training
    assert str(opts.db) == "x.db" and str(opts.config) == "h.toml"
    for argv in (["--help"], ["demo"], ["--db"], ["--db", "--training"], ["search", "8000"],
                 ["--db", "x.db", "calls", "list"]):
        assert app_options(argv) is None, argv


def test_the_launcher_reports_errors_as_one_line(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "hotline", "--config", str(tmp_path / "no.toml")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr.startswith("hotline: error: ") and len(done.stderr.splitlines()) == 1


def test_the_catalog_cache_gives_the_same_texts(tmp_path: Path) -> None:
    from hotline import i18n

    files = sorted((i18n._HERE / "zh_CN").glob("*.toml"))
    assert i18n._parse_catalog(files) == i18n.catalog("zh_CN")
