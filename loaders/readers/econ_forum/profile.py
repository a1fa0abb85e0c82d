"""The profile of the periodical reader (data/profiles/econ_forum.yaml)."""

from __future__ import annotations

from pydantic import Field

from graph.model import NodeKind
from loaders.context import Profile, ProfileSection


class ContentsSpec(ProfileSection):
    start: str
    entry: str
    column: str
    column_english: str
    min_title_similarity: float = 85.0


class CoverName(ProfileSection):
    issue: str
    english: str | None = None
    initiatives: list[str] = Field(default_factory=list)
    note: str | None = None


class CoversSpec(ProfileSection):
    document_profile: str
    kind: NodeKind = NodeKind.INITIATIVE
    names: list[CoverName]


class ForumProfile(Profile):
    contents: ContentsSpec
    duplicate_min_lines: int = 5
    heading: str
    targets_languages: list[str] = Field(default_factory=lambda: ["zh"])
    covers: CoversSpec | None = None
