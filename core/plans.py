"""The plan gazetteer (data/plans.yaml): every plan the documents may mention, by all its names,
with the names that only look like plans and the regions whose names are not mentions. Read once
(`default_gazetteer`); every layer that needs a plan's names or ids asks here."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property, lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, model_validator

from core.fold import fold_name
from core.kinds import EdgeType
from core.paths import PLANS_FILE
from core.refdata import validated


class Trap(BaseModel):
    pattern: str
    reason: str
    window: int = Field(default=40, ge=1)


class LocalAlias(BaseModel):
    document: str
    name: str
    type: EdgeType = EdgeType.MENTIONS
    reason: str


class PlanEntry(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    document: str | None = None
    aliases: list[str] = Field(default_factory=list)
    local_aliases: list[LocalAlias] = Field(default_factory=list)
    kind: str = "plan"
    period: tuple[int, int] | None = None
    not_when: list[Trap] = Field(default_factory=list)
    part_of: str | None = None
    note: str | None = None

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class NotPlan(BaseModel):
    name: str
    aliases: list[str] = Field(default_factory=list)
    reason: str

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class SkipRegion(BaseModel):
    """Lines of one document whose plan names are not mentions (a table of other countries' plans):
    from the first line matching `start` to the line before the next one matching `end`."""

    document: str
    start: str
    end: str
    reason: str

    def lines(self, lines: Sequence[str]) -> range | None:
        rs, re_ = re.compile(self.start), re.compile(self.end)
        first = next((i for i, t in enumerate(lines, 1) if rs.search(t)), None)
        if first is None:
            return None
        last = next((i for i in range(first + 1, len(lines) + 1) if re_.search(lines[i - 1])), len(lines) + 1)
        return range(first, last)


class Gazetteer(BaseModel):
    plans: list[PlanEntry]
    not_plans: list[NotPlan] = Field(default_factory=list)
    skip_regions: list[SkipRegion] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_meaning_per_name(self) -> Gazetteer:
        ids = [p.id for p in self.plans]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"plan id(s) listed twice: {', '.join(dup)}")
        owner: dict[str, str] = {}
        for label, names in [(p.id, p.names) for p in self.plans] + [
            (f"not_plans:{n.name}", n.names) for n in self.not_plans
        ]:
            for name in names:
                key = fold_name(name)
                if not key:
                    raise ValueError(f"{label}: empty name")
                if owner.setdefault(key, label) != label:
                    raise ValueError(f"the name {name!r} belongs to both {owner[key]} and {label}")
        known = set(ids)
        for p in self.plans:
            if p.part_of is not None and p.part_of not in known:
                raise ValueError(f"{p.id}: part_of names unknown plan {p.part_of!r}")
        return self

    def entry(self, plan_id: str) -> PlanEntry:
        return self._by_id[plan_id]

    @cached_property
    def _by_id(self) -> dict[str, PlanEntry]:
        return {p.id: p for p in self.plans}


def load_gazetteer(path: Path = PLANS_FILE) -> Gazetteer:
    """The gazetteer in `path`; ReferenceDataError (one line) when it cannot be used."""
    return validated(Gazetteer, path)


@lru_cache(maxsize=4)
def default_gazetteer() -> Gazetteer:
    """The bundled gazetteer, read once."""
    return load_gazetteer()
