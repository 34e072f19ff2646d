"""Asks real MLflow how it searches the MLflow 2 file store fixture, and writes its answers to
tests/data/mlflow-search-answers.json (run by scripts/record-mlflow-search; tests/search_fixtures.rs
replays every case through labbook.rest).

Each case is a search with its filter and order_by; the answer is the names, in MLflow's order,
of what MLflow returned, or the start of the message MLflow refused the search with.
"""

import json
import os
import sys
import tempfile
import zipfile

import mlflow
from mlflow.entities import ViewType
from mlflow.tracking import MlflowClient

RUN_SEARCHES = [
    ("", []),
    ("metrics.rmse < 4 and tags.model = 'xgboost'", ["metrics.rmse ASC"]),
    ("metrics.rmse >= 3.2", ["metrics.rmse DESC"]),
    ("metrics.`validation-rmse` < 6.5", ["metrics.`validation-rmse` ASC"]),
    ("metrics.nan_metric != 0", []),
    ("metrics.nan_metric = 0", []),
    ("metrics.inf_metric > 1e300", []),
    ("params.max_depth = '30'", []),
    ("params.learning_rate LIKE '0.0%'", ["params.learning_rate DESC"]),
    ("params.alpha IS NOT NULL", ["params.alpha ASC"]),
    ("params.alpha IS NULL and tags.model IS NOT NULL", []),
    ("tags.model ILIKE 'RIDGE'", []),
    ("tags.model LIKE '%o%'", ["tags.model ASC", "attributes.run_name DESC"]),
    ("tags.model != 'xgboost'", ["attributes.run_name ASC"]),
    ("tags.`mlflow.parentRunId` LIKE '%'", ["attributes.run_name ASC"]),
    ("attributes.status = 'FAILED'", []),
    ("attributes.status != 'FINISHED'", ["attributes.status ASC"]),
    ("attributes.run_name LIKE 'fold-%'", ["attributes.run_name DESC"]),
    ("run_name = 'empty-run'", []),
    ("`Run name` ILIKE '%ALPHA%'", ["metrics.rmse ASC"]),
    ("attributes.start_time > 0", ["attributes.start_time ASC"]),
    ("attributes.end_time > 0", ["attributes.end_time DESC"]),
    ("created > 0 and metrics.r2 > 0", ["metrics.r2 DESC"]),
    ("attributes.user_id LIKE '%'", ["attributes.user_id ASC", "metrics.rmse ASC"]),
    ("datasets.name = 'green_tripdata_2021-01'", []),
    ("datasets.context = 'validation'", []),
    ("datasets.digest IN ('6aee5255', 'nope')", []),
    ("datasets.name NOT IN ('green_tripdata_2021-01')", []),
    ("", ["metrics.rmse ASC"]),
    ("", ["metrics.nan_metric DESC"]),
    ("", ["params.max_depth DESC", "tags.model ASC"]),
    ("", ["tags.developer DESC"]),
    # Refused.
    ("metrics.rmse < 4 or tags.model = 'xgboost'", []),
    ("metrics.rmse < 'four'", []),
    ("params.max_depth = 30", []),
    ("tags.model = xgboost", []),
    ("attributes.experiment_id = '1'", []),
    ("foo.bar = 'x'", []),
    ("attributes.status IN ('FAILED')", []),
    ("metrics.rmse IS NULL", []),
    ("", ["metrics.rmse SIDEWAYS"]),
    ("", ["nothing"]),
]

EXPERIMENT_SEARCHES = [
    ("", []),
    ("name LIKE '%experiment%'", ["name ASC"]),
    ("name ILIKE '%EXPERIMENT%'", ["name DESC"]),
    # (Not by experiment_id: labbook gives imported experiments its own ids, see the README.)
    ("name != 'Default'", ["last_update_time DESC"]),
    ("tags.team = 'forecasting'", []),
    ("tags.project LIKE '%'", []),
    ("creation_time > 0", ["creation_time ASC"]),
    ("attributes.name = 'Default'", []),
    ("metrics.x > 1", []),
]

MODEL_SEARCHES = [
    ("", []),
    ("name LIKE 'nyc%'", ["name DESC"]),
    ("name ILIKE '%REGRESSOR%'", []),
    ("tags.`task` = 'regression'", []),
    ("name = 'nope'", []),
    ("run_id = 'x'", []),
]

VERSION_SEARCHES = [
    ("", []),
    ("name = 'nyc-taxi-regressor'", []),
    ("name = 'nyc-taxi-regressor' and version_number > 1", []),
    ("version_number = 2", []),
    ("tags.validation_status = 'approved'", []),
    ("name LIKE 'nyc%'", ["version_number ASC"]),
    ("stage = 'Production'", []),
]


def answer(search):
    try:
        return {"names": search()}
    except Exception as error:  # MLflow's own refusal
        message = getattr(error, "message", None) or str(error)
        return {"error": message.split("\n")[0][:200]}


def main(fixture_zip, out):
    work = tempfile.mkdtemp()
    zipfile.ZipFile(fixture_zip).extractall(work)
    client = MlflowClient(tracking_uri="file://" + os.path.join(work, "mlruns"))
    experiments = client.search_experiments(view_type=ViewType.ALL)
    ids = [e.experiment_id for e in experiments]
    names = {e.experiment_id: e.name for e in experiments}
    cases = []
    for filter_string, order_by in RUN_SEARCHES:
        search = lambda: [
            r.info.run_name
            for r in client.search_runs(
                ids, filter_string, ViewType.ALL, max_results=1000, order_by=order_by
            )
        ]
        cases.append({"kind": "runs", "filter": filter_string, "order_by": order_by, **answer(search)})
    for filter_string, order_by in EXPERIMENT_SEARCHES:
        search = lambda: [
            e.name
            for e in client.search_experiments(
                view_type=ViewType.ALL, filter_string=filter_string, order_by=order_by
            )
        ]
        cases.append({"kind": "experiments", "filter": filter_string, "order_by": order_by, **answer(search)})
    for filter_string, order_by in MODEL_SEARCHES:
        search = lambda: [
            m.name for m in client.search_registered_models(filter_string=filter_string, order_by=order_by)
        ]
        cases.append({"kind": "registered-models", "filter": filter_string, "order_by": order_by, **answer(search)})
    for filter_string, order_by in VERSION_SEARCHES:
        search = lambda: [
            f"{v.name}/{v.version}"
            for v in client.search_model_versions(filter_string=filter_string, order_by=order_by)
        ]
        cases.append({"kind": "model-versions", "filter": filter_string, "order_by": order_by, **answer(search)})
    document = {
        "mlflow_version": mlflow.__version__,
        "fixture": "mlflow2-filestore/mlruns.zip",
        "store": "file store (MlflowClient over file://)",
        "experiments": sorted(names.values()),
        "cases": cases,
    }
    with open(out, "w") as f:
        json.dump(document, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
