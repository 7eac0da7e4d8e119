"""The `hotline` entry point: opens the app without loading the command-line machinery.

`hotline` alone (with `--db`, `--config`, `--training`) is how an agent starts the desk many
times a day; every other command goes to `hotline.cli`. The CLI's parser (typer, which builds
pydantic validators for every option) costs more than half of a bare Textual app's whole
start-up, so the app launch reads its three options here and leaves the CLI unimported
(DESIGN.md section 6: cold start within 1.3× a bare Textual app). `hotline.cli` uses `Options`
and `run_app` from here, so both paths open the same store the same way.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hotline.errors import HotlineError, UsageError

ERROR_PREFIX = "hotline: error: "
"""Every error reaches the user as one line starting with this (DESIGN.md section 8)."""

if TYPE_CHECKING:
    from hotline.config import Config
    from hotline.services.desk import Desk


@dataclass
class Options:
    """The global options, resolved lazily so `--help` stays instant."""

    db: Path | None
    config: Path | None
    training: bool

    def load_config(self) -> Config:
        from hotline.config import load_config
        from hotline.i18n import set_locale
        from hotline.paths import find_config

        path = find_config(self.config)
        if not path.exists():
            raise UsageError("cli.no_config", path=str(path))
        config = load_config(path)
        set_locale(config.site.locale)
        return config

    def open_desk(self, *, create: bool = False) -> Desk:
        from hotline.paths import store_path
        from hotline.services.desk import Desk
        from hotline.store import Store

        config = self.load_config()
        if self.training:  # made on first use beside the real store, which is only read
            from hotline.services.training import open_training_store

            real = store_path(self.db, config.site.store)
            return Desk(store=open_training_store(real, config), config=config)
        path = store_path(self.db, config.site.store)
        store = Store.open(path, desk=config.site.desk, create=create)
        return Desk(store=store, config=config)


def run_app(desk: Desk, *, signed_in: bool) -> None:
    from hotline.app import make_app

    make_app(desk, signed_in=signed_in, training=_training(desk)).run()


def _training(desk: Desk) -> bool:
    return desk.store.path is not None and desk.store.path.stem.endswith("-training")


def app_options(argv: list[str]) -> Options | None:
    """The options when `argv` only opens the app (no command, no --help), else None."""
    values: dict[str, str] = {}
    training = False
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--training":
            training = True
            continue
        name, eq, value = arg.partition("=")
        if name not in ("--db", "--config"):
            return None
        if not eq:
            if not args or args[0].startswith("-"):
                return None  # let the CLI say what is missing
            value = args.pop(0)
        if not value:
            return None
        values[name] = value
    db = values.get("--db") or os.environ.get("HOTLINE_DB") or None
    config = values.get("--config") or os.environ.get("HOTLINE_CONFIG") or None
    return Options(db=Path(db) if db else None, config=Path(config) if config else None,
                   training=training)


def main(argv: list[str] | None = None) -> None:
    """Open the app, or run a command through `hotline.cli`."""
    args = sys.argv[1:] if argv is None else argv
    options = app_options(args)
    if options is None:
        from hotline.cli import main as cli_main

        cli_main(args)
        return
    with errors_reported():
        run_app(options.open_desk(), signed_in=False)
    sys.exit(0)


@contextmanager
def errors_reported() -> Iterator[None]:
    """Every failure inside becomes one line `hotline: error: …` on stderr and the exit code of
    its kind (DESIGN.md section 8), never a traceback in front of a user."""
    try:
        yield
    except HotlineError as exc:
        report_error(exc.message())
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # the last line of defence
        from hotline.i18n import t

        report_error(t("error.unexpected", detail=f"{type(exc).__name__}: {exc}"))
        sys.exit(1)


def report_error(message: str) -> None:
    """One error line; control characters of an echoed value never reach the terminal raw."""
    from hotline.store.text import clean

    lines = clean(message).strip().splitlines() or [""]
    sys.stderr.write(ERROR_PREFIX + lines[0] + "\n")
