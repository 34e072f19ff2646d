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
    Metric, ModelVersion, ModelVersionStatus, Param, RegisteredModel, Run, RunData, RunInfo,
    RunSnapshot, RunStatus, Snapshot, Stage, Tag,
};

/// Metric rows read in one slice.
pub const METRIC_SLICE: usize = 50_000;

/// Tables labbook reads; others that hold rows are reported.
const READ_TABLES: [&str; 17] = [
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
        store.metric_rows = store.count("metrics")?;
        Ok(store)
    }

    fn tables(&self) -> Result<Vec<String>, DomainError> {
        let mut statement = self
            .connection
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .map_err(|e| self.damaged(e))?;
        let names = statement
            .query_map([], |row| row.get::<_, String>(0))
            .map_err(|e| self.damaged(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.damaged(e))?;
        Ok(names)
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
            let rows = self.count(table)?;
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
        let mut statement = self.connection.prepare(sql).map_err(|e| self.damaged(e))?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?.unwrap_or_default(),
                ))
            })
            .map_err(|e| self.damaged(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.damaged(e))?;
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
        let mut statement = self.connection.prepare(&sql).map_err(|e| self.damaged(e))?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, Option<i64>>(4)?,
                    row.get::<_, Option<i64>>(5)?,
                ))
            })
            .map_err(|e| self.damaged(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.damaged(e))?;
        drop(statement);
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
        let mut statement = self.connection.prepare(&sql).map_err(|e| self.damaged(e))?;
        let rows: Vec<Row> = statement
            .query_map([], |row| {
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
            })
            .map_err(|e| self.damaged(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.damaged(e))?;
        drop(statement);
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
        let mut statement = self
            .connection
            .prepare("SELECT name, creation_time, last_updated_time, description FROM registered_models ORDER BY name")
            .map_err(|e| self.damaged(e))?;
        let models = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, Option<i64>>(1)?,
                    row.get::<_, Option<i64>>(2)?,
                    row.get::<_, Option<String>>(3)?,
                ))
            })
            .map_err(|e| self.damaged(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.damaged(e))?;
        drop(statement);
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
            let mut statement = self
                .connection
                .prepare(
                    "SELECT name, version, \"key\", value FROM model_version_tags ORDER BY rowid",
                )
                .map_err(|e| self.damaged(e))?;
            let rows = statement
                .query_map([], |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    ))
                })
                .map_err(|e| self.damaged(e))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| self.damaged(e))?;
            rows
        } else {
            Vec::new()
        };
        let mut statement = self.connection.prepare(&sql).map_err(|e| self.damaged(e))?;
        let rows = statement
            .query_map([], |row| {
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
            })
            .map_err(|e| self.damaged(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.damaged(e))?;
        drop(statement);
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

    fn read_inputs(&self) -> Result<HashMap<String, Vec<DatasetInput>>, DomainError> {
        let mut statement = self
            .connection
            .prepare(
                "SELECT i.input_uuid, i.destination_id, d.name, d.digest, d.dataset_source_type, d.dataset_source, d.dataset_schema, d.dataset_profile \
                 FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id \
                 WHERE i.source_type = 'DATASET' AND i.destination_type = 'RUN' ORDER BY i.rowid",
            )
            .map_err(|e| self.damaged(e))?;
        let rows = statement
            .query_map([], |row| {
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
            })
            .map_err(|e| self.damaged(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.damaged(e))?;
        drop(statement);
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
        let mut statement = self.connection.prepare(sql).map_err(|e| self.damaged(e))?;
        let rows = statement
            .query_map([], |row| {
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
            })
            .map_err(|e| self.damaged(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.damaged(e))?;
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

    /// Takes each run's files from `<run id>/artifacts/` anywhere in `tree` (an `mlruns` or
    /// `mlartifacts` folder given with the database). Returns how many runs got files.
    pub fn attach_artifacts(&mut self, tree: Vec<SourceFile>) -> usize {
        let mut runs_with_files = HashSet::new();
        for file in tree.into_iter().filter(|f| !f.path.ends_with('/')) {
            let parts: Vec<&str> = file.path.split('/').collect();
            let Some(at) = (0..parts.len().saturating_sub(2))
                .find(|&i| parts[i + 1] == "artifacts" && self.run_index.contains_key(parts[i]))
            else {
                continue;
            };
            let index = self.run_index[parts[at]];
            runs_with_files.insert(index);
            self.snapshot.runs[index].artifacts.push(ArtifactBytes {
                path: parts[at + 2..].join("/"),
                bytes: file.bytes,
            });
        }
        runs_with_files.len()
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
