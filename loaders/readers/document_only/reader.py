"""Fallback reader: a Document node only (for document kinds with no structure to extract)."""

from __future__ import annotations

from loaders.components import readers
from loaders.context import DocInput, DocResult, LoadContext, Profile


@readers.register("document_only", profile=Profile)
def read_document_only(doc: DocInput[Profile], ctx: LoadContext) -> DocResult:
    result = DocResult()
    node = result.add_node(doc.document_node())
    result.warn(doc.meta.id, node.line, "no-structure", f"{doc.meta.file}: loaded as a document only")
    return result
