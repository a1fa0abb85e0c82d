"""The corpus manifest: which documents to load and with which profile (data, not code)."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from core.paths import DATA_DIR
from core.source import DocumentError
from graph.model import DocumentMeta

DEFAULT_CORPUS = DATA_DIR / "corpus"
MANIFEST_NAME = "manifest.yaml"


class Manifest(BaseModel):
    documents: list[DocumentMeta]


def read_manifest(corpus_dir: Path) -> list[DocumentMeta]:
    path = corpus_dir / MANIFEST_NAME
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DocumentError(str(path), f"cannot read the manifest ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DocumentError(str(path), f"the manifest is not valid YAML: {exc}".splitlines()[0], line) from None
    try:
        docs = Manifest.model_validate(raw).documents
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DocumentError(str(path), f"manifest entry {where}: {first['msg']}") from None
    ids = [d.id for d in docs]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise DocumentError(str(path), f"duplicate document id(s) {', '.join(dup)}")
    return docs
