"""The profile of the slide-deck reader (data/profiles/smart_nation_2.yaml)."""

from __future__ import annotations

from pydantic import Field

from graph.model import EdgeType
from loaders.context import ProfileSection
from loaders.outline import OutlineSpec
from loaders.readers.outline_plan import PlanProfile
from loaders.readers.smart_nation_2.slides import ChartRules, SectionRules


class DetailRules(OutlineSpec):
    section: SectionRules = Field(default_factory=SectionRules)


class Region(ProfileSection):
    start: str
    end: str


class ListRoles(ProfileSection):
    single: EdgeType = EdgeType.LEADS
    first: EdgeType = EdgeType.RESPONSIBLE_FOR
    rest: EdgeType = EdgeType.RESPONSIBLE_FOR
    shared: EdgeType = EdgeType.RESPONSIBLE_FOR


class SlidesProfile(PlanProfile):
    pillars: list[str]
    detail: DetailRules
    organisation: Region
    annex: Region
    # The summary slide's `- 策略 (keywords)` bullets: search keywords for each strategy.
    summary: Region | None = None
    chart: ChartRules = Field(default_factory=ChartRules)
    measure_aliases: dict[str, str] = Field(default_factory=dict)
    responsibility: ListRoles = Field(default_factory=ListRoles)
    draft: str | None = None

    def region_ends(self) -> list[str]:
        return [self.detail.region_end] if self.detail.region_end else []
