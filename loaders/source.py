"""Reading a source document: bytes -> validated text lines, or a clear one-line error.

Pure functions apart from `read_source`; line numbers are 1-based, as in the format notes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


class DocumentError(ValueError):
    """A document that cannot be loaded. str() is one line naming the file (and line)."""

    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.reason = message
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {message}")


# Control characters other than tab/newline/CR are a sign of a binary or damaged file.
_BAD_CONTROLS = {chr(c) for c in range(32) if c not in (9, 10, 13)} | {"\x7f"}


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


def decode_source(file: str, data: bytes) -> SourceText:
    if not data.strip():
        raise DocumentError(file, "the document is empty")
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
        bad = next((c for c in s if c in _BAD_CONTROLS), None)
        if bad is not None:
            raise DocumentError(file, f"control character U+{ord(bad):04X} in the text", i)
    return SourceText(file, tuple(lines), hashlib.sha256(data).hexdigest())


def read_source(path: Path) -> SourceText:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(path.name, f"cannot read the file ({exc.strerror})") from None
    return decode_source(path.name, data)
