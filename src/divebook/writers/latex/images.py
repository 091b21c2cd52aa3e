"""Images for the PDF: files LaTeX can include, made once per content.

xelatex includes PDF, PNG and JPEG.  SVG (the book's figures and the
plots that executed cells make) is converted to PDF by ``rsvg-convert``
(Debian's librsvg2-bin), or by cairosvg when that is installed; the result
is kept in the build cache under the hash of the SVG, so a rebuild
converts nothing.  PNG and JPEG files are checked before LaTeX sees them:
a truncated or mislabelled file would otherwise stop the whole PDF.
Anything that cannot be shown comes back with a ``problem`` for the
writer to report, and the writer puts a placeholder in its place.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ...cache import Store, digest, write_atomic
from ...confine import book_file

SVG_TIMEOUT_S = 60


@dataclass(slots=True)
class PdfImage:
    """An image ready for ``\\includegraphics``, or the reason it is not."""

    file: str | None  # path inside the work folder ("img/3fa2….pdf")
    width_px: int | None = None  # for PNG/JPEG, to size them as the website does
    height_px: int | None = None
    problem: str | None = None


def png_size(data: bytes) -> tuple[int, int] | str:
    """(width, height) of a complete PNG, or what is wrong with it."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return "not a PNG file"
    if len(data) < 45:  # signature, header chunk, end chunk
        return "the PNG file is truncated"
    if data[12:16] != b"IHDR":
        return "the PNG header is damaged"
    length = struct.unpack(">I", data[8:12])[0]
    if length != 13 or zlib.crc32(data[12:29]) != struct.unpack(">I", data[29:33])[0]:
        return "the PNG header is damaged"
    width, height = struct.unpack(">II", data[16:24])
    if not width or not height:
        return "the PNG has no pixels"
    if b"IEND" not in data[-16:]:
        return "the PNG file is truncated"
    return width, height


_SOF = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def jpeg_size(data: bytes) -> tuple[int, int] | str:
    """(width, height) of a JPEG, or what is wrong with it."""
    if data[:2] != b"\xff\xd8":
        return "not a JPEG file"
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return "the JPEG file is damaged"
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in _SOF:
            if i + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            if not width or not height:
                return "the JPEG has no pixels"
            if b"\xff\xd9" not in data[-1024:]:
                return "the JPEG file is truncated"
            return width, height
        i += 2 + length
    return "the JPEG file is truncated"


def sniff(data: bytes) -> str:
    """The image format by content: png, jpeg, pdf, svg, gif, webp or ''."""
    head = data[:512].lstrip()
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:2] == b"\xff\xd8":
        return "jpeg"
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in data[:2048]:
        return "svg"
    return ""


class SvgConverter:
    """SVG -> PDF bytes with the tool this machine has, cached by content."""

    def __init__(self, store: Store | None) -> None:
        self.store = store
        self.rsvg = shutil.which("rsvg-convert")

    def convert(self, svg: bytes, source: Path | None = None) -> bytes | str:
        """PDF bytes, or why the SVG could not be converted.

        ``source`` is the SVG's file, so that images it links to are found.
        """
        key = digest("svg2pdf", svg, str(source or ""))
        if self.store is not None:
            cached = self.store.get("svg2pdf", key)
            if cached is not None:
                return cached
        result = self._convert(svg, source)
        if isinstance(result, bytes) and self.store is not None:
            self.store.put("svg2pdf", key, result)
        return result

    def _convert(self, svg: bytes, source: Path | None) -> bytes | str:
        if self.rsvg:
            cmd = [self.rsvg, "-f", "pdf"] + ([str(source)] if source is not None else [])
            try:
                proc = subprocess.run(cmd, input=None if source is not None else svg,
                                      capture_output=True, timeout=SVG_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                return f"rsvg-convert took longer than {SVG_TIMEOUT_S} s"
            if proc.returncode != 0 or not proc.stdout.startswith(b"%PDF"):
                message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
                return "the SVG cannot be read: " + (message[-1] if message else "rsvg-convert failed")
            return proc.stdout
        try:
            import cairosvg
        except ImportError:
            return ("SVG images need rsvg-convert to go into the PDF "
                    "(sudo apt-get install librsvg2-bin)")
        try:
            return cairosvg.svg2pdf(bytestring=svg, url=str(source) if source else None)
        except Exception as exc:  # cairosvg raises many kinds for a bad file
            return f"the SVG cannot be read: {exc}"


class ImageMaker:
    """Puts the images a PDF needs into ``work/img``, each under its content hash."""

    def __init__(self, book_root: Path, work: Path, store: Store | None, jobs: int = 1) -> None:
        self.book_root = book_root
        self.work = work
        self.jobs = max(1, jobs)
        self.svg = SvgConverter(store)
        self._files: dict[str, PdfImage] = {}

    def prepare(self, paths: Iterable[str]) -> None:
        """Make the book images ``paths`` (book-relative) ready, several at once."""
        todo = sorted({p for p in paths if p not in self._files})
        if not todo:
            return
        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            for path, image in zip(todo, pool.map(self._from_file, todo)):
                self._files[path] = image

    def for_file(self, path: str) -> PdfImage:
        """The image for the book file ``path`` (book-relative)."""
        if path not in self._files:
            self._files[path] = self._from_file(path)
        return self._files[path]

    def for_data(self, data: bytes) -> PdfImage:
        """The image for bytes from a cell's output."""
        return self._make(data, None)

    def _from_file(self, path: str) -> PdfImage:
        source = book_file(self.book_root, path)
        if source is None:  # an absolute path, or a symlink out of the book: never read
            return PdfImage(None, problem="the file lies outside the book's folder; copy it into the book")
        try:
            data = source.read_bytes()
        except OSError:
            return PdfImage(None, problem="the file does not exist")
        return self._make(data, source)

    def _make(self, data: bytes, source: Path | None) -> PdfImage:
        kind = sniff(data)
        name = digest("pdf-image", data)[:24]
        if kind == "svg":
            pdf = self.svg.convert(data, source)
            if isinstance(pdf, str):
                return PdfImage(None, problem=pdf)
            return PdfImage(self._write(f"{name}.pdf", pdf))
        if kind == "png":
            size = png_size(data)
        elif kind == "jpeg":
            size = jpeg_size(data)
        elif kind == "pdf":
            return PdfImage(self._write(f"{name}.pdf", data))
        elif kind in ("gif", "webp"):
            return PdfImage(None, problem=f"{kind.upper()} images cannot go into the PDF; "
                            "convert the image to PNG or SVG")
        else:
            return PdfImage(None, problem="not an image LaTeX can include (PNG, JPEG, SVG or PDF)")
        if isinstance(size, str):
            return PdfImage(None, problem=size)
        ext = "png" if kind == "png" else "jpg"
        return PdfImage(self._write(f"{name}.{ext}", data), size[0], size[1])

    def _write(self, name: str, data: bytes) -> str:
        target = self.work / "img" / name
        if not target.exists():
            write_atomic(target, data)  # two cells may show the same plot at once
        return f"img/{name}"
