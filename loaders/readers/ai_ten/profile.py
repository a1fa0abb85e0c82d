"""The profile of the programme reader (data/profiles/ai_ten.yaml)."""

from __future__ import annotations

from typing import Literal

from loaders.context import ProfileSection
from loaders.readers.ai_ten.tables import TableSpec
from loaders.readers.outline_plan import OutlinePlanProfile


class LeadTableSpec(ProfileSection):
    """A two-column table `name | lead agency`, one row per top-level item (001 表1)."""

    caption: str
    header_first_cell: str


class MeasureTablesSpec(TableSpec):
    # Role of the names in a 主/協辦 cell with no slash that names several agencies: `unstated`
    # (RESPONSIBLE_FOR: the cell does not say who leads), `all_lead` (joint leads) or `first_lead`.
    # A cell naming one agency makes it the lead whatever this says.
    unslashed_list: Literal["unstated", "all_lead", "first_lead"] = "unstated"
    # A body in brackets that is not a unit of the agency before it (`國科會前瞻處(國網中心)`).
    executing_body: Literal["lead", "co", "skip"] = "co"
    # An empty 時程/主協辦 cell (a merged cell lost in conversion): take the nearest non-empty cell
    # above it within the same strategy's rows, marked as inferred and reported; or leave it.
    empty_cells: Literal["inherit_in_group", "leave"] = "inherit_in_group"
    min_caption_similarity: float = 80.0
    # Figures in a row's 具體措施 cell (001:479 `…無人機各2架(共44架)`, 480 `…訓練171人`) are what the
    # measure it names will deliver: Targets of that body item (no year unless the cell states one).
    measure_cell_targets: bool = True


class PlanTargetsSpec(ProfileSection):
    """The plan's vision section: quantified targets in its prose and a numbered list of goals."""

    section_start: str
    section_end: str
    goals_intro: str
    goal_pattern: str


class OutcomesSpec(ProfileSection):
    """Each top-level item's list of expected outcomes (its figures are targets by definition),
    from the `start` line to the next top-level item."""

    start: str


class ProgrammeProfile(OutlinePlanProfile):
    leads: LeadTableSpec
    tables: MeasureTablesSpec
    plan_targets: PlanTargetsSpec
    outcomes: OutcomesSpec | None = None
    # Quantified figures in the items' own text (initiative introductions, measures) as Targets.
    item_targets: bool = True
