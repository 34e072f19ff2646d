//! Zip archives in, with the checks untrusted archives need: entries whose paths would land
//! outside the archive are refused, and limits on sizes and compression ratios stop zip bombs
//! before they are inflated. Also the zip writer for exports.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::domain::DomainError;

/// One file of an import: its path inside what the user gave (`/`-separated) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// How much an archive may hold once inflated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// All entries together.
    pub max_total_bytes: u64,
    /// One entry.
    pub max_entry_bytes: u64,
    /// Inflated size over compressed size, for entries over 1 MiB.
    pub max_ratio: u64,
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_total_bytes: 2 << 30,
            max_entry_bytes: 1 << 30,
            max_ratio: 200,
            max_entries: 500_000,
        }
    }
}

const MIB: u64 = 1 << 20;

fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes / MIB)
}

/// Checks an entry path and returns it `/`-separated, or says why it is refused.
pub fn safe_path(archive: &str, raw: &str) -> Result<String, DomainError> {
    let path = raw.replace('\\', "/");
    let refuse = |why: &str| {
        DomainError::invalid(format!(
            "{archive}: entry '{raw}' {why}; it was refused and nothing was imported"
        ))
    };
    if path.starts_with('/') || path.as_bytes().get(1) == Some(&b':') {
        return Err(refuse("has an absolute path"));
    }
    if path.split('/').any(|part| part == "..") {
        return Err(refuse("points outside the archive ('..')"));
    }
    if path.contains('\0') {
        return Err(refuse("has a NUL character in its name"));
    }
    Ok(path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect::<Vec<_>>()
        .join("/"))
}

fn damaged(archive: &str, error: impl std::fmt::Display) -> DomainError {
    DomainError::invalid(format!(
        "{archive} is a damaged zip archive ({error}); nothing was imported"
    ))
}

/// A zip archive being read entry by entry, so the caller can pause between entries.
pub struct ZipReader {
    name: String,
    archive: ZipArchive<Cursor<Vec<u8>>>,
    limits: Limits,
}

impl ZipReader {
    /// Opens an archive and checks its directory against `limits` before anything is inflated.
    pub fn open(name: &str, bytes: Vec<u8>, limits: Limits) -> Result<ZipReader, DomainError> {
        if bytes.is_empty() {
            return Err(DomainError::invalid(format!("{name} is empty (0 bytes)")));
        }
        let looks_like_zip = bytes.starts_with(b"PK");
        let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            DomainError::invalid(if looks_like_zip {
                format!("{name} is a damaged or truncated zip archive ({e}); nothing was imported")
            } else {
                format!("{name} is not a zip archive")
            })
        })?;
        if archive.len() > limits.max_entries {
            return Err(DomainError::invalid(format!(
                "{name} has {} entries; labbook takes at most {} from one archive",
                archive.len(),
                limits.max_entries
            )));
        }
        let mut reader = ZipReader {
            name: name.to_owned(),
            archive,
            limits,
        };
        reader.check_directory()?;
        Ok(reader)
    }

    fn check_directory(&mut self) -> Result<(), DomainError> {
        let mut total: u64 = 0;
        for index in 0..self.archive.len() {
            let entry = self
                .archive
                .by_index_raw(index)
                .map_err(|e| damaged(&self.name, e))?;
            let entry_name = entry
                .name()
                .map_err(|e| damaged(&self.name, e))?
                .into_owned();
            safe_path(&self.name, &entry_name)?;
            let size = entry.size();
            if size > self.limits.max_entry_bytes {
                return Err(DomainError::invalid(format!(
                    "{}: entry '{}' would inflate to {}, over the limit of {} for one file",
                    self.name,
                    entry_name,
                    mib(size),
                    mib(self.limits.max_entry_bytes)
                )));
            }
            let compressed = entry.compressed_size().max(1);
            if size > MIB && size / compressed > self.limits.max_ratio {
                return Err(DomainError::invalid(format!(
                    "{}: entry '{}' inflates {} times (from {} to {} bytes), over the limit of {} times: refused as a possible zip bomb",
                    self.name,
                    entry_name,
                    size / compressed,
                    compressed,
                    size,
                    self.limits.max_ratio
                )));
            }
            total = total.saturating_add(size);
        }
        if total > self.limits.max_total_bytes {
            return Err(DomainError::invalid(format!(
                "{} would inflate to {}, over the limit of {} for one import",
                self.name,
                mib(total),
                mib(self.limits.max_total_bytes)
            )));
        }
        Ok(())
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn len(&self) -> usize {
        self.archive.len()
    }

    pub fn is_empty(&self) -> bool {
        self.archive.len() == 0
    }

    /// Inflates entry `index`; folders give `None`.
    pub fn read(&mut self, index: usize) -> Result<Option<SourceFile>, DomainError> {
        let name = self.name.clone();
        let mut entry = self
            .archive
            .by_index(index)
            .map_err(|e| damaged(&name, e))?;
        if entry.is_dir() {
            return Ok(None);
        }
        let raw_name = entry.name().map_err(|e| damaged(&name, e))?.into_owned();
        let path = safe_path(&name, &raw_name)?;
        let declared = entry.size();
        let mut bytes = Vec::with_capacity(declared.min(64 * MIB) as usize);
        // Read one byte more than declared, to catch an entry that lies about its size.
        (&mut entry)
            .take(declared + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| {
                DomainError::invalid(format!(
                    "{name}: entry '{path}' could not be inflated ({e}); the archive is damaged or truncated"
                ))
            })?;
        if bytes.len() as u64 != declared {
            return Err(DomainError::invalid(format!(
                "{name}: entry '{path}' holds {} bytes but its header says {declared}; the archive is damaged",
                bytes.len()
            )));
        }
        Ok(Some(SourceFile { path, bytes }))
    }
}

