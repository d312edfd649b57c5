"""Real XGBoost model files, and XGBoost's own predictions for them, for the TypeScript converter's tests.

Trains small models with XGBoost itself on generated data (some features with missing values), saves
each in every format XGBoost writes, and writes the rows and XGBoost's predictions beside them:

  test/fixtures/xgboost/<name>.xgb-json   save_model('<name>.json'): JSON (bytes as XGBoost wrote them)
  test/fixtures/xgboost/<name>.ubj        save_model('<name>.ubj'): UBJSON, XGBoost's binary JSON
  test/fixtures/xgboost/<name>.bin        save_model('<name>.bin'): the deprecated binary format, which
                                          SageMaker's built-in XGBoost 1.7-1 writes as `xgboost-model`
  test/fixtures/xgboost/<name>.expected.json
      rows (null = missing), and per row XGBoost's margin (predict(output_margin=True)) and its
      probabilities (classifiers) or values (regression); for a model trained with early stopping,
      the same for all trees (`all`) and for the best iteration (`best`)
  test/fixtures/xgboost/sagemaker-model.tar.gz
      binary-logistic.bin as `xgboost-model` in a model.tar.gz, the shape of a SageMaker artifact
  test/fixtures/xgboost/gblinear.xgb-json  a linear booster (the converter must refuse it)

The JSON models keep the `.xgb-json` extension so that Biome leaves them alone: its JSON formatter
rewrites `0E0` as `0`, which XGBoost then refuses ("Invalid cast, from Integer to Number").

Some evaluation rows put a feature exactly on a split threshold (XGBoost sends x < threshold left),
and some are missing (NaN), so the tests cover the comparison and the default directions.

Run with Debian's XGBoost 1.7 (CI runs no Python; the files are checked in):
    apt-get install python3-xgboost && /usr/bin/python3 scripts/make_xgboost_fixtures.py
then format the expected outputs the way the repository's formatter wants them:
    npx biome format --write test/fixtures/xgboost
`--check` instead reloads every checked-in model with XGBoost and compares its predictions with the
expected outputs (a guard that the files on disk are the ones XGBoost answered for).
"""
import json
import os
import sys
import tarfile

import numpy as np
import xgboost as xgb

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "xgboost")
SEED = 20261125
FEATURES = 6
TRAIN_ROWS = 400
EVAL_ROWS = 60


def make_features(rng, rows):
    x = rng.normal(size=(rows, FEATURES)).astype(np.float32)
    x[:, 2] = np.round(x[:, 2] * 2).astype(np.float32)  # few distinct values: ties at thresholds
    for column, share in ((0, 0.15), (3, 0.25)):
        x[rng.random(rows) < share, column] = np.nan
    return x


def targets(x, rng):
    z = np.nan_to_num(x, nan=0.0).astype(np.float64)
    noise = rng.normal(scale=0.3, size=len(x))
    binary = (z[:, 0] + 0.7 * z[:, 1] - 0.4 * z[:, 2] + 0.5 * np.isnan(x[:, 3]) + noise > 0).astype(int)
    scores = np.stack([z[:, 0] - z[:, 1], z[:, 1] + 0.5 * z[:, 4], 0.8 * z[:, 2] - z[:, 5]], axis=1)
    multiclass = np.argmax(scores + rng.normal(scale=0.3, size=scores.shape), axis=1)
    regression = 3 * z[:, 0] + z[:, 1] ** 2 - 2 * z[:, 4] + np.isnan(x[:, 3]) + noise
    return {"binary": binary, "multiclass": multiclass, "regression": regression}


def splits_of(booster):
    """(feature, threshold) of every branch of the first trees, from the model's own JSON."""
    model = json.loads(booster.save_raw(raw_format="json"))
    found = []
    for tree in model["learner"]["gradient_booster"]["model"]["trees"][:4]:
        for node, left in enumerate(tree["left_children"]):
            if left != -1:
                found.append((tree["split_indices"][node], tree["split_conditions"][node]))
    return found


def put_on_thresholds(x, booster):
    """Rows 0..k get one feature exactly on a split threshold of the model (float32)."""
    x = x.copy()
    for row, (feature, threshold) in enumerate(splits_of(booster)[:20]):
        x[row, feature] = np.float32(threshold)
    return x


def floats(values):
    return [None if np.isnan(v) else float(v) for v in np.asarray(values, dtype=np.float64).ravel()]


def rows_of(x):
    return [floats(row) for row in x]


