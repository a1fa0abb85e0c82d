"""Monitoring hooks: scheduled integrity checks and /metrics (placeholder until they land)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter

from app.service import GraphService


def router(svc: GraphService) -> APIRouter:
    return APIRouter()


def start(svc: GraphService) -> Callable[[], None]:
    """Start background jobs for the app's lifetime; returns the function that stops them."""
    return lambda: None
