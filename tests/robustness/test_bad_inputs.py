"""The bad-input suite: every row of ``cases.CASES`` through the real command line, in-process.

For each: the exit status of its outcome class, the expected message, no Python traceback,
nothing outside the book and its output folder changed, and nothing from outside (a secret
file beside the book) read into the output.
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from divebook.cli import main
from divebook.tree import Output
from divebook.writers.html.outputs import render_outputs

from .cases import CASES, INDEX, INI, PAGE, Case

STATUS = {"usage": 2, "error": 1, "warning": 0, "fine": 0}
SECRET = "divebook-robustness-secret-7f3a"


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` with its size and modification time."""
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = Path(dirpath, name)
            stat = path.lstat()
            out[str(path.relative_to(root))] = (stat.st_size, stat.st_mtime_ns)
    return out


def _write(root: Path, files: dict[str, str | bytes | None], tmp: Path | None = None) -> None:
    """Write ``files`` under ``root``; ``@TMP@`` in a text stands for ``tmp``."""
    for name, text in files.items():
        if text is None:
            continue
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, str) and tmp is not None:
            text = text.replace("@TMP@", str(tmp))
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def _contents(root: Path) -> dict[str, bytes]:
    """The bytes of every file under ``root`` (not following links)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and not p.is_symlink()}


def run_case(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str],
             monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    book, out, outside = tmp_path / "book", tmp_path / "out", tmp_path / "outside"
    _write(book, case.files, tmp_path)
    for name, target in case.links.items():
        (book / name).parent.mkdir(parents=True, exist_ok=True)
        (book / name).symlink_to(target.replace("@TMP@", str(tmp_path)))
    _write(outside, {"secret.txt": SECRET, "page.md": f"# {SECRET}\n"})
    _write(tmp_path, case.setup)
    before, sources = _tree(outside), _contents(book)
    setup = {name: _contents(tmp_path / name) for name in {n.split("/")[0] for n in case.setup}
             if (tmp_path / name).is_dir()}
    made = {p.name for p in tmp_path.iterdir()}
    argv = [a.replace("BOOK", str(book)).replace("OUT", str(out)).replace("TMP", str(tmp_path))
            for a in case.argv]
    if case.cwd:
        monkeypatch.chdir(book if case.cwd == "BOOK" else tmp_path)
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        status = int(exc.code or 0)
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "Traceback" not in text, text
    assert _tree(outside) == before, "a file outside the book changed"
    assert {p.name for p in tmp_path.iterdir()} <= made | {"out", "book"}, "something was made outside"
    assert made <= {p.name for p in tmp_path.iterdir()}, "something beside the book was removed"
    now = _contents(book)
    assert {k: v for k, v in now.items() if k in sources} == sources, "the book's sources changed"
    for name, files in setup.items():
        assert _contents(tmp_path / name) == files, f"{name} (not divebook's) changed"
    for folder in (out, book / "_build"):
        for path in folder.rglob("*") if folder.is_dir() else []:
            if path.is_file():  # a link is followed: one that leads out is a leak too
                assert SECRET.encode() not in path.read_bytes(), f"{path} holds a file from outside"
            if path.suffix == ".zip":  # compressed: look inside
                with zipfile.ZipFile(path) as archive:
                    for member in archive.namelist():
                        assert SECRET.encode() not in archive.read(member), f"{path}:{member} leaks"
    return status, text


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                   monkeypatch: pytest.MonkeyPatch) -> None:
    status, text = run_case(case, tmp_path, capsys, monkeypatch)
    flat = " ".join(text.split())  # the console may wrap a long line
    assert status == STATUS[case.outcome], text
    if case.expect:
        assert re.search(case.expect, flat), f"{case.expect!r} not in:\n{text}"
    if case.outcome == "fine":
        assert "warning:" not in text and "error:" not in text, text
    if case.outcome == "warning":
        assert re.search(r"\S+:\d+: warning: ", flat), text


def test_the_suite_is_large() -> None:
    assert len(CASES) + len(OUTPUTS) + len(CACHE_DAMAGE) + len(LITERAL) >= 100


# ---- cell outputs: what a cell printed is never written raw into the HTML -----------------

OUTPUTS = {
    "SOH": ("x\x01y", "xy"),
    "lone ESC": ("a\x1bb", "ab"),
    "ESC then text": ("\x1b]0;title\x07done", "done"),
    "NUL": ("a\x00b", "ab"),
    "DEL": ("a\x7fb", "ab"),
    "vertical tab": ("a\x0bb", "ab"),
    "lone surrogate": ("half \ud800 char", "half \ufffd char"),
    "low surrogate": ("\udfff!", "\ufffd!"),
    "colour kept": ("\x1b[31mred\x1b[0m", "red</span>"),
    "tab and newline kept": ("a\tb\nc", "a\tb\nc"),
    "html escaped": ("<script>alert(1)</script>", "&lt;script&gt;"),
}


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_cell_output_text(name: str) -> None:
    text, shown = OUTPUTS[name]
    for output in (Output(kind="stream", name="stdout", text=text),
                   Output(kind="error", ename="E", evalue="v", traceback=[text]),
                   Output(kind="execute_result", data={"text/plain": text}),
                   Output(kind="display_data", data={"text/html": f"<b>{text}</b>"})):
        html = render_outputs([output], {})
        assert not re.search(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]", html), repr(html)
        html.encode("utf-8")  # writable
        if output.data.get("text/html") is None:
            assert shown in html, (name, html)


# ---- the cache: a damaged entry is redone, every later build recovers ----------------------

def _replace_with_folder(path: Path) -> None:
    path.unlink()
    (path / "inner").mkdir(parents=True)


def _replace_with_garbage(path: Path) -> None:
    path.write_bytes(b"DVB1" + b"\0" * 40)


def _namespace_a_file(path: Path) -> None:
    shutil.rmtree(path.parent)
    path.parent.write_bytes(b"not a folder")


def _entry_a_symlink_loop(path: Path) -> None:
    path.unlink()
    path.symlink_to(path)


CACHE_DAMAGE = {"entry is a folder": _replace_with_folder, "entry is garbage": _replace_with_garbage,
                "namespace is a file": _namespace_a_file, "entry is a symlink loop": _entry_a_symlink_loop}


@pytest.mark.parametrize("damage", list(CACHE_DAMAGE))
@pytest.mark.parametrize("namespace", ["read", "html", "state"])
def test_damaged_cache_recovers(damage: str, namespace: str, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    book, out = tmp_path / "book", tmp_path / "out"
    _write(book, {"config.ini": INI, "index.md": INDEX, "a.md": PAGE})
    args = ["build", "--no-eval", "--jobs", "1", "-C", str(book), "--out", str(out), "-q"]
    assert main(args) == 0
    first = (out / "html" / "a.html").read_bytes()
    for entry in sorted((out / ".cache" / namespace).iterdir())[:1]:
        CACHE_DAMAGE[damage](entry)
    for edit in ("", "\nMore.\n", ""):  # damaged, then a changed page, then nothing changed
        if edit:
            (book / "a.md").write_text(PAGE + edit)
        assert main(args) == 0, capsys.readouterr().err
        assert "Traceback" not in capsys.readouterr().err
    (book / "a.md").write_text(PAGE)
    assert main(args) == 0
    assert (out / "html" / "a.html").read_bytes() == first


# ---- the console: book text is printed literally -------------------------------------------

LITERAL = {
    "section": "[section]",
    "label role": ":label:`sec_x`",
    "emoji code": ":smile: and :label:",
    "markup": "[bold red]loud[/bold red]",
    "closing tag": "[/]",
    "backslash": "a \\[b] c",
}


@pytest.mark.parametrize("name", list(LITERAL))
def test_messages_print_literally(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = LITERAL[name]
    book = tmp_path / "book"
    # the unknown key's name and the missing toc entry quote book text in their messages
    _write(book, {"config.ini": INI, "index.md": f"# B\n\n```toc\nx{text}\n```\n"})
    assert main(["build", "--no-eval", "--jobs", "1", "-C", str(book), "--out", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err
    assert f"toc entry `x{text}`" in err, err
