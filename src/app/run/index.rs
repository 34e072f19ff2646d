//! The run page's index: a link to each of its sections. A section is reached by scrolling to
//! it and kept in the URL's `section`, so a shared link (or a reload) opens the page there.
//! The route lives in the URL's hash, so these cannot be plain `#fragment` links.

use leptos::prelude::*;

use crate::app::route::{set_query, Route};

/// A part of the run page a reader can go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Overview,
    Metrics,
    Params,
    Tags,
    Datasets,
    Artifacts,
    Log,
}

impl Section {
    /// Every section, in the page's order.
    pub const ALL: [Section; 7] = [
        Section::Overview,
        Section::Metrics,
        Section::Params,
        Section::Tags,
        Section::Datasets,
        Section::Artifacts,
        Section::Log,
    ];

    /// The section's name in the URL.
    pub fn name(self) -> &'static str {
        match self {
            Section::Overview => "overview",
            Section::Metrics => "metrics",
            Section::Params => "params",
            Section::Tags => "tags",
            Section::Datasets => "datasets",
            Section::Artifacts => "artifacts",
            Section::Log => "log",
        }
    }

    /// The section named `name` in the URL.
    pub fn parse(name: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The link's text.
    fn label(self) -> &'static str {
        match self {
            Section::Overview => "Overview",
            Section::Metrics => "Metrics",
            Section::Params => "Params",
            Section::Tags => "Tags",
            Section::Datasets => "Datasets",
            Section::Artifacts => "Artifacts",
            Section::Log => "Log",
        }
    }

    /// The id of the element the section starts with.
    pub fn id(self) -> String {
        format!("run-section-{}", self.name())
    }

    /// The sections a run has: datasets only when it used some, the log form only while it
    /// is active.
    pub fn of_run(has_datasets: bool, active: bool) -> Vec<Section> {
        Section::ALL
            .into_iter()
            .filter(|s| match s {
                Section::Datasets => has_datasets,
                Section::Log => active,
                _ => true,
            })
            .collect()
    }
}

/// Brings `section` into view, when it is on the page.
pub fn scroll_to(section: Section) {
    if let Some(element) = document().get_element_by_id(&section.id()) {
        element.scroll_into_view();
    }
}

/// The section the URL names, if any.
pub fn section_in(route: &Route) -> Option<Section> {
    route.get("section").and_then(Section::parse)
}

/// "Overview · Metrics · …": a link to each of `sections`.
#[component]
pub fn SectionIndex(sections: Vec<Section>) -> impl IntoView {
    let route = expect_context::<RwSignal<Route>>();
    let links = sections.into_iter().enumerate().map(|(n, section)| {
        let name = section.name();
        let href = move || route.with(|r| r.with("section", Some(name)).to_hash());
        view! {
            {(n > 0).then_some(" · ")}
            <a href=href data-testid="run-section-link" data-section=name on:click=move |ev| {
                ev.prevent_default();
                set_query(route, "section", Some(name));
                scroll_to(section);
            }>{section.label()}</a>
        }
    });
    view! {
        <nav class="crumbs" data-testid="run-sections" aria-label="Sections of this run">
            {links.collect_view()}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_follow_what_the_run_has() {
        let names =
            |sections: Vec<Section>| sections.into_iter().map(Section::name).collect::<Vec<_>>();
        assert_eq!(
            names(Section::of_run(false, true)),
            ["overview", "metrics", "params", "tags", "artifacts", "log"]
        );
        assert_eq!(
            names(Section::of_run(true, false)),
            [
                "overview",
                "metrics",
                "params",
                "tags",
                "datasets",
                "artifacts"
            ]
        );
        for section in Section::ALL {
            assert_eq!(Section::parse(section.name()), Some(section));
        }
        assert_eq!(Section::parse("nonsense"), None);
        assert_eq!(Section::Metrics.id(), "run-section-metrics");
        let route = Route::parse("#/experiments/1/runs/abc?section=tags");
        assert_eq!(section_in(&route), Some(Section::Tags));
        assert_eq!(section_in(&route.with("section", None)), None);
    }
}
