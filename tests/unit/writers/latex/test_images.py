"""Images for the PDF: checked before LaTeX sees them, named by content."""

from __future__ import annotations

import struct
import zlib

from divebook.cache import Store
from divebook.writers.latex.images import ImageMaker, jpeg_size, png_size, sniff


def make_png(width: int = 3, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def make_jpeg(width: int = 5, height: int = 4) -> bytes:
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 4) + b"JF" + sof + b"\xff\xd9"


def test_png_and_jpeg_sizes_are_read_and_damage_is_found():
    png = make_png(3, 2)
    assert png_size(png) == (3, 2)
    assert png_size(png[:-12]) == "the PNG file is truncated"
    damaged = png[:18] + b"\x07" + png[19:]  # the width changed under its checksum
    assert png_size(damaged) == "the PNG header is damaged"
    assert png_size(b"GIF89a....") == "not a PNG file"
    assert jpeg_size(make_jpeg(5, 4)) == (5, 4)
    assert jpeg_size(make_jpeg()[:8]) == "the JPEG file is truncated"


def test_formats_are_recognised_by_content():
    assert sniff(make_png()) == "png"
    assert sniff(make_jpeg()) == "jpeg"
    assert sniff(b"%PDF-1.5\n") == "pdf"
    assert sniff(b"<?xml version='1.0'?>\n<svg xmlns='http://www.w3.org/2000/svg'/>") == "svg"
    assert sniff(b"GIF89a\x01\x00") == "gif"
    assert sniff(b"hello") == ""


def test_images_are_written_once_under_their_content_hash(tmp_path):
    (tmp_path / "book" / "img").mkdir(parents=True)
    (tmp_path / "book" / "img" / "a.png").write_bytes(make_png())
    (tmp_path / "book" / "img" / "b.png").write_bytes(make_png())  # same bytes
    (tmp_path / "book" / "img" / "bad.png").write_bytes(make_png()[:30])
    (tmp_path / "book" / "img" / "anim.gif").write_bytes(b"GIF89a\x01\x00\x01\x00")
    maker = ImageMaker(tmp_path / "book", tmp_path / "work", Store(tmp_path / "cache"), jobs=2)
    maker.prepare(["img/a.png", "img/b.png", "img/bad.png", "img/anim.gif", "img/none.png"])
    a, b = maker.for_file("img/a.png"), maker.for_file("img/b.png")
    assert a.file == b.file and a.file.startswith("img/") and a.file.endswith(".png")
    assert (a.width_px, a.height_px) == (3, 2)
    assert (tmp_path / "work" / a.file).read_bytes() == make_png()
    assert maker.for_file("img/bad.png").file is None
    assert "truncated" in maker.for_file("img/bad.png").problem
    assert "GIF" in maker.for_file("img/anim.gif").problem
    assert maker.for_file("img/none.png").problem == "the file does not exist"
    assert maker.for_data(b"not an image").file is None
