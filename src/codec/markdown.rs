//! Markdown descriptions (MLflow's `mlflow.note.content`) rendered to HTML that is safe to
//! put into the page: raw HTML in the text is shown as text, and links or images may only
//! point at `http:`, `https:`, `mailto:`, relative addresses or anchors.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        // No scheme (relative), or a colon only after a path or query character.
        None => true,
        Some((scheme, _)) if scheme.contains(['/', '?', '#']) => true,
        Some((scheme, _)) => matches!(scheme, "http" | "https" | "mailto"),
    }
}

fn neutralize(url: CowStr<'_>) -> CowStr<'_> {
    if safe_url(&url) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

/// Renders markdown to HTML with no script, no raw HTML and no unsafe link in it.
pub fn to_safe_html(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: neutralize(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: neutralize(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    fn check(markdown: &str, expected: &str) {
        assert_eq!(to_safe_html(markdown).trim_end(), expected, "{markdown}");
    }

    #[test]
    fn renders_markdown() {
        check("# Title", "<h1>Title</h1>");
        check(
            "**bold** and `code`",
            "<p><strong>bold</strong> and <code>code</code></p>",
        );
        check(
            "[docs](https://mlflow.org)",
            "<p><a href=\"https://mlflow.org\">docs</a></p>",
        );
        check("[rel](runs/abc)", "<p><a href=\"runs/abc\">rel</a></p>");
    }

    #[test]
    fn refuses_scripts_and_raw_html() {
        check(
            "<script>alert(1)</script>",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
        );
        check(
            "hi <img src=x onerror=alert(1)>",
            "<p>hi &lt;img src=x onerror=alert(1)&gt;</p>",
        );
        check("[x](javascript:alert(1))", "<p><a href=\"#\">x</a></p>");
        check("[x]( JavaScript:alert(1))", "<p><a href=\"#\">x</a></p>");
        check(
            "![i](data:text/html;base64,xx)",
            "<p><img src=\"#\" alt=\"i\" /></p>",
        );
    }
}
