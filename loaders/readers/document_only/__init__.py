"""Documents with no structure to extract: a Document node only."""
