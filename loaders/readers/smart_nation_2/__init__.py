"""Slide decks laid out like 智慧國家2.0 推動規劃報告 (004): reader, profile and its slide/chart helpers."""
