"""docs/graphql-examples.md shows real answers: every example query in it, run against the bundled
corpus, returns exactly the JSON printed under it.

Regenerate the file after a change that alters an answer (and read the diff: it is a change in
what analysts are told):

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

DOC = Path(__file__).resolve().parent.parent / "docs" / "graphql-examples.md"

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
  `STORE_UNAVAILABLE`, `HISTORY_UNAVAILABLE`, `UNAUTHENTICATED`, `FORBIDDEN`, `INTERNAL_SERVER_ERROR`).
- Every answer with data says which graph generation it read, in `extensions.generation`: all of
  one request's reads see one generation, even while the graph is reloaded (left out below).
- Limits (environment `POLICYGRAPH_GRAPHQL_*`): depth 12, 2,000 tokens, 30 aliases, page size 100,
  lineage 10 levels down and 3 cross-plan levels, paths of at most 8 hops, 400 store operations
  and 10 s per request. The `reload` mutation exists only when `POLICYGRAPH_ADMIN_TOKEN` is set and
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


def answers(store: GraphStore) -> list[dict[str, Any]]:
    svc = GraphService(Settings(), store=store)
    client = TestClient(create_app(svc.settings, svc))
    out = []
    for _, query in EXAMPLES:
        body: dict[str, Any] = client.post("/graphql", json={"query": query}).json()
        # Every answer says which graph generation it read; a content hash, it changes with any
        # loader change, so the examples leave it out.
        body.pop("extensions", None)
        out.append(body)
    return out


def render(bodies: list[dict[str, Any]]) -> str:
    parts = [INTRO]
    for i, ((question, query), body) in enumerate(zip(EXAMPLES, bodies, strict=True), 1):
        parts.append(f"\n## {i}. {question}\n\n```graphql\n{query}\n```\n\n```json\n")
        parts.append(json.dumps(body, ensure_ascii=False, indent=2) + "\n```\n")
    return "".join(parts)


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


if __name__ == "__main__":
    from loaders.pipeline import load_corpus

    store = EmbeddedStore()
    store.replace(load_corpus())
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(render(answers(store)), encoding="utf-8")
    print(f"wrote {DOC}")
