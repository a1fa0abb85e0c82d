"""The command line's consoles: every message is printed as text.

File names, profile names and error or warning messages come from the corpus and the command
line; rich would read `[draft]` in `[draft]plan.txt` as a style (printing `plan.txt`), fail on a
profile named `[/]`, and turn `:bug:` into an emoji. So markup and emoji codes are off on every
console here, and the few styled words are Text spans.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text


def text_console(**kwargs: Any) -> Console:
    """A console that prints strings as they are (no markup, no emoji codes)."""
    return Console(markup=False, emoji=False, **kwargs)


def styled(text: str, style: str) -> Text:
    return Text(text, style=style)


def error_line(message: str) -> Text:
    """`error: <message>`, the prefix in bold red, the message as it is."""
    return Text.assemble(styled("error:", "bold red"), " ", message)
