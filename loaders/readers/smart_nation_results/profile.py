"""The profile of the results-report reader (data/profiles/smart_nation_results.yaml)."""

from __future__ import annotations

from pydantic import Field

from graph.model import EdgeType, NodeKind
from loaders.context import ProfileSection
from loaders.readers.outline_plan import OutlinePlanProfile
from loaders.targets import TargetType


class PillarRules(ProfileSection):
    title: str
    convener_tag: str
    convener_units: str
    task: str


class SummaryRules(ProfileSection):
    strategy_title: str
    target_type: dict[int, TargetType] = Field(default_factory=dict)
    # Per pillar number: the type of a figure in a summary item that has no cue of its own (the
    # summary says what its figures are); pillars not listed assume nothing.
    figure_default: dict[int, TargetType] = Field(default_factory=dict)
    # A numbering label before `：` (1344 `主要績效目標 1：…`): kept as the label, not the title.
    label: str | None = None


class TitleRules(ProfileSection):
    max_heading_chars: int = 60
    max_colon_title_chars: int = 40
    min_clause_chars: int = 6
    detail_line: str
    # A heading at least this long that ends mid-phrase was cut by a page break…
    cut_line_chars: int = 28
    # …unless it ends like this (a result count).
    complete_heading_end: str | None = None


class ResponsibilityRules(ProfileSection):
    tag: str
    tag_overflow: str
    tag_edge: EdgeType = EdgeType.LEADS
    # The edge of each body when an item's tags name several (no lead/co distinction).
    tag_list_edge: EdgeType = EdgeType.RESPONSIBLE_FOR
    prose_lead_co: list[str] = Field(default_factory=list)
    co_count: str


class IndicatorRules(ProfileSection):
    caption: str
    columns: dict[str, str]
    footnote: str
    footnotes_until: str


class TargetRules(ProfileSection):
    # Headings of these kinds that are headings, not paragraphs (no full stop), are searched for
    # figures of these types (003:1113 「至2025年至少吸引1家國際大廠來臺設立 Demo Lab」).
    heading_kinds: list[NodeKind] = Field(default_factory=lambda: [NodeKind.MEASURE])
    heading_types: list[str] = Field(default_factory=lambda: ["target"])


class ResultsProfile(OutlinePlanProfile):
    pillars: PillarRules
    summary: SummaryRules
    titles: TitleRules
    responsibility: ResponsibilityRules
    indicators: IndicatorRules
    targets: TargetRules = Field(default_factory=TargetRules)
