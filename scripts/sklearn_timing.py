"""Times scikit-learn's LogisticRegression on the matrix bench/training.ts generated, for the comparison.

Called by bench/training.ts (never by CI: it skips the column when /usr/bin/python3 has no scikit-learn):
    /usr/bin/python3 scripts/sklearn_timing.py <dir> <repeats>
<dir> holds meta.json ({"rows", "cols", "validationRows"}) and little-endian float64 files x_train, y_train,
x_validation, y_validation: the standardised features the platform's trainer fits (the bench standardises
them as the feature step does), so both sides fit the same problem. Fits LogisticRegression() with its
defaults (lbfgs, C=1, tol=1e-4, max_iter=100) `repeats` times and prints one JSON line: fit times (s), the
iterations, the validation accuracy, the versions and the BLAS/OpenMP thread pools in use.
"""
import json
import os
import platform
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression


def read(directory, name, shape):
    return np.fromfile(os.path.join(directory, name), dtype="<f8").reshape(shape)


def main():
    directory, repeats = sys.argv[1], int(sys.argv[2])
    with open(os.path.join(directory, "meta.json")) as f:
        meta = json.load(f)
    rows, cols, validation_rows = meta["rows"], meta["cols"], meta["validationRows"]
    x_train = read(directory, "x_train", (rows, cols))
    y_train = read(directory, "y_train", (rows,)).astype(np.int64)
    x_validation = read(directory, "x_validation", (validation_rows, cols))
    y_validation = read(directory, "y_validation", (validation_rows,)).astype(np.int64)

    times = []
    model = None
    warned = False
    for _ in range(repeats):
        model = LogisticRegression()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            started = time.perf_counter()
            model.fit(x_train, y_train)
            times.append(time.perf_counter() - started)
        warned = warned or any(issubclass(w.category, ConvergenceWarning) for w in caught)
    accuracy = float(np.mean(model.predict(x_validation) == y_validation))

    try:
        from threadpoolctl import threadpool_info

        pools = [
            {"api": p.get("internal_api"), "library": os.path.basename(p.get("filepath", "")),
             "threads": p.get("num_threads")}
            for p in threadpool_info()
        ]
    except ImportError:
        pools = []
    print(json.dumps({
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "model": "LogisticRegression() (lbfgs, C=1, tol=1e-4, max_iter=100)",
        "rows": rows,
        "cols": cols,
        "fitSeconds": times,
        "medianSeconds": float(np.median(times)),
        "iterations": int(np.max(model.n_iter_)),
        "convergenceWarning": warned,
        "validationAccuracy": accuracy,
        "threadPools": pools,
    }))


if __name__ == "__main__":
    main()
