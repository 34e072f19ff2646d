//! The wall clock: the one place that reads the time.
//!
//! In the browser the time is JavaScript's (`Date.now()`); natively (the tests) it is the
//! system's. Pure layers take times as arguments instead of reading this.

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}
