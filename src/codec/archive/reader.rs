//! Reading zip archives (PKWARE APPNOTE 6.3), zip64 included.
//!
//! The central directory is read a slice at a time ([`ZipReader::scan`]), so an archive of tens
//! of thousands of entries never blocks the page for long, and every entry is checked against
//! the [`Limits`] before the first byte is inflated. Entries are stored or deflated; their sizes
//! and CRC-32 are verified when they are read.

use std::io::Read;

use flate2::read::DeflateDecoder;

use super::{mib, safe_path, Limits, SourceFile, MIB};
use crate::domain::DomainError;

const END_SIGNATURE: u32 = 0x0605_4b50;
const ZIP64_LOCATOR_SIGNATURE: u32 = 0x0706_4b50;
const ZIP64_END_SIGNATURE: u32 = 0x0606_4b50;
const CENTRAL_SIGNATURE: u32 = 0x0201_4b50;
const LOCAL_SIGNATURE: u32 = 0x0403_4b50;
const END_LEN: usize = 22;
const CENTRAL_LEN: usize = 46;
const LOCAL_LEN: usize = 30;
const ZIP64_EXTRA: u16 = 0x0001;
const UNICODE_PATH_EXTRA: u16 = 0x7075;
const FLAG_ENCRYPTED: u16 = 1;
const FLAG_UTF8: u16 = 1 << 11;
const STORED: u16 = 0;
const DEFLATED: u16 = 8;

/// The upper half of code page 437, the encoding of names not flagged as UTF-8.
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐\
└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

/// Little-endian fields at known offsets; `None` past the end.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn u16(&self, at: usize) -> Option<u16> {
        Some(u16::from_le_bytes(self.0.get(at..at + 2)?.try_into().ok()?))
    }
    fn u32(&self, at: usize) -> Option<u32> {
        Some(u32::from_le_bytes(self.0.get(at..at + 4)?.try_into().ok()?))
    }
    fn u64(&self, at: usize) -> Option<u64> {
        Some(u64::from_le_bytes(self.0.get(at..at + 8)?.try_into().ok()?))
    }
    fn slice(&self, at: usize, len: usize) -> Option<&'a [u8]> {
        self.0.get(at..at.checked_add(len)?)
    }
}

/// What the central directory says about one entry.
struct Entry {
    /// Checked and `/`-separated; ends in `/` for a folder.
    path: String,
    is_dir: bool,
    method: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    local_offset: u64,
}

/// A zip archive being read: first its directory, in slices, then entry by entry, so the
/// caller can pause between steps.
pub struct ZipReader {
    name: String,
    bytes: Vec<u8>,
    limits: Limits,
    /// Entries the end record announces.
    count: usize,
    /// Where the next directory record starts.
    next: usize,
    directory_end: usize,
    /// Bytes prepended to the archive (self-extracting archives): added to every offset.
    shift: u64,
    entries: Vec<Entry>,
    total: u64,
}

