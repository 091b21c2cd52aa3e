"""Problems found in a book, each with the file and line to fix.

Stages never print or raise for a mistake in the book: they add a
``Diagnostic`` and carry on, so one build reports every problem at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .tree import Pos


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: str  # "error" | "warning"
    file: str
    line: int
    message: str
    #: A short, stable name for the kind of problem ("unresolved-ref"...).
    code: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.severity}: {self.message}"

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "message": self.message, "code": self.code}


@dataclass(slots=True)
class Diagnostics:
    """An ordered collection of diagnostics, passed explicitly between stages."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, pos: Pos | str, message: str, code: str = "") -> None:
        self._add("error", pos, message, code)

    def warning(self, pos: Pos | str, message: str, code: str = "") -> None:
        self._add("warning", pos, message, code)

    def _add(self, severity: str, pos: Pos | str, message: str, code: str) -> None:
        if isinstance(pos, str):
            pos = Pos(pos, 0)
        self.items.append(Diagnostic(severity, pos.file, pos.line, message, code))

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self.items.extend(other)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def sorted(self) -> list[Diagnostic]:
        """Unique diagnostics, by file then line, keeping first-seen order otherwise."""
        seen: set[Diagnostic] = set()
        unique = [d for d in self.items if not (d in seen or seen.add(d))]
        return sorted(unique, key=lambda d: (d.file, d.line))


class ConfigError(Exception):
    """The book's configuration cannot be used (exit status 2)."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")
        self.file = file
        self.line = line
        self.message = message
