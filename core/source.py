"""Reading a source document: bytes -> validated text lines, or a clear one-line error.

Pure functions apart from `read_source`; line numbers are 1-based, as in docs/corpus-formats.md.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from core.errors import PolicyGraphError
from core.files import ECHO_CHARS, FileTooBig, PathRefused, child_path, read_regular, shown

MANIFEST_NAME = "manifest.yaml"


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


def _utf16_without_bom(data: bytes) -> str | None:
    """'UTF-16' when BOM-less bytes read as UTF-16 text: NUL bytes (the high bytes of ASCII
    characters) nearly all at odd or all at even offsets, and that byte order decodes to text without
    control characters. Binary data has its NUL bytes at both."""
    sample = data[:65536]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if even + odd == 0 or min(even, odd) > (even + odd) // 10:
        return None
    codec = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = codecs.getincrementaldecoder(codec)().decode(sample, final=False)
    except UnicodeDecodeError:
        return None
    if any(c in _BAD_CONTROLS or c in "\ufffe\uffff" for c in text):
        return None
    return "UTF-16"


def decode_text(file: str, data: bytes, what: str = "the document") -> str:
    """UTF-8 bytes as text (a UTF-8 BOM dropped), or a DocumentError naming the encoding it has instead."""
    for bom, name in _OTHER_BOMS:
        if data.startswith(bom):  # its NUL bytes would otherwise read as "binary"
            raise DocumentError(file, f"{what} is {name}, not UTF-8; convert it to UTF-8")
    if b"\x00" in data[:65536]:
        if _utf16_without_bom(data):
            raise DocumentError(file, f"{what} is UTF-16 (without a byte-order mark), not UTF-8; convert it to UTF-8")
        raise DocumentError(file, f"{what} is binary (it contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DocumentError(
            file, f"{what} is not UTF-8 (byte 0x{data[exc.start]:02x}); convert it to UTF-8", line
        ) from None


def decode_source(file: str, data: bytes) -> SourceText:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError(file, _too_big(len(data)))
    if not data.strip():
        raise DocumentError(file, "the document is empty")
    text = decode_text(file, data)
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


def read_source(
    path: Path, label: str | None = None, what: str = "document", *, follow_symlinks: bool = True
) -> SourceText:
    """A document file (only a regular file is read); errors name it as `label` (default: its name)."""
    file = label if label is not None else path.name
    try:
        data = read_regular(path, what, MAX_DOCUMENT_BYTES, follow_symlinks=follow_symlinks)
    except FileTooBig as exc:  # refused before reading it
        raise DocumentError(file, _too_big(exc.size)) from None
    except PathRefused as exc:
        raise DocumentError(file, str(exc)) from None
    except OSError as exc:
        raise DocumentError(file, f"cannot read the file ({exc.strerror})") from None
    return decode_source(file, data)


def read_document(corpus_dir: Path, doc_id: str, name: str) -> SourceText:
    """The file of manifest entry `doc_id`: a name inside the corpus directory, read only if it is
    a regular file (see core.files)."""
    what = f"manifest entry {shown(doc_id)}, field 'file'"
    try:
        path = child_path(corpus_dir, name, what, "the corpus directory")
    except PathRefused as exc:
        # Not the full path: document.lines passes this to API clients, who need not learn it.
        raise DocumentError(MANIFEST_NAME, str(exc)) from None
    # The resolved path has no symlink left: O_NOFOLLOW keeps one swapped in since from being followed.
    return read_source(path, name if len(name) <= ECHO_CHARS else shown(name), what, follow_symlinks=False)


# Configuration files (manifest, profiles, gazetteers) are small: the bundled ones are under 40 KB.
MAX_CONFIG_BYTES = 16 * 1024 * 1024


def read_config_text(path: Path, what: str, label: str | None = None) -> str:
    """A UTF-8 configuration file's text (only a regular file, at most MAX_CONFIG_BYTES), or a
    DocumentError naming it as `label` (default: the path)."""
    file = label if label is not None else str(path)
    try:
        data = read_regular(path, what, MAX_CONFIG_BYTES)
    except PathRefused as exc:
        raise DocumentError(file, str(exc)) from None
    except OSError as exc:
        raise DocumentError(file, f"cannot read {what} ({exc.strerror})") from None
    return decode_text(file, data, what)


def parse_config_yaml(file: str, text: str, what: str) -> object:
    """YAML text parsed, or a one-line DocumentError (also for nesting too deep to parse)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DocumentError(file, f"{what} is not valid YAML: {exc}".splitlines()[0], line) from None
    except RecursionError:  # the YAML parser recurses once per nesting level
        raise DocumentError(file, f"{what} is nested too deeply to be read") from None


def read_config_yaml(path: Path, what: str, label: str | None = None) -> object:
    file = label if label is not None else str(path)
    return parse_config_yaml(file, read_config_text(path, what, file), what)
