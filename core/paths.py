"""Where the bundled reference data lives (data/ at the repository root): one definition for every layer."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
AGENCIES_FILE = DATA_DIR / "agencies.yaml"
PLANS_FILE = DATA_DIR / "plans.yaml"
PROFILES_DIR = DATA_DIR / "profiles"
