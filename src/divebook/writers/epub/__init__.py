"""EPUB 3 output: the book for e-readers, one file per language and tab.

``target.write_epub_target`` is the build's entry; ``render`` turns a page into
XHTML with the website's node rendering, ``xhtml`` makes that valid EPUB
XHTML, ``package`` writes navigation, metadata and the zip.
"""

from .target import write_epub_target

__all__ = ["write_epub_target"]
