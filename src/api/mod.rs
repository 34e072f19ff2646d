//! The in-page MLflow REST API: requests in, the JSON `mlflow server` answers with out.
//!
//! [`handle`] takes a method, a server path (with its query string for GET) and a JSON body,
//! and answers over a [`Tracker`]. It is pure apart from the store it is handed, and is tested
//! natively; `binding` (wasm only) exposes it as `window.labbook.rest`.
//!
//! Besides MLflow's endpoints it answers two of labbook's own, to move artifact bytes:
//! `POST /api/2.0/labbook/artifacts/upload` and `GET /api/2.0/labbook/artifacts/download`
//! (see the README).

mod args;
pub mod binding;
mod logged_models;
mod registry;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Value};

pub use args::Args;

use crate::codec::rest::{
    dataset_input_from_json, experiment_to_json, file_info_to_json, list_from_json,
    metric_from_json, metric_to_json, param_from_json, run_info_to_json, run_to_json,
    tag_from_json,
};
use crate::domain::validation::MAX_RESULTS_PER_PAGE;
use crate::domain::{
    list_folder, DomainError, LogBatch, Param, RunStatus, RunUpdate, Tag, ViewType,
};
use crate::search::{parse_order_by, sort_experiments, Filter, OrderKey, Page, Target};
use crate::store::{NewRun, Store, Tracker};
use registry::QuietWrite;

/// An error answer: the HTTP status and MLflow's `{error_code, message}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub error_code: String,
    pub message: String,
}

