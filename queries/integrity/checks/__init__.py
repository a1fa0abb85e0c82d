"""The checks. Importing this package registers every check in the catalogue, in this order."""

from queries.integrity.checks import counts, provenance, responsibility, schedules, structure

__all__ = ["counts", "provenance", "responsibility", "schedules", "structure"]
