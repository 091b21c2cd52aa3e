"""Fetch the test corpora (real d2lbook books) at the commits pinned in tools/corpus.toml.

    python tools/fetch_corpus.py [--dest DIR] [--force] [BOOK ...]   fetch (all books by default)
    python tools/fetch_corpus.py --verify [--dest DIR] [BOOK ...]    compare a folder with the pins
    python tools/fetch_corpus.py --list                              print the pins
    python tools/fetch_corpus.py --lock [--dest DIR]                 record DIR's files as the pins

DIR defaults to $DIVEBOOK_CORPUS, else ../shared/corpus next to the repository: the one
place the tests, the benchmarks and this script look.  Needs git and network access.

Why the pins say more than a commit: the corpora the tests were written against are
trimmed copies (no build scripts, no files over 1 MiB), so each book also names the
entries it keeps, and a digest of the result (git blob ids and paths) proves that a
fetched folder is the very data the tests expect.  tools/corpus.lock lists those files
(path and blob id, no content): when the keep rules and the pinned digest disagree, the
listed files are taken and the disagreement is said, and a folder that differs is told
file by file.  Nothing of the books is copied into the repository.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PINS = REPO / "tools" / "corpus.toml"
LOCK = REPO / "tools" / "corpus.lock"
SETTING = "DIVEBOOK_CORPUS"
FETCH_COMMAND = "python tools/fetch_corpus.py"


def corpus_root(environ: dict[str, str] | None = None) -> Path:
    """The corpus folder: $DIVEBOOK_CORPUS, else ../shared/corpus beside the repository."""
    value = (os.environ if environ is None else environ).get(SETTING, "")
    return Path(value).expanduser().resolve() if value else (REPO.parent / "shared" / "corpus").resolve()


@dataclass(frozen=True)
class Book:
    """One corpus book as pinned: where it comes from and which of its files it keeps."""

    name: str
    url: str
    commit: str = ""  # a whole tree at this commit ...
    blob: str = ""  # ... or one file, pinned by its git blob id
    source_path: str = ""  # the blob's path upstream (informative)
    target: str = ""  # the blob's file name in the book folder
    keep: list[str] = field(default_factory=list)  # top-level names kept (globs); empty: all
    drop: list[str] = field(default_factory=list)  # top-level names dropped (globs)
    max_bytes: int = 0  # files larger than this are dropped; 0: no limit
    files: int = 0
    digest: str = ""
    note: str = ""

    @property
    def pin(self) -> str:
        return f"{self.name} {self.commit[:12]}" if self.commit else f"{self.name} blob {self.blob[:12]}"


def load_pins(path: Path = PINS) -> dict[str, Book]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {name: Book(name=name, **entry) for name, entry in data["books"].items()}


Entry = tuple[str, str]  # (path in the book, git blob id)


def load_lock(path: Path = LOCK) -> dict[str, list[Entry]]:
    """Book name -> its files as pinned; {} when there is no lock."""
    listed: dict[str, list[Entry]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                name, blob, file = line.split("\t")
                listed.setdefault(name, []).append((file, blob))
    return listed


def write_lock(listed: dict[str, list[Entry]], path: Path = LOCK) -> None:
    lines = ["# The files of each pinned corpus book: book, git blob id, path (tab-separated).",
             "# Written by `python tools/fetch_corpus.py --lock`; the digests in corpus.toml match it."]
    lines += [f"{name}\t{blob}\t{file}" for name in sorted(listed) for file, blob in sorted(listed[name])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def kept(book: Book, path: str, size: int) -> bool:
    """Whether the trimmed corpus holds ``path`` (posix, relative to the book)."""
    parts = path.split("/")
    if any(part.startswith(".") for part in parts):
        return False  # .git*, .github/: repository plumbing, not the book
    top = parts[0]
    if book.keep and not any(fnmatch.fnmatchcase(top, glob) for glob in book.keep):
        return False
    if any(fnmatch.fnmatchcase(top, glob) for glob in book.drop):
        return False
    return not (book.max_bytes and size > book.max_bytes)


def blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def digest(entries: list[Entry]) -> str:
    """One id for a set of (path, git blob id): equal digests, equal folders."""
    text = "".join(f"{blob} {path}\n" for path, blob in sorted(entries))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def folder_entries(folder: Path) -> list[Entry]:
    return [(p.relative_to(folder).as_posix(), blob_id(p.read_bytes()))
            for p in sorted(folder.rglob("*")) if p.is_file()]


def differences(entries: list[Entry], listed: list[Entry], most: int = 5) -> str:
    """What ``entries`` lack, add and change against ``listed``, a few names of each."""
    have, want = dict(entries), dict(listed)
    parts = []
    for what, names in (("missing", [f for f in want if f not in have]),
                        ("extra", [f for f in have if f not in want]),
                        ("changed", [f for f in want if f in have and have[f] != want[f]])):
        if names:
            shown = ", ".join(sorted(names)[:most]) + (", ..." if len(names) > most else "")
            parts.append(f"{len(names)} {what} ({shown})")
    return "; ".join(parts)


def check(book: Book, folder: Path, listed: list[Entry] | None = None) -> str:
    """'' when ``folder`` is the pinned book, else what differs."""
    if not folder.is_dir():
        return f"{folder} is missing"
    entries = folder_entries(folder)
    if len(entries) == book.files and digest(entries) == book.digest:
        return ""
    detail = differences(entries, listed) if listed else ""
    return (f"{folder} differs from the pins: {len(entries)} files (pinned {book.files}), "
            f"digest {digest(entries)[:12]} (pinned {book.digest[:12]})" + (f": {detail}" if detail else ""))


def git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
    result = subprocess.run(["git", "-C", str(repo), *args], input=data, capture_output=True)
    if result.returncode:
        raise FetchError(f"git {' '.join(args)}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


class FetchError(Exception):
    """A book could not be fetched; the message says why."""


def tree_entries(repo: Path, commit: str) -> list[tuple[str, str, int]]:
    """(path, blob id, size) of every file at ``commit``; links and submodules are not files."""
    out = git(repo, "ls-tree", "-r", "-l", "-z", commit)
    entries = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, path = record.split(b"\t", 1)
        mode, kind, blob, size = meta.split()
        if kind == b"blob" and mode in (b"100644", b"100755"):
            entries.append((path.decode("utf-8"), blob.decode(), int(size)))
    return entries


def read_blobs(repo: Path, blobs: list[str]) -> dict[str, bytes]:
    out = git(repo, "cat-file", "--batch", data="".join(f"{b}\n" for b in blobs).encode())
    found, at = {}, 0
    while at < len(out):
        end = out.index(b"\n", at)
        blob, kind, size = out[at:end].split()
        found[blob.decode()] = out[end + 1:end + 1 + int(size)]
        at = end + 1 + int(size) + 1
    return found


def fetch_tree(book: Book, repo: Path, into: Path, listed: list[Entry]) -> None:
    git(repo, "remote", "add", "origin", book.url)
    try:  # servers such as GitHub give a pinned commit by its id: one shallow fetch
        git(repo, "fetch", "--quiet", "--depth", "1", "origin", book.commit)
    except FetchError:  # others give only branch tips: fetch them and look for it
        git(repo, "fetch", "--quiet", "origin", "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*")
    tree = tree_entries(repo, book.commit)
    entries = [(path, blob) for path, blob, size in tree if kept(book, path, size)]
    if digest(entries) != book.digest and listed and set(listed) <= {(path, blob) for path, blob, _ in tree}:
        print(f"  {book.name}: the keep rules of tools/corpus.toml give other files than the pins "
              f"({differences(entries, listed)}); taking the files tools/corpus.lock lists")
        entries = listed
    contents = read_blobs(repo, sorted({blob for _, blob in entries}))
    for path, blob in entries:
        target = into / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(contents[blob])


def fetch_blob(book: Book, repo: Path, into: Path, listed: list[Entry]) -> None:
    """A single file pinned by content: its history is searched, the blob itself fetched alone."""
    git(repo, "remote", "add", "origin", book.url)
    git(repo, "fetch", "--quiet", "--filter=blob:none", "origin", "+refs/heads/*:refs/remotes/origin/*")
    commits = git(repo, "log", "--all", "--format=%H", f"--find-object={book.blob}").split()
    if not commits:
        raise FetchError(f"no commit of {book.url} holds the pinned file (git blob {book.blob})")
    into.mkdir(parents=True)
    (into / book.target).write_bytes(git(repo, "cat-file", "blob", book.blob))
    print(f"  {book.name}: {book.source_path} as of {commits[-1].decode()[:12]}")


def fetch(book: Book, dest: Path, force: bool, listed: list[Entry] | None = None) -> None:
    """Fetch ``book`` into dest/<name>, written aside and moved in only once verified."""
    final = dest / book.name
    if final.exists():
        problem = check(book, final, listed)
        if not problem:
            print(f"  {book.name}: up to date")
            return
        if not force:
            raise FetchError(f"{problem}; move it away or pass --force to replace it")
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{book.name}-", dir=dest) as scratch:
        repo, into = Path(scratch) / "git", Path(scratch) / book.name
        git(Path(scratch), "init", "--quiet", "--bare", str(repo))
        (fetch_tree if book.commit else fetch_blob)(book, repo, into, listed or [])
        problem = check(book, into, listed)
        if problem:
            raise FetchError(problem.replace(str(into), f"the fetched {book.name}"))
        if final.exists():
            shutil.rmtree(final)
        into.rename(final)
    print(f"  {book.name}: fetched ({book.files} files)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("books", nargs="*", help="book names (default: all in tools/corpus.toml)")
    parser.add_argument("--dest", type=Path, default=None, help=f"corpus folder (default: ${SETTING} or ../shared/corpus)")
    parser.add_argument("--verify", action="store_true", help="compare the folder with the pins; fetch nothing")
    parser.add_argument("--force", action="store_true", help="replace a book folder that differs from the pins")
    parser.add_argument("--list", action="store_true", help="print the pins")
    parser.add_argument("--lock", action="store_true",
                        help="record the folder's files in tools/corpus.lock and print files/digest for corpus.toml")
    parser.add_argument("--pins", type=Path, default=PINS, help=argparse.SUPPRESS)
    parser.add_argument("--lock-file", type=Path, default=LOCK, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    pins, lock = load_pins(args.pins), load_lock(args.lock_file)
    unknown = [name for name in args.books if name not in pins]
    if unknown:
        parser.error(f"unknown book(s) {', '.join(unknown)}; tools/corpus.toml has {', '.join(pins)}")
    books = [pins[name] for name in args.books or pins]
    dest = (args.dest or corpus_root()).resolve()
    if args.list:
        for book in books:
            print(f"{book.pin}  {book.url}  {book.files} files  {book.note}".rstrip())
        return 0
    if args.lock:
        for book in books:
            lock[book.name] = folder_entries(dest / book.name)
            print(f"[books.{book.name}]\nfiles = {len(lock[book.name])}\ndigest = \"{digest(lock[book.name])}\"")
        write_lock(lock, args.lock_file)
        return 0
    failed = 0
    print(f"corpus folder: {dest}")
    for book in books:
        try:
            if args.verify:
                problem = check(book, dest / book.name, lock.get(book.name))
                print(f"  {book.name}: {problem or 'matches the pins'}")
                failed += bool(problem)
            else:
                fetch(book, dest, args.force, lock.get(book.name))
        except FetchError as error:
            print(f"  {book.name}: {error}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
