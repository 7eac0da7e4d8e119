"""Bundles: the `.hlbundle` file, `hotline export / import / sync`, and every refusal.

A refused bundle must leave the store exactly as it was: the tests compare the store file's
bytes and its digest before and after, through the real `hotline` entry point.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from pathlib import Path

import pytest

from hotline.services.setup import init_desk
from hotline.store import Store
from hotline.store import bundle as hb
from hotline.store.hlc import pack
from hotline.store.oplog import OP_COLUMNS
from hotline.store.sitekey import create_key_file, read_key_file, site_id
from tests.cli_runner import run

# -- fixtures ----------------------------------------------------------------------------------


def _init(folder: Path, desk: str, join: Path | None = None) -> Path:
    init_desk(desk=desk, company="示例电器", folder=folder, join=join, supervisor="S01",
              supervisor_name="", pin="1234", locale="en")
    return folder


@pytest.fixture
def d1(tmp_path: Path) -> Path:
    return _init(tmp_path / "d1", "D01")


@pytest.fixture
def d2(tmp_path: Path, d1: Path) -> Path:
    return _init(tmp_path / "d2", "D02", join=d1 / "site.key")


def _cfg(folder: Path) -> list[str]:
    return ["--config", str(folder / "hotline.toml")]


def _store(folder: Path, desk: str) -> Store:
    return Store.open(folder / "hotline.db", desk=desk)


def _write_calls(folder: Path, desk: str, n: int = 3) -> None:
    store = _store(folder, desk)
    for i in range(n):
        store.write("S01", "customer", f"cus-{desk}-{i}", {"phone": f"+86138000{i:05d}",
                                                           "name": f"客户{i}"})
        store.write("S01", "call", f"call-{desk}-{i}", {
            "number": f"{desk}-20261125-{i + 1:04d}", "status": "transferred",
            "symptom": "不制冷", "phone": f"+86138000{i:05d}", "customer_id": f"cus-{desk}-{i}",
        })
        store.write("S01", "call", f"call-{desk}-{i}", {"status": "awaiting_callback"})
    store.close()


def _digest(folder: Path) -> str:
    result = run(*_cfg(folder), "digest")
    assert result.code == 0, result.err
    return result.out.strip()


def _export(folder: Path, out: Path, *extra: str) -> Path:
    result = run(*_cfg(folder), "export", "--out", str(out), *extra)
    assert result.code == 0, result.err
    return out


def _ops(folder: Path, desk: str) -> set[tuple[object, ...]]:
    store = _store(folder, desk)
    rows = set(store.conn.execute(f"SELECT {', '.join(OP_COLUMNS)} FROM ops").fetchall())
    store.close()
    return rows


# -- round trips -------------------------------------------------------------------------------


def test_a_bundle_carries_every_op_and_two_desks_converge(
    d1: Path, d2: Path, tmp_path: Path
) -> None:
    _write_calls(d1, "D01")
    _write_calls(d2, "D02", 2)
    a = _export(d1, tmp_path / "a.hlbundle")
    b = _export(d2, tmp_path / "b.hlbundle")
    assert run(*_cfg(d2), "import", str(a)).code == 0
    assert run(*_cfg(d1), "import", str(b)).code == 0
    assert _digest(d1) == _digest(d2)
    assert _ops(d1, "D01") == _ops(d2, "D02")


def test_import_json_is_one_document_with_exactly_the_contract_keys(
    d1: Path, d2: Path, tmp_path: Path
) -> None:
    _write_calls(d1, "D01")
    a = _export(d1, tmp_path / "a.hlbundle")
    first = run(*_cfg(d2), "import", str(a), "--json")
    assert first.code == 0, first.err
    doc = first.json()
    assert isinstance(doc, list) and len(doc) == 1
    assert set(doc[0]) == {"bundle", "from_desk", "ops", "applied", "duplicates", "conflicts"}
    ops = len(_ops(d1, "D01"))
    assert doc[0] == {"bundle": str(a), "from_desk": "D01", "ops": ops, "applied": ops,
                      "duplicates": 0, "conflicts": 0}


def test_importing_twice_changes_nothing_and_counts_duplicates(
    d1: Path, d2: Path, tmp_path: Path
) -> None:
    _write_calls(d1, "D01")
    a = _export(d1, tmp_path / "a.hlbundle")
    assert run(*_cfg(d2), "import", str(a)).code == 0
    digest = _digest(d2)
    again = run(*_cfg(d2), "import", str(a), "--json")
    assert again.code == 0
    [doc] = again.json()  # type: ignore[misc]
    assert doc["applied"] == 0 and doc["duplicates"] == doc["ops"] > 0
    assert _digest(d2) == digest


def test_an_export_holds_only_what_the_peers_lack(d1: Path, d2: Path, tmp_path: Path) -> None:
    _write_calls(d1, "D01", 2)
    first = run(*_cfg(d1), "export", "--out", str(tmp_path / "1.hlbundle"), "--json").json()
    assert first["ops"] == len(_ops(d1, "D01"))  # no peer known yet: everything
    assert run(*_cfg(d2), "import", str(tmp_path / "1.hlbundle")).code == 0
    _export(d2, tmp_path / "ack.hlbundle")  # D02's vector tells D01 what it holds
    assert run(*_cfg(d1), "import", str(tmp_path / "ack.hlbundle")).code == 0
    known = len(_ops(d1, "D01"))  # D02 holds every one of these
    _write_calls(d1, "D01", 3)
    second = run(*_cfg(d1), "export", "--out", str(tmp_path / "2.hlbundle"), "--json").json()
    assert second["ops"] == len(_ops(d1, "D01")) - known > 0
    full = run(*_cfg(d1), "export", "--out", str(tmp_path / "3.hlbundle"), "--full",
               "--json").json()
    assert full["ops"] == len(_ops(d1, "D01")) and full["full"] is True


def test_export_to_a_folder_names_the_file_by_desk_and_time(d1: Path, tmp_path: Path) -> None:
    out = tmp_path / "stick"
    out.mkdir()
    result = run(*_cfg(d1), "export", "--to-dir", str(out), "--json")
    assert result.code == 0, result.err
    [made] = list(out.iterdir())
    assert made.name.startswith("D01-") and made.suffix == ".hlbundle"
    assert result.json()["bundle"] == str(made)  # type: ignore[index]
    assert not list(out.glob("*.tmp"))


@pytest.mark.parametrize("args", [[], ["--out", "x.hlbundle", "--to-dir", "."]])
def test_export_needs_exactly_one_destination(d1: Path, args: list[str]) -> None:
    result = run(*_cfg(d1), "export", *args)
    assert result.code == 1 and result.err.startswith("hotline: error: ")


def test_a_missing_site_key_is_a_setup_error(d1: Path, tmp_path: Path) -> None:
    (d1 / "site.key").unlink()
    result = run(*_cfg(d1), "export", "--out", str(tmp_path / "a.hlbundle"))
    assert result.code == 1 and "site key" in result.err


# -- refusals ----------------------------------------------------------------------------------


def _layout(data: bytes) -> tuple[int, int]:
    """(start of header, start of payload)."""
    hlen = struct.unpack_from(">I", data, len(hb.MAGIC) + 4)[0]
    return hb.FIXED, hb.FIXED + hlen


def _flip(data: bytes, at: int) -> bytes:
    out = bytearray(data)
    out[at] ^= 0x01
    return bytes(out)


def _header_flip(data: bytes) -> bytes:
    start, end = _layout(data)
    head = data[start:end]
    at = head.index(b'"created":"') + len(b'"created":"') + 3  # a digit of the year
    return _flip(data, start + at)


def _newer_major(data: bytes) -> bytes:
    at = len(hb.MAGIC)
    return data[:at] + struct.pack(">H", hb.FORMAT_MAJOR + 1) + data[at + 2 :]


def _crlf_mangled(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n", 1)


CORRUPTIONS = {
    "flip-header": (_header_flip, "tampered"),
    "flip-payload": (lambda d: _flip(d, _layout(d)[1] + 3), "tampered"),
    "flip-tag": (lambda d: _flip(d, len(d) - 2), "tampered"),
    "truncate-in-magic": (lambda d: d[:5], "truncated"),
    "truncate-in-prefix": (lambda d: d[: hb.FIXED - 2], "truncated"),
    "truncate-in-header": (lambda d: d[: _layout(d)[1] - 10], "truncated"),
    "truncate-at-payload": (lambda d: d[: _layout(d)[1]], "truncated"),
    "truncate-in-payload": (lambda d: d[:-40], "truncated"),
    "truncate-tag": (lambda d: d[:-1], "truncated"),
    "trailing-bytes": (lambda d: d + b"\0", "tampered"),
    "newer-major": (_newer_major, "newer_format"),
    "wrong-magic": (lambda d: b"X" + d[1:], "not_bundle"),
    "line-ends-mangled": (_crlf_mangled, "mangled"),
    "not-a-bundle": (lambda d: "来电记录,13800138000\n".encode() * 20, "not_bundle"),
    "empty": (lambda d: b"", "empty"),
}


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_a_damaged_bundle_is_refused_and_the_store_is_untouched(
    name: str, d1: Path, d2: Path, tmp_path: Path
) -> None:
    _write_calls(d1, "D01")
    good = _export(d1, tmp_path / "good.hlbundle").read_bytes()
    damage, key = CORRUPTIONS[name]
    bad = tmp_path / f"{name}.hlbundle"
    bad.write_bytes(damage(good))
    _assert_refused(d2, bad, key)


def _settled_bytes(folder: Path) -> bytes:
    """The store file's bytes once every committed change is in it: connections of earlier
    in-process commands are collected and the WAL checkpointed, so a difference can only come
    from a write by the command under test."""
    import gc
    import sqlite3

    gc.collect()
    conn = sqlite3.connect(folder / "hotline.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return (folder / "hotline.db").read_bytes()


def _assert_refused(folder: Path, bad: Path, *keys: str, desk: str = "D02") -> None:
    """`bad` is refused with one of the catalog `keys`, and nothing at all was written."""
    import string

    from hotline.i18n import catalog

    digest = _digest(folder)
    store = _store(folder, desk)
    seen = store.scalar("SELECT count(*) FROM bundles_seen")
    store.close()
    before = _settled_bytes(folder)
    result = run(*_cfg(folder), "import", str(bad))
    assert result.code == 2, (result.out, result.err)
    assert result.err.startswith("hotline: error: ") and result.err.count("\n") == 1
    literals = [max((text for text, *_ in string.Formatter().parse(catalog("en")[f"bundle.{k}"])),
                    key=len) for k in keys]
    assert any(literal in result.err for literal in literals), result.err
    assert "Traceback" not in result.err
    assert _settled_bytes(folder) == before
    assert _digest(folder) == digest
    store = _store(folder, desk)
    assert store.scalar("SELECT count(*) FROM bundles_seen") == seen
    store.close()


def test_a_bundle_of_another_site_is_refused(d1: Path, tmp_path: Path) -> None:
    other = _init(tmp_path / "other", "D09")
    _write_calls(other, "D09")
    foreign = _export(other, tmp_path / "foreign.hlbundle")
    _assert_refused(d1, foreign, "other_site", desk="D01")


def _sealed(key: bytes, lines: list[str], *, site: str | None = None, ops: int | None = None,
            desk: str = "D07", vv: dict[str, int] | None = None) -> bytes:
    data = hb.seal(key, bundle_id="01TESTBUNDLE0000000000000", site=site or site_id(key),
                   desk=desk, schema=1, created="2026-11-25T02:30:00Z", vv=vv or {},
                   lines=lines)
    if ops is None:
        return data
    start, end = _layout(data)
    header = json.loads(data[start:end])
    header["ops"] = ops
    return _reseal(key, data, header)


def _reseal(key: bytes, data: bytes, header: dict[str, object]) -> bytes:
    """The same payload under an edited header, sealed properly (a forger holding the key)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    start, end = _layout(data)
    old = json.loads(data[start:end])
    packed = AESGCM(key).decrypt(bytes.fromhex(old["nonce"]), data[end:], data[:end])
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    prefix = hb.MAGIC + struct.pack(">HHI", hb.FORMAT_MAJOR, hb.FORMAT_MINOR, len(head)) + head
    return prefix + AESGCM(key).encrypt(bytes.fromhex(str(header["nonce"])), packed, prefix)


