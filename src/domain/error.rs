//! The one error type of labbook's core, shaped like MLflow's `MlflowException`.

use std::fmt;

/// MLflow's error codes, as its REST API reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidParameterValue,
    ResourceDoesNotExist,
    ResourceAlreadyExists,
    /// The storage underneath failed (full disk, a browser that refused, a corrupt record).
    InternalError,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidParameterValue => "INVALID_PARAMETER_VALUE",
            ErrorCode::ResourceDoesNotExist => "RESOURCE_DOES_NOT_EXIST",
            ErrorCode::ResourceAlreadyExists => "RESOURCE_ALREADY_EXISTS",
            ErrorCode::InternalError => "INTERNAL_ERROR",
        }
    }

    /// The HTTP status `mlflow server` answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::InvalidParameterValue | ErrorCode::ResourceAlreadyExists => 400,
            ErrorCode::ResourceDoesNotExist => 404,
            ErrorCode::InternalError => 500,
        }
    }
}

/// An error with an MLflow error code and a message written for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainError {
    pub code: ErrorCode,
    pub message: String,
}

impl DomainError {
    pub fn invalid(message: impl Into<String>) -> DomainError {
        DomainError {
            code: ErrorCode::InvalidParameterValue,
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> DomainError {
        DomainError {
            code: ErrorCode::ResourceDoesNotExist,
            message: message.into(),
        }
    }

    pub fn already_exists(message: impl Into<String>) -> DomainError {
        DomainError {
            code: ErrorCode::ResourceAlreadyExists,
            message: message.into(),
        }
    }

    pub fn internal(message: impl Into<String>) -> DomainError {
        DomainError {
            code: ErrorCode::InternalError,
            message: message.into(),
        }
    }

    pub fn run_not_found(run_id: &str) -> DomainError {
        DomainError::not_found(format!("Run with id={run_id} not found"))
    }

    pub fn experiment_not_found(experiment_id: &str) -> DomainError {
        DomainError::not_found(format!("No Experiment with id={experiment_id} exists"))
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for DomainError {}
