"""Synthetic backlogs of any size, for benchmarks and tests (seeded, so always the same)."""

from __future__ import annotations

import numpy as np
import pandas as pd

THEMES = ("Activation", "Retention", "Expansion", "Enterprise readiness", "Platform health")
FIB = (1, 2, 3, 5, 8, 13, 20)


def synthetic_backlog(n: int, seed: int = 7) -> pd.DataFrame:
    """A made-up backlog of ``n`` items with every column the frameworks need."""
    rng = np.random.default_rng(seed)
    ids = [f"S{i:05d}" for i in range(1, n + 1)]
    return pd.DataFrame({
        "id": ids,
        "title": [f"Synthetic item {i}" for i in range(1, n + 1)],
        "theme": rng.choice(THEMES, n),
        "kind": rng.choice(["feature", "tech-debt", "table-stakes", "strategic-bet", "experiment"], n),
        "reach": rng.integers(10, 40_000, n).astype(float),
        "impact": rng.choice([0.25, 0.5, 1.0, 2.0, 3.0], n),
        "confidence": rng.choice([0.5, 0.8, 1.0], n),
        "effort": rng.choice([0.5, 1, 2, 3, 5, 8, 13], n).astype(float),
        "ice_impact": rng.integers(1, 11, n),
        "ice_confidence": rng.integers(1, 11, n),
        "ice_ease": rng.integers(1, 11, n),
        "business_value": rng.choice(FIB, n),
        "time_criticality": rng.choice(FIB, n),
        "risk_reduction": rng.choice(FIB, n),
        "job_size": rng.choice(FIB, n),
        "crit_customer": rng.integers(1, 6, n),
        "crit_revenue": rng.integers(1, 6, n),
        "crit_strategy": rng.integers(1, 6, n),
        "crit_risk": rng.integers(1, 6, n),
    })