def _line(op_id: str = "01TESTOP000000000000000001", *, desk: str = "D07", seq: int = 1,
          entity_id: str = "cus-x", field: str = "*", value: object = None,
          prev: list[str] | None = None, hlc: int = pack(1_790_000_000_000)) -> str:
    value = {"name": "王五", "phone": "+8613900139000"} if value is None else value
    return json.dumps([op_id, hlc, desk, seq, "A01", "customer", entity_id, field, value,
                       prev or []], ensure_ascii=False, separators=(",", ":"))


def test_a_bundle_sealed_with_another_key_but_claiming_our_site_is_refused(
    d1: Path, tmp_path: Path
) -> None:
    ours = site_id(read_key_file(d1 / "site.key"))
    bad = tmp_path / "forged.hlbundle"
    bad.write_bytes(_sealed(b"k" * 32, [_line()], site=ours))
    _assert_refused(d1, bad, "tampered", desk="D01")


def test_a_header_swapped_from_another_bundle_is_refused(d1: Path, tmp_path: Path) -> None:
    key = read_key_file(d1 / "site.key")
    one = _sealed(key, [_line()])
    two = _sealed(key, [_line(seq=2, op_id="01TESTOP000000000000000002")])
    s1, e1 = _layout(one)
    _, e2 = _layout(two)
    bad = tmp_path / "swapped.hlbundle"
    bad.write_bytes(two[:e2] + one[e1:])
    _assert_refused(d1, bad, "tampered", "truncated", desk="D01")


