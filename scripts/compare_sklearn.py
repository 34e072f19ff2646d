"""The course's features and models with scikit-learn and XGBoost, beside labbook's figures.

Reads the training and validation months as CSV and labbook's figures as JSON (see
scripts/compare-sklearn), fits each estimator with its library's defaults (XGBoost with 100
rounds), and prints a JSON object: per estimator, both sides' validation RMSE and fit time,
and labbook's RMSE as a share of the library's.
"""

import json
import sys
import time

import pandas as pd
import xgboost as xgb
from sklearn.ensemble import RandomForestRegressor
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge
from sklearn.metrics import root_mean_squared_error
from sklearn.tree import DecisionTreeRegressor


def features(frame):
    frame = frame.copy()
    frame["PU_DO"] = frame["PULocationID"].astype(int).astype(str) + "_" + frame["DOLocationID"].astype(int).astype(str)
    return frame[["PU_DO", "trip_distance"]].to_dict(orient="records")


def int32(matrix):
    """The matrix with 32-bit indices, which scikit-learn's coordinate descent insists on."""
    matrix = matrix.tocsr()
    matrix.indices = matrix.indices.astype("int32")
    matrix.indptr = matrix.indptr.astype("int32")
    return matrix


def main(train_csv, valid_csv, labbook_json):
    train, valid = pd.read_csv(train_csv), pd.read_csv(valid_csv)
    vectorizer = DictVectorizer()
    x_train = int32(vectorizer.fit_transform(features(train)))
    x_valid = int32(vectorizer.transform(features(valid)))
    y_train, y_valid = train["duration"].values, valid["duration"].values
    models = {
        "linear_regression": LinearRegression(),
        "ridge": Ridge(),
        "lasso": Lasso(),
        "elastic_net": ElasticNet(),
        "decision_tree": DecisionTreeRegressor(random_state=0),
        "random_forest": RandomForestRegressor(random_state=0),
    }
    theirs = {}
    for name, model in models.items():
        start = time.perf_counter()
        model.fit(x_train, y_train)
        ms = (time.perf_counter() - start) * 1000
        theirs[name] = (root_mean_squared_error(y_valid, model.predict(x_valid)), ms)
    params = {"max_depth": 6, "learning_rate": 0.3, "reg_alpha": 0, "reg_lambda": 1,
              "min_child_weight": 1, "objective": "reg:squarederror", "tree_method": "hist", "seed": 0}
    start = time.perf_counter()
    booster = xgb.train(params, xgb.DMatrix(x_train, label=y_train), num_boost_round=100)
    ms = (time.perf_counter() - start) * 1000
    theirs["gradient_boosting"] = (root_mean_squared_error(y_valid, booster.predict(xgb.DMatrix(x_valid))), ms)
    with open(labbook_json) as file:
        ours = json.load(file)
    table = {}
    for name, (rmse, ms) in theirs.items():
        mine = ours[name]
        table[name] = {
            "library_rmse": round(rmse, 4), "labbook_rmse": round(mine["validation_rmse"], 4),
            "labbook_over_library": round(mine["validation_rmse"] / rmse, 4),
            "library_fit_ms": round(ms), "labbook_fit_ms": mine["ms"],
        }
    print(json.dumps({"rows": len(train), "features": len(vectorizer.feature_names_), "estimators": table}, indent=2))


if __name__ == "__main__":
    main(*sys.argv[1:4])
