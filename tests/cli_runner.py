"""Run `hotline` in-process through its real entry point (`hotline.cli.main`).

The entry point is what turns errors into one line and an exit code, so tests go through it
rather than through typer's CliRunner, which would bypass it.
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from unittest import mock


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> object:
        import json

        return json.loads(self.out)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    from hotline.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    environ.update(env or {})
    with (
        mock.patch.dict(os.environ, environ, clear=True),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
    return Result(code, out.getvalue(), err.getvalue())