impl ApiError {
    pub fn to_json(&self) -> Value {
        json!({ "status": self.status, "error_code": self.error_code, "message": self.message })
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> ApiError {
        ApiError {
            status: e.code.http_status(),
            error_code: e.code.as_str().to_owned(),
            message: e.message,
        }
    }
}

/// What a search endpoint answers when nothing matches: protobuf leaves out empty lists.
fn page_json<T>(page: Page<T>, key: &str, item: impl Fn(&T) -> Value) -> Value {
    let mut o = Map::new();
    if !page.items.is_empty() {
        o.insert(key.to_owned(), page.items.iter().map(item).collect());
    }
    if let Some(token) = page.next_page_token {
        o.insert("next_page_token".to_owned(), token.into());
    }
    Value::Object(o)
}

fn view_type(args: &Args, name: &str) -> Result<ViewType, DomainError> {
    match args.opt_str(name)? {
        None => Ok(ViewType::ActiveOnly),
        Some(text) => text.parse().map_err(DomainError::invalid),
    }
}

fn run_id(args: &Args) -> Result<String, DomainError> {
    args.req_str_of(&["run_id", "run_uuid"])
}

fn empty() -> Value {
    json!({})
}

/// Answers one request. `path` is the server path, e.g.
/// `/api/2.0/mlflow/runs/get?run_id=...`; `body` is the JSON body of a POST.
pub async fn handle<S: Store>(
    tracker: &Tracker<S>,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Result<Value, ApiError> {
    let method = method.to_ascii_uppercase();
    let (route, query) = path.split_once('?').unwrap_or((path, ""));
    let endpoint = ["/api/2.0/", "/ajax-api/2.0/"]
        .iter()
        .find_map(|prefix| route.strip_prefix(prefix))
        .map(|e| e.trim_end_matches('/'))
        .ok_or_else(|| not_found(&method, route))?;
    // A DELETE may carry its arguments in the query instead of a body.
    let args = if method == "GET" || (method == "DELETE" && body.is_none() && !query.is_empty()) {
        Args::from_query(query)
    } else {
        Args::from_body(body)?
    };
    // Endpoints with the model id in the path.
    if let Some(rest) = endpoint.strip_prefix("mlflow/logged-models/") {
        if rest != "search" {
            if method != "GET" {
                return Err(ApiError {
                    status: 405,
                    error_code: "METHOD_NOT_ALLOWED".to_owned(),
                    message: format!("{method} is not allowed on {route}: use GET"),
                });
            }
            return logged_models::by_id(tracker, rest, &args)
                .await
                .map_err(ApiError::from);
        }
    }
    let allowed = ROUTES
        .iter()
        .find(|(name, _)| *name == endpoint)
        .map(|(_, methods)| *methods)
        .ok_or_else(|| not_found(&method, route))?;
    if !allowed.contains(&method.as_str()) {
        return Err(ApiError {
            status: 405,
            error_code: "METHOD_NOT_ALLOWED".to_owned(),
            message: format!(
                "{method} is not allowed on {route}: use {}",
                allowed.join(" or ")
            ),
        });
    }
    let answer = match endpoint {
        "mlflow/experiments/create" => create_experiment(tracker, &args).await,
        "mlflow/experiments/get" => {
            let experiment = tracker.experiment(&args.req_str("experiment_id")?).await?;
            Ok(json!({ "experiment": experiment_to_json(&experiment) }))
        }
        "mlflow/experiments/get-by-name" => {
            let name = args.req_str("experiment_name")?;
            let experiment = tracker.experiment_by_name(&name).await?;
            Ok(json!({ "experiment": experiment_to_json(&experiment) }))
        }
        "mlflow/experiments/search" => search_experiments(tracker, &args).await,
        "mlflow/experiments/update" => {
            let id = args.req_str("experiment_id")?;
            if let Some(name) = args.opt_str("new_name")? {
                tracker.rename_experiment(&id, &name).await?;
            }
            Ok(empty())
        }
        "mlflow/experiments/delete" => {
            tracker
                .delete_experiment(&args.req_str("experiment_id")?)
                .await?;
            Ok(empty())
        }
        "mlflow/experiments/restore" => {
            tracker
                .restore_experiment(&args.req_str("experiment_id")?)
                .await?;
            Ok(empty())
        }
        "mlflow/experiments/set-experiment-tag" => {
            let tag = Tag::new(args.req_str("key")?, args.req_str("value")?);
            tracker
                .set_experiment_tag(&args.req_str("experiment_id")?, tag)
                .await?;
            Ok(empty())
        }
        "mlflow/runs/create" => create_run(tracker, &args).await,
        "mlflow/runs/get" => {
            let run = tracker.run(&run_id(&args)?).await?;
            Ok(json!({ "run": run_to_json(&run) }))
        }
        "mlflow/runs/update" => update_run(tracker, &args).await,
        "mlflow/runs/delete" => {
            tracker.delete_run(&run_id(&args)?).await?;
            Ok(empty())
        }
        "mlflow/runs/restore" => {
            tracker.restore_run(&run_id(&args)?).await?;
            Ok(empty())
        }
        "mlflow/runs/search" => search_runs(tracker, &args).await,
        "mlflow/runs/log-metric" => {
            let metric = metric_from_json(&Value::Object(
                ["key", "value", "timestamp", "step"]
                    .iter()
                    .filter_map(|k| args.raw(k).map(|v| (k.to_string(), v.clone())))
                    .collect(),
            ))?;
            tracker
                .log_batch(&run_id(&args)?, LogBatch::of_metrics(vec![metric]))
                .await?;
            Ok(empty())
        }
        "mlflow/runs/log-parameter" => {
            let batch = LogBatch {
                params: vec![Param::new(args.req_str("key")?, args.req_str("value")?)],
                ..LogBatch::default()
            };
            tracker.log_batch(&run_id(&args)?, batch).await?;
            Ok(empty())
        }
        "mlflow/runs/set-tag" => {
            let batch = LogBatch {
                tags: vec![Tag::new(args.req_str("key")?, args.req_str("value")?)],
                ..LogBatch::default()
            };
            tracker.log_batch(&run_id(&args)?, batch).await?;
            Ok(empty())
        }
        "mlflow/runs/delete-tag" => {
            tracker
                .delete_tag(&run_id(&args)?, &args.req_str("key")?)
                .await?;
            Ok(empty())
        }
        "mlflow/runs/log-batch" => {
            let batch = LogBatch {
                metrics: list_from_json(args.raw("metrics"), metric_from_json)?,
                params: list_from_json(args.raw("params"), param_from_json)?,
                tags: list_from_json(args.raw("tags"), tag_from_json)?,
            };
            tracker.log_batch(&run_id(&args)?, batch).await?;
            Ok(empty())
        }
        "mlflow/runs/log-inputs" => {
            let inputs = list_from_json(args.raw("datasets"), dataset_input_from_json)?;
            tracker.log_inputs(&run_id(&args)?, inputs).await?;
            Ok(empty())
        }
        "mlflow/metrics/get-history" => metric_history(tracker, &args).await,
        "mlflow/artifacts/list" => list_artifacts(tracker, &args).await,
        "labbook/artifacts/upload" => upload_artifact(tracker, &args).await,
        "labbook/artifacts/download" => download_artifact(tracker, &args).await,
        "mlflow/registered-models/search" => registry::search_models(tracker, &args).await,
        "mlflow/registered-models/get" => registry::get_model(tracker, &args).await,
        "mlflow/registered-models/get-latest-versions" => registry::latest(tracker, &args).await,
        "mlflow/registered-models/alias" => match method.as_str() {
            "POST" => registry::quiet_write(tracker, QuietWrite::SetAlias, &args).await,
            "DELETE" => registry::quiet_write(tracker, QuietWrite::DeleteAlias, &args).await,
            _ => registry::get_alias(tracker, &args).await,
        },
        "mlflow/registered-models/create" => registry::create_model(tracker, &args).await,
        "mlflow/registered-models/rename" => registry::rename_model(tracker, &args).await,
        "mlflow/registered-models/update" => registry::update_model(tracker, &args).await,
        "mlflow/registered-models/delete" => {
            registry::quiet_write(tracker, QuietWrite::DeleteModel, &args).await
        }
        "mlflow/registered-models/set-tag" => {
            registry::quiet_write(tracker, QuietWrite::SetModelTag, &args).await
        }
        "mlflow/registered-models/delete-tag" => {
            registry::quiet_write(tracker, QuietWrite::DeleteModelTag, &args).await
        }
        "mlflow/model-versions/search" => registry::search_versions(tracker, &args).await,
        "mlflow/model-versions/get" => registry::get_version(tracker, &args).await,
        "mlflow/model-versions/create" => registry::create_version(tracker, &args).await,
        "mlflow/model-versions/update" => registry::update_version(tracker, &args).await,
        "mlflow/model-versions/delete" => {
            registry::quiet_write(tracker, QuietWrite::DeleteVersion, &args).await
        }
        "mlflow/model-versions/transition-stage" => {
            registry::transition_stage(tracker, &args).await
        }
        "mlflow/model-versions/set-tag" => {
            registry::quiet_write(tracker, QuietWrite::SetVersionTag, &args).await
        }
        "mlflow/model-versions/delete-tag" => {
            registry::quiet_write(tracker, QuietWrite::DeleteVersionTag, &args).await
        }
        "mlflow/model-versions/get-download-uri" => registry::download_uri(tracker, &args).await,
        "labbook/models/resolve" => registry::resolve(tracker, &args).await,
        "mlflow/logged-models/search" => logged_models::search(tracker, &args).await,
        _ => return Err(not_found(&method, route)),
    };
    answer.map_err(ApiError::from)
}

const GET: &[&str] = &["GET"];
const POST: &[&str] = &["POST"];
const GET_OR_POST: &[&str] = &["GET", "POST"];
const PATCH: &[&str] = &["PATCH"];
const DELETE: &[&str] = &["DELETE"];

/// Every endpoint answered, after `/api/2.0/`, with the methods it takes.
const ROUTES: [(&str, &[&str]); 45] = [
    ("mlflow/experiments/create", POST),
    ("mlflow/experiments/get", GET),
    ("mlflow/experiments/get-by-name", GET),
    ("mlflow/experiments/search", GET_OR_POST),
    ("mlflow/experiments/update", POST),
    ("mlflow/experiments/delete", POST),
    ("mlflow/experiments/restore", POST),
    ("mlflow/experiments/set-experiment-tag", POST),
    ("mlflow/runs/create", POST),
    ("mlflow/runs/get", GET),
    ("mlflow/runs/update", POST),
    ("mlflow/runs/delete", POST),
    ("mlflow/runs/restore", POST),
    ("mlflow/runs/search", GET_OR_POST),
    ("mlflow/runs/log-metric", POST),
    ("mlflow/runs/log-parameter", POST),
    ("mlflow/runs/set-tag", POST),
    ("mlflow/runs/delete-tag", POST),
    ("mlflow/runs/log-batch", POST),
    ("mlflow/runs/log-inputs", POST),
    ("mlflow/metrics/get-history", GET),
    ("mlflow/artifacts/list", GET),
    ("labbook/artifacts/upload", POST),
    ("labbook/artifacts/download", GET),
    ("mlflow/registered-models/search", GET_OR_POST),
    ("mlflow/registered-models/get", GET),
    ("mlflow/registered-models/get-latest-versions", GET_OR_POST),
    ("mlflow/registered-models/alias", &["GET", "POST", "DELETE"]),
    ("mlflow/registered-models/create", POST),
    ("mlflow/registered-models/rename", POST),
    ("mlflow/registered-models/update", PATCH),
    ("mlflow/registered-models/delete", DELETE),
    ("mlflow/registered-models/set-tag", POST),
    ("mlflow/registered-models/delete-tag", DELETE),
    ("mlflow/model-versions/search", GET_OR_POST),
    ("mlflow/model-versions/get", GET),
    ("mlflow/model-versions/create", POST),
    ("mlflow/model-versions/update", PATCH),
    ("mlflow/model-versions/delete", DELETE),
    ("mlflow/model-versions/transition-stage", POST),
    ("mlflow/model-versions/set-tag", POST),
    ("mlflow/model-versions/delete-tag", DELETE),
    ("mlflow/model-versions/get-download-uri", GET),
    ("labbook/models/resolve", GET),
    ("mlflow/logged-models/search", POST),
];

fn not_found(method: &str, route: &str) -> ApiError {
    ApiError {
        status: 404,
        error_code: "ENDPOINT_NOT_FOUND".to_owned(),
        message: format!("No endpoint {method} {route}: labbook answers MLflow's REST API 2.0 under /api/2.0/mlflow/"),
    }
}

async fn create_experiment<S: Store>(
    tracker: &Tracker<S>,
    args: &Args,
) -> Result<Value, DomainError> {
    let name = args.req_str("name")?;
    let tags = list_from_json(args.raw("tags"), tag_from_json)?;
    let id = tracker
        .create_experiment(&name, args.opt_str("artifact_location")?, tags)
        .await?;
    Ok(json!({ "experiment_id": id }))
}

async fn search_experiments<S: Store>(
    tracker: &Tracker<S>,
    args: &Args,
) -> Result<Value, DomainError> {
    let max_results = args.max_results(1000, MAX_RESULTS_PER_PAGE)?;
    let filter = filter_arg(args, Target::Experiments)?;
    let order = order_arg(args, Target::Experiments)?;
    let mut experiments = tracker.experiments(view_type(args, "view_type")?).await?;
    experiments.retain(|e| filter.matches_experiment(e));
    sort_experiments(&mut experiments, &order);
    let token = args.opt_str("page_token")?;
    let page = Page::cut(experiments, max_results, token.as_deref(), true)?;
    Ok(page_json(page, "experiments", experiment_to_json))
}

/// The `filter` argument, parsed for `target`; absent or blank matches everything.
pub(crate) fn filter_arg(args: &Args, target: Target) -> Result<Filter, DomainError> {
    let text = args.opt_str("filter")?.unwrap_or_default();
    Ok(Filter::parse(target, &text)?)
}

/// The `order_by` clauses, parsed for `target`.
pub(crate) fn order_arg(args: &Args, target: Target) -> Result<Vec<OrderKey>, DomainError> {
    args.str_list("order_by")?
        .iter()
        .map(|clause| parse_order_by(target, clause))
        .collect()
}

async fn create_run<S: Store>(tracker: &Tracker<S>, args: &Args) -> Result<Value, DomainError> {
    let run = tracker
        .create_run(NewRun {
            experiment_id: args
                .opt_str("experiment_id")?
                .unwrap_or_else(|| crate::domain::DEFAULT_EXPERIMENT_ID.to_owned()),
            user_id: args.opt_str("user_id")?.unwrap_or_default(),
            run_name: args.opt_str("run_name")?,
            start_time: args.opt_int("start_time")?,
            tags: list_from_json(args.raw("tags"), tag_from_json)?,
        })
        .await?;
    Ok(json!({ "run": run_to_json(&run) }))
}

async fn update_run<S: Store>(tracker: &Tracker<S>, args: &Args) -> Result<Value, DomainError> {
    let status = match args.opt_str("status")? {
        None => None,
        Some(text) => Some(text.parse::<RunStatus>().map_err(DomainError::invalid)?),
    };
    let update = RunUpdate {
        status,
        end_time: args.opt_int("end_time")?,
        run_name: args.opt_str("run_name")?,
    };
    let run = tracker.update_run(&run_id(args)?, update).await?;
    Ok(json!({ "run_info": run_info_to_json(&run.info) }))
}

async fn search_runs<S: Store>(tracker: &Tracker<S>, args: &Args) -> Result<Value, DomainError> {
    let max_results = args.max_results(1000, MAX_RESULTS_PER_PAGE)?;
    let filter = filter_arg(args, Target::Runs)?;
    let order = order_arg(args, Target::Runs)?;
    let experiment_ids = args.str_list("experiment_ids")?;
    let runs = tracker
        .search_runs(
            &experiment_ids,
            view_type(args, "run_view_type")?,
            &filter,
            &order,
        )
        .await?;
    let token = args.opt_str("page_token")?;
    let page = Page::cut(runs, max_results, token.as_deref(), false)?;
    Ok(page_json(page, "runs", run_to_json))
}

async fn metric_history<S: Store>(tracker: &Tracker<S>, args: &Args) -> Result<Value, DomainError> {
    let key = args.req_str("metric_key")?;
    let history = tracker.metric_history(&run_id(args)?, &key).await?;
    let token = args.opt_str("page_token")?;
    let page = match args.opt_int("max_results")? {
        None if token.is_none() => Page {
            items: history,
            next_page_token: None,
        },
        _ => {
            let max_results = args.max_results(history.len().max(1), usize::MAX)?;
            Page::cut(history, max_results, token.as_deref(), true)?
        }
    };
    let mut answer = page_json(page, "metrics", metric_to_json);
    if answer.get("metrics").is_none() {
        answer["metrics"] = json!([]);
    }
    Ok(answer)
}

async fn list_artifacts<S: Store>(tracker: &Tracker<S>, args: &Args) -> Result<Value, DomainError> {
    let run_id = run_id(args)?;
    let run = tracker.run(&run_id).await?;
    let folder = args.opt_str("path")?.unwrap_or_default();
    let files = tracker.artifacts(&run_id).await?;
    let listing = list_folder(&files, folder.trim_matches('/'));
    let mut answer = Map::new();
    answer.insert("root_uri".into(), run.info.artifact_uri.into());
    if !listing.is_empty() {
        answer.insert(
            "files".into(),
            listing.iter().map(file_info_to_json).collect(),
        );
    }
    Ok(Value::Object(answer))
}

async fn upload_artifact<S: Store>(
    tracker: &Tracker<S>,
    args: &Args,
) -> Result<Value, DomainError> {
    let path = args.req_str("path")?;
    let bytes = match (args.opt_str("content")?, args.opt_str("content_base64")?) {
        (Some(text), None) => text.into_bytes(),
        (None, Some(encoded)) => STANDARD.decode(encoded.trim()).map_err(|e| {
            DomainError::invalid(format!("'content_base64' is not valid base64: {e}"))
        })?,
        _ => {
            return Err(DomainError::invalid(
                "Give the file's bytes as exactly one of 'content' (text) or 'content_base64'.",
            ))
        }
    };
    let size = bytes.len();
    tracker.put_artifact(&run_id(args)?, &path, bytes).await?;
    Ok(json!({ "path": path, "file_size": size }))
}

async fn download_artifact<S: Store>(
    tracker: &Tracker<S>,
    args: &Args,
) -> Result<Value, DomainError> {
    let path = args.req_str("path")?;
    let bytes = tracker.artifact(&run_id(args)?, &path).await?;
    Ok(json!({
        "path": path,
        "file_size": bytes.len(),
        "content_base64": STANDARD.encode(&bytes),
    }))
}
