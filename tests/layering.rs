//! The layer rule of `ARCHITECTURE.md`, checked on the source itself.
//!
//! Every `src/**/*.rs` file (but `main.rs` and `src/bin/`, which are crates of their own) is
//! read, and every path starting with `crate::`, `super::` or `self::`, in `use` items and in
//! code alike, is resolved to the file that defines it; comments, strings and
//! `#[cfg(test)] mod ... { }` blocks are skipped. Three checks follow:
//! - a top-level module uses only the modules [`LAYERS`] allows it;
//! - no two files use each other, directly or around a loop (a module and the modules inside
//!   it, such as a `mod.rs` re-exporting its children, do not count);
//! - no file of `src/app` is longer than [`APP_FILE_LINES`].

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// What each top-level module may use besides itself, lowest layers first; `*` is anything.
/// This is the layer rule drawn in `ARCHITECTURE.md`: domain, then the leaves (search, chart,
/// json, clock), then codec and store (which never use each other), then api, then app.
const LAYERS: &[(&str, &[&str])] = &[
    ("domain", &[]),
    ("clock", &[]),
    ("heap", &[]),
    ("json", &["domain"]),
    ("search", &["domain", "json", "clock"]),
    ("chart", &["domain"]),
    ("codec", &["domain", "search", "json", "clock"]),
    ("store", &["domain", "search", "json", "clock"]),
    ("ml", &["domain", "search", "codec", "json", "clock"]),
    (
        "api",
        &["domain", "search", "codec", "store", "json", "clock"],
    ),
    (
        "tracking",
        &[
            "domain", "search", "codec", "store", "api", "json", "clock", "ml",
        ],
    ),
    ("app", &["*"]),
];

/// The most lines a file of `src/app` may have.
const APP_FILE_LINES: usize = 500;

/// A token of Rust source: a word (identifier, keyword or number), `::`, or one other
/// character; with its line.
#[derive(Debug, Clone, PartialEq)]
struct Token {
    text: String,
    line: usize,
}

/// One source file: its path, module path (`["store", "tracker"]`), lines, and the crate
/// paths it uses, made absolute, each with the line it is on.
struct Source {
    file: String,
    module: Vec<String>,
    lines: usize,
    uses: Vec<(Vec<String>, usize)>,
}

/// Cuts source into tokens, leaving out whitespace, comments, strings and char literals.
fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let word_char = |c: char| c.is_alphanumeric() || c == '_';
    let (mut tokens, mut line, mut i) = (Vec::new(), 1, 0);
    // Moves `i` on by one character, counting lines.
    let step = |i: &mut usize, line: &mut usize| {
        *line += usize::from(at(*i) == '\n');
        *i += 1;
    };
    while i < chars.len() {
        let (c, start_line) = (chars[i], line);
        if c.is_whitespace() {
            step(&mut i, &mut line);
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                match (chars[i], at(i + 1)) {
                    ('/', '*') => (depth, i) = (depth + 1, i + 2),
                    ('*', '/') => (depth, i) = (depth - 1, i + 2),
                    _ => step(&mut i, &mut line),
                }
                if depth == 0 {
                    break;
                }
            }
        } else if let Some((quote, hashes)) = raw_string(&chars[i..]) {
            // `r"..."`, `r#"..."#`, `br"..."`: it ends at a quote followed by as many `#`.
            i += quote + 1;
            while i < chars.len() && !(chars[i] == '"' && (1..=hashes).all(|h| at(i + h) == '#')) {
                step(&mut i, &mut line);
            }
            i += 1 + hashes;
        } else if c == '"' || (c == 'b' && at(i + 1) == '"') {
            i += if c == 'b' { 2 } else { 1 };
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                step(&mut i, &mut line);
            }
            i += 1;
        } else if c == '\'' && (at(i + 1) == '\\' || at(i + 2) == '\'') {
            // A char literal; a lone `'` starts a lifetime, whose name is read as a word.
            i += if at(i + 1) == '\\' { 3 } else { 2 };
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else if word_char(c) {
            // A raw identifier (`r#in`) is read as its name.
            let start = if c == 'r' && at(i + 1) == '#' {
                i + 2
            } else {
                i
            };
            i = start;
            while i < chars.len() && word_char(chars[i]) {
                i += 1;
            }
            tokens.push(token(chars[start..i].iter().collect(), start_line));
        } else if c == ':' && at(i + 1) == ':' {
            tokens.push(token("::".to_owned(), start_line));
            i += 2;
        } else {
            tokens.push(token(c.to_string(), start_line));
            i += 1;
        }
    }
    tokens
}

fn token(text: String, line: usize) -> Token {
    Token { text, line }
}

/// Where the opening quote of a raw string starting here is, and how many `#` it has.
fn raw_string(chars: &[char]) -> Option<(usize, usize)> {
    let r = usize::from(chars.first() == Some(&'b'));
    if chars.get(r) != Some(&'r') {
        return None;
    }
    let hashes = chars[r + 1..].iter().take_while(|&&c| c == '#').count();
    (chars.get(r + 1 + hashes) == Some(&'"')).then_some((r + 1 + hashes, hashes))
}

