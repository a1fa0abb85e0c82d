"""Provenance: every quote must be found at the lines it records, in the source as it is now."""

from __future__ import annotations

import re

from core.agencies import REF_DOCUMENT
from core.source import SourceText
from graph.model import Provenance
from queries.integrity.catalogue import Findings, check
from queries.integrity.context import CheckContext
from queries.integrity.model import Evidence, Severity

_SPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


def quote_problem(src: SourceText, prov: Provenance) -> str | None:
    """Why the quote is not at its lines (None when it is). Whitespace is ignored: the quote is the
    span's text with blank lines dropped and lines stripped (DocInput.prov), or a part of it."""
    if prov.line_end < prov.line_start:
        return f"line span {prov.line_start}-{prov.line_end} is reversed"
    if prov.line_end > len(src.lines):
        return f"line {prov.line_end} is past the end of {src.file} ({len(src.lines)} lines)"
    if _squash(prov.quote) not in _squash("".join(src.span(prov.line_start, prov.line_end))):
        return f"the quote is not at lines {prov.line_start}-{prov.line_end}"
    return None


@check(
    "provenance-quote",
    Severity.ERROR,
    "Every answer is traced to the sentence that says it: a quote that is not at its recorded lines "
    "sends the reader to the wrong place.",
)
def provenance_quotes(ctx: CheckContext, out: Findings) -> None:
    index = ctx.index
    if ctx.corpus_dir is None:
        raise out.skip("no corpus directory: the sources cannot be read")
    bad_docs: set[str] = set()

    def source_for(doc: str) -> SourceText | None:
        if doc in bad_docs:
            return None
        src = ctx.source(doc)
        meta = index.docs_by_id.get(doc)
        if isinstance(src, str):
            bad_docs.add(doc)
            out.add(f"provenance cites {doc!r}, whose source cannot be read: {src}", evidence=[Evidence(document=doc)])
            return None
        if doc != REF_DOCUMENT and meta is not None and meta.sha256 and meta.sha256 != src.sha256:
            bad_docs.add(doc)
            out.add(
                f"{meta.file} changed since it was loaded (sha256 {meta.sha256[:12]}… now {src.sha256[:12]}…): "
                "reload the graph",
                evidence=[Evidence(document=doc)],
            )
            return None
        return src

    # One finding per distinct provenance: a CONTAINS edge shares its child's, for instance.
    users: dict[tuple[str, int, int, str], list[tuple[str, str]]] = {}
    provs: dict[tuple[str, int, int, str], Provenance] = {}
    for label, focus, prov in [(n.id, n.id, n.provenance) for n in index.nodes] + [
        (f"{e.type.value} {e.source} -> {e.target}", e.source, e.provenance) for e in index.edges
    ]:
        key = (prov.document, prov.line_start, prov.line_end, prov.quote)
        users.setdefault(key, []).append((label, focus))
        provs.setdefault(key, prov)
    for key, who in users.items():
        prov = provs[key]
        src = source_for(prov.document)
        problem = None if src is None else quote_problem(src, prov)
        if problem:
            label, focus = who[0]
            more = f" (and {len(who) - 1} more item(s) with this provenance)" if len(who) > 1 else ""
            out.add(
                f"{label}{more}: {problem}",
                focus=focus,
                evidence=[Evidence(document=prov.document, line=prov.line_start, quote=prov.quote)],
            )
