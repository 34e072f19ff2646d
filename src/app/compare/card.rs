//! The frame every compare plot is drawn in: the card with its title, controls, link and
//! exports, the drawing's size and margins, ticks, axis titles, and opening a run from a point.

use leptos::prelude::*;

use crate::app::route::{navigate, Page, Route};
use crate::app::widgets::ExportButtons;
use crate::chart::Axis;
use crate::domain::Run;

pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 380.0;
pub const LEFT: f64 = 72.0;
pub const RIGHT: f64 = 20.0;
pub const TOP: f64 = 24.0;
pub const BOTTOM: f64 = 52.0;

/// A plot's frame: its title, controls, link (the page showing only this plot), exports, the
/// SVG drawing (`children` are its content) and what goes under it (`footer`).
#[component]
pub fn PlotCard<F>(
    testid: &'static str,
    name: &'static str,
    title: &'static str,
    svg: NodeRef<leptos::svg::Svg>,
    csv: F,
    controls: Children,
    #[prop(optional, into)] footer: Option<ViewFn>,
    children: Children,
) -> impl IntoView
where
    F: Fn() -> String + 'static,
{
    let route = expect_context::<RwSignal<Route>>();
    let link = move || route.with(|r| r.with("plot", Some(name)).to_hash());
    view! {
        <figure class="plot-card" data-testid=testid>
            <figcaption>
                <b>{title}</b>
                <span class="controls">
                    {controls()}
                    <a class="small" data-testid="plot-link" href=link title="This plot alone, with its settings">"link"</a>
                    <ExportButtons svg=svg stem=format!("compare-{name}") csv=csv/>
                </span>
            </figcaption>
            <svg node_ref=svg xmlns="http://www.w3.org/2000/svg" width=WIDTH height=HEIGHT viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img">
                <rect class="plot" x=0 y=0 width=WIDTH height=HEIGHT/>
                {children()}
            </svg>
            {footer.map(|f| f.run())}
        </figure>
    }
}

/// Axis ticks along the bottom (`horizontal`) or the left of the plot.
pub fn ticks_view(axis: &Axis, horizontal: bool) -> impl IntoView {
    axis.ticks(if horizontal { 8 } else { 6 })
        .into_iter()
        .map(|(p, label)| {
            let label = shorten(&label);
            if horizontal {
                view! {
                    <line class="grid" x1=p x2=p y1=TOP y2=HEIGHT - BOTTOM/>
                    <text class="tick" x=p y=HEIGHT - BOTTOM + 14.0 text-anchor="middle">{label}</text>
                }
                .into_any()
            } else {
                view! {
                    <line class="grid" x1=LEFT x2=WIDTH - RIGHT y1=p y2=p/>
                    <text class="tick" x=LEFT - 4.0 y=p + 3.0 text-anchor="end">{label}</text>
                }
                .into_any()
            }
        })
        .collect_view()
}

/// A label cut to fit under an axis.
pub fn shorten(text: &str) -> String {
    if text.chars().count() > 14 {
        format!("{}…", text.chars().take(13).collect::<String>())
    } else {
        text.to_owned()
    }
}

/// The axis titles of a plot with x along the bottom and y up the left.
pub fn axis_titles(x: &str, y: &str) -> impl IntoView {
    view! {
        <text class="axis-title" x=(LEFT + WIDTH - RIGHT) / 2.0 y=HEIGHT - 12.0 text-anchor="middle">{x.to_owned()}</text>
        <text class="axis-title" x=14.0 y=(TOP + HEIGHT - BOTTOM) / 2.0 text-anchor="middle"
            transform=format!("rotate(-90 14 {})", (TOP + HEIGHT - BOTTOM) / 2.0)>{y.to_owned()}</text>
    }
}

/// The run page of `run`.
pub fn open_run(run: &Run) {
    navigate(&Route::page(Page::Run {
        experiment_id: run.info.experiment_id.clone(),
        run_id: run.info.run_id.clone(),
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_are_cut_to_fit() {
        assert_eq!(shorten("learning_rate"), "learning_rate");
        assert_eq!(shorten("learning_rate_final"), "learning_rate…");
        assert_eq!(shorten("ééééééééééééééé").chars().count(), 14);
    }
}
