"""Errors the API returns: a clear one-line message and a `code` in `extensions`, never a trace.

Resolvers raise ApiError subclasses. The ErrorCodes extension rewrites every error of a result:
- ApiError: its message and code;
- errors GraphQL itself raises (syntax, validation, the depth/token/alias limiters, variable
  coercion): their message, and a code by kind;
- the store being unreachable: STORE_UNAVAILABLE with its one-line reason;
- the store holding no graph (loading, or the load failed): NO_GRAPH with the reason /health gives;
- anything else: masked as "internal error" (logged with its trace on the server).
Only errors whose original error is not a GraphQLError are masked (a plain MaskErrors would also
hide the limiters' messages).
User values are echoed clipped (`shown`): a 1 MB id is not sent back twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension

from graph.store import StoreUnavailable

log = logging.getLogger("policygraph.graphql")


# Characters of a user value an error echoes, and of a whole error message.
MAX_ECHO = 120
MAX_MESSAGE = 600


def shown(value: object, limit: int = MAX_ECHO, quote: bool = True) -> str:
    """`value` as an error message shows it: quoted (repr, so control characters and lone
    surrogates are escaped) and cut after `limit` characters, saying how long it was."""
    try:
        text = value if isinstance(value, str) else str(value)
    except ValueError:  # an integer with more digits than Python converts
        return "(a number too long to show)"
    if len(text) <= limit:
        return repr(text) if quote else text
    head = repr(text[:limit]) if quote else text[:limit]
    return f"{head}… ({len(text)} characters)"


def _clipped(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_ECHO:
        return value[:MAX_ECHO] + "…"
    if isinstance(value, list):
        return [_clipped(v) for v in value]
    return value


class ApiError(Exception):
    code = "BAD_USER_INPUT"

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        # Extensions echo user values (an id, an agency name): clipped like the message's.
        self.extra = {k: _clipped(v) for k, v in extra.items()}


class BadInput(ApiError):
    code = "BAD_USER_INPUT"


class NotFound(ApiError):
    code = "NOT_FOUND"


class TooExpensive(ApiError):
    code = "QUERY_TOO_COMPLEX"


class QueryTimeout(ApiError):
    code = "TIMEOUT"


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"


class Forbidden(ApiError):
    code = "FORBIDDEN"


class NoGraph(ApiError):
    """The store serves no graph (still loading, the load failed, or the database lost it): an
    empty answer would read as "nothing matches"."""

    code = "NO_GRAPH"


class RateLimited(ApiError):
    code = "RATE_LIMITED"


_LIMIT_MARKERS = ("exceeds maximum operation depth", "aliases found", "more than", "tokens")


def classify(error: GraphQLError) -> tuple[str, str, dict[str, Any]]:
    """(code, message, extra extensions) for one error."""
    orig = error.original_error
    if isinstance(orig, ApiError):
        return orig.code, _one_line(orig.message), orig.extra
    if isinstance(orig, StoreUnavailable):
        return "STORE_UNAVAILABLE", _one_line(str(orig)) or "the graph store is unavailable", {}
    if unexpected(error):
        return "INTERNAL_SERVER_ERROR", "internal error", {}
    msg = _one_line(error.message)
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code, msg, {}
    if isinstance(error, GraphQLSyntaxError) or msg.startswith("Syntax Error"):
        if "tokens" in msg:
            return "QUERY_TOO_COMPLEX", msg, {}
        return "GRAPHQL_PARSE_FAILED", msg, {}
    if any(m in msg for m in _LIMIT_MARKERS[:2]):
        return "QUERY_TOO_COMPLEX", msg, {}
    if msg.startswith("Variable '$"):
        return "BAD_USER_INPUT", msg, {}
    return "GRAPHQL_VALIDATION_FAILED", msg, {}


def unexpected(error: GraphQLError) -> bool:
    """An error no one meant to show a user (a bug or a library failure): masked, and logged."""
    orig = error.original_error
    return orig is not None and not isinstance(orig, (ApiError, StoreUnavailable, GraphQLError))


def log_unexpected(errors: list[GraphQLError]) -> None:
    for e in errors:
        if unexpected(e):
            log.error(
                "unexpected error in a GraphQL request: %s", type(e.original_error).__name__, exc_info=e.original_error
            )


def with_code(error: GraphQLError) -> GraphQLError:
    """The error as the client sees it; errors that already carry a code pass unchanged."""
    if isinstance((error.extensions or {}).get("code"), str) and not unexpected(error):
        return error
    return api_error(error)


def _one_line(text: str) -> str:
    lines = [s for s in text.strip().splitlines() if s.strip()]
    line = lines[0].strip() if lines else ""
    # A last bound for messages that quote user input (GraphQL's own, a library's).
    return line if len(line) <= MAX_MESSAGE else line[:MAX_MESSAGE] + "…"


def api_error(error: GraphQLError) -> GraphQLError:
    code, message, extra = classify(error)
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={"code": code, **extra},
    )


class ErrorCodes(SchemaExtension):
    """Codes and masking for errors raised while the operation runs. Errors raised before it (a
    parse error inside the parser cache) are given theirs by the router (`with_code`)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [api_error(e) for e in errors]