def matrix(values, outputs):
    array = np.asarray(values, dtype=np.float64)
    return floats(array) if outputs == 1 else [floats(row) for row in array.reshape(-1, outputs)]


def predictions(booster, x, outputs, iteration_range=(0, 0)):
    d = xgb.DMatrix(x, missing=np.nan, feature_names=booster.feature_names)
    margin = booster.predict(d, output_margin=True, iteration_range=iteration_range)
    result = {"margin": matrix(margin, outputs)}
    objective = json.loads(booster.save_config())["learner"]["objective"]["name"]
    if objective == "multi:softmax":
        result["labels"] = [int(v) for v in booster.predict(d, iteration_range=iteration_range)]
        probe = booster.copy()
        probe.set_param({"objective": "multi:softprob"})
        result["probabilities"] = matrix(probe.predict(d, iteration_range=iteration_range), outputs)
    elif objective.startswith("reg:"):
        result["values"] = floats(booster.predict(d, iteration_range=iteration_range))
    else:
        result["probabilities"] = matrix(booster.predict(d, iteration_range=iteration_range), outputs)
    return result


def save_all(booster, name, suffixes=("xgb-json", "ubj", "bin")):
    paths = {}
    for suffix, saved_as in (("xgb-json", "json"), ("ubj", "ubj"), ("bin", "bin")):
        if suffix not in suffixes:
            continue
        temporary = os.path.join(OUT, f"{name}.{saved_as}")
        booster.save_model(temporary)
        final = os.path.join(OUT, f"{name}.{suffix}")
        if temporary != final:
            os.replace(temporary, final)
        paths[suffix] = final
    return paths


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as out:
        json.dump(value, out, indent=2)
        out.write("\n")


def build():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(SEED)
    x_train = make_features(rng, TRAIN_ROWS)
    y_train = targets(x_train, rng)
    x_valid = make_features(rng, 100)
    y_valid = targets(x_valid, rng)
    x_eval = make_features(rng, EVAL_ROWS)

    specs = [
        {
            "name": "binary-logistic",
            "target": "binary",
            "outputs": 1,
            # base_score 0.3 (not the default 0.5): the margin starts at logit(0.3), not at 0.
            "params": {"objective": "binary:logistic", "base_score": 0.3, "max_depth": 3, "eta": 0.3},
            "rounds": 60,
            "early_stopping_rounds": 5,
        },
        {
            "name": "multiclass-softprob",
            "target": "multiclass",
            "outputs": 3,
            "params": {"objective": "multi:softprob", "num_class": 3, "max_depth": 3, "eta": 0.3},
            "rounds": 10,
        },
        {
            "name": "multiclass-softmax-forest",
            "target": "multiclass",
            "outputs": 3,
            # Two trees per class and round: tree_info is not simply round-major.
            "params": {
                "objective": "multi:softmax",
                "num_class": 3,
                "max_depth": 2,
                "eta": 0.5,
                "num_parallel_tree": 2,
                "subsample": 0.8,
                "colsample_bynode": 0.8,
                "seed": 7,
            },
            "rounds": 4,
        },
        {
            "name": "regression",
            "target": "regression",
            "outputs": 1,
            # base_score left at XGBoost 1.7's default (0.5): the raw score starts there.
            "params": {"objective": "reg:squarederror", "max_depth": 4, "eta": 0.2},
            "rounds": 20,
        },
    ]
    for spec in specs:
        dtrain = xgb.DMatrix(x_train, label=y_train[spec["target"]], missing=np.nan)
        dvalid = xgb.DMatrix(x_valid, label=y_valid[spec["target"]], missing=np.nan)
        booster = xgb.train(
            {**spec["params"], "tree_method": "hist", "nthread": 1},
            dtrain,
            num_boost_round=spec["rounds"],
            evals=[(dvalid, "validation")],
            early_stopping_rounds=spec.get("early_stopping_rounds"),
            verbose_eval=False,
        )
        x = put_on_thresholds(x_eval, booster)
        paths = save_all(booster, spec["name"])
        expected = {
            "xgboostVersion": xgb.__version__,
            "objective": spec["params"]["objective"],
            "outputs": spec["outputs"],
            "rounds": booster.num_boosted_rounds(),
            "rows": rows_of(x),
            "all": predictions(booster, x, spec["outputs"]),
        }
        if spec.get("early_stopping_rounds"):
            expected["bestIteration"] = booster.best_iteration
            expected["best"] = predictions(
                booster, x, spec["outputs"], iteration_range=(0, booster.best_iteration + 1)
            )
        write_json(os.path.join(OUT, f"{spec['name']}.expected.json"), expected)
        print(spec["name"], {k: os.path.getsize(p) for k, p in paths.items()})

    # What a SageMaker training job of the built-in XGBoost 1.7-1 leaves in S3: model.tar.gz holding
    # `xgboost-model`, saved by Booster.save_model without an extension (the deprecated binary format).
    with tarfile.open(os.path.join(OUT, "sagemaker-model.tar.gz"), "w:gz") as archive:
        archive.add(os.path.join(OUT, "binary-logistic.bin"), arcname="xgboost-model")

    build_regression_near_200()

    linear = xgb.train(
        {"booster": "gblinear", "objective": "reg:squarederror"},
        xgb.DMatrix(np.nan_to_num(x_train), label=y_train["regression"]),
        num_boost_round=2,
    )
    linear.save_model(os.path.join(OUT, "gblinear.json"))
    os.replace(os.path.join(OUT, "gblinear.json"), os.path.join(OUT, "gblinear.xgb-json"))


