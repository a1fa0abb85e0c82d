"""The profile of the measure-card reader (tests/data/sixth_document/profiles/measure_cards.yaml)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, field_validator

from graph.model import NodeKind
from loaders.context import ProfileSection
from loaders.readers.outline_plan import PlanProfile


def _regex_with_num(pattern: str) -> str:
    """A pattern that compiles and names its number (`num`), checked when the profile is read."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {exc}") from None
    if "num" not in compiled.groupindex:
        raise ValueError("the pattern needs a (?P<num>...) group")
    return pattern


NumberedPattern = Annotated[str, AfterValidator(_regex_with_num)]


class LevelSpec(ProfileSection):
    kind: NodeKind
    pattern: NumberedPattern


class CardFields(ProfileSection):
    """The keys of a card's `key：value` lines."""

    title: str
    lead: str
    co: str
    target: str


class MeasureCardsProfile(PlanProfile):
    # The line that ends the cards (what follows belongs to no card).
    region_end: str | None = None
    pillar: LevelSpec
    card: LevelSpec
    fields: CardFields

    @field_validator("pillar")
    @classmethod
    def _pillar_has_a_title(cls, pillar: LevelSpec) -> LevelSpec:
        # A card's title is its 名稱 line; a pillar's is on its heading line.
        if "title" not in re.compile(pillar.pattern).groupindex:
            raise ValueError("the pillar pattern needs a (?P<title>...) group")
        return pillar

    def region_ends(self) -> list[str]:
        return [self.region_end] if self.region_end else []
