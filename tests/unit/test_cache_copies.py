"""Figures copied into the site: a changed figure is copied, an unchanged one left alone."""

from __future__ import annotations

import os

from divebook.cache import copy_if_changed


def test_a_figure_is_copied_once_and_again_when_it_changes(tmp_path):
    src, dst = tmp_path / "book" / "img" / "a.svg", tmp_path / "site" / "img" / "a.svg"
    src.parent.mkdir(parents=True)
    src.write_bytes(b"<svg>one</svg>")
    assert copy_if_changed(src, dst) and dst.read_bytes() == b"<svg>one</svg>"
    before = dst.stat().st_ino
    assert not copy_if_changed(src, dst) and dst.stat().st_ino == before  # untouched
    # the same size, other bytes, a later time (an editor saving it): copied again
    src.write_bytes(b"<svg>two</svg>")
    os.utime(src, ns=(src.stat().st_atime_ns, src.stat().st_mtime_ns + 1_000_000))
    assert copy_if_changed(src, dst) and dst.read_bytes() == b"<svg>two</svg>"
    # an older file put back (a restored backup): its time differs, so it is copied too
    src.write_bytes(b"<svg>old</svg>")
    os.utime(src, ns=(1_000_000_000, 1_000_000_000))
    assert copy_if_changed(src, dst) and dst.read_bytes() == b"<svg>old</svg>"
    assert oct(dst.stat().st_mode & 0o777) != "0o600"  # readable by a web server
