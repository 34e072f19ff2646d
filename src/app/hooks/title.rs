//! The browser tab's title: each page names what it shows, so tabs and history entries can be
//! told apart.

use leptos::prelude::*;

/// What every title ends with, and the whole title while a page has nothing to name yet.
const BRAND: &str = "labbook";

/// Keeps `document.title` at "<what `title` names> · labbook" while the calling component is
/// mounted, following the signals `title` reads; an empty name gives "labbook". Pass only
/// what is shown (e.g. "Models", "taxi-model v3"): the brand is added here.
pub fn use_title(title: impl Fn() -> String + 'static) {
    Effect::new(move |_| document().set_title(&full_title(&title())));
    // The next page sets its own title; one that sets none should not keep this one's.
    on_cleanup(|| document().set_title(BRAND));
}

/// The title for a page showing `shown`.
fn full_title(shown: &str) -> String {
    if shown.is_empty() {
        BRAND.to_owned()
    } else {
        format!("{shown} · {BRAND}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_name_what_is_shown_then_the_app() {
        assert_eq!(full_title("Models"), "Models · labbook");
        assert_eq!(
            full_title("baseline · nyc-taxi-experiment"),
            "baseline · nyc-taxi-experiment · labbook"
        );
        assert_eq!(full_title(""), "labbook");
    }
}
