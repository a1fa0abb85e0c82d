"""Reader for the AI 新十大建設推動方案 (001): the 參 outline (initiatives -> strategies -> measures
-> actions), 表1 leads, 表2-表11 schedules and agencies, plan-level targets."""

from __future__ import annotations

from loaders.context import DocInput, DocResult
from loaders.pipeline import LoadContext, readers
from loaders.readers.outline_plan import plan_root, read_outline


@readers.register("ai_ten")
def read_ai_ten(doc: DocInput, ctx: LoadContext) -> DocResult:
    result = DocResult()
    plan = plan_root(doc, result)
    read_outline(doc, result, plan)
    return result