/// The index just after the bracket that closes the one at `open` (`(`, `[` or `{`).
fn after_closing(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token.text.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return i + 1;
        }
    }
    tokens.len()
}

/// The paths of a path tree starting at `tokens[*i]`, each after `prefix`: `a::b`, `a::*`,
/// `a::{b, c::{d, self}}`, `a as b`. Leaves `*i` after it.
fn path_tree(tokens: &[Token], i: &mut usize, prefix: Vec<String>) -> Vec<Vec<String>> {
    let text = |i: usize| tokens.get(i).map_or("", |t| t.text.as_str());
    let mut path = prefix;
    loop {
        match text(*i) {
            "{" => {
                *i += 1;
                let mut paths = Vec::new();
                while !matches!(text(*i), "}" | "") {
                    paths.extend(path_tree(tokens, i, path.clone()));
                    if text(*i) == "," {
                        *i += 1;
                    }
                }
                *i += 1;
                return paths;
            }
            "self" | "*" => *i += 1,
            word if word.starts_with(|c: char| c.is_alphabetic() || c == '_') => {
                path.push(word.to_owned());
                *i += 1;
            }
            _ => break,
        }
        if text(*i) != "::" || text(*i + 1) == "<" {
            break;
        }
        *i += 1;
    }
    if text(*i) == "as" {
        *i += 2;
    }
    vec![path]
}

/// Reads one file.
fn read_source(root: &Path, path: &Path) -> Source {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let relative = path.strip_prefix(root).unwrap_or(path);
    let mut module: Vec<String> = relative
        .with_extension("")
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
        module.pop();
    }
    Source {
        file: format!("src/{}", relative.display()),
        uses: uses_of(&module, &text),
        module,
        lines: text.lines().count(),
    }
}

/// The crate paths the source of `module` uses outside `#[cfg(test)]` modules, made
/// absolute, each with its line.
fn uses_of(module: &[String], text: &str) -> Vec<(Vec<String>, usize)> {
    let tokens = tokenize(text);
    let text_at = |i: usize| tokens.get(i).map_or("", |t| t.text.as_str());
    // Where the item at `i` says `mod`, past `pub` or `pub(crate)`.
    let item = |i: usize| match (text_at(i), text_at(i + 1)) {
        ("pub", "(") => after_closing(&tokens, i + 1),
        ("pub", _) => i + 1,
        _ => i,
    };
    let inline_mod = |i: usize| text_at(item(i)) == "mod" && text_at(item(i) + 2) == "{";
    // The inline modules around the current token, each with the brace depth inside it.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let (mut uses, mut depth, mut i) = (Vec::new(), 0, 0);
    while i < tokens.len() {
        let word = text_at(i);
        if word == "#" && text_at(i + 1) == "[" {
            let cfg_test = tokens[i + 2..]
                .iter()
                .map(|t| t.text.as_str())
                .take(4)
                .eq(["cfg", "(", "test", ")"]);
            let mut next = after_closing(&tokens, i + 1);
            while text_at(next) == "#" && text_at(next + 1) == "[" {
                next = after_closing(&tokens, next + 1);
            }
            i = if cfg_test && inline_mod(next) {
                after_closing(&tokens, item(next) + 2)
            } else {
                after_closing(&tokens, i + 1)
            };
        } else if inline_mod(i) {
            depth += 1;
            inline.push((text_at(item(i) + 1).to_owned(), depth));
            i = item(i) + 3;
        } else if matches!(word, "crate" | "super" | "self")
            && text_at(i + 1) == "::"
            && text_at(i.wrapping_sub(1)) != "::"
        {
            let line = tokens[i].line;
            let mut base: Vec<String> = module.to_vec();
            base.extend(inline.iter().map(|(name, _)| name.clone()));
            match word {
                "crate" => {
                    base.clear();
                    i += 2;
                }
                "self" => i += 2,
                _ => {
                    while text_at(i) == "super" && text_at(i + 1) == "::" {
                        base.pop();
                        i += 2;
                    }
                }
            }
            uses.extend(
                path_tree(&tokens, &mut i, base)
                    .into_iter()
                    .map(|p| (p, line)),
            );
        } else {
            if word == "{" {
                depth += 1;
            } else if word == "}" {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth -= 1;
            }
            i += 1;
        }
    }
    uses
}

/// Every source file of the library.
fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut folders = vec![root.clone()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).unwrap_or_else(|e| panic!("{}: {e}", folder.display())) {
            let path = entry
                .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
                .path();
            if path == root.join("bin") || path == root.join("main.rs") {
                continue;
            }
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files.iter().map(|path| read_source(&root, path)).collect()
}

