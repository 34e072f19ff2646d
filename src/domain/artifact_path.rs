//! Artifact paths: relative to a run's (or a logged model's) artifact root, `/`-separated,
//! without empty, `.` or `..` parts.

use super::DomainError;

/// A relative path tidied: split on `/`, empty and `.` parts dropped, the rest joined by `/`
/// (`"a//./b/"` is `"a/b"`, `""` and `"./"` are `""`); `None` when a part is `..`, which
/// would climb out of the folder the path is relative to.
pub fn tidy_relative_path(path: &str) -> Option<String> {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    (!parts.contains(&"..")).then(|| parts.join("/"))
}

/// The path an artifact file is kept under: `path` tidied, or refused when it is absolute,
/// holds a `\`, climbs out with `..` or names no file.
pub fn normalize_artifact_path(path: &str) -> Result<String, DomainError> {
    match tidy_relative_path(path) {
        Some(tidy) if !tidy.is_empty() && !path.starts_with('/') && !path.contains('\\') => {
            Ok(tidy)
        }
        _ => Err(DomainError::invalid(format!(
            "Invalid artifact path: '{path}'. It must be a relative path without '..' parts."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_tidied() {
        assert_eq!(tidy_relative_path("a//./b/").as_deref(), Some("a/b"));
        assert_eq!(tidy_relative_path("./").as_deref(), Some(""));
        assert_eq!(tidy_relative_path("/a/b").as_deref(), Some("a/b"));
        assert_eq!(tidy_relative_path("a/../b"), None);
        assert_eq!(tidy_relative_path("a/..b").as_deref(), Some("a/..b"));
    }

    #[test]
    fn artifact_paths_must_name_a_file_inside_the_root() {
        assert_eq!(
            normalize_artifact_path("model/./MLmodel").unwrap(),
            "model/MLmodel"
        );
        for bad in ["", "./", "/etc/passwd", "a/../../b", "..", "a\\b"] {
            let error = normalize_artifact_path(bad).unwrap_err();
            assert!(error.message.contains("Invalid artifact path"), "{bad}");
        }
    }
}
