"""What every benchmark prints: requests per second, p50 and p95 latency, SQL statements per request."""

from __future__ import annotations

import statistics

HEADER = f"{'':<22}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'queries':>10}"


def report(label: str, timings: list[float], statements: list[int]) -> None:
    """One line of figures for requests timed in seconds ("a-b" queries when requests differ)."""
    p50 = statistics.median(timings) * 1000
    p95 = statistics.quantiles(timings, n=20, method="inclusive")[-1] * 1000
    low, high = min(statements), max(statements)
    per_request = str(low) if low == high else f"{low}-{high}"
    print(f"{label:<22}{len(timings) / sum(timings):>9.1f}{p50:>9.1f}{p95:>9.1f}{per_request:>10}")
