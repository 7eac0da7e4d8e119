"""Run an app headless until its first interactive screen is painted, note when, and exit.

    python -m bench.first_frame SCREEN MARKFILE bare
    python -m bench.first_frame SCREEN MARKFILE hotline [hotline options…]

`SCREEN` is the class name of the screen that counts as interactive (`SignInScreen`,
`BareScreen`, `QueuesScreen`…). When that screen's first frame has been rendered (Textual's
compositor renders frames in headless mode too; only the write to a terminal is skipped), the
wall-clock time and the process's peak resident memory so far are written to `MARKFILE` and
the app exits. The parent notes the time before starting this process, so the difference is
a cold start: fresh interpreter, imports, store, first frame. Both apps run through here, the
same way.
"""

from __future__ import annotations

import os
import sys
import time


def peak_rss_kib() -> int:
    """Peak resident set size of this process (VmHWM), in KiB."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def install(screen_name: str, mark: str, keys: tuple[str, ...] = ()) -> None:
    """Patch `App.run` to run headless and stop after the first frame of `screen_name`
    (pressing `keys` first, once the app is ready, to reach that screen)."""
    from textual.app import App

    original_run = App.run
    original_display = App._display

    def display(self: App[object], screen: object, renderable: object) -> None:
        original_display(self, screen, renderable)  # type: ignore[arg-type]
        if (renderable is not None and not self._batch_count and screen is self.screen
                and type(screen).__name__ == screen_name and not getattr(self, "_marked", False)):
            self._marked = True  # type: ignore[attr-defined]
            now = time.time()
            with open(mark, "w", encoding="ascii") as fh:
                fh.write(f"{now} {peak_rss_kib()}\n")
            self.call_later(self.exit)

    async def auto_pilot(pilot: object) -> None:
        for key in keys:
            await pilot.press(key)  # type: ignore[attr-defined]

    def run(self: App[object], *args: object, **kwargs: object) -> object:
        kwargs["headless"] = True
        kwargs.setdefault("size", (100, 30))
        if keys:
            kwargs["auto_pilot"] = auto_pilot
        return original_run(self, *args, **kwargs)  # type: ignore[arg-type]

    App._display = display  # type: ignore[method-assign]
    App.run = run  # type: ignore[method-assign]


def main(argv: list[str]) -> None:
    screen_name, mark, which, *rest = argv
    keys = tuple(k for k in os.environ.get("HOTLINE_BENCH_KEYS", "").split(",") if k)
    install(screen_name, mark, keys)
    if which == "bare":
        from bench.bare_app import BareApp

        BareApp().run()
    elif which == "hotline":
        from hotline.launch import main as hotline_main

        hotline_main(rest)
    elif which == "queues":
        from bench.queue_app import run_on_queues

        run_on_queues(rest)
    else:
        raise SystemExit(f"unknown app {which!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
