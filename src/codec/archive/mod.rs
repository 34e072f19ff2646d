//! Zip archives in, with the checks untrusted archives need: entries whose paths would land
//! outside the archive are refused, and limits on sizes and compression ratios stop zip bombs
//! before they are inflated. Also the zip writer for exports.

mod reader;

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::domain::{tidy_relative_path, DomainError};

pub use reader::ZipReader;

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
    let Some(tidy) = tidy_relative_path(&path) else {
        return Err(refuse("points outside the archive ('..')"));
    };
    if path.contains('\0') {
        return Err(refuse("has a NUL character in its name"));
    }
    Ok(tidy)
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
        ZipReader::open(name, bytes, limits)?.into_files()
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

    #[test]
    fn reads_zip64_prepended_and_commented_archives() {
        // Over 65 535 entries (folders, quick to write): the writer adds zip64 end records.
        let mut builder = ZipBuilder::new();
        for i in 0..70_000 {
            builder.add(&format!("d{i}/"), b"").unwrap();
        }
        builder.add("last.txt", b"end").unwrap();
        let mut reader =
            ZipReader::open("many.zip", builder.finish().unwrap(), Limits::default()).unwrap();
        assert_eq!(reader.len(), 70_001);
        assert_eq!(reader.scan(70_000).unwrap(), 1);
        assert_eq!(reader.scan(10).unwrap(), 0);
        assert_eq!(reader.read(0).unwrap(), None);
        assert_eq!(reader.read(70_000).unwrap().unwrap().bytes, b"end");

        // A self-extracting stub before the archive and bytes after it.
        let mut shifted = b"#!/bin/sh\nexit 0\n".to_vec();
        shifted.extend(zip_of(&[("a.txt", b"hello")]));
        shifted.extend(b"trailing");
        let files = read_all("sfx.zip", shifted, Limits::default()).unwrap();
        assert_eq!(files[0].bytes, b"hello");
    }

    #[test]
    fn refuses_entries_it_cannot_trust() {
        let limits = Limits::default();
        let good = zip_of(&[("a.txt", &[7u8; 5000])]);
        // Flip a byte of the deflated data: it inflates wrong or fails its checksum.
        let mut corrupt = good.clone();
        corrupt[40] ^= 0xff;
        refused("crc.zip", corrupt, limits, "damaged or truncated");
        // A compression method other than stored or deflated (12 = bzip2).
        let mut bzip = good.clone();
        let central = bzip.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        bzip[central + 10] = 12;
        refused("bz.zip", bzip, limits, "compression method 12");
        // The end record points at a directory that is not there.
        let mut moved = good;
        let end = moved.len() - 22;
        moved[end + 16] ^= 0x01;
        refused("moved.zip", moved, limits, "damaged or truncated");
    }
}
