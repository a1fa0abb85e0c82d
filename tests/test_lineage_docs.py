"""The two worked cross-plan lineage examples (issue 4: "the README shows two worked lineage
examples, the questions and the answers the service gives") are in README.md and in
docs/cross-plan.md, between `<!-- lineage-example-N:start -->` and `<!-- lineage-example-N:end -->`:
the question, the query, and the service's answer to it on the bundled corpus, condensed into a
table (quotes cut around the plan's name). The tests rerun the queries and compare, so neither
file can drift from what the service answers.

Regenerate both after a change that alters an answer (and read the diff):

    .venv/bin/python -m tests.test_lineage_docs
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from graph.embedded_store import EmbeddedStore
from graph.store import GraphStore
from tests.test_graphql_docs import README, block_of, run_queries, with_block

DOC = Path(__file__).resolve().parent.parent / "docs" / "cross-plan.md"
QUOTE_WIDTH = 44


def excerpt(quote: str, surface: str | None = None, cue: str | None = None, width: int = QUOTE_WIDTH) -> str:
    """The quote on one line, cut to about `width` characters around the plan's name as printed
    (and the cue words, when they are near), with … where it is cut."""
    q = " ".join(quote.split())
    if len(q) <= width:
        return q
    a, b = 0, width
    name = " ".join(surface.split()) if surface else ""
    i = q.find(name) if name else -1
    if i >= 0:
        j = i + len(name)
        c = " ".join(cue.split()) if cue else ""
        k = q.find(c, j) if c else -1
        if k < 0 and c:
            k = q.rfind(c, 0, i)
        if k >= 0 and abs(k - i) <= width:
            i, j = min(i, k), max(j, k + len(c))
        pad = max(0, (width - (j - i)) // 2)
        a = max(0, min(i - pad, len(q) - width))
        b = min(len(q), max(j, a + width))
    return ("…" if a > 0 else "") + q[a:b] + ("…" if b < len(q) else "")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _where(evidence: dict[str, Any]) -> str:
    lines = evidence["lines"]
    span = f"{lines['start']}" if lines["start"] == lines["end"] else f"{lines['start']}-{lines['end']}"
    return f"{evidence['documentId']}:{span}"


def _evidence(evidence: dict[str, Any], attrs: dict[str, Any]) -> str:
    text = f"{_where(evidence)} 「{excerpt(evidence['quote'], attrs.get('surface'), attrs.get('cue'))}」"
    if "score" in attrs:  # an inferred alignment: why it was inferred
        shared = ", ".join(attrs.get("shared_agencies") or []) or "none"
        text += f"; inferred: score {attrs['score']:.2f}, cosine {attrs['cosine']:.2f}, shared agencies {shared}"
    elif attrs.get("cue"):
        text += f" (cue {attrs['cue']})"
    if attrs.get("alias_reason"):  # words that name the plan only in this document: why
        text += f" (local alias: {attrs['alias_reason']})"
    return _cell(text)


def _title(node: dict[str, Any], width: int = 28) -> str:
    t = node.get("title") or ""
    return _cell(t if len(t) <= width else t[:width] + "…")


def render_lineage(body: dict[str, Any], start: str) -> str:
    d = body["data"]["lineage"]
    chain = [_title(d["node"], 60)] + [
        f"({a['hops']}) {_title(a['node'], 40)} `{a['node']['id']}`" for a in d["ancestors"]["nodes"]
    ]
    cross = d["crossPlan"]
    rows = [
        f"- chain: {' → '.join(chain)}",
        f"- `crossPlan.totalCount`: {cross['totalCount']}",
        "",
        "| hops | level | type | direction | from | to | evidence |",
        "|---|---|---|---|---|---|---|",
    ]
    for h in cross["nodes"]:
        origin = "the measure" if h["origin"]["id"] == start else f"`{h['origin']['id']}`"
        rows.append(
            f"| {h['hops']} | {h['level']} | {h['type']} | {h['direction']} | {origin} | "
            f"`{h['node']['id']}` {_title(h['node'])} | {_evidence(h['evidence'], h['relation']['attributes'])} |"
        )
    return "\n".join(rows)


def render_paths(body: dict[str, Any], start: str) -> str:
    d = body["data"]["paths"]
    paths = d["paths"]["nodes"]
    inner = {tuple(n["id"] for n in p["nodes"][1:-1]) for p in paths}
    titles = {n["id"]: n["title"] for p in paths for n in p["nodes"]}
    through = (
        "every path through " + ", ".join(f"`{i}` ({_cell(titles[i])})" for i in next(iter(inner)))
        if len(inner) == 1
        else "through " + "; ".join(", ".join(f"`{i}`" for i in ids) for ids in sorted(inner))
    )
    n_hops = max(len(p["hops"]) for p in paths)
    heads = []
    for k in range(n_hops):
        ends = {(p["hops"][k]["from"]["id"], p["hops"][k]["to"]["id"]) for p in paths if len(p["hops"]) > k}
        heads.append(f"hop {k + 1}: {' → '.join(next(iter(ends)))}" if len(ends) == 1 else f"hop {k + 1}")
    rows = [
        f"`length: {d['length']}`, `totalCount: {d['paths']['totalCount']}`, {through}; each hop with the "
        "sentence that states it:",
        "",
        "| path | " + " | ".join(heads) + " |",
        "|---|" + "---|" * n_hops,
    ]
    for i, p in enumerate(paths, 1):
        cells = []
        for h in p["hops"]:
            way = "" if h["forward"] else " (walked against the edge)"
            cells.append(f"{h['type']}{way}, {_evidence(h['evidence'], h['relation']['attributes'])}")
        rows.append(f"| {i} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


@dataclass(frozen=True)
class Example:
    key: str
    question: str
    query: str
    start: str  # the node the question is about
    render: Callable[[dict[str, Any], str], str]

    @property
    def markers(self) -> tuple[str, str]:
        return f"<!-- {self.key}:start -->", f"<!-- {self.key}:end -->"


EXAMPLES = [
    Example(
        "lineage-example-1",
        "智慧國家2.0 lists ■ 推動量子科技研發 (004:346). What is it part of, does another plan say the "
        "same, and how does its plan relate to the others?",
        """{
  lineage(id: "smart-nation-2:p1.m8", down: 0, crossPlanLevels: 2,
          crossPlanTypes: [ALIGNS_WITH, CITES, CONTINUES, SUCCEEDS, REPORTS_ON]) {
    node { title }
    ancestors { nodes { hops node { id title } } }
    crossPlan(first: 20) {
      totalCount
      nodes { hops level type direction origin { id } node { id title }
              evidence { documentId lines { start end } quote } relation { attributes } }
    }
  }
}""",
        "smart-nation-2:p1.m8",
        render_lineage,
    ),
    Example(
        "lineage-example-2",
        "Why are AI 新十大建設 (001) and the 智慧國家方案 2021-2025 (003) connected? 001 never names 003: "
        "on what evidence?",
        """{
  paths(from: "ai-ten:plan", to: "smart-nation-2021:plan", maxHops: 4, limit: 4) {
    length
    paths { totalCount nodes {
      nodes { id title }
      hops { type forward from { id } to { id } relation { attributes }
             evidence { documentId lines { start end } quote } }
    } }
  }
}""",
        "ai-ten:plan",
        render_paths,
    ),
]


def render(example: Example, body: dict[str, Any]) -> str:
    start, end = example.markers
    return "\n".join(
        [
            start,
            f"*{example.question}*",
            "",
            f"```graphql\n{example.query}\n```",
            "",
            f"The service answers (condensed: quotes cut to about {QUOTE_WIDTH} characters around the "
            "plan's name, the service returns whole lines; tests/test_lineage_docs.py reruns the query):",
            "",
            example.render(body, example.start),
            end,
        ]
    )


def answers(store: GraphStore) -> list[dict[str, Any]]:
    return run_queries(store, [e.query for e in EXAMPLES])


@pytest.fixture(scope="module")
def bodies(corpus_store: EmbeddedStore) -> list[dict[str, Any]]:
    return answers(corpus_store)


@pytest.mark.parametrize("path", [README, DOC], ids=["README", "cross-plan.md"])
@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_the_file_shows_the_services_answer(bodies: list[dict[str, Any]], path: Path, index: int) -> None:
    example = EXAMPLES[index]
    shown = block_of(path.read_text(encoding="utf-8"), *example.markers)
    assert shown, f"{path.name} lost its {example.markers[0]} block"
    assert shown == render(example, bodies[index]), "regenerate: python -m tests.test_lineage_docs"


def test_the_answers_are_the_facts_read_in_the_documents(bodies: list[dict[str, Any]]) -> None:
    """What the examples claim, checked on the answers themselves (an empty or failing answer
    rendered into the files would pass the comparison above)."""
    assert not any(b.get("errors") for b in bodies), bodies
    lineage = bodies[0]["data"]["lineage"]
    assert [a["node"]["id"] for a in lineage["ancestors"]["nodes"]] == [
        "smart-nation-2:p1.s3",
        "smart-nation-2:p1",
        "smart-nation-2:plan",
    ]
    hops = {
        (h["type"], h["node"]["id"], h["evidence"]["documentId"], h["evidence"]["lines"]["start"])
        for h in lineage["crossPlan"]["nodes"]
    }
    # 004:348 repeats 000:902; 2.0 reviews 003 (004:769) and succeeds it (003:2983); 001 builds on it (001:51, 83).
    assert ("ALIGNS_WITH", "st-plan-114:g1.sg2.s1", "st-plan-114", 902) in hops
    assert ("REPORTS_ON", "smart-nation-2021:plan", "smart-nation-2", 769) in hops
    assert ("SUCCEEDS", "smart-nation-2021:plan", "smart-nation-2021", 2983) in hops
    assert {("CITES", 83), ("CONTINUES", 51)} <= {(t, line) for t, n, _, line in hops if n == "ai-ten:plan"}
    paths = bodies[1]["data"]["paths"]
    assert paths["length"] == 2 and paths["paths"]["totalCount"] == 4
    for p in paths["paths"]["nodes"]:
        assert [n["id"] for n in p["nodes"]] == ["ai-ten:plan", "smart-nation-2:plan", "smart-nation-2021:plan"]
        assert all(h["forward"] for h in p["hops"])


def test_excerpts_centre_on_the_name() -> None:
    quote = "甲" * 30 + "融合智慧國家2.0新綱領與六大區域" + "乙" * 30
    got = excerpt(quote, "智慧國家2.0新綱領", "融合", width=20)
    assert "融合智慧國家2.0新綱領" in got and got.startswith("…") and got.endswith("…")
    assert excerpt("短句", "短句") == "短句"
    assert excerpt("a | b" * 3, None, None, width=100) == "a | ba | ba | b"
    assert _cell("a | b") == "a \\| b"


if __name__ == "__main__":
    from loaders.pipeline import load_corpus

    store = EmbeddedStore()
    store.replace(load_corpus())
    got = answers(store)
    for path in (README, DOC):
        text = path.read_text(encoding="utf-8")
        for example, body in zip(EXAMPLES, got, strict=True):
            text = with_block(text, *example.markers, render(example, body))
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
