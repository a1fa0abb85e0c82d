"""Reference data the checks compare against (YAML under data/, not code):

- data/stated_counts.yaml: counts each document states about itself, with the line that states it;
- data/responsibility_expected.yaml: which node kinds must have a responsible agency, by the
  manifest's document kind (a loader profile may override it with `responsibility_expected`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from core.errors import ReferenceDataError
from core.paths import AGENCIES_FILE, DATA_DIR, PLANS_FILE, PROFILES_DIR
from core.refdata import validated
from graph.model import EdgeType, NodeKind
from queries.integrity.model import Severity

STATED_COUNTS_FILE = DATA_DIR / "stated_counts.yaml"
RESPONSIBILITY_FILE = DATA_DIR / "responsibility_expected.yaml"


@dataclass(frozen=True)
class References:
    """Where the reference data lives (the bundled data/ by default; tests point elsewhere)."""

    stated_counts: Path = STATED_COUNTS_FILE
    responsibility: Path = RESPONSIBILITY_FILE
    agencies: Path = AGENCIES_FILE
    plans: Path = PLANS_FILE
    profiles: Path = PROFILES_DIR


class StatedCount(BaseModel):
    document: str
    line: int = Field(ge=1)
    # The words that state the count, verbatim from that line (checked against the source).
    quote: str
    # "plan": the document's root; otherwise give scope_line (the node whose provenance starts there).
    scope: Literal["plan", "line"] = "plan"
    scope_line: int | None = None
    kind: list[NodeKind]
    expected: int = Field(ge=0)
    # Count only the scope's own children (its own targets / assigned agencies), not all descendants.
    direct: bool = False
    # Count the nodes the scope (or anything below it) points to by this edge type (e.g. the
    # initiatives an article COVERS) instead of the nodes it contains.
    via: EdgeType | None = None
    # Count only nodes whose provenance starts in this line range (e.g. the list the sentence opens).
    within: tuple[int, int] | None = None
    severity: Severity = Severity.ERROR
    note: str | None = None

    @field_validator("kind", mode="before")
    @classmethod
    def _one_or_many(cls, v: object) -> object:
        return [v] if isinstance(v, str) else v

    @property
    def label(self) -> str:
        return "/".join(k.value for k in self.kind)


class StatedCounts(BaseModel):
    counts: list[StatedCount] = Field(default_factory=list)


class ResponsibilityExpected(BaseModel):
    # manifest document kind -> node kinds that need a responsible agency (explicit or inherited)
    by_document_kind: dict[str, list[NodeKind]] = Field(default_factory=dict)


def load_stated_counts(path: Path = STATED_COUNTS_FILE) -> list[StatedCount]:
    data = validated(StatedCounts, path, empty_ok=True)
    for c in data.counts:
        if c.scope == "line" and c.scope_line is None:
            raise ReferenceDataError(f"{path}: {c.document}:{c.line}: scope 'line' needs scope_line")
    return data.counts


def load_responsibility_expected(path: Path = RESPONSIBILITY_FILE) -> ResponsibilityExpected:
    return validated(ResponsibilityExpected, path, empty_ok=True)
