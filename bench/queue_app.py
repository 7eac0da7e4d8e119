"""The app as an agent has it open on the follow-up queues of a big store, for the memory
figure: signed in (supervisor A03's desk view), the seeded data's clock, F3 pressed."""

from __future__ import annotations


def run_on_queues(argv: list[str]) -> None:
    """`argv`: the store's path."""
    from bench.bigstore import END
    from hotline.app import make_app
    from hotline.config import DEFAULT_CONFIG_PATH, load_config
    from hotline.services.desk import Desk
    from hotline.store import Store

    store = Store.open(argv[0], desk="D01")
    desk = Desk(store=store, config=load_config(DEFAULT_CONFIG_PATH), agent="A01",
                role="supervisor", clock=lambda: END)
    make_app(desk, signed_in=True).run()
