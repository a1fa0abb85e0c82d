"""The national S&T plan (國家科學技術發展計畫, 000): reader, profile and its 表4 table reader."""
