"""Every node's quote is the text at its recorded lines: provenance can be followed back to the
source (the whole corpus graph, every document and the reference data)."""

from __future__ import annotations

from pathlib import Path

from graph.model import EdgeType, GraphBatch, Provenance
from loaders.corpus import DATA_DIR, DEFAULT_CORPUS

REF_PREFIX = "ref:"


def _source_lines(batch: GraphBatch) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in batch.documents:
        out[d.id] = (DEFAULT_CORPUS / d.file).read_text(encoding="utf-8-sig").replace("\r\n", "\n").split("\n")
    return out


def _ref_lines(document: str) -> list[str]:
    # Reference data ("ref:agencies") lives in data/<name>.yaml.
    path = DATA_DIR / f"{document[len(REF_PREFIX) :]}.yaml"
    assert path.is_file(), f"no reference file for {document}"
    return Path(path).read_text(encoding="utf-8").split("\n")


def _problem(prov: Provenance, lines: list[str]) -> str | None:
    """Why the quote is not at its lines, or None when it is."""
    if not 1 <= prov.line_start <= prov.line_end <= len(lines):
        return f"lines {prov.line_start}-{prov.line_end} outside 1-{len(lines)}"
    span = [s.strip() for s in lines[prov.line_start - 1 : prov.line_end] if s.strip()]
    quoted = [q.strip() for q in prov.quote.split("\n") if q.strip()]
    if not quoted:
        return "empty quote"
    text = "\n".join(span)
    missing = [q for q in quoted if q not in text]
    if missing:
        return f"not at lines {prov.line_start}-{prov.line_end}: {missing[0][:40]!r}"
    # The quote starts on the first line and ends on the last one it claims.
    if not span or quoted[0] not in span[0] or quoted[-1] not in span[-1]:
        return f"quote does not span lines {prov.line_start}-{prov.line_end}"
    return None


def _lines_for(document: str, sources: dict[str, list[str]], refs: dict[str, list[str]]) -> list[str]:
    if document.startswith(REF_PREFIX):
        if document not in refs:
            refs[document] = _ref_lines(document)
        return refs[document]
    assert document in sources, f"provenance names unknown document {document!r}"
    return sources[document]


def test_every_node_quote_is_at_its_lines(corpus_batch: GraphBatch) -> None:
    sources = _source_lines(corpus_batch)
    refs: dict[str, list[str]] = {}
    bad = []
    for n in corpus_batch.nodes:
        why = _problem(n.provenance, _lines_for(n.document, sources, refs))
        if why:
            bad.append(f"{n.id} ({n.document}): {why}")
    assert bad == [], f"{len(bad)} node(s), e.g. {bad[:5]}"
    assert len(corpus_batch.nodes) > 1000  # the whole corpus was checked, not an empty graph


def test_every_edge_quote_is_at_its_lines(corpus_batch: GraphBatch) -> None:
    """Every relationship, whatever its type (hierarchy, responsibility, targets, units, cross-plan
    links and inferred alignments), quotes the text at the lines it records."""
    sources = _source_lines(corpus_batch)
    refs: dict[str, list[str]] = {}
    bad = [
        f"{e.type.value} {e.source}->{e.target}: {why}"
        for e in corpus_batch.edges
        if (why := _problem(e.provenance, _lines_for(e.provenance.document, sources, refs)))
    ]
    assert bad == [], f"{len(bad)} edge(s), e.g. {bad[:5]}"
    # every edge type of the graph was checked
    assert {e.type for e in corpus_batch.edges} >= {
        EdgeType.CONTAINS,
        EdgeType.LEADS,
        EdgeType.CO_ORGANIZES,
        EdgeType.HAS_TARGET,
        EdgeType.HAS_UNIT,
        EdgeType.DESCRIBES,
        EdgeType.ALIGNS_WITH,
    }


def test_a_wrong_line_is_caught() -> None:
    # The check itself: 000:2679 holds the lone 數發部; the line before it does not.
    lines = (DEFAULT_CORPUS / "000_94c0ce11f244451c.txt").read_text(encoding="utf-8").split("\n")
    good = Provenance(document="st-plan-114", line_start=2679, line_end=2679, quote=lines[2678].strip())
    assert _problem(good, lines) is None
    assert _problem(good.model_copy(update={"line_start": 2678, "line_end": 2678}), lines) is not None
