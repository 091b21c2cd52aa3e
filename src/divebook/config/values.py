"""Reading single values of a configuration file: lists, booleans, seconds, pairs, lines.

Shared by the ``config.ini`` reader (``load.py``) and the ``divebook.toml`` one
(``toml.py``); a value that cannot be read is a warning at its line.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from ..diagnostics import ConfigError, Diagnostics
from ..tree import Pos


def _key_lines(text: str) -> dict[str, int]:
    """Map "section.key" to its line number in an ini file."""
    lines: dict[str, int] = {}
    section = ""
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"\s*\[([^\]]+)\]", line)
        if header:
            section = header.group(1).strip()
            lines[section] = number
            continue
        key = re.match(r"([A-Za-z0-9_\-]+)\s*[=:]", line)
        if key and section:
            lines.setdefault(f"{section}.{key.group(1).lower()}", number)
    return lines



def _split_list(value: str) -> list[str]:
    """d2lbook lists: items separated by whitespace or commas."""
    return [v for v in re.split(r"[\s,]+", value.strip()) if v]



def _split_commas(value: str) -> list[str]:
    return [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]



def _as_bool(value: str, where: Pos, diags: Diagnostics) -> bool:
    v = value.strip().lower()
    if v in {"true", "yes", "1", "on"}:
        return True
    if v in {"false", "no", "0", "off", ""}:
        return False
    diags.warning(where, f"expected True or False, got {value!r}; using True", "config-value")
    return True



def _as_seconds(value: object, where: Pos, diags: Diagnostics, default: float | None) -> float | None:
    """A time limit: a positive, finite number of seconds; anything else warns and gives ``default``.

    0 or a negative number would turn the limit off, so it is refused rather than taken.
    """
    try:
        seconds = float(value) if not isinstance(value, bool) else math.nan  # type: ignore[arg-type]
    except (TypeError, ValueError):
        seconds = math.nan
    if math.isfinite(seconds) and seconds > 0:
        return seconds
    using = f"using {default:g}" if default is not None else "using the book's timeout"
    diags.warning(where, f"a timeout must be a positive number of seconds per cell, got {value!r}; "
                  f"{using}", "config-value")
    return default



def _pairs(value: str) -> list[tuple[str, str]]:
    """Lines or comma lists of "tab, value" / "tab = value" / "tab: value" pairs."""
    pairs = []
    for line in value.strip().splitlines():
        line = line.strip()
        if not line:
            continue
        m = re.match(r"([\w\-]+)\s*[,=:]\s*(.+)", line)
        if m:
            pairs.append((m.group(1), m.group(2).strip()))
    return pairs



def _kernel_pairs(value: str, where: Pos, diags: Diagnostics) -> list[tuple[str, str]]:
    """``[build] kernels = pytorch: python3, mxnet: mxnet-1.9`` (commas or lines)."""
    pairs = []
    for item in _split_commas(value):
        m = re.fullmatch(r"([\w\-]+)\s*[=:]\s*(\S+)", item)
        if m:
            pairs.append((m.group(1), m.group(2)))
        else:
            diags.warning(where, f"[build] kernels: cannot read {item!r}; write `tab: kernel-name`",
                          "config-value")
    return pairs



def read_config_text(path: Path) -> str:
    """The text of a configuration file; ConfigError naming the line of a byte that is not UTF-8.

    A byte-order mark is not a setting and is dropped.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(path.name, 0, f"cannot be read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(path.name, line, f"byte 0x{data[exc.start]:02x} is not UTF-8 text; "
                          "save the file as UTF-8") from None