@pytest.mark.parametrize(
    ("lines", "why"),
    [
        ([_line(value="x\x1b]0;PWNED\x07")], "control"),
        ([_line(value={"name": "a\x9bb"})], "C1 control"),
        ([_line(desk="d7")], "desk"),
        ([_line(seq=0)], "seq"),
        ([_line(field="Bad-Field", value="x")], "field"),
        ([_line(value=["not", "an", "object"])], "create value"),
        ([_line(prev=["has space"], field="name", value="x")], "prev"),
        (["[1,2,3]" + " " * 40], "short"),
        (["{\"op_id\": 1}" + " " * 40], "object"),
        (["not json at all" + " " * 40], "json"),
        ([_line(), _line()], "twice"),
        # Well-formed JSON the state tables cannot hold (was "unexpected problem", exit 1).
        ([_line(value={"name": {"given": "五"}, "phone": "+8613900139000"})], "object as text"),
        ([_line(field="name", value=["王", "五"])], "list as text"),
        ([_line(value={"name": "王五", "phone": 2**70})], "integer beyond 64 bits"),
        ([_line(value={"name": "SURROGATE", "phone": "+8613900139000"}).replace(
            "SURROGATE", "\\ud800")], "lone surrogate"),
    ],
)
def test_a_well_sealed_bundle_with_a_malformed_op_is_refused(
    lines: list[str], why: str, d1: Path, tmp_path: Path
) -> None:
    key = read_key_file(d1 / "site.key")
    bad = tmp_path / "bad-op.hlbundle"
    bad.write_bytes(_sealed(key, lines))
    _assert_refused(d1, bad, "bad_op", desk="D01")


