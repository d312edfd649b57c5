"""scikit-learn's hold-out scores on the platform's own splits, for bench/training-quality.ts.

Reads bench-results/training-splits/<dataset>.json (written by `npm run bench:training-quality`: the
train/validation row indices the platform used), fits scikit-learn's linear models on the train rows
of data/public/<dataset>.csv and scores them on the validation rows:
  classification: Pipeline(StandardScaler, LogisticRegression(max_iter=5000)), C in {0.1, 1, 10}
  regression:     Pipeline(StandardScaler, LinearRegression()) and Pipeline(StandardScaler, Ridge(alpha)),
                  alpha in {0.1, 1, 10}
"default" is C=1 / Ridge(alpha=1) (scikit-learn's defaults); "bestOfGrid" is the grid entry with the best
validation score (the first on ties, grid in the platform's order), as the platform chooses its candidate.
Those use every feature column of the CSV, all scaled. "gridOnPlatformFeatures" fits the same grid on the
platform's own encoding, read from the split file (its dropped columns left out, its categorical columns
one-hot encoded with its categories plus an "unknown" column, unscaled; the rest scaled): it separates what
the solver does from what the feature step does.
Writes bench-results/sklearn-baselines.json. Run once with Debian's scikit-learn (CI runs no Python; the
JSON is checked in):
    apt-get install python3-sklearn python3-pandas && /usr/bin/python3 scripts/sklearn_baselines.py
"""
import json
import os
import platform
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SPLITS = os.path.join(ROOT, "bench-results", "training-splits")
OUT = os.path.join(ROOT, "bench-results", "sklearn-baselines.json")
DATASETS = ["iris", "wine", "breast_cancer", "diabetes", "digits"]
C_GRID = [0.1, 1.0, 10.0]
ALPHA_GRID = [0.0, 0.1, 1.0, 10.0]  # 0: LinearRegression


def load(split):
    frame = pd.read_csv(os.path.join(ROOT, split["csv"]), dtype={split["target"]: str}, keep_default_na=False)
    target = frame[split["target"]]
    # The platform's row indexing: data rows with a target value, in file order.
    frame = frame[target.str.strip() != ""].reset_index(drop=True)
    y = frame.pop(split["target"]).str.strip()
    x = frame.apply(pd.to_numeric, errors="raise").to_numpy(dtype=np.float64)
    if split["task"] == "regression":
        y = y.astype(np.float64).to_numpy()
    else:
        y = y.to_numpy()
    return x, y, list(frame.columns)


def platform_encoding(split):
    """The platform's feature matrix before scaling, and the scaler that scales only its numeric part."""
    frame = pd.read_csv(os.path.join(ROOT, split["csv"]), dtype=str, keep_default_na=False)
    frame = frame[frame[split["target"]].str.strip() != ""].reset_index(drop=True)
    features = split["platform"]
    blocks = [frame[features["numericColumns"]].apply(pd.to_numeric, errors="raise").to_numpy(np.float64)]
    for feature in features["categoricalColumns"]:
        cells = frame[feature["column"]].where(frame[feature["column"]] != "", feature["fill"]).to_numpy()
        known = np.stack([cells == c for c in feature["categories"]], axis=1)
        blocks.append(np.hstack([known, ~known.any(axis=1, keepdims=True)]).astype(np.float64))
    x = np.hstack(blocks)
    numeric = len(features["numericColumns"])
    if x.shape[1] != features["width"]:
        raise SystemExit(f"{split['dataset']}: rebuilt {x.shape[1]} columns, the platform has {features['width']}")
    scaler = ColumnTransformer([("numeric", StandardScaler(), list(range(numeric)))], remainder="passthrough")
    return x, scaler


def fit_score(model, split, x, y):
    train, validation = np.asarray(split["train"]), np.asarray(split["validation"])
    model.fit(x[train], y[train])
    predicted = model.predict(x[validation])
    if split["task"] == "regression":
        return float(r2_score(y[validation], predicted))
    return float(accuracy_score(y[validation], predicted))


def run_grid(split, x, y, scaler):
    grid = []
    if split["task"] == "classification":
        for c in C_GRID:
            model = make_pipeline(scaler(), LogisticRegression(C=c, max_iter=5000))
            score = fit_score(model, split, x, y)
            iterations = int(np.max(model[-1].n_iter_))
            grid.append({"model": f"LogisticRegression(C={c:g})", "params": {"C": c}, "score": score,
                         "iterations": iterations})
    else:
        for alpha in ALPHA_GRID:
            regressor = LinearRegression() if alpha == 0 else Ridge(alpha=alpha)
            model = make_pipeline(scaler(), regressor)
            score = fit_score(model, split, x, y)
            label = "LinearRegression()" if alpha == 0 else f"Ridge(alpha={alpha:g})"
            grid.append({"model": label, "params": {"alpha": alpha}, "score": score})
    return grid


def baseline(name):
    with open(os.path.join(SPLITS, f"{name}.json")) as f:
        split = json.load(f)
    if split["metric"] not in ("accuracy", "r2"):
        raise SystemExit(f"{name}: metric {split['metric']} is not scored here")
    x, y, columns = load(split)
    grid = run_grid(split, x, y, StandardScaler)
    # Gradient-boosted trees join the comparison (issue 5): scikit-learn's HistGradientBoosting with
    # its defaults, on the raw features (trees need no scaling).
    boosted = HistGradientBoostingClassifier(random_state=0) if split["task"] == "classification" \
        else HistGradientBoostingRegressor(random_state=0)
    grid.append({"model": type(boosted).__name__ + "()", "params": {}, "score": fit_score(boosted, split, x, y)})
    platform_x, platform_scaler = platform_encoding(split)
    on_platform_features = run_grid(split, platform_x, y, lambda: clone(platform_scaler))
    if split["task"] == "classification":
        default = next(g for g in grid if g["params"]["C"] == 1.0)
    else:
        default = next(g for g in grid if g["params"]["alpha"] == 1.0)
    best = grid[0]
    for entry in grid[1:]:
        if entry["score"] > best["score"]:
            best = entry
    print(f"{name:14s} {split['metric']:9s} default {default['model']:28s} {default['score']:.4f}"
          f"   best {best['model']:28s} {best['score']:.4f}")
    return {
        "splitSha256": split["splitSha256"],
        "task": split["task"],
        "metric": split["metric"],
        "trainRows": len(split["train"]),
        "validationRows": len(split["validation"]),
        "features": len(columns),
        "scaling": "StandardScaler on all feature columns of the CSV",
        "default": default,
        "bestOfGrid": best,
        "grid": grid,
        "gridOnPlatformFeatures": on_platform_features,
    }


def main():
    missing = [d for d in DATASETS if not os.path.exists(os.path.join(SPLITS, f"{d}.json"))]
    if missing:
        sys.exit(f"No split files for {', '.join(missing)}: run `npm run bench:training-quality` first.")
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
