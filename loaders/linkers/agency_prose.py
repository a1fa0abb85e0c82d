"""Agencies named in prose (linker `agency_mentions`): every agency name the spaCy matcher
(loaders.linkers.agency_mentions: a blank Chinese pipeline with an EntityRuler over the gazetteer) finds in
an item's own text becomes a MENTIONED_IN edge from the agency to that item.

A mention is evidence that the text names the agency, not an assignment: the document's tables,
tags and 召集 lines say who leads or co-organises (LEADS / CO_ORGANIZES), and a mention of an agency
already assigned to the item adds nothing and is left out. What remains is what an analyst cannot
get from the assignments: 000:1807's measure naming the bodies it works with, 003's prose-only
attributions (470, 716), an article naming the ministries it reports on.

The item is the deepest hierarchy node owning the mention's line (its own lines, its description,
its table rows), as for plan mentions (loaders.linkers.cross_plan.index_document); mentions outside
the document's tree (table of contents, preface, the responsibility tables themselves, annexes)
are not attached to anything. One edge per (agency, item): the first mention is its provenance,
`attrs.lines` lists every line and `attrs.surface` the names as printed.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.agencies import agency_node_id
from graph.model import RESPONSIBILITY_TYPES, EdgeType
from loaders.components import linkers
from loaders.context import DocInput, DocResult, LoadContext
from loaders.linkers.agency_mentions import find_mentions
from loaders.linkers.cross_plan import DocIndex, index_document
from loaders.linkers.plan_mentions import line_of, line_starts


def mention_edges(
    inputs: Mapping[str, DocInput], results: Mapping[str, DocResult], ctx: LoadContext | None = None
) -> DocResult:
    out = DocResult()
    assigned = {(e.source, e.target) for r in results.values() for e in r.edges if e.type in RESPONSIBILITY_TYPES}
    book = ctx.agencies.book if ctx is not None else None
    for doc_id, doc in inputs.items():
        result = results.get(doc_id)
        if result is None:
            continue
        index = index_document(doc, result)
        # (agency node, item) -> [(first line, last line, surface)], in text order
        found: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
        for lo, hi in _item_runs(index, len(doc.source.lines)):
            text = "\n".join(doc.source.lines[lo - 1 : hi])
            starts = line_starts(text)
            for m in find_mentions(text, book):
                first, last = lo - 1 + line_of(starts, m.start), lo - 1 + line_of(starts, m.end - 1)
                item = index.item_at(first)
                if item == index.fallback:  # outside the tree: not about one item
                    continue
                agency = agency_node_id(m.agency_id)
                if (agency, item) in assigned:
                    continue
                found.setdefault((agency, item), []).append((first, last, "".join(m.surface.split())))
        for (agency, item), hits in sorted(found.items(), key=lambda kv: (kv[1][0][0], kv[0])):
            first, last, _ = hits[0]
            prov = doc.prov(first, last)
            if ctx is not None and book is not None:
                ctx.agencies.mention(book.records[agency.removeprefix("agency/")], prov)
            out.add_edge(
                agency,
                item,
                EdgeType.MENTIONED_IN,
                prov,
                lines=sorted({h[0] for h in hits}),
                surface=sorted({h[2] for h in hits}),
                method="spacy-entity-ruler",
            )
    return out


def _item_runs(index: DocIndex, n_lines: int) -> list[tuple[int, int]]:
    """Runs of consecutive lines that belong to an item (the tree region and the lines items own
    outside it): only those are read, so a long preface or annex costs nothing."""
    lines = set(index.owned)
    if index.starts:
        lines.update(range(index.starts[0][0], min(index.region_end, n_lines) + 1))
    runs: list[tuple[int, int]] = []
    for line in sorted(lines):
        if runs and line == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], line)
        else:
            runs.append((line, line))
    return runs


@linkers.register("agency_mentions")
def link_agency_mentions(ctx: LoadContext) -> DocResult:
    return mention_edges(ctx.inputs, ctx.results, ctx)
