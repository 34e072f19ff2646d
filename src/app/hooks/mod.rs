//! Browser behaviour a page takes on with one call, each in a file of its own.

mod title;

pub use title::use_title;
