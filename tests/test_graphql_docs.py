"""docs/graphql-examples.md shows real answers: every example query in it, run against the bundled
corpus, returns exactly the JSON printed under it. README.md shows the same five examples between
`<!-- examples:start -->` and `<!-- examples:end -->`, each answer condensed (lists cut to their
first items, long text cut) from the same real answer.

Regenerate both after a change that alters an answer (and read the diff: it is a change in what
analysts are told):

    .venv/bin/python -m tests.test_graphql_docs
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.main import create_app
from app.service import GraphService
from app.settings import Settings
from graph.embedded_store import EmbeddedStore
from graph.store import GraphStore

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "graphql-examples.md"
README = ROOT / "README.md"
README_START, README_END = "<!-- examples:start -->", "<!-- examples:end -->"

INTRO = """# GraphQL API: examples

The API is served at `/graphql` (GraphiQL in a browser at the same address). The schema is in
[`schema.graphql`](../schema.graphql) (`policygraph schema` prints it). Every answer carries its
evidence: the document, the line span and the quoted source text.

- Lists are Relay connections: `totalCount`, `pageInfo { hasNextPage endCursor }`, `edges { cursor
  node }` and the shortcut `nodes`; page with `first` (at most 100) and `after`.
- Agencies can be named by id (`agency/moda`), full name, abbreviation, former name or English name:
  `數發部`, `MODA`, `數位發展部` and `Ministry of Digital Affairs` are the same agency. Search and
  names are insensitive to full/half width, Traditional/Simplified and spaces.
- Errors have a one-line `message` and a `code` in `extensions` (`NOT_FOUND`, `BAD_USER_INPUT`,
  `QUERY_TOO_COMPLEX`, `TIMEOUT`, `GRAPHQL_PARSE_FAILED`, `GRAPHQL_VALIDATION_FAILED`,
  `STORE_UNAVAILABLE`, `NO_GRAPH`, `HISTORY_UNAVAILABLE`, `UNAUTHENTICATED`, `FORBIDDEN`, `RATE_LIMITED`,
  `INTERNAL_SERVER_ERROR`); what each refusal looks like, and every limit, is in
  [docs/security.md](security.md).
- Every answer with data says which graph generation it read, in `extensions.generation`: all of
  one request's reads see one generation, even while the graph is reloaded (left out below).
- Limits (environment `POLICYGRAPH_GRAPHQL_*`): depth 12, 2,000 tokens, 30 aliases, page size 100,
  a cost of 250,000 (`MAX_COST`: each field 1, a connection's items times its page size, plus the
  work of searches, lineage and paths; refused before it runs with the cost and the limit in
  `extensions`), lineage 10 levels down and 3 cross-plan levels, paths of at most 8 hops, 400 store
  operations and 10 s per request. The `reload` mutation exists only when `POLICYGRAPH_ADMIN_TOKEN` is set and
  needs `Authorization: Bearer <token>`. CORS is off unless `POLICYGRAPH_CORS_ORIGINS` lists origins.

From Python: `httpx.post("http://127.0.0.1:8000/graphql", json={"query": q, "variables": {...}}).json()`.

The outputs below are the service's real answers on the bundled corpus (checked by
tests/test_graphql_docs.py).
"""

EXAMPLES: list[tuple[str, str]] = [
    (
        "Who is responsible for a strategy of the S&T plan? (策略四 優化資安防護能力…, 000:827; 表4 row 000:2660)",
        """{
  responsibleFor(id: "st-plan-114:g1.sg1.s4") {
    totalCount
    nodes {
      role
      explicit
      agency { name englishName }
      evidence { documentId lines { start end } quote }
    }
  }
}""",
    ),
    (
        "What does 數發部 lead, plan by plan? (asked by its English abbreviation; first two items per plan)",
        """{
  responsibilities(agency: "MODA", role: LEAD, explicit: true) {
    agency { name aliases }
    totalCount
    byPlan {
      nodes {
        plan { title }
        leadCount
        items(first: 2) { nodes { node { kind title } evidence { documentId lines { start } } } }
      }
    }
  }
}""",
    ),
    (
        "Where does a measure come from? (000:787 開發 6G 自主技術與國際布局: up to the plan, one level down; "
        "`crossPlan` lists the links to other plans along the chain)",
        """{
  lineage(id: "st-plan-114:g1.sg1.s3.m1", down: 1) {
    node { title lines { start } }
    ancestors { nodes { hops node { kind title lines { start } } } }
    descendants(first: 2) { totalCount nodes { hops node { kind title } } }
    truncated
  }
}""",
    ),
    (
        "Search in Simplified Chinese with an abbreviation: 数发部 finds 數位發展部 first, then what names it",
        """{
  search(text: "数发部", first: 3) {
    totalCount
    nodes { score field matchedText expandedFrom node { id kind title } }
  }
}""",
    ),
    (
        "Why is a measure connected to 內政部? (000:830 under 策略四; 表4 000:2660)",
        """{
  paths(from: "st-plan-114:g1.sg1.s4.m1", to: "agency/moi") {
    length
    paths {
      nodes {
        hops { type forward from { title } to { title } evidence { documentId lines { start } } }
      }
    }
  }
}""",
    ),
]


def run_queries(store: GraphStore, queries: list[str]) -> list[dict[str, Any]]:
    """The service's answers (POST /graphql on the app `policygraph serve` runs), without extensions."""
    svc = GraphService(Settings(), store=store)
    client = TestClient(create_app(svc.settings, svc))
    out = []
    for query in queries:
        body: dict[str, Any] = client.post("/graphql", json={"query": query}).json()
        # Every answer says which graph generation it read; a content hash, it changes with any
        # loader change, so the examples leave it out.
        body.pop("extensions", None)
        out.append(body)
    return out


