"""Writes an MLflow 3 SQLite store with a logged model, through MLflow itself: a run, a
logged model of that run with params, tags, metrics and a file, and a registered version of
the model. Run by scripts/record-mlflow3-sqlite, in the folder that receives mlflow.db and
mlruns/ (tests/data/mlflow3-sqlite), which tests/sqlite.rs imports."""

import os

import mlflow
from mlflow import MlflowClient

mlflow.set_tracking_uri("sqlite:///mlflow.db")
client = MlflowClient()
experiment_id = client.create_experiment("mlflow3-sqlite-models", tags={"team": "cv"})
mlflow.set_experiment(experiment_id=experiment_id)
with mlflow.start_run(run_name="train") as run:
    mlflow.log_param("lr", "0.01")
    model = mlflow.initialize_logged_model(
        name="classifier",
        source_run_id=run.info.run_id,
        tags={"stage": "candidate"},
        params={"depth": "3"},
        model_type="sklearn",
    )
    os.makedirs("model_files", exist_ok=True)
    with open("model_files/MLmodel", "w") as f:
        f.write("flavors:\n  python_function: {}\n")
    client.log_model_artifacts(model.model_id, "model_files")
    mlflow.log_metric("accuracy", 0.91, step=1, model_id=model.model_id)
    mlflow.log_metric("accuracy", 0.93, step=2, model_id=model.model_id)
    client.finalize_logged_model(model.model_id, "READY")
mlflow.register_model(f"models:/{model.model_id}", "sqlite-classifier")
