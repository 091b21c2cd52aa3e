"""Cache entries are bound to their names: a valid entry under another name reads as missing."""

from __future__ import annotations

import os
from pathlib import Path

from divebook.cache import Store


def test_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.put("pages", "k1", b"one")
    assert store.get("pages", "k1") == b"one"
    store.put_object("pages", "k2", {"a": [1, 2]})
    assert store.get_object("pages", "k2") == {"a": [1, 2]}


def test_swapped_entries_read_as_missing(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.put("pages", "k1", b"the first page")
    store.put("pages", "k2", b"the second page")
    a, b = store.path("pages", "k1"), store.path("pages", "k2")
    tmp = a.with_name("swap")
    os.replace(a, tmp)
    os.replace(b, a)
    os.replace(tmp, b)
    assert store.get("pages", "k1") is None
    assert store.get("pages", "k2") is None
    # recomputed entries are trusted again
    store.put("pages", "k1", b"the first page")
    assert store.get("pages", "k1") == b"the first page"


def test_entry_copied_to_another_namespace_reads_as_missing(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.put("outputs", "same", b"body")
    target = store.path("html", "same")
    target.parent.mkdir(parents=True)
    target.write_bytes(store.path("outputs", "same").read_bytes())
    assert store.get("html", "same") is None


def test_damaged_and_old_format_entries_read_as_missing(tmp_path: Path) -> None:
    import hashlib

    store = Store(tmp_path)
    store.put("pages", "k", b"body")
    path = store.path("pages", "k")
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 1
    path.write_bytes(bytes(blob))
    assert store.get("pages", "k") is None
    # an entry written by the format that checked the body alone
    path.write_bytes(b"DVB1" + hashlib.sha256(b"body").digest() + b"body")
    assert store.get("pages", "k") is None
