"""Reads a labbook "MLflow file store" export with the real MLflow client and prints what it
finds, failing loudly if MLflow cannot read any part of it.

Usage (from scripts/check-with-mlflow): python check_mlflow_export.py EXTRACTED_FOLDER
The folder is where the export zip was unpacked (it holds mlruns/).
"""

import os
import sys

os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
os.chdir(sys.argv[1])

from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import ViewType  # noqa: E402

client = MlflowClient(tracking_uri="file:./mlruns", registry_uri="file:./mlruns")
experiments = client.search_experiments(view_type=ViewType.ALL)
print("experiments:", sorted((e.experiment_id, e.name, e.lifecycle_stage) for e in experiments))
runs = client.search_runs(
    [e.experiment_id for e in experiments], run_view_type=ViewType.ALL, max_results=50000
)
print("runs:", len(runs))
points = 0
files = 0
for run in runs:
    for key in run.data.metrics:
        points += len(client.get_metric_history(run.info.run_id, key))
    files += len(client.list_artifacts(run.info.run_id))
    run.inputs.dataset_inputs  # noqa: B018 - reading them is the check
print("metric points:", points, "top-level artifact entries:", files)
models = client.search_registered_models()
print("registered models:", [(m.name, dict(m.aliases)) for m in models])
print("model versions:", sorted((v.name, v.version, v.current_stage) for v in client.search_model_versions()))
logged = client.search_logged_models(experiment_ids=[e.experiment_id for e in experiments])
print("logged models:", len(logged))
