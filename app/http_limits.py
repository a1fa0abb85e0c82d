"""Limits at the HTTP edge, before FastAPI or strawberry read a request.

- `RequestLimits` (ASGI middleware): the query string and the body are bounded in bytes (413/414,
  judged from Content-Length when sent and by counting the received chunks otherwise, so a chunked
  body is never buffered past the limit); a GraphQL request (POST JSON body, or GET parameters) is
  checked before strawberry parses it: UTF-8, well-formed JSON, one operation (a JSON object), bounded
  nesting and number of values (judged before decoding), no lone surrogates anywhere (a string the
  UTF-8 codec cannot encode breaks the search index and the Neo4j driver deep inside a resolver) and
  an `operationName` that is a GraphQL name.
- `HeadAsGet` (ASGI middleware): HEAD is answered wherever GET is, as GET without the body.

Every refusal is JSON in the GraphQL error shape, `{"errors": [{"message", "extensions": {"code"}}]}`,
with the HTTP status that says what went wrong; user values are echoed clipped (`shown`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.datastructures import QueryParams

from app.gql.errors import shown
from app.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

GRAPHQL_PATH = "/graphql"
# A GraphQL Name (the spec's grammar); `operationName` is echoed in errors, so nothing else is let in.
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,127}")
# Longer integers are no page size nor year; json would spend quadratic time converting them.
MAX_INT_DIGITS = 40


class Refusal(Exception):
    """A request refused at the edge: HTTP status, error code, one-line message."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra

    def body(self) -> bytes:
        error = {"message": self.message, "extensions": {"code": self.code, **self.extra}}
        return json.dumps({"errors": [error]}).encode()


def bad_input(message: str) -> Refusal:
    return Refusal(400, "BAD_USER_INPUT", message)


