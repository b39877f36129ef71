"""Benchmarks (``make bench-*``): numbers are ratios measured side by side in one run."""
