"""Results reports laid out like 智慧國家方案 整體推動成果 (003): reader and profile."""
