"""The HTTP edge holds against hostile and careless requests (issue 13): bounded bodies, query strings
and parse caches; GET for queries only; malformed input answered 4xx or with a coded GraphQL error
(never a 5xx nor an INTERNAL_SERVER_ERROR), on both stores; user values echoed clipped; wrong admin
tokens rate-limited per client; HEAD wherever GET; and a bounded fuzz run against a real server
process that must still answer /health afterwards.

Apps are made in-process (TestClient) for most classes; the chunked-body and fuzz tests talk to
`policygraph serve` in a subprocess."""

from __future__ import annotations

import gc
import json
import re
import socket
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hseed
from hypothesis import strategies as st
from hypothesis_graphql import Mode, queries

from app.gql.schema import make_schema
from app.main import create_app
from app.service import GraphService
from app.settings import Settings
from graph.store import GraphStore
from tests.serve_process import serving

JSON = {"content-type": "application/json"}


def client_for(store: GraphStore, **settings_: Any) -> TestClient:
    svc = GraphService(Settings(**settings_), store=store)
    return TestClient(create_app(svc.settings, svc), raise_server_exceptions=False)


_clients: dict[int, TestClient] = {}


@pytest.fixture()
def client(any_store: GraphStore) -> TestClient:
    """One app per store for the module: its per-generation caches (the search index) are built once."""
    if id(any_store) not in _clients:
        _clients[id(any_store)] = client_for(any_store)
    return _clients[id(any_store)]


def codes_of(r: httpx.Response) -> list[str]:
    """The error codes of a JSON answer (every error must have one)."""
    body = r.json()
    assert isinstance(body, dict), r.text[:300]
    errors = body.get("errors") or []
    for e in errors:
        assert isinstance(e["extensions"]["code"], str), e
        assert "\n" not in e["message"] and "Traceback" not in e["message"]
    return [e["extensions"]["code"] for e in errors]


def assert_refused(r: httpx.Response, status: int | None = None, code: str | None = None) -> None:
    """A clean refusal: 4xx (JSON with a code) or 200 with coded errors; never 5xx or an internal error."""
    assert r.status_code < 500, (r.status_code, r.text[:300])
    if status is not None:
        assert r.status_code == status, (r.status_code, r.text[:300])
    codes = codes_of(r)
    assert codes, r.text[:300]
    assert "INTERNAL_SERVER_ERROR" not in codes, r.text[:300]
    if code is not None:
        assert code in codes, r.text[:300]


# --- A: sizes -----------------------------------------------------------------------------------
def test_a_body_over_the_limit_is_413_from_its_content_length(corpus_store: GraphStore) -> None:
    c = client_for(corpus_store)
    pad = " " * (1024 * 1024)
    r = c.post("/graphql", content=b'{"query": "{ health }"' + pad.encode() + b"}", headers=JSON)
    assert_refused(r, 413, "PAYLOAD_TOO_LARGE")
    assert r.json()["errors"][0]["extensions"]["limit"] == 1024 * 1024
    # Just under the limit is served.
    r = c.post("/graphql", content=b'{"query": "{ health }"' + pad[:-100].encode() + b"}", headers=JSON)
    assert r.status_code == 200 and r.json()["data"] == {"health": "ok"}


def test_a_body_limit_is_configurable_and_counts_chunked_bodies(corpus_store: GraphStore) -> None:
    c = client_for(corpus_store, max_body_bytes=4096)

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        yield b'{"query": "{ health }", "pad": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}'

    assert_refused(c.post("/graphql", content=chunks(), headers=JSON), 413, "PAYLOAD_TOO_LARGE")
    # Any path, any content type.
    r = c.post("/health", content=b"x" * 5000, headers={"content-type": "text/plain"})
    assert_refused(r, 413, "PAYLOAD_TOO_LARGE")
    assert c.post("/graphql", json={"query": "{ health }"}).json()["data"] == {"health": "ok"}


def test_a_query_string_over_the_limit_is_414(corpus_store: GraphStore) -> None:
    c = client_for(corpus_store, max_query_string_bytes=1024)
    q = "{ health " + "# " + "x" * 2000 + "\n}"
    assert_refused(c.get("/graphql", params={"query": q}), 414, "URI_TOO_LONG")
    assert_refused(c.get("/health?" + "a=1&" * 400), 414, "URI_TOO_LONG")
    assert c.get("/graphql", params={"query": "{ health }"}).json()["data"] == {"health": "ok"}


