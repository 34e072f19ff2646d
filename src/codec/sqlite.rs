//! MLflow's SQLite store (`mlflow.db`), as MLflow 2.x and 3.x write it.
//!
//! The database is read from its bytes, read-only, table by table, using only the columns
//! each table has (schemas differ between MLflow versions; `alembic_version` names the
//! revision). NaN metrics are rows with `is_nan = 1`. Tags, params and latest metrics keep
//! MLflow's insertion order (SQLite row order). Metric histories are read in slices of
//! [`METRIC_SLICE`] rows so the caller can pause between them.
//!
//! Artifacts are not in the database: [`SqliteStore::attach_artifacts`] takes them from an
//! `mlruns` or `mlartifacts` tree given with it, where each run's files sit under
//! `<run id>/artifacts/`.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OpenFlags, MAIN_DB};

use super::archive::SourceFile;
use crate::domain::{
    run_name_or_tag, ArtifactBytes, Dataset, DatasetInput, DomainError, Experiment, LifecycleStage,
    LoggedModel, LoggedModelSnapshot, LoggedModelStatus, Metric, ModelVersion, ModelVersionStatus,
    Param, RegisteredModel, Run, RunData, RunInfo, RunSnapshot, RunStatus, Snapshot, Stage, Tag,
};

/// Metric rows read in one slice.
pub const METRIC_SLICE: usize = 50_000;

/// Tables labbook reads; others that hold rows are reported.
const READ_TABLES: [&str; 21] = [
    "experiments",
    "experiment_tags",
    "runs",
    "tags",
    "params",
    "metrics",
    "latest_metrics",
    "datasets",
    "inputs",
    "input_tags",
    "alembic_version",
    "sqlite_sequence",
    "registered_models",
    "registered_model_tags",
    "registered_model_aliases",
    "model_versions",
    "model_version_tags",
    "logged_models",
    "logged_model_params",
    "logged_model_tags",
    "logged_model_metrics",
];

/// Whether these bytes are an SQLite database file.
pub fn detect(bytes: &[u8]) -> bool {
    bytes.starts_with(b"SQLite format 3\0")
}

/// An MLflow SQLite database being read.
pub struct SqliteStore {
    name: String,
    connection: Connection,
    snapshot: Snapshot,
    /// Runs by id, as positions in `snapshot.runs`.
    run_index: HashMap<String, usize>,
    /// MLflow 3 logged models by id, as positions in `snapshot.logged_models`.
    model_index: HashMap<String, usize>,
    metric_rows: usize,
    metrics_read: usize,
    last_rowid: i64,
}

fn sql_error(name: &str, e: rusqlite::Error) -> DomainError {
    DomainError::invalid(format!("{name}: {e}"))
}

impl SqliteStore {
    /// Opens the database and reads everything but metric histories.
    pub fn open(name: &str, mut bytes: Vec<u8>) -> Result<SqliteStore, DomainError> {
        if !detect(&bytes) {
            return Err(DomainError::invalid(format!(
                "{name} is not an SQLite database"
            )));
        }
        // A database in WAL mode opens only as a rollback-journal one (header bytes 18, 19).
        let was_wal = bytes.get(18..20) == Some(&[2, 2]);
        if was_wal {
            bytes[18] = 1;
            bytes[19] = 1;
        }
        let mut connection = Connection::open_in_memory_with_flags(
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )
        .map_err(|e| sql_error(name, e))?;
        let size = bytes.len();
        connection
            .deserialize_read_exact(MAIN_DB, &bytes[..], size, true)
            .map_err(|e| sql_error(name, e))?;
        let mut store = SqliteStore {
            name: name.to_owned(),
            connection,
            snapshot: Snapshot::default(),
            run_index: HashMap::new(),
            model_index: HashMap::new(),
            metric_rows: 0,
            metrics_read: 0,
            last_rowid: 0,
        };
        if was_wal {
            store.snapshot.warnings.push(format!(
                "{name} was in WAL mode: changes still in its -wal file (not given) are not included"
            ));
        }
        store.check_is_mlflow()?;
        store.read_experiments()?;
        store.read_runs()?;
        store.read_registry()?;
        store.read_logged_models()?;
        store.metric_rows = store.count("metrics")?;
        Ok(store)
    }

