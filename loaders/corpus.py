"""The corpus manifest: which documents to load and with which profile (data, not code)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from core.files import PathRefused, child_path, shown
from core.paths import DATA_DIR
from core.source import MANIFEST_NAME, DocumentError, parse_config_yaml, read_config_text
from graph.model import DocumentMeta

DEFAULT_CORPUS = DATA_DIR / "corpus"

__all__ = ["DATA_DIR", "DEFAULT_CORPUS", "MANIFEST_NAME", "Manifest", "read_manifest"]


class Manifest(BaseModel):
    documents: list[DocumentMeta]


def read_manifest(corpus_dir: Path, allow_empty: bool = False) -> list[DocumentMeta]:
    """The manifest's entries, or a one-line DocumentError naming the manifest (and the entry and
    field at fault). An empty manifest is refused unless `allow_empty` (it would serve an empty graph)."""
    path = corpus_dir / MANIFEST_NAME
    label = str(path)
    try:
        target = child_path(corpus_dir, MANIFEST_NAME, "the manifest", "the corpus directory")
    except PathRefused as exc:
        raise DocumentError(label, str(exc)) from None
    raw = parse_config_yaml(label, read_config_text(target, "the manifest", label), "the manifest")
    try:
        docs = Manifest.model_validate(raw).documents
    except ValidationError as exc:
        raise DocumentError(label, _first_error(raw, exc)) from None
    if not docs and not allow_empty:
        raise DocumentError(
            label, "the manifest lists no documents (set POLICYGRAPH_ALLOW_EMPTY_CORPUS=1 to serve an empty graph)"
        )
    ids = [d.id for d in docs]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise DocumentError(label, f"duplicate document id(s) {', '.join(dup)}")
    return docs


def _first_error(raw: Any, exc: ValidationError) -> str:
    """The first validation error as 'manifest entry N (id 'x'), field 'f': message', bounded."""
    first = exc.errors()[0]
    loc = list(first["loc"])
    msg = first["msg"].removeprefix("Value error, ")
    if len(loc) >= 2 and loc[0] == "documents" and isinstance(loc[1], int):
        entry = raw["documents"][loc[1]]
        doc_id = entry.get("id") if isinstance(entry, dict) else None
        name = f"manifest entry {loc[1] + 1}" + (f" (id {shown(doc_id)})" if isinstance(doc_id, str) else "")
        field = ".".join(str(p) for p in loc[2:])
        return f"{name}, field {field!r}: {msg}" if field else f"{name}: {msg}"
    where = ".".join(str(p) for p in loc)
    return f"manifest {where}: {msg}" if where else f"the manifest: {msg}"
