"""Benchmarks: a deterministic news corpus and brief measured against Hugo and Pelican."""
