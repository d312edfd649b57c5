"""Writes the classic public tabular datasets bundled with scikit-learn as CSV files in data/public/.

Run once with Debian's scikit-learn (no download: these datasets ship inside the package):
    apt-get install python3-sklearn python3-pandas && /usr/bin/python3 scripts/export_public_datasets.py
The CSVs are checked in; the platform's tests and benchmarks read them, and nothing fetches them at run time.
"""
import os

from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris, load_wine

OUT = os.path.join(os.path.dirname(__file__), "..", "data", "public")
os.makedirs(OUT, exist_ok=True)


def export(name, bunch, target, label_names):
    frame = bunch.frame.copy()
    frame.columns = [str(c).replace(" ", "_").replace("(", "").replace(")", "") for c in frame.columns]
    if label_names:  # class names instead of codes, as a user's CSV would have them
        frame[target] = [bunch.target_names[i] for i in bunch.target]
    frame.to_csv(os.path.join(OUT, f"{name}.csv"), index=False, float_format="%.6g")
    print(name, frame.shape)


export("iris", load_iris(as_frame=True), "target", label_names=True)
export("wine", load_wine(as_frame=True), "target", label_names=True)
export("breast_cancer", load_breast_cancer(as_frame=True), "target", label_names=True)
export("diabetes", load_diabetes(as_frame=True, scaled=False), "target", label_names=False)
# Digits keep their integer labels 0-9.
export("digits", load_digits(as_frame=True), "target", label_names=False)
