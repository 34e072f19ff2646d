//! Files out of the page: a download of bytes, and a chart's export as CSV, a self-contained
//! SVG and a PNG.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::store::idb::js_error_text;

/// Offers `bytes` to the user as a download called by the last part of `path`.
pub fn download(path: &str, bytes: &[u8]) -> Result<(), String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(|e| js_error_text(&e))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| js_error_text(&e))?;
    save_url(path, &url)?;
    web_sys::Url::revoke_object_url(&url).map_err(|e| js_error_text(&e))
}

/// Saves what `url` points to as a file called by the last part of `path`.
fn save_url(path: &str, url: &str) -> Result<(), String> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let anchor: web_sys::HtmlAnchorElement = document()
        .create_element("a")
        .map_err(|e| js_error_text(&e))?
        .unchecked_into();
    anchor.set_href(url);
    anchor.set_download(name);
    anchor.click();
    Ok(())
}

/// The presentation properties a chart's look depends on.
const DRAWN_STYLE: [&str; 10] = [
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-opacity",
    "opacity",
    "font-size",
    "font-family",
    "display",
];

/// The drawing `svg` as a file of its own: the page's stylesheet does not travel with it, so
/// each element's computed look is written into its `style`.
pub fn standalone_svg(svg: &web_sys::Element) -> Result<String, String> {
    let fail = |e: wasm_bindgen::JsValue| js_error_text(&e);
    let copy: web_sys::Element = svg
        .clone_node_with_deep(true)
        .map_err(fail)?
        .unchecked_into();
    let window = web_sys::window().ok_or("no window")?;
    let originals = svg.query_selector_all("*").map_err(fail)?;
    let copies = copy.query_selector_all("*").map_err(fail)?;
    let elements = std::iter::once((svg.clone(), copy.clone())).chain(
        (0..originals.length()).filter_map(|i| {
            Some((
                originals.item(i)?.unchecked_into::<web_sys::Element>(),
                copies.item(i)?.unchecked_into::<web_sys::Element>(),
            ))
        }),
    );
    for (original, copy) in elements {
        let Some(computed) = window.get_computed_style(&original).map_err(fail)? else {
            continue;
        };
        let style: String = DRAWN_STYLE
            .iter()
            .filter_map(|p| {
                let value = computed.get_property_value(p).ok()?;
                (!value.is_empty()).then(|| format!("{p}:{value};"))
            })
            .collect();
        copy.set_attribute("style", &style).map_err(fail)?;
    }
    copy.set_attribute("xmlns", "http://www.w3.org/2000/svg")
        .map_err(fail)?;
    Ok(copy.outer_html())
}

/// Saves the drawing `svg` as a PNG at twice its size, on white.
pub fn download_png(svg: &web_sys::Element, path: &str) -> Result<(), String> {
    use base64::Engine;
    let fail = |e: wasm_bindgen::JsValue| js_error_text(&e);
    let text = standalone_svg(svg)?;
    let rect = svg.get_bounding_client_rect();
    let (width, height) = (rect.width(), rect.height());
    let image = web_sys::HtmlImageElement::new().map_err(fail)?;
    let loaded = image.clone();
    let path = path.to_owned();
    let on_load = wasm_bindgen::closure::Closure::once_into_js(move || {
        let draw = || -> Result<(), String> {
            let canvas: web_sys::HtmlCanvasElement = document()
                .create_element("canvas")
                .map_err(fail)?
                .unchecked_into();
            canvas.set_width((width * 2.0) as u32);
            canvas.set_height((height * 2.0) as u32);
            let context: web_sys::CanvasRenderingContext2d = canvas
                .get_context("2d")
                .map_err(fail)?
                .ok_or("no 2d canvas")?
                .unchecked_into();
            context.set_fill_style_str("#fff");
            context.fill_rect(0.0, 0.0, width * 2.0, height * 2.0);
            context
                .draw_image_with_html_image_element_and_dw_and_dh(
                    &loaded,
                    0.0,
                    0.0,
                    width * 2.0,
                    height * 2.0,
                )
                .map_err(fail)?;
            save_url(
                &path,
                &canvas.to_data_url_with_type("image/png").map_err(fail)?,
            )
        };
        if let Err(e) = draw() {
            web_sys::console::error_1(&format!("PNG export failed: {e}").into());
        }
    });
    image.set_onload(Some(on_load.unchecked_ref()));
    image.set_src(&format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(text)
    ));
    Ok(())
}

/// "CSV", "SVG" and "PNG" buttons saving a chart's data (from `csv`) and its drawing `svg`,
/// as files named `<stem>.csv` and so on.
#[component]
pub fn ExportButtons<F>(svg: NodeRef<leptos::svg::Svg>, stem: String, csv: F) -> impl IntoView
where
    F: Fn() -> String + 'static,
{
    let element = move || {
        svg.get_untracked()
            .map(|s| s.unchecked_into::<web_sys::Element>())
    };
    let report = |result: Result<(), String>| {
        if let Err(e) = result {
            web_sys::console::error_1(&format!("export failed: {e}").into());
        }
    };
    let (csv_name, svg_name, png_name) = (
        format!("{stem}.csv"),
        format!("{stem}.svg"),
        format!("{stem}.png"),
    );
    view! {
        <button class="secondary small" data-testid="chart-csv"
            on:click=move |_| report(download(&csv_name, csv().as_bytes()))>"CSV"</button>
        <button class="secondary small" data-testid="chart-svg" on:click=move |_| {
            if let Some(e) = element() {
                report(standalone_svg(&e).and_then(|text| download(&svg_name, text.as_bytes())));
            }
        }>"SVG"</button>
        <button class="secondary small" data-testid="chart-png" on:click=move |_| {
            if let Some(e) = element() {
                report(download_png(&e, &png_name));
            }
        }>"PNG"</button>
    }
}
