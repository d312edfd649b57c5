"""scikit-learn's default models on the platform's 75/25 splits, for bench/training-quality.ts.

Reads bench-results/quality-splits/<dataset>.json (written by `npm run bench:training-quality`, or
`node --openssl-legacy-provider bench/training-quality.ts --splits-only`: the train and test row
indices), fits on the train rows of data/public/<dataset>.csv and scores on the test rows:
  linear:   make_pipeline(StandardScaler(), LogisticRegression()) / make_pipeline(StandardScaler(), Ridge())
  boosting: HistGradientBoostingClassifier(random_state=0) / HistGradientBoostingRegressor(random_state=0)
All scikit-learn defaults (accuracy for classification, R² for regression, as the platform's defaults).
Writes bench-results/sklearn-baselines.json. Run once with Debian's scikit-learn (CI runs no Python; the
JSON is checked in):
    apt-get install python3-sklearn python3-pandas && /usr/bin/python3 scripts/sklearn_baselines.py
"""
import json
import os
import platform
import sys
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SPLITS = os.path.join(ROOT, "bench-results", "quality-splits")
OUT = os.path.join(ROOT, "bench-results", "sklearn-baselines.json")
DATASETS = ["iris", "wine", "breast_cancer", "diabetes", "digits"]


def load(split):
    frame = pd.read_csv(os.path.join(ROOT, split["csv"]), dtype={split["target"]: str}, keep_default_na=False)
    y = frame.pop(split["target"]).str.strip()
    x = frame.apply(pd.to_numeric, errors="raise").to_numpy(dtype=np.float64)
    return x, (y.astype(np.float64).to_numpy() if split["task"] == "regression" else y.to_numpy())


def fit_score(model, split, x, y):
    train, test = np.asarray(split["train"]), np.asarray(split["test"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(x[train], y[train])
    predicted = model.predict(x[test])
    score = r2_score(y[test], predicted) if split["task"] == "regression" else accuracy_score(y[test], predicted)
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return float(score), converged


def baseline(name):
    with open(os.path.join(SPLITS, f"{name}.json")) as f:
        split = json.load(f)
    x, y = load(split)
    classification = split["task"] == "classification"
    linear = make_pipeline(StandardScaler(), LogisticRegression() if classification else Ridge())
    boosting = HistGradientBoostingClassifier(random_state=0) if classification \
        else HistGradientBoostingRegressor(random_state=0)
    linear_score, linear_converged = fit_score(linear, split, x, y)
    boosting_score, _ = fit_score(boosting, split, x, y)
    linear_name = "StandardScaler + " + ("LogisticRegression()" if classification else "Ridge()")
    print(f"{name:14s} {split['metric']:9s} {linear_name:40s} {linear_score:.4f}   "
          f"{type(boosting).__name__}() {boosting_score:.4f}")
    return {
        "splitSha256": split["splitSha256"],
        "task": split["task"],
        "metric": split["metric"],
        "trainRows": len(split["train"]),
        "testRows": len(split["test"]),
        "features": int(x.shape[1]),
        "linear": {"model": linear_name, "score": linear_score, "converged": linear_converged},
        "boosting": {"model": type(boosting).__name__ + "(random_state=0)", "score": boosting_score},
    }


def main():
    missing = [d for d in DATASETS if not os.path.exists(os.path.join(SPLITS, f"{d}.json"))]
    if missing:
        sys.exit(f"No split files for {', '.join(missing)}: run "
                 "`node --openssl-legacy-provider bench/training-quality.ts --splits-only` first.")
    result = {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "python": platform.python_version(),
        "made by": "scripts/sklearn_baselines.py",
        "datasets": {name: baseline(name) for name in DATASETS},
    }
    with open(OUT, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(f"Wrote {OUT}")


if __name__ == "__main__":
    main()
