"""Developer scripts (corpus fetch, demo); a package so tests and benchmarks import them by name."""
