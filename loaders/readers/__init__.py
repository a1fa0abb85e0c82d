"""Document readers and cross-document linkers; importing this package registers them."""

from loaders.readers import document_only as document_only
from loaders.readers import st_plan as st_plan

__all__ = ["document_only", "st_plan"]