def build_regression_near_200():
    """A regression model whose outputs lie around 200, trained with named features.

    XGBoost adds the leaf values to base_score one tree at a time in float32; at 200 a float32 step
    is 1.5e-5, so 400 rounds of small leaves round differently than one float64 sum does (by up to
    1.4e-6 relative on these rows). Its own random stream, so the other fixtures stay as they are.
    Saved as JSON (which keeps the feature names) and in the binary format (which does not).
    """
    rng = np.random.default_rng(SEED + 200)
    names = ["age", "income", "visits", "tenure", "score", "distance"]
    x_train = make_features(rng, TRAIN_ROWS)
    z = np.nan_to_num(x_train, nan=0.0).astype(np.float64)
    y_train = 200 + 30 * z[:, 0] + 10 * z[:, 1] ** 2 - 20 * z[:, 4] + rng.normal(scale=3, size=len(z))
    booster = xgb.train(
        {"objective": "reg:squarederror", "max_depth": 3, "eta": 0.05, "tree_method": "hist", "nthread": 1},
        xgb.DMatrix(x_train, label=y_train, missing=np.nan, feature_names=names),
        num_boost_round=400,
    )
    x = put_on_thresholds(make_features(rng, EVAL_ROWS), booster)
    name = "regression-200"
    paths = save_all(booster, name, suffixes=("xgb-json", "bin"))
    expected = {
        "xgboostVersion": xgb.__version__,
        "objective": "reg:squarederror",
        "outputs": 1,
        "rounds": booster.num_boosted_rounds(),
        "featureNames": names,
        "rows": rows_of(x),
        "all": predictions(booster, x, 1),
    }
    write_json(os.path.join(OUT, f"{name}.expected.json"), expected)
    print(name, {k: os.path.getsize(p) for k, p in paths.items()})


def check():
    """Reloads each checked-in model file with XGBoost and compares with the expected outputs."""
    worst = 0.0
    for file in sorted(os.listdir(OUT)):
        if not file.endswith(".expected.json"):
            continue
        name = file[: -len(".expected.json")]
        with open(os.path.join(OUT, file), encoding="utf-8") as handle:
            expected = json.load(handle)
        x = np.array([[np.nan if v is None else v for v in row] for row in expected["rows"]], dtype=np.float32)
        for suffix in ("xgb-json", "ubj", "bin"):
            if not os.path.exists(os.path.join(OUT, f"{name}.{suffix}")):
                continue
            booster = xgb.Booster()
            with open(os.path.join(OUT, f"{name}.{suffix}"), "rb") as handle:
                booster.load_model(bytearray(handle.read()))
            if "featureNames" in expected:
                booster.feature_names = expected["featureNames"]  # the binary format keeps none
            got = predictions(booster, x, expected["outputs"])
            for key in ("margin", "probabilities", "values"):
                if key in got:
                    a = np.array(got[key], dtype=np.float64)
                    b = np.array(expected["all"][key], dtype=np.float64)
                    worst = max(worst, float(np.abs(a - b).max()))
    print(f"largest difference between XGBoost and the expected outputs: {worst}")
    return worst < 1e-6


if __name__ == "__main__":
    if "--check" in sys.argv:
        sys.exit(0 if check() else 1)
    build()
    if not check():
        sys.exit(1)