def test_an_op_count_that_does_not_match_is_refused(d1: Path, tmp_path: Path) -> None:
    key = read_key_file(d1 / "site.key")
    bad = tmp_path / "count.hlbundle"
    bad.write_bytes(_sealed(key, [_line()], ops=2))
    _assert_refused(d1, bad, "count_mismatch", desk="D01")


def test_a_payload_larger_than_announced_is_refused_without_inflating_it(
    d1: Path, tmp_path: Path
) -> None:
    """Zip-bomb guard: inflation stops one byte past the announced size."""
    key = read_key_file(d1 / "site.key")
    data = _sealed(key, [_line()])
    start, end = _layout(data)
    header = json.loads(data[start:end])
    header["plain_len"] = 50  # far less than the real payload
    bad = tmp_path / "bomb.hlbundle"
    bad.write_bytes(_reseal(key, data, header))
    _assert_refused(d1, bad, "damaged", desk="D01")


def test_an_op_number_reused_with_another_op_is_a_fork_and_refused(
    d1: Path, d2: Path, tmp_path: Path
) -> None:
    _write_calls(d1, "D01", 1)
    assert run(*_cfg(d2), "import", str(_export(d1, tmp_path / "a.hlbundle"))).code == 0
    key = read_key_file(d1 / "site.key")
    bad = tmp_path / "fork.hlbundle"
    bad.write_bytes(_sealed(key, [_line(desk="D01", seq=1, op_id="01FORKED00000000000000000")],
                            desk="D01"))
    _assert_refused(d2, bad, "fork")