async def send_refusal(send: Send, refusal: Refusal, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = refusal.body()
    await send(
        {
            "type": "http.response.start",
            "status": refusal.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# --- checks of a GraphQL request -------------------------------------------------------------------
def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"a number has more than {MAX_INT_DIGITS} digits")
    return int(text)


def decode_json(text: str, what: str) -> Any:
    """Strict JSON (no NaN/Infinity, bounded integers); a refusal naming `what` otherwise."""
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_int=_bounded_int)
    except RecursionError:
        raise bad_input(f"{what} is nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError included
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise bad_input(f"{what} is not valid JSON: {shown(reason, quote=False)}") from None


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_STRUCTURE = re.compile(r"[^\[\]{},]+")
_INNERMOST = re.compile(r"\[\]|\{\}")


def check_structure(text: str, what: str, max_depth: int, max_values: int) -> None:
    """Before the JSON text is parsed (decoding a megabyte of `[]` takes seconds of C code holding
    the GIL): at most `max_values` values and `max_depth` levels of nesting. Judged from its
    skeleton, the brackets and commas outside strings, with C-speed regex passes."""
    skeleton = _NOT_STRUCTURE.sub("", _STRING.sub("", text))
    values = skeleton.count(",") + skeleton.count("[") + skeleton.count("{")
    if values > max_values:
        raise bad_input(f"{what} holds more than {max_values} JSON values")
    brackets = skeleton.replace(",", "")
    for _ in range(max_depth):
        reduced = _INNERMOST.sub("", brackets)
        if reduced == brackets:  # all matched, or unbalanced (not JSON: the decoder says where)
            return
        brackets = reduced
    if _INNERMOST.search(brackets):
        raise bad_input(f"{what} is nested deeper than {max_depth} levels")


def _encodable(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_unicode(data: dict[str, Any]) -> None:
    """No lone surrogate in any string or key (they arrive as JSON escapes such as \\ud800); the
    refusal names the field or variable that holds one."""
    if _encodable(data):
        return
    for key, value in data.items():
        if not _encodable(key):
            raise bad_input("a field name of the request is not valid Unicode: it holds a lone surrogate")
        if isinstance(value, dict) and not _encodable(value):
            for name, inner in value.items():
                if not _encodable(name):
                    raise bad_input(f"a name in `{key}` is not valid Unicode: it holds a lone surrogate")
                if not _encodable(inner):
                    raise bad_input(
                        f"`{key}.{shown(name, quote=False)}` is not valid Unicode: it holds a lone surrogate"
                    )
        if not _encodable(value):
            raise bad_input(f"`{shown(key, quote=False)}` is not valid Unicode: it holds a lone surrogate")


def check_operation(data: dict[str, Any]) -> None:
    """The fields of one GraphQL request, as a POST body or GET parameters hold them."""
    query = data.get("query")
    if query is not None and not isinstance(query, str):
        raise bad_input("`query` must be a string")
    for key in ("variables", "extensions"):
        if data.get(key) is not None and not isinstance(data[key], dict):
            raise bad_input(f"`{key}` must be a JSON object")
    name = data.get("operationName")
    if name not in (None, "") and not (isinstance(name, str) and _NAME.fullmatch(name)):
        raise bad_input(f"`operationName` must be the name of an operation of the query (got {shown(name)})")
    check_unicode(data)


def check_json_body(body: bytes, max_depth: int, max_values: int) -> None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad_input(f"the request body is not valid UTF-8 (at byte {exc.start})") from None
    check_structure(text, "the request body", max_depth, max_values)
    data = decode_json(text, "the request body")
    if isinstance(data, list):
        raise bad_input("batched requests (a JSON list) are not supported: send one operation per request")
    if not isinstance(data, dict):
        raise bad_input('the request body must be a JSON object such as {"query": "{ health }"}')
    check_operation(data)


def check_query_params(query_string: bytes, max_depth: int, max_values: int) -> None:
    params = dict(QueryParams(query_string))
    data: dict[str, Any] = dict(params)
    for key in ("variables", "extensions"):
        if params.get(key):
            check_structure(params[key], f"`{key}`", max_depth, max_values)
            data[key] = decode_json(params[key], f"`{key}`")
    check_operation(data)


def _is_json(content_type: str) -> bool:
    # As strawberry decides whether it parses a body as JSON.
    return "application/json" in content_type.split(";", 1)[0].strip().lower()


class _BodyTooLarge(Exception):
    pass


class RequestLimits:
    """ASGI middleware: bounded query strings and bodies; GraphQL requests checked before parsing."""

    def __init__(self, app: ASGIApp, settings: Settings, graphql_path: str = GRAPHQL_PATH) -> None:
        self.app = app
        self.max_body = settings.max_body_bytes
        self.max_query_string = settings.max_query_string_bytes
        self.max_depth = settings.max_json_depth
        self.max_values = settings.max_json_values
        self.graphql_path = graphql_path

    def too_large(self) -> Refusal:
        return Refusal(
            413, "PAYLOAD_TOO_LARGE", f"the request body is larger than {self.max_body} bytes", limit=self.max_body
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            receive = await self.admit(scope, receive)
        except Refusal as refusal:
            await send_refusal(send, refusal)
            return
        except _Disconnected:
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await send_refusal(send, self.too_large())

    async def admit(self, scope: Scope, receive: Receive) -> Receive:
        """The receive channel the app may read, or a Refusal."""
        query_string: bytes = scope.get("query_string", b"")
        if len(query_string) > self.max_query_string:
            raise Refusal(
                414,
                "URI_TOO_LONG",
                f"the query string is longer than {self.max_query_string} bytes: send the query as a POST body",
                limit=self.max_query_string,
            )
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        length = headers.get(b"content-length")
        if length is not None:
            if not length.strip().isdigit():
                raise bad_input("Content-Length is not a number")
            if int(length) > self.max_body:
                raise self.too_large()
        graphql = scope["path"].rstrip("/") == self.graphql_path
        method = scope["method"]
        if graphql and method == "GET" and query_string:
            check_query_params(query_string, self.max_depth, self.max_values)
        if graphql and method == "POST":
            content_type = headers.get(b"content-type", b"").decode("latin-1")
            if not _is_json(content_type):
                raise Refusal(
                    415,
                    "UNSUPPORTED_MEDIA_TYPE",
                    f"send the request as application/json (got {shown(content_type or 'no Content-Type')})",
                )
            body = await self.read_body(receive)
            check_json_body(body, self.max_depth, self.max_values)
            return _replay(body, receive)
        return self.counting(receive)

    async def read_body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise self.too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def counting(self, receive: Receive) -> Receive:
        size = 0

        async def counted() -> Message:
            nonlocal size
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > self.max_body:
                    raise _BodyTooLarge
            return message

        return counted


class _Disconnected(Exception):
    pass


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read by the middleware, then the client's own channel (which only says disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


class HeadAsGet:
    """ASGI middleware: a HEAD request is served as GET with the body left out (headers, including
    Content-Length, as GET sends them), so every GET route answers HEAD, including the GraphQL
    endpoint and routes added later."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
