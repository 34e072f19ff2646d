//! The labbook web app: mounts the user interface; everything else lives in the library.

fn main() {
    labbook::app::start();
}
