"""Reader for the national S&T plan (000): the 肆 outline, responsibility from 表4."""

from __future__ import annotations

from loaders.context import DocInput, DocResult
from loaders.pipeline import LoadContext, readers
from loaders.readers.outline_plan import plan_root, read_outline


@readers.register("st_plan")
def read_st_plan(doc: DocInput, ctx: LoadContext) -> DocResult:
    result = DocResult()
    plan = plan_root(doc, result)
    read_outline(doc, result, plan)
    return result
