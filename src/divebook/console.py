"""The terminal: every message is printed literally.

Book text (titles, labels, file names, config sections) reaches the console
inside messages.  Rich would read ``[section]`` as markup and ``:label:`` as an
emoji code, so consoles are made without emoji, and a message is handed over
as a ``Text`` (never parsed) with its style set around it, not inside it.
"""

from __future__ import annotations

from typing import IO

from rich.console import Console
from rich.text import Text


def make_console(file: IO[str] | None = None, **options: object) -> Console:
    """A console on stderr (or ``file``) that prints text as given: no emoji codes, no highlighting."""
    return Console(stderr=file is None, file=file, highlight=False, emoji=False, **options)  # type: ignore[arg-type]


def problem(where: str, severity: str, message: str, color: str = "") -> Text:
    """``file:line: severity: message``, the place bold and the severity in ``color``; all literal."""
    color = color or ("red" if severity == "error" else "yellow")
    parts: list[str | tuple[str, str]] = []
    if where:
        parts += [(where, "bold"), ": "]
    parts += [(severity, color), ": ", message]
    return Text.assemble(*parts)


def literal(text: str, style: str = "") -> Text:
    """``text`` printed as it is, in ``style``."""
    return Text(text, style=style)