impl ZipReader {
    /// Finds the archive's directory; nothing is inflated yet. Call [`ZipReader::scan`]
    /// until it returns 0 before reading entries.
    pub fn open(name: &str, bytes: Vec<u8>, limits: Limits) -> Result<ZipReader, DomainError> {
        if bytes.is_empty() {
            return Err(DomainError::invalid(format!("{name} is empty (0 bytes)")));
        }
        let Some(end) = find_end(&bytes) else {
            return Err(DomainError::invalid(if bytes.starts_with(b"PK") {
                format!(
                    "{name} is a damaged or truncated zip archive (its directory is missing); nothing was imported"
                )
            } else {
                format!("{name} is not a zip archive")
            }));
        };
        let (count, size, offset) =
            directory_location(&bytes, end).ok_or_else(|| damaged(name, "bad zip64 end record"))?;
        if count > limits.max_entries as u64 {
            return Err(DomainError::invalid(format!(
                "{name} has {count} entries; labbook takes at most {} from one archive",
                limits.max_entries
            )));
        }
        // The directory ends where the end records start; if it is not where its offset
        // says, bytes were prepended to the archive.
        let directory_end = directory_end(&bytes, end);
        let shift = (directory_end as u64)
            .checked_sub(size)
            .and_then(|start| start.checked_sub(offset))
            .ok_or_else(|| damaged(name, "its directory lies outside the file"))?;
        if count.saturating_mul(CENTRAL_LEN as u64) > size {
            return Err(damaged(name, "its directory is shorter than its entries"));
        }
        Ok(ZipReader {
            name: name.to_owned(),
            limits,
            count: count as usize,
            next: (offset + shift) as usize,
            directory_end,
            shift,
            entries: Vec::with_capacity(count as usize),
            total: 0,
            bytes,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Entries in the archive, folders included.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Reads and checks up to `budget` more directory records; returns how many are left.
    pub fn scan(&mut self, budget: usize) -> Result<usize, DomainError> {
        let stop = (self.entries.len() + budget).min(self.count);
        while self.entries.len() < stop {
            let (entry, next) = self.central_entry(self.next)?;
            self.check(&entry)?;
            self.total = self.total.saturating_add(entry.size);
            self.entries.push(entry);
            self.next = next;
        }
        if self.entries.len() == self.count && self.total > self.limits.max_total_bytes {
            return Err(DomainError::invalid(format!(
                "{} would inflate to {}, over the limit of {} for one import",
                self.name,
                mib(self.total),
                mib(self.limits.max_total_bytes)
            )));
        }
        Ok(self.count - self.entries.len())
    }

    fn central_entry(&self, at: usize) -> Result<(Entry, usize), DomainError> {
        let bad = |why: &str| {
            damaged(
                &self.name,
                format!("directory entry {}: {why}", self.entries.len() + 1),
            )
        };
        let record = Bytes(&self.bytes[..self.directory_end]);
        if record.u32(at) != Some(CENTRAL_SIGNATURE) {
            return Err(bad("no entry where the directory says"));
        }
        let field16 = |offset: usize| record.u16(at + offset).unwrap_or(0);
        let field32 = |offset: usize| record.u32(at + offset).unwrap_or(0);
        let flags = field16(8);
        let method = field16(10);
        let crc = field32(16);
        let mut compressed = u64::from(field32(20));
        let mut size = u64::from(field32(24));
        let name_len = usize::from(field16(28));
        let extra_len = usize::from(field16(30));
        let comment_len = usize::from(field16(32));
        let mut local_offset = u64::from(field32(42));
        let name_at = at + CENTRAL_LEN;
        let next = name_at + name_len + extra_len + comment_len;
        let (Some(raw_name), Some(extra)) = (
            record.slice(name_at, name_len),
            record.slice(name_at + name_len, extra_len),
        ) else {
            return Err(bad("it runs past the end of the directory"));
        };
        if next > self.directory_end {
            return Err(bad("it runs past the end of the directory"));
        }
        let mut unicode_name = None;
        for (id, data) in extra_fields(extra) {
            let data = Bytes(data);
            match id {
                ZIP64_EXTRA => {
                    // Only the fields whose 32-bit value is saturated are present, in order.
                    let mut at = 0;
                    for field in [&mut size, &mut compressed, &mut local_offset] {
                        if *field == u64::from(u32::MAX) {
                            *field = data.u64(at).ok_or_else(|| bad("short zip64 field"))?;
                            at += 8;
                        }
                    }
                }
                UNICODE_PATH_EXTRA => {
                    let name_crc = data.u32(1);
                    if data.0.first() == Some(&1) && name_crc == Some(crc32(raw_name)) {
                        unicode_name = data.0.get(5..).and_then(|n| std::str::from_utf8(n).ok());
                    }
                }
                _ => {}
            }
        }
        let raw = match unicode_name {
            Some(name) => name.to_owned(),
            None => decode_name(raw_name, flags & FLAG_UTF8 != 0)
                .ok_or_else(|| bad("its name is flagged UTF-8 but is not"))?,
        };
        let path = safe_path(&self.name, &raw)?;
        if flags & FLAG_ENCRYPTED != 0 {
            return Err(DomainError::invalid(format!(
                "{}: entry '{raw}' is encrypted; labbook cannot read encrypted archives",
                self.name
            )));
        }
        let is_dir = raw.ends_with('/');
        if !is_dir && method != STORED && method != DEFLATED {
            return Err(DomainError::invalid(format!(
                "{}: entry '{raw}' uses compression method {method}; labbook reads stored and deflated entries (re-create the zip with the usual settings)",
                self.name
            )));
        }
        Ok((
            Entry {
                path,
                is_dir,
                method,
                crc,
                compressed,
                size,
                local_offset,
            },
            next,
        ))
    }

    fn check(&self, entry: &Entry) -> Result<(), DomainError> {
        let (size, path) = (entry.size, &entry.path);
        if size > self.limits.max_entry_bytes {
            return Err(DomainError::invalid(format!(
                "{}: entry '{path}' would inflate to {}, over the limit of {} for one file",
                self.name,
                mib(size),
                mib(self.limits.max_entry_bytes)
            )));
        }
        let compressed = entry.compressed.max(1);
        if size > MIB && size / compressed > self.limits.max_ratio {
            return Err(DomainError::invalid(format!(
                "{}: entry '{path}' inflates {} times (from {compressed} to {size} bytes), over the limit of {} times: refused as a possible zip bomb",
                self.name,
                size / compressed,
                self.limits.max_ratio
            )));
        }
        Ok(())
    }

    /// Inflates entry `index` (after the directory was scanned); folders give `None`.
    pub fn read(&mut self, index: usize) -> Result<Option<SourceFile>, DomainError> {
        let entry = self.entries.get(index).ok_or_else(|| {
            DomainError::internal(format!("{}: entry {index} was not scanned", self.name))
        })?;
        if entry.is_dir {
            return Ok(None);
        }
        let path = &entry.path;
        let broken = |why: String| {
            DomainError::invalid(format!(
                "{}: entry '{path}' {why}; the archive is damaged or truncated",
                self.name
            ))
        };
        let header = Bytes(&self.bytes);
        let at = usize::try_from(entry.local_offset + self.shift).unwrap_or(usize::MAX);
        if header.u32(at) != Some(LOCAL_SIGNATURE) {
            return Err(broken(
                "has no local header where the directory says".into(),
            ));
        }
        let data_at = at
            + LOCAL_LEN
            + usize::from(header.u16(at + 26).unwrap_or(0))
            + usize::from(header.u16(at + 28).unwrap_or(0));
        let data = usize::try_from(entry.compressed)
            .ok()
            .and_then(|len| header.slice(data_at, len))
            .ok_or_else(|| broken("runs past the end of the file".into()))?;
        let bytes = match entry.method {
            STORED => data.to_vec(),
            _ => {
                let mut out = Vec::with_capacity(entry.size.min(64 * MIB) as usize);
                // One byte more than declared, to catch an entry that lies about its size.
                DeflateDecoder::new(data)
                    .take(entry.size + 1)
                    .read_to_end(&mut out)
                    .map_err(|e| broken(format!("could not be inflated ({e})")))?;
                out
            }
        };
        if bytes.len() as u64 != entry.size {
            return Err(broken(format!(
                "holds {} bytes but its header says {}",
                bytes.len(),
                entry.size
            )));
        }
        if crc32(&bytes) != entry.crc {
            return Err(broken("fails its CRC-32 check".into()));
        }
        Ok(Some(SourceFile {
            path: path.clone(),
            bytes,
        }))
    }

    /// Scans the directory and inflates every file, in one go: for callers that need not
    /// pause.
    pub fn into_files(mut self) -> Result<Vec<SourceFile>, DomainError> {
        self.scan(usize::MAX)?;
        let mut files = Vec::with_capacity(self.count);
        for index in 0..self.count {
            files.extend(self.read(index)?);
        }
        Ok(files)
    }
}

fn damaged(archive: &str, why: impl std::fmt::Display) -> DomainError {
    DomainError::invalid(format!(
        "{archive} is a damaged or truncated zip archive ({why}); nothing was imported"
    ))
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(bytes);
    hasher.finalize()
}

/// The end-of-directory record: the last signature whose comment reaches the end of the
/// file, or failing that (bytes appended after the archive) the last signature.
fn find_end(bytes: &[u8]) -> Option<usize> {
    let last = bytes.len().checked_sub(END_LEN)?;
    let first = last.saturating_sub(usize::from(u16::MAX));
    let b = Bytes(bytes);
    let candidates = || {
        (first..=last)
            .rev()
            .filter(|&at| b.u32(at) == Some(END_SIGNATURE))
    };
    candidates()
        .find(|&at| b.u16(at + 20).map(|c| at + END_LEN + usize::from(c)) == Some(bytes.len()))
        .or_else(|| candidates().next())
}

fn zip64_end(bytes: &[u8], end: usize) -> Option<usize> {
    let b = Bytes(bytes);
    let locator = end.checked_sub(20)?;
    (b.u32(locator)? == ZIP64_LOCATOR_SIGNATURE).then_some(())?;
    let at = usize::try_from(b.u64(locator + 8)?).ok()?;
    (b.u32(at)? == ZIP64_END_SIGNATURE).then_some(at)
}

/// Entries, directory size and directory offset, from the zip64 record when there is one.
fn directory_location(bytes: &[u8], end: usize) -> Option<(u64, u64, u64)> {
    let b = Bytes(bytes);
    let classic = (
        u64::from(b.u16(end + 10)?),
        u64::from(b.u32(end + 12)?),
        u64::from(b.u32(end + 16)?),
    );
    let saturated = classic.0 == u64::from(u16::MAX)
        || classic.1 == u64::from(u32::MAX)
        || classic.2 == u64::from(u32::MAX);
    match zip64_end(bytes, end) {
        Some(at) => Some((b.u64(at + 32)?, b.u64(at + 40)?, b.u64(at + 48)?)),
        None if saturated => None,
        None => Some(classic),
    }
}

/// Where the directory stops: at the zip64 record if there is one, else at the end record.
fn directory_end(bytes: &[u8], end: usize) -> usize {
    zip64_end(bytes, end).unwrap_or(end)
}

/// The (id, data) pairs of an extra field.
fn extra_fields(mut extra: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let b = Bytes(extra);
        let (id, len) = (b.u16(0)?, usize::from(b.u16(2)?));
        let data = b.slice(4, len)?;
        extra = &extra[4 + len..];
        Some((id, data))
    })
}

/// Names flagged UTF-8 must be; others are UTF-8 when they validate (as macOS writes them)
/// and code page 437 otherwise (as the zip format defines).
fn decode_name(raw: &[u8], flagged_utf8: bool) -> Option<String> {
    match std::str::from_utf8(raw) {
        Ok(name) => Some(name.to_owned()),
        Err(_) if flagged_utf8 => None,
        Err(_) => Some(
            raw.iter()
                .map(|&b| match b {
                    0..=0x7f => char::from(b),
                    _ => CP437_HIGH.chars().nth(usize::from(b - 0x80)).unwrap_or('?'),
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_page_437_covers_the_upper_half() {
        assert_eq!(CP437_HIGH.chars().count(), 128);
        assert_eq!(decode_name(&[b'a', 0x81, 0xe1], false).unwrap(), "aüß");
        assert_eq!(decode_name("é.txt".as_bytes(), false).unwrap(), "é.txt");
        assert!(decode_name(&[0xff, 0xfe], true).is_none());
    }
}