def test_a_parsed_queries_kept_are_bounded_in_bytes(corpus_store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Distinct queries, each carrying a long comment (no tokens, so within every query limit): what
    the server keeps after them stays within the cache budget (it kept every one before)."""
    monkeypatch.setenv("POLICYGRAPH_GRAPHQL_CACHE_BYTES", str(1024 * 1024))
    c = client_for(corpus_store)
    assert c.post("/graphql", json={"query": "{ health }"}).status_code == 200
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(12):
            q = f"# {i} " + "x" * 300_000 + "\n{ health }"
            r = c.post("/graphql", json={"query": q})
            assert r.status_code == 200 and r.json()["data"] == {"health": "ok"}
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # 12 x 300 KB = 3.6 MB of query text were sent (kept twice over before: text and comment token);
    # the budget is 1 MB.
    assert kept < 2 * 1024 * 1024, f"{kept / 1e6:.1f} MB kept"


# --- B: GET is for queries only -------------------------------------------------------------------
def test_b_get_runs_queries_only(corpus_store: GraphStore) -> None:
    svc = GraphService(Settings(admin_token="t0ken"), store=corpus_store)
    c = TestClient(create_app(svc.settings, svc), raise_server_exceptions=False)
    auth = {"authorization": "Bearer t0ken"}
    both = "query Q { health } mutation M { reload { ok } }"
    for params in (
        {"query": "mutation { reload { ok } }"},
        {"query": both, "operationName": "M"},
        {"query": "mutation M { reload { ok } } query Q { health }", "operationName": "M"},
    ):
        r = c.get("/graphql", params=params, headers=auth)
        assert 400 <= r.status_code < 500, (params, r.status_code, r.text)
        r = c.head("/graphql", params=params, headers=auth)
        assert 400 <= r.status_code < 500, (params, r.status_code)
    assert svc.last_load is None  # no reload ran
    # The query of a document that also holds a mutation runs by GET.
    r = c.get("/graphql", params={"query": both, "operationName": "Q"}, headers=auth)
    assert r.status_code == 200 and r.json()["data"] == {"health": "ok"}


# --- C: malformed input ----------------------------------------------------------------------------
DEEP = b'{"query": "query($v: String) { health }", "variables": {"v": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
MALFORMED: dict[str, bytes] = {
    "invalid UTF-8": b'{"query": "{ health }\xff\xfe"}',
    "UTF-16": '{"query": "{ health }"}'.encode("utf-16"),
    "Latin-1 text": '{"query": "{ search(text: \\"caf\xe9\\") { totalCount } }"}'.encode("latin-1"),
    "null": b"null",
    "string": b'"str"',
    "number": b"42",
    "true": b"true",
    "empty list": b"[]",
    "list of operations": b'[{"query": "{ health }"}, {"query": "{ health }"}]',
    "empty body": b"",
    "not JSON": b"{query: health}",
    "truncated": b'{"query": "{ health }"',
    "query a number": b'{"query": 5}',
    "query an object": b'{"query": {"a": 1}}',
    "variables a list": b'{"query": "{ health }", "variables": [1]}',
    "variables a string": b'{"query": "{ health }", "variables": "{}"}',
    "variables a number": b'{"query": "{ health }", "variables": 5}',
    "extensions a list": b'{"query": "{ health }", "extensions": [1]}',
    "operationName a number": b'{"query": "{ health }", "operationName": 5}',
    "operationName not a name": b'{"query": "{ health }", "operationName": "a b"}',
    "variables 100k deep": DEEP,
    "variables 900 deep": DEEP.replace(b"[" * 100_000, b"[" * 900).replace(b"]" * 100_000, b"]" * 900),
    "objects 500 deep": b'{"query": "{ health }", "variables": {"v": ' + b'{"a":' * 500 + b"1" + b"}" * 500 + b"}}",
    "NaN": b'{"query": "query($n: Int) { agencies(first: $n) { totalCount } }", "variables": {"n": NaN}}',
    "Infinity": b'{"query": "query($n: Int) { agencies(first: $n) { totalCount } }", "variables": {"n": -Infinity}}',
    "5000-digit int": b'{"query": "query($n: Int) { agencies(first: $n) { totalCount } }", "variables": {"n": '
    + b"9" * 5000
    + b"}}",
    "1e400": b'{"query": "query($n: Int) { agencies(first: $n) { totalCount } }", "variables": {"n": 1e400}}',
    "2**70": b'{"query": "query($n: Int) { agencies(first: $n) { totalCount } }", "variables": {"n": '
    + str(2**70).encode()
    + b"}}",
    "3.5 for Int": b'{"query": "query($n: Int) { agencies(first: $n) { totalCount } }", "variables": {"n": 3.5}}',
    "5000-digit literal": b'{"query": "{ agencies(first: ' + b"9" * 5000 + b') { totalCount } }"}',
    "2**70 literal": b'{"query": "{ agencies(first: 1180591620717411303424) { totalCount } }"}',
    "1e400 literal": b'{"query": "{ agencies(first: 1e400) { totalCount } }"}',
    "list literal 400 deep": b'{"query": "{ search(text: ' + b"[" * 400 + b"1" + b"]" * 400 + b') { totalCount } }"}',
    "object literal 300 deep": b'{"query": "{ search(text: '
    + b"{a:" * 300
    + b"1"
    + b"}" * 300
    + b') { totalCount } }"}',
    "selections 600 deep": b'{"query": "{ ' + b"a { " * 600 + b"b" + b" }" * 600 + b' }"}',
    "no query": b'{"variables": {}}',
    "empty query": b'{"query": ""}',
    "unknown operation": b'{"query": "query A { health }", "operationName": "B"}',
}


@pytest.mark.parametrize("body", list(MALFORMED.values()), ids=list(MALFORMED))
def test_c_malformed_bodies_are_refused_cleanly(client: TestClient, body: bytes) -> None:
    r = client.post("/graphql", content=body, headers=JSON)
    assert r.status_code < 500, (r.status_code, r.text[:300])
    if r.headers.get("content-type", "").startswith("application/json"):
        assert_refused(r)
    else:  # strawberry's own plain-text refusals are 4xx
        assert 400 <= r.status_code < 500


@pytest.mark.parametrize(
    "variables",
    [
        b"[" + b"[]," * 200_000 + b"[]]",
        b"{" + b",".join(b'"k%d": 1' % i for i in range(60_000)) + b"}",
        b'["a",' * 40 + b"1" + b"]" * 40,
    ],
    ids=["200k empty lists", "60k keys", "41 levels"],
)
def test_c_json_with_too_many_values_or_levels_is_refused_before_decoding(client: TestClient, variables: bytes) -> None:
    """Decoding a megabyte of `[]` takes seconds of C code that holds the GIL: refused from its
    brackets and commas instead (within the body limit, valid JSON)."""
    body = b'{"query": "query($v: String) { health }", "variables": {"v": ' + variables + b"}}"
    assert len(body) < 1024 * 1024
    r = client.post("/graphql", content=body, headers=JSON)
    assert_refused(r, 400, "BAD_USER_INPUT")
    r = client.get(
        "/graphql", params={"query": "{ health }", "variables": '{"v": ' + '["a",' * 40 + "1" + "]" * 40 + "}"}
    )
    assert_refused(r, 400, "BAD_USER_INPUT")


# A lone surrogate (JSON escape \ud800) wherever a string reaches the server.
SURROGATE_CASES: dict[str, dict[str, Any]] = {
    "search text": {"query": "query($t: String!) { search(text: $t) { totalCount } }", "variables": {"t": "a\ud800"}},
    "node id": {"query": "query($i: ID!) { node(id: $i) { id } }", "variables": {"i": "\udc00"}},
    "lineage id": {"query": "query($i: ID!) { lineage(id: $i) { truncated } }", "variables": {"i": "\ud800x"}},
    "agency name": {"query": "query($a: String!) { agency(name: $a) { id } }", "variables": {"a": "數位\ud800"}},
    "responsibilities": {
        "query": "query($a: String!) { responsibilities(agency: $a) { totalCount } }",
        "variables": {"a": "\udfff"},
    },
    "nodes text": {"query": "query($t: String) { nodes(text: $t) { totalCount } }", "variables": {"t": "\ud800"}},
    "document id": {"query": "query($i: ID!) { document(id: $i) { title } }", "variables": {"i": "\ud800"}},
    "cursor": {"query": "query($c: String) { agencies(after: $c) { totalCount } }", "variables": {"c": "\ud800"}},
    "unused variable": {"query": "{ health }", "variables": {"x": ["ok", {"y": "\ud800"}]}},
    "variable name": {"query": "{ health }", "variables": {"\ud800": 1}},
    "operationName": {"query": "query A { health }", "operationName": "A\ud800"},
    "extensions": {"query": "{ health }", "extensions": {"x": "\ud800"}},
    "in the query text": {"query": '{ search(text: "\ud800") { totalCount } }'},
    "in a block string": {"query": '{ search(text: """\ud800""") { totalCount } }'},
    "escaped in the query": {"query": '{ search(text: "\\ud800") { totalCount } }'},
}


_SURROGATES = re.compile("[\ud800-\udfff]")


def _json_with_surrogates(payload: dict[str, Any]) -> bytes:
    # json.dumps escapes a lone surrogate as \udXXX (ASCII); httpx's json= would fail to encode it.
    return json.dumps(payload).encode("ascii")


@pytest.mark.parametrize("payload", list(SURROGATE_CASES.values()), ids=list(SURROGATE_CASES))
def test_c_lone_surrogates_are_bad_input_on_both_stores(client: TestClient, payload: dict[str, Any]) -> None:
    r = client.post("/graphql", content=_json_with_surrogates(payload), headers=JSON)
    assert_refused(r)
    if payload is not SURROGATE_CASES["escaped in the query"]:  # that one is a GraphQL syntax error
        assert r.status_code == 400 and codes_of(r) == ["BAD_USER_INPUT"], r.text[:300]
    # By GET too (a URL cannot carry a lone surrogate itself, only JSON-escaped in `variables`).
    params = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in payload.items()}
    if any(_SURROGATES.search(v) for v in params.values()):
        return
    r = client.get("/graphql", params=params)
    assert r.status_code < 500, r.text[:300]
    if r.headers.get("content-type", "").startswith("application/json"):
        assert "INTERNAL_SERVER_ERROR" not in codes_of(r)


def test_c_surrogate_pairs_are_text_not_refused(client: TestClient) -> None:
    # "\ud83d\ude00" is one emoji: valid Unicode, looked up (and not found) rather than refused.
    payload = {"query": "query($i: ID!) { node(id: $i) { id } }", "variables": {"i": "x\U0001f600"}}
    r = client.post("/graphql", content=json.dumps(payload).encode("ascii"), headers=JSON)
    assert r.status_code == 200 and codes_of(r) == ["NOT_FOUND"], r.text[:300]
    assert r.json()["errors"][0]["extensions"]["id"] == "x\U0001f600"


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"],
)
def test_c_wrong_content_types_are_415(client: TestClient, content_type: str) -> None:
    r = client.post("/graphql", content=b'{"query": "{ health }"}', headers={"content-type": content_type})
    assert_refused(r, 415, "UNSUPPORTED_MEDIA_TYPE")


@pytest.mark.parametrize(
    "params",
    [
        {"query": "{ health }", "variables": "[1]"},
        {"query": "{ health }", "variables": "{not json"},
        {"query": "{ health }", "variables": "[" * 5000 + "]" * 5000},
        {"query": "{ health }", "variables": '{"a": NaN}'},
        {"query": "{ health }", "extensions": "5"},
        {"query": "{ health }", "operationName": "x" * 5000},
        {"query": "query($t: String!) { search(text: $t) { totalCount } }", "variables": '{"t": "\\ud800"}'},
    ],
    ids=[
        "variables list",
        "variables not JSON",
        "variables deep",
        "NaN",
        "extensions number",
        "long name",
        "surrogate",
    ],
)
def test_c_malformed_get_parameters_are_refused_cleanly(client: TestClient, params: dict[str, str]) -> None:
    r = client.get("/graphql", params=params)
    assert_refused(r, 400, "BAD_USER_INPUT")
    assert len(r.content) < 1000


@pytest.mark.parametrize(
    ("query", "value"),
    [
        ("query($v: ID!) { node(id: $v) { id } }", "n" * 100_000),
        ("query($v: ID!) { document(id: $v) { title } }", "d" * 100_000),
        ("query($v: ID!) { lineage(id: $v) { truncated } }", "l" * 100_000),
        ("query($v: String!) { agency(name: $v) { id } }", "a" * 100_000),
        ("query($v: String) { agencies(after: $v) { totalCount } }", "c" * 100_000),
        (
            'query($v: String) { node(id: "st-plan-114:g1") { integrityFindings(check: $v) { totalCount } } }',
            "k" * 100_000,
        ),
        ("query($v: Int) { agencies(first: $v) { totalCount } }", 10**39),
    ],
    ids=["node", "document", "lineage", "agency", "cursor", "check", "int"],
)
def test_c_errors_echo_user_values_clipped(client: TestClient, query: str, value: Any) -> None:
    r = client.post("/graphql", json={"query": query, "variables": {"v": value}})
    assert r.status_code < 500
    codes_of(r)
    assert len(r.content) < 2000, f"{len(r.content)} bytes echoed"


def test_c_an_unknown_operation_name_is_echoed_clipped(client: TestClient) -> None:
    name = "Op" + "x" * 100
    r = client.post("/graphql", json={"query": "query A { health }", "operationName": name})
    assert 400 <= r.status_code < 500 and len(r.content) < 1000, r.text[:300]


# --- D: admin token attempts -----------------------------------------------------------------------
def test_d_wrong_admin_tokens_are_rate_limited_per_client(corpus_store: GraphStore) -> None:
    s = Settings(admin_token="right-token", admin_max_failures=3, admin_failure_window_seconds=1.0)
    svc = GraphService(s, store=corpus_store)
    app = create_app(s, svc)
    attacker = TestClient(app, raise_server_exceptions=False, client=("203.0.113.7", 4000))
    other = TestClient(app, raise_server_exceptions=False, client=("198.51.100.9", 4000))
    reload = {"query": "mutation { reload { ok } }"}

    def send(c: TestClient, token: str) -> httpx.Response:
        return c.post("/graphql", json=reload, headers={"authorization": f"Bearer {token}"})

    for _ in range(3):
        r = send(attacker, "guess")
        assert r.status_code == 200 and codes_of(r) == ["FORBIDDEN"], r.text
    r = send(attacker, "guess")
    assert r.status_code == 429 and codes_of(r) == ["RATE_LIMITED"], r.text
    assert int(r.headers["retry-after"]) >= 1
    # Even the right token is refused while limited: guessing gets no answer.
    r = send(attacker, "right-token")
    assert r.status_code == 429 and codes_of(r) == ["RATE_LIMITED"]
    assert svc.last_load is None
    # Another client is not affected.
    r = send(other, "guess")
    assert codes_of(r) == ["FORBIDDEN"]
    # Once the window has passed, the client may try again.
    time.sleep(1.3)
    r = send(attacker, "guess")
    assert r.status_code == 200 and codes_of(r) == ["FORBIDDEN"], r.text


# --- E: HEAD --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/health",
        "/graphql",
        "/graphql?query=%7B%20health%20%7D",
        "/static/explorer.js",
        "/static/index.html",
        "/metrics",
    ],
)
def test_e_head_answers_wherever_get_does(corpus_store: GraphStore, path: str) -> None:
    c = client_for(corpus_store)
    got = c.get(path, headers={"accept": "text/html"} if path == "/graphql" else {})
    head = c.head(path, headers={"accept": "text/html"} if path == "/graphql" else {})
    assert got.status_code != 405
    assert head.status_code == got.status_code, (path, head.status_code, got.status_code)
    assert head.content == b""
    assert head.headers.get("content-type") == got.headers.get("content-type")
    if "content-length" in got.headers:
        assert head.headers["content-length"] == str(len(got.content))


def test_e_head_on_a_post_only_path_is_405_like_get(corpus_store: GraphStore) -> None:
    c = client_for(corpus_store)
    assert c.head("/no-such-page").status_code == c.get("/no-such-page").status_code == 404


# --- F: a real server ------------------------------------------------------------------------------
START_SECONDS = 120.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`policygraph serve` on the embedded store, on a free port, loaded."""
    with serving(tmp_path_factory.mktemp("serve"), START_SECONDS) as server:
        yield server.base


def test_a_chunked_body_is_refused_before_it_ends(server: str) -> None:
    """A chunked body that never ends: the server answers 413 once the limit is passed, without
    waiting for (or buffering) the rest."""
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"x" * 65536
        sent = 0
        try:
            while sent < 64 * 1024 * 1024:  # far past the limit: the server must answer before the end
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
                s.settimeout(0.0)
                try:
                    if s.recv(1, socket.MSG_PEEK):
                        break
                except BlockingIOError:
                    pass
                finally:
                    s.settimeout(30)
        except (BrokenPipeError, ConnectionResetError):
            pass
        s.settimeout(30)
        head = s.recv(65536)
    assert head.startswith(b"HTTP/1.1 413"), head[:200]
    assert sent < 64 * 1024 * 1024
    assert httpx.get(f"{server}/health", timeout=30).status_code == 200


FUZZ_CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "text/plain", "", "application/graphql"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
header_values = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=60)


