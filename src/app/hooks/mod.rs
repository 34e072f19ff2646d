//! Reusable browser behaviour for components, one concern a file, each `use_x(options)` with
//! a `UseXOptions` struct of documented defaults and a named return struct.

mod broadcast_channel;
mod column_resize;
mod key_shortcut;
mod local_storage;
mod row_cursor;
mod title;
mod virtual_rows;

pub use broadcast_channel::{
    use_broadcast_channel, UseBroadcastChannel, UseBroadcastChannelOptions,
};
pub use column_resize::{use_column_resize, UseColumnResize, UseColumnResizeOptions};
pub use key_shortcut::{use_key_shortcut, UseKeyShortcutOptions};
pub use local_storage::{use_local_storage, UseLocalStorage, UseLocalStorageOptions};
pub use row_cursor::{use_row_cursor, RowCursorKey, UseRowCursor, UseRowCursorOptions};
pub use title::use_title;
pub use virtual_rows::{use_virtual_rows, UseVirtualRows, UseVirtualRowsOptions};