def test_one_bad_file_among_several_is_named_and_the_others_still_apply(
    d1: Path, d2: Path, tmp_path: Path
) -> None:
    _write_calls(d1, "D01", 1)
    a = _export(d1, tmp_path / "a.hlbundle")
    _write_calls(d1, "D01", 2)
    b = _export(d1, tmp_path / "b.hlbundle", "--full")
    bad = tmp_path / "bad.hlbundle"
    bad.write_bytes(a.read_bytes()[:-3])
    result = run(*_cfg(d2), "import", str(a), str(bad), str(b), "--json")
    assert result.code == 2
    assert [d["bundle"] for d in result.json()] == [str(a), str(b)]  # type: ignore[union-attr]
    assert result.err.count("\n") == 1 and str(bad) in result.err
    assert _ops(d1, "D01") <= _ops(d2, "D02")


def test_a_bundle_from_a_newer_schema_is_accepted_and_unknown_fields_wait(
    d1: Path, tmp_path: Path
) -> None:
    """Additive schema changes keep desks syncing: unknown fields stay in the log."""
    key = read_key_file(d1 / "site.key")
    ok = tmp_path / "newer.hlbundle"
    ok.write_bytes(_sealed(key, [_line(value={"name": "王五", "shoe_size": 42})]))
    result = run(*_cfg(d1), "import", str(ok), "--json")
    assert result.code == 0, result.err
    store = _store(d1, "D01")
    assert store.get("customer", "cus-x")["name"] == "王五"  # type: ignore[index]
    store.close()


# -- shared folder -----------------------------------------------------------------------------


def test_sync_through_a_shared_folder_converges_and_then_rests(
    d1: Path, d2: Path, tmp_path: Path
) -> None:
    share = tmp_path / "share"
    share.mkdir()
    _write_calls(d1, "D01")
    _write_calls(d2, "D02")
    for folder in (d1, d2, d1, d2):
        result = run(*_cfg(folder), "sync", "--dir", str(share), "--json")
        assert result.code == 0, result.err
    assert _digest(d1) == _digest(d2)
    files = sorted(share.iterdir())
    again = run(*_cfg(d1), "sync", "--dir", str(share), "--json").json()
    assert again["imported"] == [] and again["exported"] is None  # type: ignore[index]
    assert sorted(share.iterdir()) == files


def test_sync_skips_temporary_files_and_reports_a_bad_one(
    d1: Path, d2: Path, tmp_path: Path
) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "D03-half.hlbundle.tmp").write_bytes(b"\x89HLB")
    (share / "junk.hlbundle").write_text("hello")
    _write_calls(d1, "D01", 1)
    result = run(*_cfg(d1), "sync", "--dir", str(share))
    assert result.code == 2
    assert "junk.hlbundle" in result.err and "half" not in result.err
    assert list(share.glob("D01-*.hlbundle"))  # the good part still happened


