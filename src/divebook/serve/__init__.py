"""``divebook serve``: build the website, serve it, rebuild on every change, reload the page.

* The server is the standard library's threaded HTTP server, bound to
  127.0.0.1 unless ``--host`` says otherwise.  It serves files under
  ``OUT/html`` and nothing else: ``..`` (plain or percent-encoded), absolute
  paths, hidden files and symbolic links that lead outside are refused with
  403 or 404, and folders are never listed.  A name longer than a file
  name can be is not found (404).  The ``Host`` header must name the
  address served (localhost, 127.0.0.1, [::1] or ``--host``; any IP address
  when bound to all of them): a page on another site that makes its own
  name resolve to 127.0.0.1 (DNS rebinding) gets 403.  A request that is
  not sent in full within ``REQUEST_TIMEOUT`` seconds is dropped.
* The preview holds the output folder's lock (outlock.py) for as long as it
  runs: a ``divebook build`` into the same folder waits for it.
* watchfiles watches the book; a change rebuilds through the normal pipeline,
  whose caches re-read and re-render only the pages that changed.  The search
  index is brought up to date after the browser has reloaded, so it never
  delays a preview.
* Code never holds up the preview: its builds take outputs from the cache and
  leave the runs it lacks to ``execute.background.BackgroundRuns``, which runs
  them while the site is served; such a page shows its code with a note that
  outputs are pending.  Each finished run starts a build (one thread makes
  every build, so edits and finished runs never build at once), which shows
  the outputs and reloads the page.  Stopping kills every kernel.
* Each HTML page gets a small script that listens to ``/_divebook/events``
  (server-sent events).  After a rebuild it reloads the page; when the build
  failed, or the book has errors, it shows them over the page and the server
  keeps running.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
import traceback
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from ..context import BuildContext, BuildOptions
from ..build import build, claim_output, exit_status, prepare
from ..console import make_console
from ..cache import Store
from ..diagnostics import ConfigError
from ..execute.background import BackgroundRuns
from ..outlock import OutputBusy, output_lock
from ..parallel import default_jobs
from ..writers.html.search import index_exists
from .site import (  # noqa: F401  (host_allowed, resolve_site_path, static_server: offered here)
    Broadcaster, BuildState, SiteServer, host_allowed, make_handler, resolve_site_path, static_server,
)


# ---------------------------------------------------------------------- watching and rebuilding


class Preview:
    """A live preview: first build, then server and watcher threads until ``stop()``."""

    def __init__(self, book: Path, out: Path | None = None, host: str = "127.0.0.1", port: int = 8000,
                 evaluate: bool = True, lang: str | None = None, console: Console | None = None,
                 wait: bool = True) -> None:
        self.book = book.resolve()
        # The preview holds the output folder's lock itself, from start() to stop().
        self.options = BuildOptions(book=self.book, out=out, targets=["html"], evaluate=evaluate,
                                    lang=lang, quiet=True, index_search=False, lock=False)
        self.wait_for_lock = wait
        self._held = contextlib.ExitStack()
        self.out = self.options.out_dir()
        self.site = self.out / "html"
        self.host, self.port = host, port
        self.console = console or make_console()
        self.state = BuildState()
        self.broadcaster = Broadcaster()
        self._stop = threading.Event()
        #: what the build thread is asked to do: book files changed (a list; empty when
        #: runs finished in the background), or None to stop
        self._requests: queue.Queue[list[str] | None] = queue.Queue()
        #: runs the cache lacks, run while serving (None: the book's code is not run)
        self.runs: BackgroundRuns | None = None
        if evaluate:
            self.runs = BackgroundRuns(Store(self.out / ".cache"), default_jobs(),
                                       lambda: self._requests.put([]), self.console)
            self.options.background = self.runs
        self._index_wanted = threading.Event()
        #: pages written since the search index was last brought up to date (None: all)
        self._index_pending: set[str] | None = set()
        self._index_lock = threading.Lock()
        #: the last build that produced a book: edited pages are first rendered against it
        self._last: BuildContext | None = None
        #: book files edited while serving: their warnings are the author's fresh mistakes
        self._edited: set[str] = set()
        #: seconds without a rebuild before the search index is brought up to date
        self.index_delay = 1.0
        self._threads: list[threading.Thread] = []
        self.server: SiteServer | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def rebuild(self, changed: list[str] | None = None) -> BuildState:
        """Build once and tell the open pages; never raises for a broken book.

        When only pages changed, they are first rendered against the last
        build and shown (preview.py); the full build follows at once.
        """
        if changed and self._last is not None:
            self._show_quickly(changed)
        start = time.perf_counter()
        state = BuildState(version=self.state.version + 1, changed=changed or [])
        removed = False
        # The first pages, and an edit, come before code: no kernel starts while they build.
        # A build for finished runs does not hold the next runs back.
        hold = self.runs is not None and (bool(changed) or self.state.version == 0)
        if hold:
            self.runs.hold()  # type: ignore[union-attr]
        try:
            ctx: BuildContext = build(self.options)
            self._last = ctx if ctx.book is not None else self._last
            execution = ctx.extra.get("execution")
            state.pending = execution.get("pending", 0) if isinstance(execution, dict) else 0
            state.written = list(ctx.outputs.get("html", []))
            removed = bool(ctx.extra.get("html", {}).get("removed"))  # type: ignore[union-attr]
            self._edited.update(changed or [])
            # Errors, and the warnings of files edited while serving (the book's older
            # warnings would cover every page); under --strict every warning counts.
            strict = exit_status(ctx) and not ctx.diags.errors
            state.errors = [{**d.to_json(), "severity": d.severity} for d in ctx.diags.sorted()
                            if strict or d.severity == "error" or d.file in self._edited]
        except ConfigError as exc:
            state.ok = False
            state.failure = f"{exc.file}:{exc.line}: {exc.message}" if exc.line else f"{exc.file}: {exc.message}"
        except Exception as exc:  # a bug in divebook: show it, keep serving
            state.ok = False
            state.failure = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            self.console.print(traceback.format_exc(), markup=False)
        finally:
            if hold:
                self.runs.release()  # type: ignore[union-attr]
        state.seconds = time.perf_counter() - start
        self.state = state
        self.broadcaster.send(state.to_json())
        pages_written = {name for name in state.written if name.endswith(".html")}
        if state.ok and (pages_written or removed or not index_exists(self.site)):
            with self._index_lock:
                if removed or self._index_pending is None:
                    self._index_pending = None  # a page left the site: a full index
                else:
                    self._index_pending |= pages_written
            self._index_wanted.set()
        return state

    def _show_quickly(self, changed: list[str]) -> None:
        """Render edited pages against the last build and reload them (the full build follows)."""
        if not all(name.endswith(".md") for name in changed):
            return
        from ..preview import quick_pages

        try:
            quick = quick_pages(self._last, changed)  # type: ignore[arg-type]
        except Exception:  # the full build that follows reports whatever went wrong
            return
        if quick is None:
            return
        written, seconds = quick
        self.state = BuildState(version=self.state.version + 1, changed=changed, written=written,
                                seconds=seconds, pending=self.state.pending)
        self.broadcaster.send(self.state.to_json())
        with self._index_lock:  # the full build may find these pages already as they should be
            if self._index_pending is not None:
                self._index_pending |= {name for name in written if name.endswith(".html")}
        self._index_wanted.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until ``stop()`` (True) or ``timeout`` seconds (False)."""
        return self._stop.wait(timeout)

    def start(self) -> None:
        """First build, then serve and watch; ConfigError/UsageError if the book cannot be built."""
        claim_output(prepare(self.options))  # a book that cannot be configured is a usage error
        self._held.enter_context(output_lock(
            self.out, self.wait_for_lock,
            lambda m: self.console.print(f"divebook: {m}", markup=False)))
        self.rebuild()
        if not self.state.ok:
            self.console.print(f"[red]{escape(self.state.failure)}[/red]")
        self.server = SiteServer((self.host, self.port),
                                 make_handler(self.site, lambda: self.state, self.broadcaster,
                                              host=self.host))
        self.port = self.server.server_address[1]
        for target, name in ((self.server.serve_forever, "serve"), (self._watch, "watch"),
                             (self._build_loop, "build"), (self._index, "index")):
            thread = threading.Thread(target=target, name=f"divebook-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop the runs (their kernels killed), the server and every thread."""
        self._stop.set()
        if self.runs is not None:
            self.runs.stop()
        self._requests.put(None)
        self._index_wanted.set()
        self.broadcaster.send(None)
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._held.close()  # the output folder's lock

    def _ignored(self, path: str) -> bool:
        p = Path(path)
        return p == self.out or self.out in p.parents

    def _watch(self) -> None:
        import watchfiles

        class BookFilter(watchfiles.DefaultFilter):
            def __init__(inner, preview: Preview) -> None:  # noqa: N805
                super().__init__(ignore_dirs=(*watchfiles.DefaultFilter.ignore_dirs, "_build",
                                              ".ipynb_checkpoints", ".divebook"))
                inner.preview = preview

            def __call__(inner, change: watchfiles.Change, path: str) -> bool:  # noqa: N805
                return super().__call__(change, path) and not inner.preview._ignored(path)

        for changes in watchfiles.watch(self.book, watch_filter=BookFilter(self), step=20,
                                        stop_event=self._stop, raise_interrupt=False):
            if self._stop.is_set():
                return
            names = sorted({Path(p).relative_to(self.book).as_posix() for _, p in changes
                            if Path(p).is_relative_to(self.book)})
            if names:
                self._requests.put(names)

    def _build_loop(self) -> None:
        """Make every build after the first, one at a time: for edits and for finished runs.

        Requests that arrive during a build are answered by one build after it.
        """
        while True:
            request = self._requests.get()
            if request is None or self._stop.is_set():
                return
            names = set(request)
            while True:
                try:
                    more = self._requests.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    return
                names.update(more)
            self._report(self.rebuild(sorted(names)), sorted(names))

    def _report(self, state: BuildState, names: list[str]) -> None:
        """One line on the console per build (a build for finished runs says nothing if fine)."""
        shown = escape(", ".join(names[:3]) + (" ..." if len(names) > 3 else "")) or "outputs"
        if not state.ok:
            self.console.print(f"[red]build failed[/red] ({shown}): {escape(state.failure)}")
            return
        if not names:
            return  # the progress display shows the runs; the browser shows their errors
        color = "red" if state.errors else "green"
        self.console.print(f"[{color}]rebuilt in {state.seconds:.2f} s[/{color}] ({shown})"
                           + (f": {len(state.errors)} problems" if state.errors else ""))
        for error in state.errors[:5]:
            self.console.print(f"  {error['file']}:{error['line']}: {error['severity']}: {error['message']}",
                               markup=False)

    def _index(self) -> None:
        from ..writers.html.search import SearchIndexError, stale_pages, update_index

        while not self._stop.is_set():
            self._index_wanted.wait()
            # Wait for the edits to settle, so indexing never competes with a rebuild.
            while self._index_wanted.is_set() and not self._stop.is_set():
                self._index_wanted.clear()
                self._stop.wait(self.index_delay)
            if self._stop.is_set():
                return
            with self._index_lock:
                pending, self._index_pending = self._index_pending, set()
            try:  # with the pages a killed build or preview left unindexed
                update_index(self.site, None if pending is None else pending | stale_pages(self.site),
                             nice=True)
            except SearchIndexError as exc:
                if not self._stop.is_set():  # Ctrl+C reaches Pagefind too: that is no failure
                    self.console.print(f"[yellow]{escape(str(exc))}[/yellow]")


def serve(book: Path, out: Path | None, host: str, port: int, evaluate: bool = True,
          lang: str | None = None, wait: bool = True) -> int:
    """Run the live preview until interrupted; the exit status."""
    console = make_console()
    preview = Preview(book, out, host, port, evaluate, lang, console, wait)
    console.print(f"Building {escape(str(preview.book))} …")
    try:
        try:
            preview.start()
        except OutputBusy as exc:
            console.print(f"[red]divebook: {escape(str(exc))}[/red]")
            return 2
        except OSError as exc:
            console.print(f"[red]divebook serve: cannot listen on {escape(host)}:{port}: "
                          f"{escape(str(exc.strerror or exc))}[/red]")
            return 2
        if host not in ("127.0.0.1", "localhost", "::1"):
            console.print(f"[yellow]Listening on {escape(host)}: other machines can read this preview.[/yellow]")
        console.print(f"Serving [bold]{escape(preview.url)}[/bold] from {escape(str(preview.site))} — "
                      f"watching {escape(str(preview.book))} "
                      "(Ctrl+C stops)")
        if preview.state.pending:
            console.print(f"Running the code of {preview.state.pending} page run(s) in the background; "
                          "their pages show outputs as each run finishes.")
        while not preview.wait(3600):
            pass
    except KeyboardInterrupt:
        console.print("stopped")
    finally:
        preview.stop()
    return 0
