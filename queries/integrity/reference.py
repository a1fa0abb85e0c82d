"""Reference data the checks compare against (YAML under data/, not code):

- data/stated_counts.yaml: counts each document states about itself, with the line that states it;
- data/responsibility_expected.yaml: which node kinds must have a responsible agency, by the
  manifest's document kind (a loader profile may override it with `responsibility_expected`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from graph.model import EdgeType, NodeKind
from loaders.agencies import AGENCIES_FILE, AgencyRecord, index_collisions
from loaders.context import PROFILES_DIR
from loaders.corpus import DATA_DIR
from loaders.source import DocumentError, parse_config_yaml, read_config_text, read_config_yaml
from queries.integrity.model import Severity

STATED_COUNTS_FILE = DATA_DIR / "stated_counts.yaml"
RESPONSIBILITY_FILE = DATA_DIR / "responsibility_expected.yaml"
PLANS_FILE = DATA_DIR / "plans.yaml"


@dataclass(frozen=True)
class References:
    """Where the reference data lives (the bundled data/ by default; tests point elsewhere)."""

    stated_counts: Path = STATED_COUNTS_FILE
    responsibility: Path = RESPONSIBILITY_FILE
    agencies: Path = AGENCIES_FILE
    plans: Path = PLANS_FILE
    profiles: Path = PROFILES_DIR


class ReferenceDataError(ValueError):
    """Reference data that cannot be used; str() is one line naming the file."""


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


def _read_yaml(path: Path) -> object:
    try:
        return read_config_yaml(path, "the reference file")
    except DocumentError as exc:
        raise ReferenceDataError(str(exc)) from None


def _first_error(path: Path, exc: ValidationError) -> ReferenceDataError:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return ReferenceDataError(f"{path}: {where}: {first['msg']}")


def load_stated_counts(path: Path = STATED_COUNTS_FILE) -> list[StatedCount]:
    try:
        data = StatedCounts.model_validate(_read_yaml(path) or {})
    except ValidationError as exc:
        raise _first_error(path, exc) from None
    for c in data.counts:
        if c.scope == "line" and c.scope_line is None:
            raise ReferenceDataError(f"{path}: {c.document}:{c.line}: scope 'line' needs scope_line")
    return data.counts


def load_responsibility_expected(path: Path = RESPONSIBILITY_FILE) -> ResponsibilityExpected:
    try:
        return ResponsibilityExpected.model_validate(_read_yaml(path) or {})
    except ValidationError as exc:
        raise _first_error(path, exc) from None


def read_gazetteer_records(path: Path) -> dict[str, AgencyRecord]:
    """The agency gazetteer's records without building the resolver (which refuses a name that
    means two agencies), each with the line of its entry. Raises ValueError (DocumentError when it
    cannot be read or parsed; an entry that is not a record) or AttributeError (not a mapping)."""
    text = read_config_text(path, "the agency gazetteer")
    lines = text.split("\n")
    records: dict[str, AgencyRecord] = {}
    raw = parse_config_yaml(str(path), text, "the agency gazetteer") or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: the agency gazetteer must be a mapping with an 'agencies' list")
    for entry in raw.get("agencies", []):
        rec = AgencyRecord.model_validate(entry)
        rec.line = next((i for i, s in enumerate(lines, 1) if re.match(rf"\s*- id: {re.escape(rec.id)}\s*$", s)), 0)
        records[rec.id] = rec
    return records


def gazetteer_collisions(path: Path) -> dict[str, list[str]]:
    """Names (keys) of the gazetteer that mean more than one agency; empty when it cannot be read."""
    try:
        return index_collisions(read_gazetteer_records(path))
    except (OSError, ValueError, yaml.YAMLError, AttributeError):
        return {}
