"""One base for the project's own errors, and one way to say any error in one line.

Every error a user may see is one line (never a stack trace): `one_line(exc)` is how any layer turns
an exception into that line, and `PolicyGraphError.one_line()` the same for our own errors.
"""

from __future__ import annotations


def first_line(text: str) -> str:
    """The first non-blank line of a message, stripped ("" for an empty one)."""
    return next((s.strip() for s in text.splitlines() if s.strip()), "")


def one_line(exc: BaseException, *, with_type: bool = False) -> str:
    """The first line of an exception's message; its type's name when the message is empty
    (`with_type`: "TypeName: first line", for errors that are not the user's, such as a crash)."""
    line = first_line(str(exc))
    if not line:
        return type(exc).__name__
    return f"{type(exc).__name__}: {line}" if with_type else line


class PolicyGraphError(Exception):
    """Base of the project's own errors: str() of one is a message for the user."""

    def one_line(self) -> str:
        return one_line(self)


class ReferenceDataError(PolicyGraphError, ValueError):
    """Reference data under data/ (a gazetteer, cue rules, stated counts) that cannot be used; str() is
    one line naming the file."""
