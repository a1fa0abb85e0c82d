"""Deterministic ids: the same document gives the same ids on every load."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

from graph.model import GraphBatch

_UNSAFE = re.compile(r"[^0-9A-Za-z\u3400-\u9fff._-]+")


def slug(text: str) -> str:
    """A compact id segment: NFKC, keeps ASCII letters/digits and CJK, drops the rest."""
    return _UNSAFE.sub("", unicodedata.normalize("NFKC", text))[:40] or "x"


def child_id(parent_id: str, segment: str) -> str:
    return f"{parent_id}/{segment}"


def short_hash(text: str, n: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


def generation_id(batch: GraphBatch) -> str:
    """Content hash of a batch: equal graphs get equal generations, whatever the load time."""
    h = hashlib.sha256()
    for n in sorted(batch.nodes, key=lambda n: n.id):
        h.update(json.dumps(n.model_dump(mode="json"), sort_keys=True, ensure_ascii=False).encode())
    for e in sorted(batch.edges, key=lambda e: e.key):
        h.update(json.dumps(e.model_dump(mode="json"), sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()[:16]
