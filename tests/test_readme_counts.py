"""The README's counts of the bundled corpus (nodes by kind and document, edges by type) are what a
load of the bundled corpus gives: the table cannot drift from the loaders."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from graph.model import GraphBatch

README = Path(__file__).resolve().parent.parent / "README.md"


def _table(text: str) -> tuple[list[str], dict[str, list[str]]]:
    lines = text[text.index("| document | Plan |") :].splitlines()
    header = [c.strip() for c in lines[0].strip("|").split("|")][1:]
    rows: dict[str, list[str]] = {}
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip().strip("*`") for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return header, rows


def test_counts_by_kind_and_document(corpus_batch: GraphBatch) -> None:
    kinds, rows = _table(README.read_text(encoding="utf-8"))
    got: dict[str, Counter[str]] = {}
    for n in corpus_batch.nodes:
        got.setdefault(n.document, Counter())[n.kind.value] += 1
    for doc in (d.id for d in corpus_batch.documents):
        assert rows[doc] == [str(got[doc][k]) if got[doc][k] else "" for k in kinds], doc
    total = Counter(n.kind.value for n in corpus_batch.nodes if n.document in rows)
    assert rows["all"] == [str(total[k]) for k in kinds]


def test_edges_line(corpus_batch: GraphBatch) -> None:
    line = next(x for x in README.read_text(encoding="utf-8").splitlines() if x.startswith("Edges: "))
    stated = {t: int(n) for t, n in re.findall(r"([A-Z_]+) (\d+)", line)}
    assert stated == dict(Counter(e.type.value for e in corpus_batch.edges))
    m = re.search(r"\((\d+) nodes and (\d+) edges in all", line)
    assert m and (int(m.group(1)), int(m.group(2))) == (len(corpus_batch.nodes), len(corpus_batch.edges))