def answers(store: GraphStore) -> list[dict[str, Any]]:
    return run_queries(store, [q for _, q in EXAMPLES])


def render(bodies: list[dict[str, Any]]) -> str:
    parts = [INTRO]
    for i, ((question, query), body) in enumerate(zip(EXAMPLES, bodies, strict=True), 1):
        parts.append(f"\n## {i}. {question}\n\n```graphql\n{query}\n```\n\n```json\n")
        parts.append(json.dumps(body, ensure_ascii=False, indent=2) + "\n```\n")
    return "".join(parts)


# --- the README's condensed copy ------------------------------------------------------------------
def condense(value: Any, items: int = 2, chars: int = 48) -> Any:
    """The answer with every list cut to its first `items` (and a "… N more" entry) and every
    string to `chars` characters (and "…"): still JSON, still the service's values."""
    if isinstance(value, dict):
        return {k: condense(v, items, chars) for k, v in value.items()}
    if isinstance(value, list):
        head = [condense(v, items, chars) for v in value[:items]]
        return head + ([f"… {len(value) - items} more"] if len(value) > items else [])
    if isinstance(value, str) and len(value) > chars:
        return value[:chars] + "…"
    return value


def compact_json(value: Any, width: int = 100, indent: int = 0) -> str:
    """JSON with a value on one line where it fits in `width`, else broken over lines."""
    flat = json.dumps(value, ensure_ascii=False)
    if len(flat) + indent <= width or not isinstance(value, dict | list) or not value:
        return flat
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        inner = [
            f"{pad}{json.dumps(k, ensure_ascii=False)}: {compact_json(v, width, indent + 2).lstrip()}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(inner) + "\n" + " " * indent + "}"
    inner = [pad + compact_json(v, width, indent + 2).lstrip() for v in value]
    return "[\n" + ",\n".join(inner) + "\n" + " " * indent + "]"


def render_readme(bodies: list[dict[str, Any]]) -> str:
    parts = [
        README_START,
        "The five questions of [docs/graphql-examples.md](docs/graphql-examples.md) with the service's real",
        "answers, condensed here (each list cut to its first two items, text to 48 characters; the doc has",
        "them whole). tests/test_graphql_docs.py reruns them; `python -m tests.test_graphql_docs` rewrites both.",
    ]
    for i, ((question, query), body) in enumerate(zip(EXAMPLES, bodies, strict=True), 1):
        # Folded (GitHub shows the question; a click shows query and answer).
        parts.append(f"\n<details><summary>{i}. {question}</summary>\n\n```graphql\n{query}\n```\n")
        parts.append(f"```json\n{compact_json(condense(body))}\n```\n\n</details>")
    parts.append(README_END)
    return "\n".join(parts)


def block_of(text: str, start: str, end: str) -> str:
    """The part of `text` from the start marker to the end marker, both included ('' if absent)."""
    a, b = text.find(start), text.find(end)
    return text[a : b + len(end)] if 0 <= a < b else ""


def with_block(text: str, start: str, end: str, new: str) -> str:
    old = block_of(text, start, end)
    if not old:
        raise SystemExit(f"no {start} … {end} block to replace")
    return text.replace(old, new)


_BLOCK = re.compile(r"```(graphql|json)\n(.*?)\n```", re.S)


def test_examples_doc_shows_real_answers(corpus_store: EmbeddedStore) -> None:
    text = DOC.read_text(encoding="utf-8")
    blocks = _BLOCK.findall(text)
    queries = [b for kind, b in blocks if kind == "graphql"]
    outputs = [json.loads(b) for kind, b in blocks if kind == "json"]
    assert queries == [q for _, q in EXAMPLES], "regenerate: python -m tests.test_graphql_docs"
    for body in outputs:
        assert not body.get("errors"), body
    assert outputs == answers(corpus_store), "the answers changed; regenerate: python -m tests.test_graphql_docs"


def test_readme_shows_the_five_examples(corpus_store: EmbeddedStore) -> None:
    """README.md has the five queries as they are run here, each with its real answer condensed."""
    shown = block_of(README.read_text(encoding="utf-8"), README_START, README_END)
    assert shown, "README.md lost its <!-- examples:start --> block"
    assert [b for kind, b in _BLOCK.findall(shown) if kind == "graphql"] == [q for _, q in EXAMPLES]
    assert shown == render_readme(answers(corpus_store)), "regenerate: python -m tests.test_graphql_docs"


def test_condensed_answers_keep_the_values() -> None:
    body = {"data": {"x": {"totalCount": 4, "nodes": [{"t": "甲" * 60}, {"t": "乙"}, {"t": "丙"}, {"t": "丁"}]}}}
    got = condense(body)
    assert got["data"]["x"]["totalCount"] == 4
    assert got["data"]["x"]["nodes"] == [{"t": "甲" * 48 + "…"}, {"t": "乙"}, "… 2 more"]
    assert json.loads(compact_json(got, width=30)) == got


if __name__ == "__main__":
    from loaders.pipeline import load_corpus

    store = EmbeddedStore()
    store.replace(load_corpus())
    bodies = answers(store)
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(render(bodies), encoding="utf-8")
    print(f"wrote {DOC}")
    README.write_text(
        with_block(README.read_text(encoding="utf-8"), README_START, README_END, render_readme(bodies)),
        encoding="utf-8",
    )
    print(f"wrote {README} ({README_START} block)")
