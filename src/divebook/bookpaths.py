"""Files a page names (images and the like): from the address in the page to the file, and back.

A Markdown address is a URL: markdown-it percent-encodes what an author
writes (``符号.png`` becomes ``%E7%AC%A6%E5%8F%B7.png``, ``a b.png``
becomes ``a%20b.png``) and keeps what she encoded herself (``a%20b.png``).
Files on disk have decoded names, so a path is decoded before it is looked
for, and encoded again when it goes into a link of the output.
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote, unquote, urlsplit


def is_local(url: str) -> bool:
    """Whether ``url`` names a file of the book (no scheme such as ``https:`` or ``data:``)."""
    return not (urlsplit(url).scheme or url.startswith("//"))


def book_path(page: str, url: str) -> str:
    """The book-relative file that the local ``url``, written on ``page``, names.

    Query and fragment are dropped; the result starts with ``..`` when the
    address leaves the book's folder.
    """
    path = unquote(urlsplit(url).path)
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), path))


def readable(url: str) -> str:
    """The address as the author wrote it, for messages (``符号.png``, not ``%E7...``)."""
    return unquote(url)


def url_of(path: str) -> str:
    """A relative path made into a URL: what is not plain ASCII percent-encoded."""
    return quote(path, safe="/")
