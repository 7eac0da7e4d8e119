"""The `.hlbundle` file: a batch of ops sealed with the site key (DESIGN.md section 4).

Layout (all of it is read and checked before a single op reaches the store):

    magic     13 bytes  b"\\x89HLBUNDLE\\r\\n\\x1a\\n"  (PNG's trick: a transfer in text mode or a
                        mail gateway that rewrites line ends is caught at once)
    version    4 bytes  u16 major, u16 minor (big-endian); a newer major is "upgrade required"
    hdr_len    4 bytes  u32 big-endian, at most MAX_HEADER
    header   hdr_len    canonical JSON: format, bundle_id, site, desk, schema, created, ops, vv,
                        columns, compression, cipher, nonce, payload_len, payload_sha256,
                        plain_len, plain_sha256, full
    payload  payload_len  AES-256-GCM(site key, nonce, gzip(op lines), aad = every byte above);
                        the last 16 bytes are the GCM tag; nothing may follow.
                        `payload_sha256` is the SHA-256 of the payload without its tag (a copy
                        can be checked without the key); `plain_sha256` of the op lines

An op line is a JSON array in the order of `columns` (`OP_COLUMNS`), the value and prev embedded
as the canonical JSON the origin stored. Arrays, not objects: they parse twice as fast, and the
header names the columns so a reader knows what it is reading.

Checks, in order, each refusal a `bundle.*` catalog key (CLI exit 2): empty, not a bundle,
mangled line ends, truncated, newer/unknown format, unreadable header, other site, payload
checksum, AEAD (tampered or another key), decompressed size (zip-bomb guard), plain checksum,
op count, and every op well-formed. Writing goes to `*.tmp`, fsync, rename, then the file is
read back and compared, so "export done" means the bytes are on the stick.

Why AES-GCM with the site key and no Ed25519 signature per desk: DESIGN.md chose it, every desk
of a site is trusted equally today (they share the key), and a signature only adds value once
desk keys can be enrolled and revoked (SYNC-DESIGN.md 2.2, 5: open question). The header field
`format` leaves room for a signed v2.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import json
import os
import re
import struct
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from json.encoder import encode_basestring  # the C-accelerated string escaper of `json`
from pathlib import Path
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hotline.errors import InputRefused
from hotline.store.oplog import CREATE, OP_COLUMNS, Op

MAGIC = b"\x89HLBUNDLE\r\n\x1a\n"
FORMAT_MAJOR = 1
FORMAT_MINOR = 0
SUFFIX = ".hlbundle"
CIPHER = "AES-256-GCM"
COMPRESSION = "gzip"
GZIP_LEVEL = 3
"""zlib level 3: on op lines about twice as fast as the default 6, for files about a fifth
larger (measured on `hotline seed` data: 6.1 MB at 1, 5.6 at 3, 4.7 at 6 for 118,000 ops)."""

_PREFIX = struct.Struct(">HHI")
FIXED = len(MAGIC) + _PREFIX.size
MAX_HEADER = 1 << 20
"""A header is a few hundred bytes plus one entry per desk of the site."""
MAX_FILE = 1 << 31
"""2 GiB: ten million ops compress to about a tenth of that."""
MAX_PLAIN = 1 << 32
"""4 GiB of op lines at most, whatever the header claims (zip-bomb guard)."""
MIN_LINE = 40
"""No op line is shorter, so `ops * MIN_LINE <= plain_len` bounds the claimed op count."""
TAG = 16
NONCE = 12

_DESK = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")
_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

HEADER_KEYS = frozenset({
    "format", "bundle_id", "site", "desk", "schema", "created", "ops", "vv", "columns",
    "compression", "cipher", "nonce", "payload_len", "payload_sha256", "plain_len",
    "plain_sha256", "full",
})


@dataclass
class Header:
    """What a bundle says about itself (authenticated as the payload's associated data)."""

    bundle_id: str
    site: str
    desk: str
    schema: int
    created: str
    ops: int
    vv: dict[str, int]
    full: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    """Every other header field (nonce, lengths, checksums…), as read."""


@dataclass
class Bundle:
    """A verified bundle: its header and its ops, ready to apply."""

    header: Header
    records: list[list[Any]]
    """The ops as read, each a list in `OP_COLUMNS` order with `prev` a list (`Op` objects
    for 100,000 ops cost a tenth of an import; `store.batch.apply_records` takes these)."""
    size: int
    plain: bool = False
    """Read by orjson, every value plain for it (no float, no integer beyond 64 bits, no lone
    surrogate): orjson may write their canonical text, which it writes as `json` does only for
    such values (see `parse_records`, `plain_json.plain_text`)."""

    @property
    def ops(self) -> list[Op]:
        return [Op(*r[:9], tuple(r[9])) for r in self.records]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a bundle's ops are built: hundreds of thousands
    of new containers would otherwise trigger a collection every few hundred, which doubles
    the time of parsing a large bundle. None of these objects form cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _refuse(key: str, path: Path, **params: object) -> InputRefused:
    return InputRefused(f"bundle.{key}", path=str(path), **params)


# -- writing -----------------------------------------------------------------------------------


def op_line(row: tuple[Any, ...]) -> str:
    """One op row (`OP_COLUMNS` order, value and prev as stored JSON text) as a bundle line."""
    op_id, hlc, desk, seq, agent, entity, entity_id, fld, value, prev = row
    return (
        f"[{encode_basestring(op_id)},{int(hlc)},{encode_basestring(desk)},{int(seq)},"
        f"{'null' if agent is None else encode_basestring(agent)},{encode_basestring(entity)},"
        f"{encode_basestring(entity_id)},{encode_basestring(fld)},"
        f"{'null' if value is None else value},{prev or '[]'}]"
    )


def seal(
    key: bytes,
    *,
    bundle_id: str,
    site: str,
    desk: str,
    schema: int,
    created: str,
    vv: Mapping[str, int],
    lines: Iterable[str],
    full: bool = False,
) -> bytes:
    """The bytes of a bundle holding `lines` (see `op_line`)."""
    text_lines = list(lines)
    plain = ("\n".join(text_lines) + "\n").encode() if text_lines else b""
    packed = gzip.compress(plain, compresslevel=GZIP_LEVEL, mtime=0)
    nonce = os.urandom(NONCE)
    payload_len = len(packed) + TAG
    header = {
        "format": f"{FORMAT_MAJOR}.{FORMAT_MINOR}", "bundle_id": bundle_id, "site": site,
        "desk": desk, "schema": schema, "created": created, "ops": len(text_lines),
        "vv": dict(sorted(vv.items())), "columns": list(OP_COLUMNS), "compression": COMPRESSION,
        "cipher": CIPHER, "nonce": nonce.hex(), "payload_len": payload_len,
        "plain_len": len(plain), "plain_sha256": hashlib.sha256(plain).hexdigest(),
        "full": full,
    }
    # The checksum covers the ciphertext without its tag: GCM's ciphertext does not depend on
    # the associated data, so it can be hashed before the header that carries the hash is
    # final; the tag, computed last over that header, authenticates everything.
    body = AESGCM(key).encrypt(nonce, packed, None)[:-TAG]
    header["payload_sha256"] = hashlib.sha256(body).hexdigest()
    head = json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()
    prefix = MAGIC + _PREFIX.pack(FORMAT_MAJOR, FORMAT_MINOR, len(head)) + head
    sealed = AESGCM(key).encrypt(nonce, packed, prefix)
    return prefix + sealed


def write_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` durably: `*.tmp`, fsync, rename, fsync the folder, read back.

    Raises:
        InputRefused: `bundle.write_failed` when the bytes read back differ (a failing stick).
    """
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        if hasattr(os, "O_DIRECTORY"):
            fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        if path.read_bytes() != data:
            raise _refuse("write_failed", path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _refuse("write_failed", path) from exc


# -- reading -----------------------------------------------------------------------------------

_SAFE_TEXT = re.compile(r"^[^\s\x00-\x1f\x7f-\x9f]{1,128}$")
_HIDDEN_CONTROL = re.compile(
    rb"\x7f|\xc2[\x80-\x9f]|\\(?:[bfr]|u00(?:[01][0-9a-fA-F]|7[fF]|[89][0-9a-fA-F]))"
)
"""Control characters in op text, raw (DEL, C1) or escaped (C0 too): a desk that runs hotline
strips them when they are typed (`text.clean`), so a bundle holding one was not made by one."""


def _has_control(plain: bytes) -> bool:
    """True when the op lines hold a control character (see `_HIDDEN_CONTROL`); an escape
    preceded by an escaped backslash (`\\\\u0001`, the text "\\u0001") is not one."""
    if b"\x7f" not in plain and b"\xc2" not in plain and b"\\" not in plain:
        return False
    for match in _HIDDEN_CONTROL.finditer(plain):
        start = match.start()
        if plain[start] != 0x5C:  # raw DEL or C1
            return True
        slashes = 0
        while start - slashes - 1 >= 0 and plain[start - slashes - 1] == 0x5C:
            slashes += 1
        if slashes % 2 == 0:
            return True
    return False


def _prefix(data: bytes, path: Path) -> tuple[int, int, int]:
    """Magic, version and header length, checked; raises the refusal that fits."""
    if not data:
        raise _refuse("empty", path)
    if not data.startswith(MAGIC):
        if len(data) < len(MAGIC) and MAGIC.startswith(data):
            raise _refuse("truncated", path)
        if data.startswith(MAGIC[:9]):
            raise _refuse("mangled", path)
        raise _refuse("not_bundle", path)
    if len(data) < FIXED:
        raise _refuse("truncated", path)
    major, minor, hlen = _PREFIX.unpack_from(data, len(MAGIC))
    if major > FORMAT_MAJOR:
        raise _refuse("newer_format", path, found=f"{major}.{minor}",
                      known=f"{FORMAT_MAJOR}.{FORMAT_MINOR}")
    if major < FORMAT_MAJOR:
        raise _refuse("bad_format", path, found=f"{major}.{minor}")
    if hlen > MAX_HEADER:
        raise _refuse("damaged", path)
    if len(data) < FIXED + hlen:
        raise _refuse("truncated", path)
    return major, minor, hlen


def _header(data: bytes, path: Path, hlen: int, version: str) -> dict[str, Any]:
    try:
        raw = json.loads(data[FIXED : FIXED + hlen])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _refuse("damaged", path) from exc
    if not isinstance(raw, dict) or not HEADER_KEYS <= raw.keys():
        raise _refuse("damaged", path)
    checks = (
        raw["format"] == version,
        isinstance(raw["bundle_id"], str) and bool(_ID.match(raw["bundle_id"])),
        isinstance(raw["site"], str),
        isinstance(raw["desk"], str) and bool(_DESK.match(raw["desk"])),
        type(raw["schema"]) is int,
        isinstance(raw["created"], str),
        type(raw["ops"]) is int and raw["ops"] >= 0,
        isinstance(raw["vv"], dict) and all(
            isinstance(k, str) and type(v) is int and v >= 0 for k, v in raw["vv"].items()
        ),
        type(raw["payload_len"]) is int and raw["payload_len"] >= TAG,
        type(raw["plain_len"]) is int and raw["plain_len"] >= 0,
        isinstance(raw["nonce"], str) and bool(re.fullmatch(r"[0-9a-f]{24}", raw["nonce"])),
        isinstance(raw["payload_sha256"], str) and isinstance(raw["plain_sha256"], str),
        type(raw["full"]) is bool,
    )
    if not all(checks):
        raise _refuse("damaged", path)
    return raw


def _to_header(raw: dict[str, Any]) -> Header:
    return Header(
        bundle_id=raw["bundle_id"], site=raw["site"], desk=raw["desk"], schema=raw["schema"],
        created=raw["created"], ops=raw["ops"], vv=dict(raw["vv"]), full=raw["full"],
        extra={k: v for k, v in raw.items() if k not in {"bundle_id", "site", "desk", "schema",
                                                          "created", "ops", "vv", "full"}},
    )


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise _refuse("too_big", path)
        return path.read_bytes()
    except OSError as exc:
        raise _refuse("unreadable", path) from exc


def read_header(path: Path) -> Header:
    """The header of a bundle file, without the key and without authenticating it: enough to
    skip our own bundles and ones already imported when a shared folder is read again.

    Raises:
        InputRefused: the file is not a bundle this hotline can read.
    """
    try:
        with open(path, "rb") as fh:
            data = fh.read(FIXED)
            if len(data) == FIXED and data.startswith(MAGIC):
                hlen = _PREFIX.unpack_from(data, len(MAGIC))[2]
                data += fh.read(min(hlen, MAX_HEADER))
    except OSError as exc:
        raise _refuse("unreadable", path) from exc
    major, minor, hlen = _prefix(data, path)
    return _to_header(_header(data, path, hlen, f"{major}.{minor}"))


def open_bundle(path: Path, key: bytes, site: str) -> Bundle:
    """Read and verify a bundle file completely; nothing is written anywhere.

    Raises:
        InputRefused: with the `bundle.*` key of the first check that failed.
    """
    data = _read(path)
    major, minor, hlen = _prefix(data, path)
    raw = _header(data, path, hlen, f"{major}.{minor}")
    if raw["site"] != site:
        raise _refuse("other_site", path, site=raw["site"], ours=site)
    start = FIXED + hlen
    payload = memoryview(data)[start:]
    if len(payload) < raw["payload_len"]:
        raise _refuse("truncated", path)
    if len(payload) > raw["payload_len"]:
        raise _refuse("tampered", path)
    if hashlib.sha256(payload[:-TAG]).hexdigest() != raw["payload_sha256"]:
        raise _refuse("tampered", path)
    try:
        packed = AESGCM(key).decrypt(bytes.fromhex(raw["nonce"]), payload, data[:start])
    except InvalidTag as exc:
        raise _refuse("tampered", path) from exc
    plain_len = raw["plain_len"]
    if plain_len > MAX_PLAIN or raw["ops"] * MIN_LINE > plain_len:
        raise _refuse("damaged", path)
    if raw["columns"] != list(OP_COLUMNS) or raw["compression"] != COMPRESSION or \
            raw["cipher"] != CIPHER:
        raise _refuse("damaged", path)
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        plain = inflater.decompress(packed, plain_len + 1)
    except zlib.error as exc:
        raise _refuse("damaged", path) from exc
    if len(plain) != plain_len or not inflater.eof or inflater.unused_data:
        raise _refuse("damaged", path)
    if hashlib.sha256(plain).hexdigest() != raw["plain_sha256"]:
        raise _refuse("damaged", path)
    with paused_gc():
        records, orjson_read = parse_records(plain, path)
    if len(records) != raw["ops"]:
        raise _refuse("count_mismatch", path, said=raw["ops"], found=len(records))
    return Bundle(header=_to_header(raw), records=records, size=len(data), plain=orjson_read)


PARSE_CHUNK = 1 << 20
"""Bytes of op lines read at a time: each piece's ops are checked while they are still in the
processor's cache (a bundle of 1.5 million ops read in one piece takes twice as long)."""


def parse_records(plain: bytes, path: Path) -> tuple[list[list[Any]], bool]:
    """The ops of a payload as lists (see `Bundle.records`), each checked to be well-formed,
    and whether orjson read them all (`Bundle.plain`).

    The op lines are read by orjson, at a third of `json`'s time on a large bundle; where the
    two could read a line differently (an integer beyond 64 bits becomes a float in orjson, so
    any float sends the payload back; NaN, lone surrogates and overflowing numbers are refused
    by it), `json` reads the whole payload again, so a bundle always means what `json` says.

    Raises:
        InputRefused: `bundle.bad_op` naming the first bad op (1-based) and what is wrong.
    """
    if not plain:
        return [], True
    if not plain.endswith(b"\n") or _has_control(plain):
        raise _refuse("bad_op", path, n="-", reason="control characters or a missing line end")
    checker = _Checker(path)
    records: list[list[Any]] = []
    start = 0
    while start < len(plain):
        end = plain.index(b"\n", min(start + PARSE_CHUNK, len(plain) - 1)) + 1
        try:
            items = orjson.loads(b"[" + plain[start : end - 1].replace(b"\n", b",") + b"]")
        except orjson.JSONDecodeError:
            break
        if checker.check(items):  # perhaps an integer orjson read as a float
            break
        records += items
        start = end
    else:
        checker.no_duplicates()
        return records, True
    items = _json_lines(plain, path)
    checker = _Checker(path)
    checker.check(items)
    checker.no_duplicates()
    return items, False


def _json_lines(plain: bytes, path: Path) -> Any:
    try:
        items = json.loads(b"[" + plain[:-1].replace(b"\n", b",") + b"]")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _refuse("bad_op", path, n="-", reason="not JSON lines") from exc
    return items


class _Checker:
    """Checks the ops of a payload piece by piece. Strings that repeat (desks, agents, entity
    and field names, entity ids) are checked once and remembered, which keeps the check of
    100,000 ops to a small part of an import."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.desks: set[str] = set()
        self.names: set[str] = set()
        self.texts: set[str] = set()
        self.ids: set[str] = set()
        self.count = 0

    def check(self, items: Any) -> bool:
        """Refuse the first malformed op of `items`; True when some value holds a float."""
        path = self.path
        if type(items) is not list:
            raise _refuse("bad_op", path, n="-", reason="not JSON lines")
        id_ok, text_ok = _ID.match, _SAFE_TEXT.match
        desks, names, texts, ids = self.desks, self.names, self.texts, self.ids
        limit = 1 << 63
        floats = False
        for n, item in enumerate(items, self.count + 1):
            try:
                op_id, hlc, desk, seq, agent, entity, entity_id, fld, value, prev = item
                fast = (
                    type(item) is list and type(op_id) is str
                    and type(hlc) is int and 0 < hlc < limit
                    and type(seq) is int and 0 < seq < limit
                    and desk in desks and entity in names and (agent is None or agent in texts)
                    and (names.issuperset(value) if fld == CREATE and type(value) is dict
                         else fld in names)
                    and type(prev) is list
                )
                if fast and entity_id not in texts:  # an entity's ops repeat its id
                    fast = type(entity_id) is str and text_ok(entity_id) is not None
                    if fast:
                        texts.add(entity_id)
                if fast and prev:  # mostly the id of an op just checked
                    first = prev[0]
                    fast = len(prev) == 1 and first != op_id and (
                        first in ids or (type(first) is str and id_ok(first) is not None))
                fast = fast and id_ok(op_id) is not None
            except (TypeError, ValueError):  # not a list of ten, or unhashable where a string goes
                fast = False
            if not fast:
                _check_op(item, n, path, desks, names, texts)
            kind = type(value)
            if kind is dict or kind is list:
                if not floats and _holds_float(value):
                    floats = True
            elif kind is float:
                floats = True
            ids.add(op_id)
        self.count += len(items)
        return floats

    def no_duplicates(self) -> None:
        if len(self.ids) != self.count:
            raise _refuse("bad_op", self.path, n="-", reason="the same op twice")


def _holds_float(value: Any) -> bool:
    kind = type(value)
    if kind is float:
        return True
    if kind is dict:
        value = value.values()
    elif kind is not list:
        return False
    for item in value:
        kind = type(item)
        if kind is float or ((kind is dict or kind is list) and _holds_float(item)):
            return True
    return False


def _check_op(item: Any, n: int, path: Path, desks: set[str], names: set[str],
              texts: set[str]) -> None:
    """The full check of one op, remembering the strings it found good; raises the refusal."""

    def good(value: Any, pattern: re.Pattern[str], seen: set[str]) -> bool:
        if type(value) is not str:
            return False
        if value in seen:
            return True
        if not pattern.match(value):
            return False
        seen.add(value)
        return True

    if type(item) is not list or len(item) != 10:
        raise _refuse("bad_op", path, n=n, reason="not an op")
    op_id, hlc, desk, seq, agent, entity, entity_id, fld, value, prev = item
    reason = None
    if type(op_id) is not str or not _ID.match(op_id):
        reason = "op_id"
    elif type(hlc) is not int or not 0 < hlc < 1 << 63:
        reason = "hlc"
    elif not good(desk, _DESK, desks):
        reason = "desk"
    elif type(seq) is not int or not 0 < seq < 1 << 63:
        reason = "seq"
    elif agent is not None and not good(agent, _SAFE_TEXT, texts):
        reason = "agent"
    elif not good(entity, _NAME, names):
        reason = "entity"
    elif not good(entity_id, _SAFE_TEXT, texts):
        reason = "entity_id"
    elif fld == CREATE:
        if type(value) is not dict or not all(good(k, _NAME, names) for k in value):
            reason = "value"
    elif not good(fld, _NAME, names):
        reason = "field"
    if reason is None and (type(prev) is not list or not all(
            type(p) is str and _ID.match(p) for p in prev) or op_id in prev):
        reason = "prev"
    if reason is not None:
        raise _refuse("bad_op", path, n=n, reason=reason)