    fn tables(&self) -> Result<Vec<String>, DomainError> {
        let names = self.query(
            "SELECT name FROM sqlite_master WHERE type = 'table'",
            |row| row.get::<_, String>(0),
        )?;
        Ok(names)
    }

    /// The rows `sql` selects, each made by `row`.
    fn query<T>(
        &self,
        sql: &str,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, DomainError> {
        let mut statement = self.connection.prepare(sql).map_err(|e| self.damaged(e))?;
        let rows = statement
            .query_map([], row)
            .map_err(|e| self.damaged(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.damaged(e));
        rows
    }

    fn damaged(&self, e: rusqlite::Error) -> DomainError {
        DomainError::invalid(format!(
            "{} could not be read as an SQLite database ({e}); it may be damaged or truncated",
            self.name
        ))
    }

    fn columns(&self, table: &str) -> Result<HashSet<String>, DomainError> {
        let mut statement = self
            .connection
            .prepare(&format!("PRAGMA table_info(\"{table}\")"))
            .map_err(|e| self.damaged(e))?;
        let names = statement
            .query_map([], |row| row.get::<_, String>(1))
            .map_err(|e| self.damaged(e))?
            .collect::<Result<HashSet<_>, _>>()
            .map_err(|e| self.damaged(e))?;
        Ok(names)
    }

    fn count(&self, table: &str) -> Result<usize, DomainError> {
        self.connection
            .query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |row| {
                row.get::<_, i64>(0)
            })
            .map(|n| n as usize)
            .map_err(|e| self.damaged(e))
    }

    fn check_is_mlflow(&mut self) -> Result<(), DomainError> {
        let tables = self.tables()?;
        for required in ["experiments", "runs"] {
            if !tables.iter().any(|t| t == required) {
                return Err(DomainError::invalid(format!(
                    "{} is an SQLite database but not MLflow's: it has no '{required}' table",
                    self.name
                )));
            }
        }
        for table in tables.iter().filter(|t| !READ_TABLES.contains(&t.as_str())) {
            // MLflow 3.17+ always has its default workspace; only others are worth a word.
            let rows = if table == "workspaces" {
                self.connection
                    .query_row(
                        "SELECT count(*) FROM workspaces WHERE name != 'default'",
                        [],
                        |row| row.get::<_, i64>(0),
                    )
                    .map(|n| n as usize)
                    .map_err(|e| self.damaged(e))?
            } else {
                self.count(table)?
            };
            if rows > 0 {
                self.snapshot.warnings.push(format!(
                    "{}: table '{table}' ({rows} rows) is not imported by this version of labbook",
                    self.name
                ));
            }
        }
        Ok(())
    }

    /// `column` if the table has it, else `NULL`, for a SELECT list.
    fn optional(columns: &HashSet<String>, column: &str) -> String {
        if columns.contains(column) {
            format!("\"{column}\"")
        } else {
            "NULL".to_owned()
        }
    }

    fn key_values(&self, sql: &str) -> Result<Vec<(String, String, String)>, DomainError> {
        let rows = self.query(sql, |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Option<String>>(2)?.unwrap_or_default(),
            ))
        })?;
        Ok(rows)
    }

    fn read_experiments(&mut self) -> Result<(), DomainError> {
        let columns = self.columns("experiments")?;
        let sql = format!(
            "SELECT CAST(experiment_id AS TEXT), name, {}, {}, {}, {} FROM experiments ORDER BY experiment_id",
            Self::optional(&columns, "artifact_location"),
            Self::optional(&columns, "lifecycle_stage"),
            Self::optional(&columns, "creation_time"),
            Self::optional(&columns, "last_update_time"),
        );
        let rows = self.query(&sql, |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Option<String>>(2)?,
                row.get::<_, Option<String>>(3)?,
                row.get::<_, Option<i64>>(4)?,
                row.get::<_, Option<i64>>(5)?,
            ))
        })?;
        let tags = if self.tables()?.iter().any(|t| t == "experiment_tags") {
            self.key_values(
                "SELECT CAST(experiment_id AS TEXT), \"key\", value FROM experiment_tags ORDER BY rowid",
            )?
        } else {
            Vec::new()
        };
        for (id, name, location, stage, created, updated) in rows {
            let lifecycle_stage = stage
                .as_deref()
                .unwrap_or("active")
                .parse::<LifecycleStage>()
                .map_err(|e| {
                    DomainError::invalid(format!("{}: experiment {id}: {e}", self.name))
                })?;
            self.snapshot.experiments.push(Experiment {
                tags: tags
                    .iter()
                    .filter(|(owner, _, _)| *owner == id)
                    .map(|(_, k, v)| Tag::new(k.clone(), v.clone()))
                    .collect(),
                experiment_id: id,
                name,
                artifact_location: location.unwrap_or_default(),
                lifecycle_stage,
                creation_time: created,
                last_update_time: updated,
            });
        }
        Ok(())
    }

    fn read_runs(&mut self) -> Result<(), DomainError> {
        let columns = self.columns("runs")?;
        let sql = format!(
            "SELECT run_uuid, CAST(experiment_id AS TEXT), {}, {}, {}, {}, {}, {}, {} FROM runs ORDER BY rowid",
            Self::optional(&columns, "name"),
            Self::optional(&columns, "user_id"),
            Self::optional(&columns, "status"),
            Self::optional(&columns, "start_time"),
            Self::optional(&columns, "end_time"),
            Self::optional(&columns, "artifact_uri"),
            Self::optional(&columns, "lifecycle_stage"),
        );
        type Row = (
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<i64>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = self.query(&sql, |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
                row.get(6)?,
                row.get(7)?,
                row.get(8)?,
            ))
        })?;
        let tables = self.tables()?;
        let has = |t: &str| tables.iter().any(|name| name == t);
        let mut params: HashMap<String, Vec<Param>> = HashMap::new();
        if has("params") {
            for (run, key, value) in
                self.key_values("SELECT run_uuid, \"key\", value FROM params ORDER BY rowid")?
            {
                params.entry(run).or_default().push(Param::new(key, value));
            }
        }
        let mut tags: HashMap<String, Vec<Tag>> = HashMap::new();
        if has("tags") {
            for (run, key, value) in
                self.key_values("SELECT run_uuid, \"key\", value FROM tags ORDER BY rowid")?
            {
                tags.entry(run).or_default().push(Tag::new(key, value));
            }
        }
        let latest = if has("latest_metrics") {
            self.read_metric_rows("SELECT run_uuid, \"key\", value, timestamp, step, is_nan, rowid FROM latest_metrics ORDER BY rowid")?
        } else {
            Vec::new()
        };
        let mut latest_by_run: HashMap<String, Vec<Metric>> = HashMap::new();
        for (run, metric, _) in latest {
            latest_by_run.entry(run).or_default().push(metric);
        }
        let inputs = if has("inputs") && has("datasets") {
            self.read_inputs()?
        } else {
            HashMap::new()
        };
        for (id, experiment, name, user, status, start, end, uri, stage) in rows {
            let place = |e: String| DomainError::invalid(format!("{}: run {id}: {e}", self.name));
            let status = status
                .as_deref()
                .unwrap_or("FINISHED")
                .parse::<RunStatus>()
                .map_err(place)?;
            let lifecycle_stage = stage
                .as_deref()
                .unwrap_or("active")
                .parse::<LifecycleStage>()
                .map_err(place)?;
            let run_tags = tags.remove(&id).unwrap_or_default();
            let run_name = run_name_or_tag(name, &run_tags);
            self.run_index.insert(id.clone(), self.snapshot.runs.len());
            self.snapshot.runs.push(RunSnapshot {
                run: Run {
                    info: RunInfo {
                        run_id: id.clone(),
                        experiment_id: experiment,
                        run_name,
                        user_id: user.unwrap_or_default(),
                        status,
                        start_time: start,
                        end_time: end,
                        artifact_uri: uri.unwrap_or_default(),
                        lifecycle_stage,
                    },
                    data: RunData {
                        metrics: latest_by_run.remove(&id).unwrap_or_default(),
                        params: params.remove(&id).unwrap_or_default(),
                        tags: run_tags,
                    },
                    inputs: inputs.get(&id).cloned().unwrap_or_default(),
                },
                history: Vec::new(),
                artifacts: Vec::new(),
            });
        }
        Ok(())
    }

    fn read_registry(&mut self) -> Result<(), DomainError> {
        let tables = self.tables()?;
        let has = |t: &str| tables.iter().any(|name| name == t);
        if !has("registered_models") {
            return Ok(());
        }
        let model_tags = if has("registered_model_tags") {
            self.key_values(
                "SELECT name, \"key\", value FROM registered_model_tags ORDER BY rowid",
            )?
        } else {
            Vec::new()
        };
        let aliases = if has("registered_model_aliases") {
            self.key_values(
                "SELECT name, alias, CAST(version AS TEXT) FROM registered_model_aliases ORDER BY rowid",
            )?
        } else {
            Vec::new()
        };
        let models = self.query("SELECT name, creation_time, last_updated_time, description FROM registered_models ORDER BY name", |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, Option<i64>>(1)?,
                    row.get::<_, Option<i64>>(2)?,
                    row.get::<_, Option<String>>(3)?,
                ))
            })?;
        for (name, created, updated, description) in models {
            self.snapshot.registered_models.push(RegisteredModel {
                tags: model_tags
                    .iter()
                    .filter(|(owner, _, _)| *owner == name)
                    .map(|(_, k, v)| Tag::new(k.clone(), v.clone()))
                    .collect(),
                aliases: aliases
                    .iter()
                    .filter(|(owner, _, _)| *owner == name)
                    .filter_map(|(_, alias, version)| Some((alias.clone(), version.parse().ok()?)))
                    .collect(),
                name,
                creation_timestamp: created.unwrap_or(0),
                last_updated_timestamp: updated.unwrap_or(0),
                description: description.unwrap_or_default(),
                last_version: 0,
            });
        }
        if !has("model_versions") {
            return Ok(());
        }
        let columns = self.columns("model_versions")?;
        let sql = format!(
            "SELECT name, version, creation_time, last_updated_time, {}, {}, {}, {}, {}, {}, {}, {}, {} FROM model_versions ORDER BY name, version",
            Self::optional(&columns, "description"),
            Self::optional(&columns, "user_id"),
            Self::optional(&columns, "current_stage"),
            Self::optional(&columns, "source"),
            Self::optional(&columns, "run_id"),
            Self::optional(&columns, "status"),
            Self::optional(&columns, "status_message"),
            Self::optional(&columns, "run_link"),
            Self::optional(&columns, "model_id"),
        );
        let version_tags: Vec<(String, i64, String, String)> = if has("model_version_tags") {
            self.query(
                "SELECT name, version, \"key\", value FROM model_version_tags ORDER BY rowid",
                |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    ))
                },
            )?
        } else {
            Vec::new()
        };
        let rows = self.query(&sql, |row| {
            let text = |i: usize| {
                row.get::<_, Option<String>>(i)
                    .map(Option::unwrap_or_default)
            };
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, Option<i64>>(2)?,
                row.get::<_, Option<i64>>(3)?,
                [
                    text(4)?,
                    text(5)?,
                    text(6)?,
                    text(7)?,
                    text(9)?,
                    text(10)?,
                    text(11)?,
                ],
                row.get::<_, Option<String>>(8)?,
                row.get::<_, Option<String>>(12)?,
            ))
        })?;
        for (name, version, created, updated, texts, run_id, model_id) in rows {
            let [description, user_id, stage, source, status, status_message, run_link] = texts;
            let place = |e: String| {
                DomainError::invalid(format!(
                    "{}: model version {name} {version}: {e}",
                    self.name
                ))
            };
            let status_text = if status.is_empty() {
                "READY".to_owned()
            } else {
                status
            };
            self.snapshot.model_versions.push(ModelVersion {
                current_stage: if stage.is_empty() { "None" } else { &stage }
                    .parse::<Stage>()
                    .map_err(place)?,
                status: ModelVersionStatus::parse(&status_text)
                    .ok_or_else(|| place(format!("unknown status '{status_text}'")))?,
                tags: version_tags
                    .iter()
                    .filter(|(owner, number, _, _)| *owner == name && *number == version)
                    .map(|(_, _, k, v)| Tag::new(k.clone(), v.clone()))
                    .collect(),
                name,
                version: version as u64,
                creation_timestamp: created.unwrap_or(0),
                last_updated_timestamp: updated.unwrap_or(0),
                description,
                user_id,
                source,
                run_id: run_id.filter(|r| !r.is_empty()),
                run_link,
                status_message,
                model_id: model_id.filter(|m| !m.is_empty()),
                stage_history: Vec::new(),
            });
        }
        Ok(())
    }

    /// MLflow 3's logged models (`logged_models` and its params, tags and metrics tables);
    /// deleted ones are left out, as MLflow's searches leave them out.
    fn read_logged_models(&mut self) -> Result<(), DomainError> {
        let tables = self.tables()?;
        let has = |t: &str| tables.iter().any(|name| name == t);
        if !has("logged_models") {
            return Ok(());
        }
        let columns = self.columns("logged_models")?;
        let sql = format!(
            "SELECT model_id, CAST(experiment_id AS TEXT), name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms, status, {}, {}, {} FROM logged_models ORDER BY creation_timestamp_ms, model_id",
            Self::optional(&columns, "lifecycle_stage"),
            Self::optional(&columns, "model_type"),
            Self::optional(&columns, "source_run_id"),
        );
        type Row = (
            String,
            String,
            String,
            Option<String>,
            i64,
            i64,
            i64,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = self.query(&sql, |row| Row::try_from(row))?;
        let pairs = |table: &str, key: &str, value: &str| {
            if has(table) {
                self.key_values(&format!(
                    "SELECT model_id, \"{key}\", \"{value}\" FROM \"{table}\" ORDER BY rowid"
                ))
            } else {
                Ok(Vec::new())
            }
        };
        let params = pairs("logged_model_params", "param_key", "param_value")?;
        let tags = pairs("logged_model_tags", "tag_key", "tag_value")?;
        let metrics = if has("logged_model_metrics") {
            self.query(
                "SELECT model_id, metric_name, metric_value, metric_timestamp_ms, metric_step FROM logged_model_metrics ORDER BY rowid",
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        Metric {
                            key: row.get(1)?,
                            // MLflow stores a NaN value as NULL here.
                            value: row.get::<_, Option<f64>>(2)?.unwrap_or(f64::NAN),
                            timestamp: row.get(3)?,
                            step: row.get(4)?,
                        },
                    ))
                },
            )?
        } else {
            Vec::new()
        };
        let mut deleted = 0;
        for (id, experiment_id, name, location, created, updated, status, stage, kind, run) in rows
        {
            if stage.as_deref() == Some("deleted") {
                deleted += 1;
                continue;
            }
            let status = LoggedModelStatus::from_code(status).ok_or_else(|| {
                DomainError::invalid(format!(
                    "{}: logged model {id}: unknown status {status}",
                    self.name
                ))
            })?;
            let owned = |list: &[(String, String, String)]| {
                list.iter()
                    .filter(|(owner, _, _)| *owner == id)
                    .map(|(_, k, v)| (k.clone(), v.clone()))
                    .collect::<Vec<_>>()
            };
            let model = LoggedModel {
                params: owned(&params)
                    .into_iter()
                    .map(|(k, v)| Param::new(k, v))
                    .collect(),
                tags: owned(&tags)
                    .into_iter()
                    .map(|(k, v)| Tag::new(k, v))
                    .collect(),
                metrics: metrics
                    .iter()
                    .filter(|(owner, _)| *owner == id)
                    .map(|(_, m)| m.clone())
                    .collect(),
                model_id: id.clone(),
                experiment_id,
                name,
                artifact_location: location.unwrap_or_default(),
                creation_timestamp: created,
                last_updated_timestamp: updated,
                status,
                model_type: kind,
                source_run_id: run,
            };
            self.model_index
                .insert(id, self.snapshot.logged_models.len());
            self.snapshot.logged_models.push(LoggedModelSnapshot {
                model,
                artifacts: Vec::new(),
            });
        }
        if deleted > 0 {
            self.snapshot.warnings.push(format!(
                "{}: {deleted} deleted logged models were left out",
                self.name
            ));
        }
        Ok(())
    }

    fn read_inputs(&self) -> Result<HashMap<String, Vec<DatasetInput>>, DomainError> {
        let rows = self.query("SELECT i.input_uuid, i.destination_id, d.name, d.digest, d.dataset_source_type, d.dataset_source, d.dataset_schema, d.dataset_profile \
                 FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id \
                 WHERE i.source_type = 'DATASET' AND i.destination_type = 'RUN' ORDER BY i.rowid", |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    Dataset {
                        name: row.get(2)?,
                        digest: row.get(3)?,
                        source_type: row.get(4)?,
                        source: row.get(5)?,
                        schema: row.get(6)?,
                        profile: row.get(7)?,
                    },
                ))
            })?;
        let input_tags = if self.tables()?.iter().any(|t| t == "input_tags") {
            self.key_values("SELECT input_uuid, name, value FROM input_tags ORDER BY rowid")?
        } else {
            Vec::new()
        };
        let mut by_run: HashMap<String, Vec<DatasetInput>> = HashMap::new();
        for (input, run, dataset) in rows {
            by_run.entry(run).or_default().push(DatasetInput {
                tags: input_tags
                    .iter()
                    .filter(|(owner, _, _)| *owner == input)
                    .map(|(_, k, v)| Tag::new(k.clone(), v.clone()))
                    .collect(),
                dataset,
            });
        }
        Ok(by_run)
    }

    fn read_metric_rows(&self, sql: &str) -> Result<Vec<(String, Metric, i64)>, DomainError> {
        let rows = self.query(sql, |row| {
            let is_nan: bool = row.get::<_, Option<bool>>(5)?.unwrap_or(false);
            let value: f64 = row.get(2)?;
            Ok((
                row.get::<_, String>(0)?,
                Metric {
                    key: row.get(1)?,
                    value: if is_nan { f64::NAN } else { value },
                    timestamp: row.get::<_, Option<i64>>(3)?.unwrap_or(0),
                    step: row.get::<_, Option<i64>>(4)?.unwrap_or(0),
                },
                row.get::<_, i64>(6)?,
            ))
        })?;
        Ok(rows)
    }

    pub fn metric_rows(&self) -> usize {
        self.metric_rows
    }

    pub fn metric_rows_read(&self) -> usize {
        self.metrics_read
    }

    /// Reads the next slice of metric rows into the runs' histories; `false` when done.
    pub fn read_metric_slice(&mut self) -> Result<bool, DomainError> {
        let sql = format!(
            "SELECT run_uuid, \"key\", value, timestamp, step, is_nan, rowid FROM metrics WHERE rowid > {} ORDER BY rowid LIMIT {METRIC_SLICE}",
            self.last_rowid
        );
        let rows = self.read_metric_rows(&sql)?;
        if rows.is_empty() {
            return Ok(false);
        }
        self.metrics_read += rows.len();
        for (run, metric, rowid) in rows {
            self.last_rowid = rowid;
            match self.run_index.get(&run) {
                Some(&index) => self.snapshot.runs[index].history.push(metric),
                None => {
                    return Err(DomainError::invalid(format!(
                        "{}: a metric row (rowid {rowid}) belongs to run {run}, which the runs table does not have",
                        self.name
                    )))
                }
            }
        }
        Ok(true)
    }

    /// Takes each run's files from `<run id>/artifacts/`, and each logged model's from
    /// `<model id>/artifacts/`, anywhere in `tree` (an `mlruns` or `mlartifacts` folder given
    /// with the database). Returns how many runs and how many logged models got files.
    pub fn attach_artifacts(&mut self, tree: Vec<SourceFile>) -> (usize, usize) {
        let mut owners_with_files = HashSet::new();
        for file in tree.into_iter().filter(|f| !f.path.ends_with('/')) {
            let parts: Vec<&str> = file.path.split('/').collect();
            let owner = (0..parts.len().saturating_sub(2)).find_map(|i| {
                if parts[i + 1] != "artifacts" {
                    return None;
                }
                let run = self.run_index.get(parts[i]).map(|&r| (true, r));
                run.or_else(|| self.model_index.get(parts[i]).map(|&m| (false, m)))
                    .map(|owner| (i, owner))
            });
            let Some((at, (is_run, index))) = owner else {
                continue;
            };
            owners_with_files.insert((is_run, index));
            let artifact = ArtifactBytes {
                path: parts[at + 2..].join("/"),
                bytes: file.bytes,
            };
            if is_run {
                self.snapshot.runs[index].artifacts.push(artifact);
            } else {
                self.snapshot.logged_models[index].artifacts.push(artifact);
            }
        }
        let runs = owners_with_files
            .iter()
            .filter(|(is_run, _)| *is_run)
            .count();
        (runs, owners_with_files.len() - runs)
    }

    /// The snapshot, once every metric slice is read.
    pub fn finish(mut self) -> Result<Snapshot, DomainError> {
        while self.read_metric_slice()? {}
        Ok(self.snapshot)
    }

    pub fn note(&mut self, warning: String) {
        self.snapshot.warnings.push(warning);
    }

    pub fn runs(&self) -> usize {
        self.snapshot.runs.len()
    }
}
