"""Measurements of concernshare's speed: run ``python -m benchmarks`` from the repository root.

Nothing here is a test: nothing runs under pytest, and nothing fails because of a time.
See README.md in this folder.
"""
