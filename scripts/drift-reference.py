#!/usr/bin/env python3
"""Reference values for functions/core/monitoring/drift-statistics.ts, computed once with scipy.

Run: python3 scripts/drift-reference.py > test/fixtures/drift/reference.json
(Debian: apt-get install -y python3-scipy). CI never runs it: the JSON it printed is checked in.
The inputs are generated here with a fixed seed and stored in the JSON, so the TypeScript tests
compute on exactly the same numbers.
"""
import json

import numpy as np
import scipy
from scipy import stats

FLOOR = 1e-4
rng = np.random.default_rng(20261204)


def psi(expected, actual):
    e = np.maximum(FLOOR, np.asarray(expected, dtype=float))
    a = np.maximum(FLOOR, np.asarray(actual, dtype=float))
    return float(np.sum((a - e) * np.log(a / e)))


def histogram_cdf(edges, freqs):
    edges = np.asarray(edges, dtype=float)
    cumulative = np.concatenate([[0.0], np.cumsum(freqs)])
    total = cumulative[-1]

    def cdf(x):
        x = np.asarray(x, dtype=float)
        out = np.interp(x, edges, cumulative) / total
        return np.where(x < edges[0], 0.0, np.where(x >= edges[-1], 1.0, out))

    return cdf


def bin_shares(edges, values):
    bins = len(edges) - 1
    low, high = edges[0], edges[-1]
    width = (high - low) / bins
    idx = np.clip(np.floor((np.asarray(values) - low) / width), 0, bins - 1).astype(int)
    counts = np.bincount(idx, minlength=bins)
    return (counts / len(values)).tolist()


numeric = []
for name, train, served in [
    ('same distribution', rng.normal(5, 1, 2000), rng.normal(5, 1, 400)),
    ('shifted by one sd', rng.normal(5, 1, 2000), rng.normal(6, 1, 400)),
    ('wider', rng.normal(0, 1, 2000), rng.normal(0, 2, 400)),
    ('skewed, small sample', rng.exponential(2, 2000), rng.exponential(3, 60)),
]:
    edges = np.linspace(train.min(), train.max(), 11)
    edges[-1] = train.max()
    freqs = bin_shares(edges, train)
    served = np.round(served, 6)
    ks = stats.kstest(served, histogram_cdf(edges, freqs))
    numeric.append({
        'name': name,
        'edges': edges.tolist(),
        'frequencies': freqs,
        'served': served.tolist(),
        'servedShares': bin_shares(edges, served),
        'psi': psi(freqs, bin_shares(edges, served)),
        'ks': float(ks.statistic),
        'ksPValue': float(ks.pvalue),
    })

categorical = []
for name, shares, observed in [
    ('same shares', [0.5, 0.3, 0.2, 0.0], [98, 62, 40, 0]),
    ('shifted shares', [0.5, 0.3, 0.2, 0.0], [40, 60, 100, 0]),
    ('unseen categories', [0.6, 0.4, 0.0], [50, 30, 20]),
    ('two categories', [0.7, 0.3], [130, 70]),
]:
    n = sum(observed)
    floored = np.maximum(FLOOR, np.asarray(shares, dtype=float))
    expected = n * floored / floored.sum()
    test = stats.chisquare(observed, expected)
    categorical.append({
        'name': name,
        'shares': shares,
        'observed': observed,
        'psi': psi(shares, np.asarray(observed) / n),
        'chiSquared': float(test.statistic),
        'pValue': float(test.pvalue),
    })

gamma = [
    {'a': a, 'x': x, 'q': float(scipy.special.gammaincc(a, x))}
    for a, x in [(0.5, 0.1), (1.0, 1.0), (1.5, 4.0), (2.5, 0.3), (5.0, 12.0), (10.0, 3.0), (0.5, 40.0)]
]

# The two-sided one-sample KS p-value P(D_n >= d) (scipy's kstwo, what kstest reports), across the
# regions of its algorithm: small and large n, n*d^2 below and above 2.2, d near 1/n and past 0.5.
ks_p_values = [
    {'n': n, 'd': d, 'p': float(stats.kstwo.sf(d, n))}
    for n, d in [
        (50, 0.05), (50, 0.12), (50, 0.2), (50, 0.3), (50, 0.6), (60, 0.15),
        (140, 0.08), (141, 0.08), (141, 0.15), (400, 0.02), (400, 0.05), (400, 0.08), (400, 0.12),
        (1000, 0.03), (1000, 0.06), (10_000, 0.01), (10_000, 0.02), (100_000, 0.003), (100_000, 0.006),
        (100_000, 0.05), (400, 0.0015),
    ]
]

print(json.dumps({
    'generatedBy': 'scripts/drift-reference.py',
    'scipy': scipy.__version__,
    'numpy': np.__version__,
    'numeric': numeric,
    'categorical': categorical,
    'upperRegularizedGamma': gamma,
    'ksPValues': ks_p_values,
}, indent=1))
