"""Developer tools: synthetic corpora and broken inputs for the scale and robustness runs."""
