"""Configured paths: where a name from configuration may point, and what kind of file is read.

A manifest entry's `file` and `profile` name files inside their own directory (the corpus, the
profiles): an absolute name, `..` or a symlink that leads out is refused, so whoever edits a
manifest cannot have the service serve /etc/passwd. Every configured file (those, the manifest,
the gazetteers, the check history) is read only if it is a regular file: a FIFO would block the
load for ever, /dev/zero never ends, a directory or a socket is a mistake. One home for both rules.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

# User values quoted in an error are cut to this many characters (a 10 MB id is not echoed back).
ECHO_CHARS = 120


def shown(value: object, limit: int = ECHO_CHARS) -> str:
    """repr() of a user value for a one-line message, cut to `limit` characters plus its length."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = len(value) if isinstance(value, str) else len(text)
    return f"{text[:limit]}… ({size:,} characters)"


class PathRefused(ValueError):
    """A configured path that is not followed or a file that is not read; str() is one line."""


class FileTooBig(PathRefused):
    def __init__(self, path: Path, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        super().__init__(f"{path.name} is {size:,} bytes, over the limit of {limit:,}")


def child_path(directory: Path, name: object, what: str, where: str = "its directory") -> Path:
    """`directory/name` with symlinks resolved, refused unless it stays inside `directory`.

    `what` names the setting for the message (e.g. "manifest entry 'ai-ten', field 'file'"; empty
    when the caller says it) and `where` the directory (e.g. "the corpus directory")."""
    lead = f"{what}: " if what else ""
    if not isinstance(name, str) or not name.strip() or "\x00" in name:
        raise PathRefused(f"{lead}{shown(name)} is not a file name")
    if os.path.isabs(name):
        raise PathRefused(f"{lead}{shown(name)} is an absolute path; give a name inside {where}")
    root = directory.resolve()
    lexical = Path(os.path.normpath(root / name))
    if lexical == root:
        raise PathRefused(f"{lead}{shown(name)} names {where} itself, not a file in it")
    if not lexical.is_relative_to(root):
        raise PathRefused(f"{lead}{shown(name)} leads outside {where} (..); refused")
    try:
        target = (root / name).resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop (RuntimeError before Python 3.13)
        raise PathRefused(f"{lead}{shown(name)} cannot be resolved ({exc})") from None
    if not target.is_relative_to(root) or target == root:
        raise PathRefused(f"{lead}{shown(name)} is a symlink leading outside {where}; refused")
    return target


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def file_kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _not_regular(path: Path, mode: int, what: str) -> PathRefused:
    return PathRefused(f"{what}: cannot read {path.name}: it is {file_kind(mode)}, not a regular file")


def open_regular(path: Path, what: str, *, follow_symlinks: bool = True) -> BinaryIO:
    """`path` opened for reading if it is a regular file; PathRefused if it is anything else,
    OSError if it cannot be opened. Never blocks: a FIFO is opened non-blocking, then refused."""
    mode = os.stat(path, follow_symlinks=follow_symlinks).st_mode
    if not stat.S_ISREG(mode):  # refused before opening: a socket cannot even be opened
        raise _not_regular(path, mode, what)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow_symlinks else os.O_NOFOLLOW)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode  # what was opened, in case the name changed since the stat
        if not stat.S_ISREG(mode):
            raise _not_regular(path, mode, what)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path, what: str, limit: int, *, follow_symlinks: bool = True) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (FileTooBig beyond it, checked before
    reading); PathRefused or OSError as open_regular."""
    with open_regular(path, what, follow_symlinks=follow_symlinks) as f:
        size = os.fstat(f.fileno()).st_size
        if size > limit:
            raise FileTooBig(path, size, limit)
        data = f.read(limit + 1)
    if len(data) > limit:  # grew while being read
        raise FileTooBig(path, len(data), limit)
    return data


def regular_or_absent(path: Path, what: str) -> None:
    """Refuse an existing `path` that is not a regular file (for a file the service creates, like
    the check history): PathRefused naming it."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise PathRefused(f"{what}: cannot use {path} ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        raise _not_regular(path, mode, what)