def test_an_op_from_a_desk_with_a_fast_clock_is_accepted_and_doctor_reports_it(
    d1: Path, tmp_path: Path
) -> None:
    import time

    key = read_key_file(d1 / "site.key")
    ahead = pack(int(time.time() * 1000) + 3 * 3600 * 1000)
    ok = tmp_path / "fast.hlbundle"
    ok.write_bytes(_sealed(key, [_line(hlc=ahead)]))
    result = run(*_cfg(d1), "import", str(ok))
    assert result.code == 0
    assert "D07" in result.err and "warning" in result.err
    doctor = run(*_cfg(d1), "doctor", "--json")
    checks = {c["name"]: c for c in doctor.json()["checks"]}  # type: ignore[index]
    assert checks["peer-clocks"]["ok"] is False and "D07" in checks["peer-clocks"]["detail"]
    store = _store(d1, "D01")
    from hotline.store.hlc import MAX_DRIFT_MS, wall_ms

    local = int(store.meta("hlc", "0") or 0)
    assert wall_ms(local) <= int(time.time() * 1000) + MAX_DRIFT_MS + 60_000
    store.close()


def test_the_written_file_matches_the_documented_layout(d1: Path, tmp_path: Path) -> None:
    _write_calls(d1, "D01", 1)
    data = _export(d1, tmp_path / "a.hlbundle").read_bytes()
    assert data.startswith(b"\x89HLBUNDLE\r\n\x1a\n")
    start, end = _layout(data)
    header = json.loads(data[start:end])
    assert header["site"] == site_id(read_key_file(d1 / "site.key"))
    assert header["desk"] == "D01" and header["ops"] == 4 and header["vv"] == {"D01": 4}
    assert header["payload_len"] == len(data) - end
    assert header["payload_sha256"] == hashlib.sha256(data[end:-16]).hexdigest()
    assert header["cipher"] == "AES-256-GCM" and header["compression"] == "gzip"
    assert b"\xe5\xae\xa2" not in data  # 客: nothing readable without the key


def test_seal_and_open_round_trip_in_memory(tmp_path: Path) -> None:
    key = create_key_file(tmp_path / "k")
    path = tmp_path / "x.hlbundle"
    path.write_bytes(_sealed(key, [_line(), _line(op_id="01TESTOP000000000000000002", seq=2,
                                                   field="name", value="赵六",
                                                   prev=["01TESTOP000000000000000001"])]))
    opened = hb.open_bundle(path, key, site_id(key))
    assert [op.seq for op in opened.ops] == [1, 2]
    assert opened.ops[1].prev == ("01TESTOP000000000000000001",)
    assert hb.read_header(path).bundle_id == "01TESTBUNDLE0000000000000"
    assert gzip  # gzip is the documented compression


def test_a_training_store_never_exports_or_imports(tmp_path: Path) -> None:
    """Drill ops never travel, even when a caller hands the service a key directly."""
    from hotline.config import DEFAULT_CONFIG_PATH, load_config
    from hotline.errors import UsageError
    from hotline.services.desk import Desk
    from hotline.services.sync import export_bundle, import_bundle
    from hotline.store import Store
    from hotline.store import training as bookkeeping

    store = Store.open(tmp_path / "t.db", desk="D01", create=True)
    store.set_meta(bookkeeping.TRAINING_KEY, "1")
    desk = Desk(store=store, config=load_config(DEFAULT_CONFIG_PATH), agent="S01",
                role="supervisor")
    with pytest.raises(UsageError):
        export_bundle(desk, out=tmp_path / "x.hlbundle", key=b"k" * 32)
    with pytest.raises(UsageError):
        import_bundle(desk, tmp_path / "x.hlbundle", key=b"k" * 32)
    assert not (tmp_path / "x.hlbundle").exists()
