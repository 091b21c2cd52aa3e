"""``divebook serve`` on a book whose code takes a while: the site is served before the
code has run, pages show their outputs as runs finish, edits work meanwhile, and
stopping kills every kernel.

The slow cell waits for a file the test writes, so "served before the code ran" is a
fact of the test, not a race; it also records its kernel's process id (and a child's).
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from divebook.context import BuildOptions
from divebook.build import build
from divebook.serve import Preview
from tests.conftest import write_book
from tests.integration.execute_envs import alive, divebook_env

pytestmark = pytest.mark.kernel


def slow_page(folder: Path, output: str = "slow done") -> str:
    """A page whose first cell records its pids, then waits for ``folder/go``."""
    first, second = output.split(" ", 1)
    return f'''# Slow

Some prose.

```{{.python .input}}
import os, pathlib, subprocess, time
child = subprocess.Popen(["sleep", "300"])
pathlib.Path({str(folder / "pids")!r}).write_text(f"{{os.getpid()}} {{child.pid}}")
while not os.path.exists({str(folder / "go")!r}):
    time.sleep(0.05)
print("{first} " + "{second}")
```
'''


def book_with_cached_page(tmp_path: Path) -> Path:
    """A book whose quick page ran in an earlier build (cached); then a slow page is added."""
    book = write_book(tmp_path / "book", {
        "index.md": "# Book\n\n```toc\nquick\n```\n",
        "quick.md": "# Quick\n\n```{.python .input}\nprint(6 * 7)\n```\n"})
    ctx = build(BuildOptions(book=book, quiet=True))
    assert ctx.extra["execution"]["executed"] == 1
    (book / "index.md").write_text("# Book\n\n```toc\nquick\nslow\n```\n")
    (book / "slow.md").write_text(slow_page(tmp_path))
    return book


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(condition, what: str, timeout: float = 60.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def pids(tmp_path: Path) -> list[int]:
    path = tmp_path / "pids"
    text = wait_for(lambda: path.exists() and path.read_text().strip(), "the slow cell to start")
    return [int(p) for p in text.split()]



def test_serve_answers_before_the_code_ran_and_shows_outputs_when_it_has(tmp_path: Path) -> None:
    book = book_with_cached_page(tmp_path)
    live = Preview(book, port=0)
    start = time.perf_counter()
    live.start()
    try:
        quick = get(live.url + "quick.html")
        print(f"\nserved after {time.perf_counter() - start:.2f} s")
        assert "42" in quick and "Output pending" not in quick  # from the cache, at once
        slow = get(live.url + "slow.html")
        assert "Some prose." in slow and "Popen" in slow  # the code, without outputs
        assert '<div class="cell" data-status="pending">' in slow
        assert "Output pending" in slow and "still running" in slow
        assert "slow done" not in slow
        assert json.loads(get(live.url + "_divebook/status"))["pending"] == 1

        pids(tmp_path)  # the kernel runs the slow cell: still pending
        assert "Output pending" in get(live.url + "slow.html")
        events = live.broadcaster.subscribe()
        (tmp_path / "go").write_text("go")

        def slow_reloaded() -> bool:  # the open page is told to reload
            try:
                state = json.loads(events.get(timeout=0.5) or "{}")
            except queue.Empty:
                return False
            return "slow.html" in state.get("written", []) and state.get("pending") == 0

        wait_for(slow_reloaded, "a build that shows the slow page's outputs")
        slow = get(live.url + "slow.html")
        assert "slow done" in slow and "Output pending" not in slow and "still running" not in slow
    finally:
        live.stop()


def test_an_edit_while_code_runs_drops_the_old_run_and_runs_the_new_code(tmp_path: Path) -> None:
    book = book_with_cached_page(tmp_path)
    live = Preview(book, port=0)
    live.start()
    try:
        kernel, child = pids(tmp_path)
        page = book / "slow.md"
        page.write_text(page.read_text().replace("Some prose.", "Edited prose.")
                        .replace('print("slow " + "done")', 'print("edited " + "run")'))
        # the prose shows at once; the old run is stopped; the new code runs to the end
        wait_for(lambda: "Edited prose." in get(live.url + "slow.html"), "the edited prose")
        wait_for(lambda: not alive(kernel) and not alive(child), "the old run's kernel to stop", 20)
        (tmp_path / "pids").unlink()
        (tmp_path / "go").write_text("go")
        wait_for(lambda: "edited run" in get(live.url + "slow.html"), "the new code's output")
        html = get(live.url + "slow.html")
        assert "slow done" not in html and "Output pending" not in html
        assert live.state.ok and not live.state.errors
    finally:
        live.stop()


def test_ctrl_c_stops_serve_and_kills_the_kernels(tmp_path: Path) -> None:
    book = book_with_cached_page(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "divebook", "serve", "-C", str(book), "--port", "0"],
                            env=divebook_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True)  # type: ignore[arg-type]
    reader.start()
    try:
        url = wait_for(lambda: next((m.group(0) for line in list(lines)
                                     if (m := re.search(r"http://127\.0\.0\.1:\d+/", line))), None),
                       "the server's address")
        assert "Output pending" in get(url + "slow.html")
        kernel, child = pids(tmp_path)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    reader.join(timeout=5)
    assert "stopped" in "".join(lines) and "Traceback" not in "".join(lines)
    # killed with the server, not left to notice it is orphaned
    assert not alive(kernel) and not alive(child)


@pytest.mark.browser
def test_the_open_page_reloads_when_its_run_finishes(tmp_path: Path) -> None:
    from tests.integration.browser_kit import chromium

    book = book_with_cached_page(tmp_path)
    live = Preview(book, port=0)
    live.start()
    try:
        with chromium() as browser:
            page = browser.new_page()
            page.goto(live.url + "slow.html")
            assert page.locator(".outputs-pending").is_visible()  # the note under the title
            assert page.locator(".output-pending").count() == 1
            page.wait_for_timeout(300)  # the event stream is open
            page.evaluate("window.beforeRun = true")
            pids(tmp_path)
            (tmp_path / "go").write_text("go")
            page.wait_for_function("() => document.body && document.body.innerText.includes('slow done')",
                                   timeout=60000)
            assert page.evaluate("window.beforeRun") is None  # reloaded by the live preview
            assert page.locator(".outputs-pending").count() == 0
    finally:
        live.stop()


def test_failed_background_runs_show_their_errors(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.execute_envs import register_kernel

    jupyter = tmp_path / "jupyter"
    register_kernel(jupyter, "broken", sys.executable,
                    argv=[sys.executable, "-c", "import sys; sys.exit(3)"])
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter))
    book = write_book(tmp_path / "book", {
        "divebook.toml": '[build]\ntabs = ["good", "bad"]\n[tabs.bad]\nkernel = "broken"\n',
        "index.md": "# K\n\n```toc\np\nq\n```\n",
        "p.md": "# P\n\n```{.python .input}\n#@tab good\n1 / 0\n```\n\n"
                "```{.python .input}\n#@tab bad\nprint('hi')\n```\n",
        "q.md": "# Q\n\n```{.python .input}\n#@tab bad\nprint('ho')\n```\n",
    })
    live = Preview(book, port=0)
    live.start()
    try:
        assert live.state.pending == 3
        wait_for(lambda: live.state.pending == 0, "every run to end", 180)
        messages = [(e["file"], e["code"], e["message"]) for e in live.state.errors]
        assert any(f == "p.md" and c == "cell-error" and "ZeroDivisionError" in m for f, c, m in messages)
        assert any(c == "kernel-failed" and "the kernel `broken` could not start" in m
                   for _, c, m in messages)
        html = get(live.url + "p.html")
        assert "ZeroDivisionError" in html and "Output pending" not in html
        assert "Output pending" not in get(live.url + "q.html")
    finally:
        live.stop()