/// Writes a zip archive in memory.
pub struct ZipBuilder {
    writer: ZipWriter<Cursor<Vec<u8>>>,
}

impl Default for ZipBuilder {
    fn default() -> ZipBuilder {
        ZipBuilder::new()
    }
}

impl ZipBuilder {
    pub fn new() -> ZipBuilder {
        ZipBuilder {
            writer: ZipWriter::new(Cursor::new(Vec::new())),
        }
    }

    /// Adds a file, deflated; a path ending in `/` adds an (empty) folder.
    pub fn add(&mut self, path: &str, bytes: &[u8]) -> Result<(), DomainError> {
        if path.ends_with('/') {
            return self
                .writer
                .add_directory(path, SimpleFileOptions::default())
                .map_err(|e| DomainError::internal(format!("writing {path} into the zip: {e}")));
        }
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .large_file(bytes.len() as u64 >= u32::MAX as u64);
        self.writer
            .start_file(path, options)
            .and_then(|_| self.writer.write_all(bytes).map_err(Into::into))
            .map_err(|e| DomainError::internal(format!("writing {path} into the zip: {e}")))
    }

    pub fn finish(self) -> Result<Vec<u8>, DomainError> {
        self.writer
            .finish()
            .map(Cursor::into_inner)
            .map_err(|e| DomainError::internal(format!("finishing the zip: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut builder = ZipBuilder::new();
        for (path, bytes) in entries {
            builder.add(path, bytes).unwrap();
        }
        builder.finish().unwrap()
    }

    fn read_all(
        name: &str,
        bytes: Vec<u8>,
        limits: Limits,
    ) -> Result<Vec<SourceFile>, DomainError> {
        let mut reader = ZipReader::open(name, bytes, limits)?;
        let mut files = Vec::new();
        for i in 0..reader.len() {
            files.extend(reader.read(i)?);
        }
        Ok(files)
    }

    fn refused(name: &str, bytes: Vec<u8>, limits: Limits, expected: &str) {
        let message = read_all(name, bytes, limits).unwrap_err().message;
        assert!(message.starts_with(name), "{message}");
        assert!(message.contains(expected), "{message} lacks {expected}");
    }

    #[test]
    fn round_trips() {
        let bytes = zip_of(&[("a/b.txt", b"hello"), ("./c\\d.bin", &[0, 1, 2])]);
        let files = read_all("x.zip", bytes, Limits::default()).unwrap();
        assert_eq!(
            files[0],
            SourceFile {
                path: "a/b.txt".into(),
                bytes: b"hello".to_vec()
            }
        );
        assert_eq!(files[1].path, "c/d.bin");
    }

    #[test]
    fn refuses_bad_archives() {
        let limits = Limits::default();
        refused("empty.zip", vec![], limits, "is empty");
        refused(
            "text.zip",
            b"just some text".to_vec(),
            limits,
            "is not a zip archive",
        );
        let good = zip_of(&[("a.txt", &[7u8; 5000])]);
        refused(
            "cut.zip",
            good[..good.len() / 2].to_vec(),
            limits,
            "damaged or truncated",
        );
        refused(
            "slip.zip",
            zip_of(&[("../../etc/passwd", b"x")]),
            limits,
            "points outside the archive",
        );
        refused(
            "abs.zip",
            zip_of(&[("/etc/passwd", b"x")]),
            limits,
            "absolute path",
        );
        refused(
            "win.zip",
            zip_of(&[("C:\\x.txt", b"x")]),
            limits,
            "absolute path",
        );
        let zeros = vec![0u8; 8 << 20];
        refused(
            "bomb.zip",
            zip_of(&[("zeros.bin", &zeros)]),
            limits,
            "possible zip bomb",
        );
        let small = Limits {
            max_entry_bytes: 1000,
            ..limits
        };
        refused(
            "big.zip",
            zip_of(&[("a.bin", &[1u8; 2000])]),
            small,
            "over the limit of",
        );
        let tight = Limits {
            max_total_bytes: 3000,
            ..limits
        };
        refused(
            "many.zip",
            zip_of(&[("a", &[1u8; 2000]), ("b", &[2u8; 2000])]),
            tight,
            "over the limit of",
        );
    }
}
