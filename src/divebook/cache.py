"""A content-addressed store under ``_build/.cache``.

Entries are named by a hash of everything that determines them, so a stale
entry is never read: it is simply never asked for.  Each file carries a
checksum of its name (namespace and key) and its body, so an entry that was
damaged, or a valid one that sits under another entry's name (copied, swapped,
restored from elsewhere), reads as missing and the work is redone.  Writes go
to a temporary file that is renamed into place.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

#: DVB2: the checksum covers the entry's name as well as its body (DVB1 entries read as missing)
_MAGIC = b"DVB2"


def digest(*parts: str | bytes) -> str:
    """sha256 over the parts, each length-prefixed so that ("ab","c") != ("a","bc")."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


class Store:
    """Bytes by (namespace, key) in ``root``; safe against crashes mid-write."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, namespace: str, key: str) -> Path:
        # One flat folder per namespace: a book has hundreds of entries, not
        # millions, and every extra folder is one more inode a cold build creates.
        return self.root / namespace / key

    def get(self, namespace: str, key: str) -> bytes | None:
        path = self.path(namespace, key)
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        if len(blob) < 36 or blob[:4] != _MAGIC:
            return None
        body = blob[36:]
        if _checksum(namespace, key, body) != blob[4:36]:
            return None  # damaged, or another key's entry: treat as missing, it will be rebuilt
        return body

    def put(self, namespace: str, key: str, body: bytes) -> None:
        path = self.path(namespace, key)
        data = _MAGIC + _checksum(namespace, key, body) + body
        try:
            if not _write_new(path, data):  # a new entry needs no renaming: its checksum guards it
                write_atomic(path, data)
        except (IsADirectoryError, NotADirectoryError, FileExistsError):
            # A folder stands where the entry goes, or a file where its namespace folder goes:
            # everything under the cache is divebook's, so clear the way and write again.
            self._clear_way(path)
            write_atomic(path, data)

    def _clear_way(self, path: Path) -> None:
        """Remove what blocks ``path`` inside the cache: a folder in its place, files in its folders'."""
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        for folder in [path.parent, *path.parent.parents]:
            if folder == self.root.parent:
                break
            if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
                folder.unlink()

    def get_object(self, namespace: str, key: str) -> Any | None:
        body = self.get(namespace, key)
        if body is None:
            return None
        try:
            return pickle.loads(body)
        except Exception:  # an entry from an incompatible version: rebuild it
            return None

    def put_object(self, namespace: str, key: str, value: Any) -> None:
        self.put(namespace, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def _checksum(namespace: str, key: str, body: bytes) -> bytes:
    """sha256 over the entry's name and body: an entry is valid only under its own name."""
    h = hashlib.sha256(f"{namespace}/{key}\0".encode("utf-8"))
    h.update(body)
    return h.digest()


@lru_cache(maxsize=1)
def _file_mode() -> int:
    """The mode a new file gets from the umask (mkstemp's files are private: 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_new(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` if no such file exists (False if one does)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return True


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one."""
    def fill(fd: int, tmp: str) -> None:
        with os.fdopen(fd, "wb") as f:
            f.write(data)

    _replace(path, fill)


def _replace(path: Path, fill: Callable[[int, str], None]) -> None:
    """Make ``path`` anew: ``fill`` writes a temporary file beside it (given its open
    descriptor and name), which then takes the place of ``path`` in one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        fill(fd, tmp)
        os.chmod(tmp, _file_mode())  # a website's files must be readable by the web server
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write only when the bytes differ, so unchanged outputs keep their mtime."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data)
    return True


def copy_if_changed(src: Path, dst: Path) -> bool:
    """Copy ``src`` to ``dst`` unless ``dst`` is already a copy of it (same size and time).

    For figures copied into a site at every build: comparing sizes and times
    reads neither file, and the copy itself goes through the kernel (sendfile).
    """
    source = src.stat()
    try:
        target = dst.stat()
        if target.st_size == source.st_size and target.st_mtime_ns == source.st_mtime_ns:
            return False
    except FileNotFoundError:
        # A new figure is copied in place: the time is set last, so a copy cut short
        # by a crash does not pass for a finished one and is copied again.
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(src, dst)
            os.utime(dst, ns=(source.st_atime_ns, source.st_mtime_ns))
            return True
        except OSError:
            pass  # another worker made it meanwhile: copy it aside and rename, below

    def fill(fd: int, tmp: str) -> None:
        os.close(fd)
        shutil.copyfile(src, tmp)
        os.utime(tmp, ns=(source.st_atime_ns, source.st_mtime_ns))  # the copy's mark

    _replace(dst, fill)
    return True


def sweep_leftovers(root: Path) -> int:
    """Remove what killed writers left under ``root``: temporary files (``_replace``'s
    ``.NAME.XXXX.tmp``) and search indexes being built or swapped (``._pagefind*.new``/``.old``).

    Only while holding the output folder's lock: then nobody is writing them.
    Returns how many were removed.
    """
    removed = 0
    for folder, dirs, files in os.walk(root):
        for name in files:
            if name.startswith(".") and name.endswith(".tmp"):
                try:
                    os.unlink(os.path.join(folder, name))
                    removed += 1
                except OSError:
                    pass
        for name in list(dirs):
            if name.startswith("._pagefind") and name.endswith((".new", ".old")):
                shutil.rmtree(os.path.join(folder, name), ignore_errors=True)
                dirs.remove(name)
                removed += 1
    return removed
