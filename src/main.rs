//! The labbook web app: mounts the user interface; everything else lives in the library.

/// Every allocation of the app is counted (`labbook.heapBytes()`), for the soak benchmark.
#[global_allocator]
static ALLOCATOR: labbook::heap::Counted = labbook::heap::Counted;

fn main() {
    labbook::app::start();
}
