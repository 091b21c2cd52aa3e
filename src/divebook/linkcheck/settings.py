"""``[linkcheck]`` settings: how politely and how long ``check --links`` asks other sites.

The table is kept as written by the configuration reader (config.ini gives
strings, divebook.toml typed values); it is read here, where it is used, so
that a wrong value is a warning at its line and the default stands.
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass, field
from typing import Any, Callable

from ..config.keys import LINKCHECK_KEYS as KEYS  # the keys live with the config readers
from ..diagnostics import Diagnostics
from ..tree import Pos


@dataclass(slots=True)
class LinkSettings:
    ignore: list[re.Pattern[str]] = field(default_factory=list)
    workers: int = 32
    per_host: int = 4
    hosts: dict[str, int] = field(default_factory=dict)
    timeout: float = 15.0
    retries: int = 2
    expiry_days: float = 7.0
    max_retry_after: float = 120.0
    anchors: bool = False
    anchors_ignore: list[re.Pattern[str]] = field(
        default_factory=lambda: [re.compile(r"^!"), re.compile(r"^L\d+")])
    remap: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    #: seconds between tries (doubled each time); tests make it short
    backoff: float = 0.5

    def limit_for(self, host: str) -> int:
        return self.hosts.get(host, self.per_host)

    def ignored(self, url: str) -> bool:
        return any(p.search(url) for p in self.ignore)

    def remapped(self, url: str) -> str:
        for pattern, replacement in self.remap:
            url = pattern.sub(replacement, url, count=1)
        return url


def read_settings(table: dict[str, Any], where: Callable[[str], Pos], diags: Diagnostics) -> LinkSettings:
    """The settings from the ``[linkcheck]`` table; ``where("key")`` places a warning."""
    s = LinkSettings()

    def warn(key: str, what: str) -> None:
        diags.warning(where(f"linkcheck.{key}"), f"[linkcheck] {key}: {what}; the default is used "
                      f"({KEYS[key]})", "config-value")

    def number(key: str, kind: type, low: float, above: bool = False) -> Any:
        value = table[key]
        try:
            got = kind(value) if isinstance(value, (int, float, str)) and not isinstance(value, bool) else None
        except (ValueError, OverflowError):
            got = None
        if got is None or not math.isfinite(got) or got < low or (above and got == low):
            warn(key, f"{value!r} is not a number {'above' if above else 'of'} {low:g}"
                      f"{'' if above else ' or more'}")
            return getattr(s, key)
        return got

    def patterns(key: str, value: Any) -> list[re.Pattern[str]]:
        items = _as_list(value)
        out = []
        for item in items:
            try:
                out.append(re.compile(item))
            except re.error as exc:
                warn(key, f"`{item}` is not a regular expression ({exc})")
        return out

    for key in ("workers", "per_host", "retries"):
        if key in table:
            setattr(s, key, number(key, int, 0 if key == "retries" else 1))
    for key in ("timeout", "expiry_days", "max_retry_after"):
        if key in table:
            setattr(s, key, number(key, float, 0, above=key == "timeout"))
    if "ignore" in table:
        s.ignore = patterns("ignore", table["ignore"])
    if "anchors_ignore" in table:
        s.anchors_ignore = patterns("anchors_ignore", table["anchors_ignore"])
    if "anchors" in table:
        value = table["anchors"]
        if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "false", "no", "0"):
            value = value.strip().lower() in ("true", "yes", "1")
        if isinstance(value, bool):
            s.anchors = value
        else:
            warn("anchors", f"{value!r} is not true or false")
    if "hosts" in table:
        for host, limit in _as_table(table["hosts"]).items():
            try:
                s.hosts[host.lower()] = max(1, int(limit))
            except (TypeError, ValueError):
                warn("hosts", f"the limit of `{host}` ({limit!r}) is not a whole number")
    if "remap" in table:
        for pattern, replacement in _as_table(table["remap"]).items():
            add_remap(s, pattern, str(replacement), lambda what: warn("remap", what))
    return s


def add_remap(s: LinkSettings, pattern: str, replacement: str, complain: Callable[[str], None]) -> None:
    try:
        s.remap.append((re.compile(pattern), replacement))
    except re.error as exc:
        complain(f"`{pattern}` is not a regular expression ({exc})")


def _as_list(value: Any) -> list[str]:
    """A list from divebook.toml, or config.ini's text: one item a line (or split like a shell)."""
    if isinstance(value, list):
        return [str(v) for v in value]
    lines = [line.strip() for line in str(value).splitlines() if line.strip()]
    return lines if len(lines) > 1 else shlex.split(str(value)) if " " in str(value).strip() else lines


def _as_table(value: Any) -> dict[str, Any]:
    """A table from divebook.toml, or config.ini's text: ``key value`` (or ``key = value``) a line."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    out: dict[str, Any] = {}
    for line in str(value).splitlines():
        line = line.strip()
        if not line:
            continue
        key, _, rest = line.partition(" = ") if " = " in line else line.partition(" ")
        out[key.strip()] = rest.strip()
    return out
