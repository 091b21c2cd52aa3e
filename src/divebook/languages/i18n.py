"""UI strings in the book's language (``languages/i18n/<lang>.toml``; English fills gaps)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..tree import Ref

_DIR = Path(__file__).parent / "i18n"


@lru_cache(maxsize=16)
def strings(lang: str) -> dict:
    """All UI strings for ``lang`` ("ko", "zh-CN"...), falling back to English."""
    table = tomllib.loads((_DIR / "en.toml").read_text(encoding="utf-8"))
    base = lang.split("-")[0].split("_")[0].lower() if lang else "en"
    path = _DIR / f"{base}.toml"
    if base != "en" and path.exists():
        table.update(tomllib.loads(path.read_text(encoding="utf-8")))
    return table


def available() -> list[str]:
    return sorted(p.stem for p in _DIR.glob("*.toml"))


def ref_text(lang: str, kind: str, number: str) -> str:
    """"Fig. 3.1.2", "Section 3.1", "(3.1.4)" in ``lang``."""
    key = {"figure": "figure", "table": "table", "equation": "equation", "chapter": "chapter"}.get(kind, "section")
    return strings(lang)[key].format(number=number)


def format_date(lang: str, when: "datetime.date") -> str:  # noqa: F821
    """A date as ``lang`` writes it: "March 5, 2026", "2026년 3월 5일", "2026年3月5日"."""
    table = strings(lang)
    months = table.get("months") or [str(m) for m in range(1, 13)]
    return table["date"].format(year=when.year, month=when.month, day=when.day,
                                month_name=months[when.month - 1])


def language_name(lang: str) -> str:
    """A language's own name ("한국어", "English") from its UI strings, or its code."""
    base = lang.replace("_", "-").split("-")[0].lower()
    return strings(base)["name"] if base in available() else lang


def reference_text(ref: "Ref", lang: str) -> str:
    """What a resolved reference shows: "Fig. 3.1.2", "(3.1.4)", a title, or the author's text.

    ``:numref:`Figure %s <fig_x>``` puts the number where ``%s`` stands.
    """
    from ..tree import plain_text

    if ref.kind == "eqref":
        return f"({ref.number})" if ref.number else ref.target
    if ref.kind == "ref" or not ref.number:
        return ref.text or plain_text(ref.title or []) or ref.target
    if ref.text and "%s" in ref.text:
        return ref.text.replace("%s", ref.number)
    return ref_text(lang, ref.label_kind, ref.number)
