"""Reading a source document: bytes -> validated text lines, or a clear one-line error.

Pure functions apart from `read_source`; line numbers are 1-based, as in docs/corpus-formats.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from core.errors import PolicyGraphError


class DocumentError(PolicyGraphError, ValueError):
    """A document that cannot be loaded. str() is one line naming the file (and line)."""

    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.reason = message
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {message}")


# Control characters other than tab/newline/CR are a sign of a binary or damaged file.
_BAD_CONTROLS = {chr(c) for c in range(32) if c not in (9, 10, 13)} | {"\x7f"}

# Beyond these a file is damaged, not a plan (the bundled documents: at most 381 KB, lines of at
# most ~850 characters). They bound a load's memory: a document costs about 20 times its size, and
# readers compare and quote table lines, so one huge line costs far more than its length.
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
MAX_LINE_CHARS = 20_000


@dataclass(frozen=True)
class SourceText:
    """A document's text as lines (index 0 = line 1), plus what identifies it."""

    file: str
    lines: tuple[str, ...]
    sha256: str

    def line(self, n: int) -> str:
        return self.lines[n - 1]

    def span(self, start: int, end: int) -> list[str]:
        return list(self.lines[start - 1 : end])

    def quote(self, start: int, end: int) -> str:
        """The quoted source text of a span: its non-blank lines, stripped, joined by newlines."""
        return "\n".join(s.strip() for s in self.span(start, end) if s.strip())


# Byte-order marks of encodings that are not UTF-8 (UTF-32 first: its LE mark starts like UTF-16's).
_OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def decode_source(file: str, data: bytes) -> SourceText:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError(file, _too_big(len(data)))
    if not data.strip():
        raise DocumentError(file, "the document is empty")
    for bom, name in _OTHER_BOMS:
        if data.startswith(bom):  # its NUL bytes would otherwise read as "binary"
            raise DocumentError(file, f"the document is {name}, not UTF-8; convert it to UTF-8")
    if b"\x00" in data[:65536]:
        raise DocumentError(file, "the document is binary (it contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DocumentError(
            file, f"the document is not UTF-8 (byte 0x{data[exc.start]:02x}); convert it to UTF-8", line
        ) from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # a trailing newline does not make an extra line
    for i, s in enumerate(lines, 1):
        if len(s) > MAX_LINE_CHARS:
            raise DocumentError(
                file,
                f"a line of {len(s):,} characters (at most {MAX_LINE_CHARS:,}): a page or table flattened into one "
                "line?",
                i,
            )
        bad = next((c for c in s if c in _BAD_CONTROLS), None)
        if bad is not None:
            raise DocumentError(file, f"control character U+{ord(bad):04X} in the text", i)
    return SourceText(file, tuple(lines), hashlib.sha256(data).hexdigest())


def _too_big(size: int) -> str:
    return f"the document is {size / 2**20:,.1f} MiB; documents over {MAX_DOCUMENT_BYTES / 2**20:,.0f} MiB are refused"


def read_source(path: Path) -> SourceText:
    try:
        if path.is_file() and path.stat().st_size > MAX_DOCUMENT_BYTES:  # refused before reading it
            raise DocumentError(path.name, _too_big(path.stat().st_size))
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(path.name, f"cannot read the file ({exc.strerror})") from None
    return decode_source(path.name, data)