/// The file each source's uses lead to (the longest module path they start with), with the
/// first line of each; a file's uses of itself are left out.
fn file_uses(sources: &[Source]) -> Vec<BTreeMap<usize, usize>> {
    sources
        .iter()
        .enumerate()
        .map(|(from, source)| {
            let mut targets = BTreeMap::new();
            for (path, line) in &source.uses {
                let target = (0..=path.len())
                    .rev()
                    .find_map(|n| sources.iter().position(|s| s.module == path[..n]));
                if let Some(to) = target.filter(|&to| to != from) {
                    targets.entry(to).or_insert(*line);
                }
            }
            targets
        })
        .collect()
}

fn fail_with(what: &str, findings: Vec<String>) {
    assert!(
        findings.is_empty(),
        "{what} ({}):\n  {}\n",
        findings.len(),
        findings.join("\n  ")
    );
}

#[test]
fn modules_use_only_the_layers_below_them() {
    let sources = sources();
    let mut findings = Vec::new();
    for (from, targets) in sources.iter().zip(file_uses(&sources)) {
        let Some(layer) = from.module.first() else {
            continue;
        };
        let Some((_, allowed)) = LAYERS.iter().find(|(name, _)| name == layer) else {
            findings.push(format!("{}: `{layer}` is not in LAYERS", from.file));
            continue;
        };
        for (to, line) in targets {
            let used = sources[to].module.first();
            if let Some(used) = used.filter(|used| *used != layer) {
                if !allowed.iter().any(|a| *a == "*" || a == used) {
                    let target = &sources[to].file;
                    findings.push(format!(
                        "{}:{line}: {layer} uses {used} ({target})",
                        from.file
                    ));
                }
            }
        }
    }
    fail_with("uses a layer may not make", findings);
}

#[test]
fn no_files_use_each_other() {
    let sources = sources();
    // A module using one inside it, or one it is inside, makes no cycle.
    let nested =
        |a: &Source, b: &Source| a.module.starts_with(&b.module) || b.module.starts_with(&a.module);
    let edges: Vec<BTreeMap<usize, usize>> = file_uses(&sources)
        .into_iter()
        .enumerate()
        .map(|(from, targets)| {
            let outside = |to: &usize| !nested(&sources[from], &sources[*to]);
            targets.into_iter().filter(|(to, _)| outside(to)).collect()
        })
        .collect();
    let reach = |start: usize| {
        let (mut seen, mut todo) = (BTreeSet::new(), vec![start]);
        while let Some(at) = todo.pop() {
            for &next in edges[at].keys() {
                if seen.insert(next) {
                    todo.push(next);
                }
            }
        }
        seen
    };
    let reaches: Vec<BTreeSet<usize>> = (0..sources.len()).map(reach).collect();
    let mut cycles: BTreeSet<Vec<usize>> = BTreeSet::new();
    for (at, reached) in reaches.iter().enumerate() {
        let cycle: Vec<usize> = reached
            .iter()
            .copied()
            .filter(|&other| reaches[other].contains(&at))
            .collect();
        if cycle.len() > 1 {
            cycles.insert(cycle);
        }
    }
    let mut findings = Vec::new();
    for cycle in &cycles {
        let mut finding = format!("a cycle of {} files:", cycle.len());
        for &from in cycle {
            for (to, line) in edges[from].iter().filter(|(to, _)| cycle.contains(to)) {
                let (a, b) = (&sources[from].file, &sources[*to].file);
                finding.push_str(&format!("\n    {a}:{line} uses {b}"));
            }
        }
        findings.push(finding);
    }
    fail_with("import cycles", findings);
}

#[test]
fn app_files_are_short() {
    let findings = sources()
        .into_iter()
        .filter(|s| s.module.first().is_some_and(|m| m == "app") && s.lines > APP_FILE_LINES)
        .map(|s| format!("{}: {} lines", s.file, s.lines))
        .collect();
    fail_with(&format!("app files over {APP_FILE_LINES} lines"), findings);
}

#[test]
fn uses_are_found_in_use_trees_and_code_but_not_in_tests_comments_or_strings() {
    let text = r##"
        //! See [`crate::no`].
        use super::{a::{b, self}, c as d};
        use crate::x::*;
        pub(crate) mod inner { fn f() { super::super::y::z(); } }
        fn g<'a>(s: &'a str) -> char { let _ = ("crate::no", r#"crate::no"#); crate::w::<u8>(); '\'' }
        #[cfg(test)]
        #[allow(unused)]
        mod tests { use crate::no; }
        /* crate::no /* nested */ crate::no */ fn h() { self::k(); }
    "##;
    let path = |p: &str| p.split('.').map(str::to_owned).collect::<Vec<_>>();
    let expected = [
        (path("m.a.b"), 3),
        (path("m.a"), 3),
        (path("m.c"), 3),
        (path("x"), 4),
        (path("m.y.z"), 5),
        (path("w"), 6),
        (path("m.n.k"), 10),
    ];
    assert_eq!(uses_of(&path("m.n"), text), expected);
}