def test_f_fuzzing_the_endpoint_finds_no_5xx_and_health_still_answers(server: str) -> None:
    sdl = str(make_schema(mutations=False))
    bad: list[str] = []
    seen: dict[int, int] = {}
    with httpx.Client(base_url=server, timeout=60) as http:

        def record(r: httpx.Response, what: str) -> None:
            seen[r.status_code] = seen.get(r.status_code, 0) + 1
            internal = r.headers.get("content-type", "").startswith("application/json") and (
                "INTERNAL_SERVER_ERROR" in r.text
            )
            if r.status_code >= 500 or internal:
                bad.append(f"{r.status_code} {r.text[:200]} <- {what[:300]}")

        def budget(examples: int) -> settings:
            return settings(
                max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
            )

        @hseed(13)
        @budget(150)
        @given(
            q=queries(sdl, mode=Mode.POSITIVE), variables=st.none() | st.dictionaries(st.text(max_size=5), json_values)
        )
        def graphql_queries(q: str, variables: dict[str, Any] | None) -> None:
            record(http.post("/graphql", json={"query": q, "variables": variables}), q)

        @hseed(13)
        @budget(75)
        @given(q=queries(sdl, mode=Mode.NEGATIVE))
        def invalid_queries(q: str) -> None:
            record(http.post("/graphql", json={"query": q}), q)
            record(http.get("/graphql", params={"query": q}), "GET " + q)

        @hseed(13)
        @budget(100)
        @given(body=st.binary(max_size=600), ct=st.sampled_from(FUZZ_CONTENT_TYPES))
        def raw_bodies(body: bytes, ct: str) -> None:
            record(http.post("/graphql", content=body, headers={"content-type": ct}), repr(body))

        @hseed(13)
        @budget(100)
        @given(value=json_values, wrap=st.booleans())
        def json_bodies(value: Any, wrap: bool) -> None:
            body = {"query": "{ health }", "variables": value} if wrap else value
            record(http.post("/graphql", content=json.dumps(body).encode(), headers=JSON), repr(body))

        @hseed(13)
        @budget(75)
        @given(
            headers=st.dictionaries(
                st.sampled_from(
                    [
                        "accept",
                        "content-type",
                        "authorization",
                        "origin",
                        "x-forwarded-for",
                        "range",
                        "if-none-match",
                        "accept-encoding",
                    ]
                ),
                header_values,
                max_size=4,
            ),
            method=st.sampled_from(["GET", "HEAD", "POST", "OPTIONS", "PUT"]),
            path=st.sampled_from(["/graphql", "/graphql?query=%7Bhealth%7D", "/health", "/", "/static/explorer.js"]),
        )
        def random_headers(headers: dict[str, str], method: str, path: str) -> None:
            encoded = [(k.encode(), v.encode("latin-1")) for k, v in headers.items()]
            content = b'{"query": "{ health }"}' if method in ("POST", "PUT") else None
            record(http.request(method, path, headers=encoded, content=content), f"{method} {path} {headers}")

        for run in (graphql_queries, invalid_queries, raw_bodies, json_bodies, random_headers):
            run()
    assert not bad, bad[:5]
    assert seen.get(200, 0) >= 100 and sum(v for k, v in seen.items() if 400 <= k < 500) >= 50, seen
    r = httpx.get(f"{server}/health", timeout=30)
    assert r.status_code == 200 and r.json()["status"] == "ok"
