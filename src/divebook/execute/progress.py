"""What execution shows while it runs (a live table on a terminal) and after (the slowest pages).

On a terminal, rich draws one line per worker with the page and cell it
runs; elsewhere (logs, CI, pipes) nothing is drawn while running.  The
summary at the end lists the slowest pages executed in this build.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from ..console import make_console
from .runner import Progress


@dataclass(slots=True)
class Running:
    source: str
    tab: str
    progress: Progress
    where: str = ""


@dataclass
class ExecutionDisplay:
    """The live view of the executors' workers; a no-op when not on a terminal."""

    total: int
    console: Console = field(default_factory=lambda: make_console())
    enabled: bool = True
    done: int = 0
    failed: int = 0
    running: dict[str, Running] = field(default_factory=dict)  # worker slot -> job
    started: float = field(default_factory=time.perf_counter)
    _live: Live | None = None

    def __post_init__(self) -> None:
        self.enabled = self.enabled and self.console.is_terminal and self.total > 0

    def __enter__(self) -> "ExecutionDisplay":
        if self.enabled:
            self._live = Live(console=self.console, refresh_per_second=4, transient=True,
                              get_renderable=self._render)
            self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.__exit__(None, None, None)
            self._live = None

    def start(self, slot: str, source: str, tab: str, progress: Progress, where: str = "") -> None:
        self.running[slot] = Running(source, tab, progress, where)
        self.refresh()

    def finish(self, slot: str, failed: bool) -> None:
        self.running.pop(slot, None)
        self.done += 1
        self.failed += int(failed)
        self.refresh()

    def refresh(self) -> None:
        if self._live is not None:
            self._live.refresh()

    def _render(self) -> Group:
        elapsed = time.perf_counter() - self.started
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        bar = Text("━" * filled, style="green") + Text("━" * (width - filled), style="grey37")
        head = Text.assemble("executing ", bar, f" {self.done}/{self.total} pages",
                             (f" · {self.failed} failed" if self.failed else ""), f" · {elapsed:.0f} s")
        table = Table.grid(padding=(0, 2))
        for slot, run in sorted(self.running.items()):
            p = run.progress
            cell = f"cell {p.cell}/{p.cells}" if p.cells else ""
            table.add_row(Text(slot, style="dim"), Text(run.source, style="bold"), Text(f"[{run.tab}]"), cell,
                          f"{time.perf_counter() - p.started:.0f} s", Text(run.where, style="dim"))
        return Group(head, table)


def _runs(n: int) -> str:
    return f"{n} page run" + ("" if n == 1 else "s")


def print_summary(console: Console, rows: list[tuple[str, str, str, float]], executed: int, cached: int,
                  failed: int, seconds: float, limit: int = 10) -> None:
    """The slowest pages run in this build; ``rows`` are (page, tab, outcome, seconds)."""
    if not rows and not failed:
        if cached:
            console.print(f"[dim]execution: {_runs(cached)} taken from the cache[/dim]",
                          highlight=False)
        return
    console.print(f"execution: {_runs(executed)} executed, {cached} cached, {failed} failed, "
                  f"{seconds:.1f} s; the slowest:", highlight=False)
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    table.add_column("page")
    table.add_column("tab")
    table.add_column("outcome")
    table.add_column("seconds", justify="right")
    for source, tab, outcome, secs in sorted(rows, key=lambda r: -r[3])[:limit]:
        style = "red" if outcome != "ok" else ""
        table.add_row(Text(source), Text(tab), Text(outcome, style=style), f"{secs:.1f}")
    console.print(table)
