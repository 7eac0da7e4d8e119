"""Canonical JSON text written by orjson, for the bulk paths (`hotline seed`, bundle import).

Kept apart from `oplog` so that starting the app does not import orjson.
"""

from __future__ import annotations

from typing import Any

import orjson

from hotline.store.oplog import value_text


def plain_text(value: Any) -> str:
    """`value_text(value)` for a value holding no float, no integer beyond 64 bits and no lone
    surrogate anywhere (a seed's values, a bundle orjson read): objects and lists are written by
    orjson, which gives the same canonical text (sorted keys, no spaces, text as is) four to five
    times as fast. It writes floats differently (`1e-5`, not `1e-05`) and refuses the others."""
    kind = type(value)
    if (kind is dict or kind is list) and value:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    return value_text(value)


def plain_bytes(value: Any) -> bytes:
    """`plain_text(value)` as UTF-8, for a value written to a `store.staging` scratch file: what
    orjson writes is UTF-8 already, so it is neither decoded here nor encoded again by SQLite."""
    kind = type(value)
    if (kind is dict or kind is list) and value:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    return value_text(value).encode()
