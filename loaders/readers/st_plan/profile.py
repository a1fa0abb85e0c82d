"""The profile of the S&T plan reader (data/profiles/st_plan.yaml)."""

from __future__ import annotations

from pydantic import Field

from graph.model import NodeKind
from loaders.context import ProfileSection
from loaders.readers.outline_plan import OutlinePlanProfile


class ResponsibilitySpec(ProfileSection):
    """The responsibility table (000 表4): one 參與部會 string `A／B、C` per strategy."""

    table_caption: str
    table_end: str
    # The items the table's rows assign (its strategies) and their children (its measures).
    assign_to: NodeKind = NodeKind.STRATEGY
    measures: NodeKind = NodeKind.MEASURE
    # Cells of the header row that page breaks repeat.
    header_cells: list[str] = Field(default_factory=list)


class TargetsSpec(ProfileSection):
    # Item kinds whose lines are searched for stated figures.
    kinds: list[NodeKind] = Field(default_factory=list)


class BudgetSpec(ProfileSection):
    """The plan's budget section: figures by year in its prose and a table with one column per year
    (a row of amounts and, optionally, a row of each year's share of GDP)."""

    section_start: str
    section_end: str
    table_caption: str
    unit_line: str
    amount_row: str
    share_row: str | None = None


class StPlanProfile(OutlinePlanProfile):
    responsibility: ResponsibilitySpec | None = None
    targets: TargetsSpec = Field(default_factory=TargetsSpec)
    budget: BudgetSpec | None = None
