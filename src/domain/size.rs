//! Sizes in bytes as people read them, for messages from every layer.

/// `512 B`, `1.5 KB`, `2.0 MB`, `1.3 GB` (binary multiples, as browsers count storage).
pub fn bytes(size: u64) -> String {
    const KB: f64 = 1024.0;
    let size = size as f64;
    if size < KB {
        format!("{size:.0} B")
    } else if size < KB * KB {
        format!("{:.1} KB", size / KB)
    } else if size < KB * KB * KB {
        format!("{:.1} MB", size / (KB * KB))
    } else {
        format!("{:.1} GB", size / (KB * KB * KB))
    }
}

/// What this origin keeps in the browser and may keep, as `navigator.storage` tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageUse {
    /// Bytes stored.
    pub usage: u64,
    /// Bytes the browser lets it store.
    pub quota: u64,
}

impl StorageUse {
    /// "labbook uses 1.2 GB of the 1.3 GB it may use".
    pub fn describe(&self) -> String {
        format!(
            "labbook uses {} of the {} it may use",
            bytes(self.usage),
            bytes(self.quota)
        )
    }

    /// Bytes still free.
    pub fn free(&self) -> u64 {
        self.quota.saturating_sub(self.usage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_the_unit_that_fits() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KB");
        assert_eq!(bytes(2 * 1024 * 1024), "2.0 MB");
        assert_eq!(bytes(1_395_864_371), "1.3 GB");
        let used = StorageUse {
            usage: 1_288_490_189,
            quota: 1_395_864_371,
        };
        assert_eq!(
            used.describe(),
            "labbook uses 1.2 GB of the 1.3 GB it may use"
        );
        assert_eq!(used.free(), 107_374_182);
        assert_eq!(StorageUse { usage: 9, quota: 5 }.free(), 0);
    }
}
