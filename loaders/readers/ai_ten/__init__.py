"""Cross-ministry programmes laid out like AI 新十大建設推動方案 (001): reader, profile and its measure tables."""
