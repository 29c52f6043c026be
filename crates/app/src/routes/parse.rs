//! Page paths: from a file under `pages/` to `/blog/[...slug]`, and from that to segments.

use std::fmt;
use std::path::{Component, Path, PathBuf};

use crate::error::RouteError;
use crate::{PageInfo, Route, RouteKind, Runtime, Segment};

impl Route {
    /// A route for `page` served by `file`, on the default runtime, with nothing analysed yet.
    pub fn from_page_path(page: &str, file: impl Into<PathBuf>) -> Result<Route, RouteError> {
        Ok(Route {
            page: page.to_owned(),
            file: file.into(),
            kind: RouteKind::of(page),
            runtime: Runtime::Nodejs,
            segments: parse_page_path(page)?,
            info: PageInfo::default(),
        })
    }
}

impl Segment {
    /// The static text, or the parameter's name.
    pub fn name(&self) -> &str {
        match self {
            Segment::Static(name)
            | Segment::Dynamic(name)
            | Segment::CatchAll(name)
            | Segment::OptionalCatchAll(name) => name,
        }
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Static(name) => write!(f, "{name}"),
            Segment::Dynamic(name) => write!(f, "[{name}]"),
            Segment::CatchAll(name) => write!(f, "[...{name}]"),
            Segment::OptionalCatchAll(name) => write!(f, "[[...{name}]]"),
        }
    }
}

/// Splits a page path (`/`, `/api/[id]`, `/docs/[[...slug]]`) into segments, with the checks
/// Next.js makes on one path.
///
/// Checks that involve other routes (two names at one level) are made when the table is built.
pub fn parse_page_path(page: &str) -> Result<Vec<Segment>, RouteError> {
    if !page.starts_with('/') {
        return Err(RouteError::NotAbsolute(page.to_owned()));
    }
    let mut segments = Vec::new();
    let mut after_catch_all = false;
    for part in page.split('/').filter(|part| !part.is_empty()) {
        if after_catch_all {
            return Err(RouteError::CatchAllNotLast);
        }
        let segment = parse_segment(part)?;
        if let Some(name) = parameter_name(&segment) {
            check_repeats(&segments, name)?;
        }
        after_catch_all = matches!(segment, Segment::CatchAll(_) | Segment::OptionalCatchAll(_));
        segments.push(segment);
    }
    Ok(segments)
}

fn parse_segment(part: &str) -> Result<Segment, RouteError> {
    let Some(inner) = strip_brackets(part) else {
        return Ok(Segment::Static(part.to_owned()));
    };
    let (mut name, optional) = match strip_brackets(inner) {
        Some(name) => (name, true),
        None => (inner, false),
    };
    let catch_all = match name.strip_prefix("...") {
        Some(rest) => {
            name = rest;
            true
        }
        None => false,
    };
    if name.starts_with('[') || name.ends_with(']') {
        return Err(RouteError::ExtraBrackets(name.to_owned()));
    }
    if name.starts_with('.') {
        return Err(RouteError::ErroneousPeriods(name.to_owned()));
    }
    if optional && !catch_all {
        return Err(RouteError::OptionalParameter(part.to_owned()));
    }
    // Next.js lets `[]` through and then produces a route no URL can fill; reject it instead.
    if name.is_empty() {
        return Err(RouteError::EmptyName(part.to_owned()));
    }
    let name = name.to_owned();
    Ok(match (catch_all, optional) {
        (false, _) => Segment::Dynamic(name),
        (true, false) => Segment::CatchAll(name),
        (true, true) => Segment::OptionalCatchAll(name),
    })
}

fn strip_brackets(text: &str) -> Option<&str> {
    text.strip_prefix('[')?.strip_suffix(']')
}

fn parameter_name(segment: &Segment) -> Option<&str> {
    match segment {
        Segment::Static(_) => None,
        other => Some(other.name()),
    }
}

fn check_repeats(before: &[Segment], name: &str) -> Result<(), RouteError> {
    for previous in before.iter().filter_map(parameter_name) {
        if previous == name {
            return Err(RouteError::RepeatedSlug(name.to_owned()));
        }
        if word_characters(previous).eq(word_characters(name)) {
            return Err(RouteError::SlugsDifferBySymbols(
                previous.to_owned(),
                name.to_owned(),
            ));
        }
    }
    Ok(())
}

/// The characters JavaScript's `\w` keeps (it is ASCII-only without the `u` flag).
fn word_characters(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
}

/// The page path of a file, given its path relative to the pages folder, or `None` when its
/// name does not end in one of `extensions`.
///
/// Like Next.js: the extension (and any dots before it) is dropped, then a final `/index`.
pub fn page_from_file(relative: &Path, extensions: &[String]) -> Option<String> {
    let mut path = String::new();
    for component in relative.components() {
        let Component::Normal(part) = component else {
            return None;
        };
        path.push('/');
        path.push_str(part.to_str()?);
    }
    // Of the matching extensions, the one starting earliest wins, as in Next.js's regex.
    let stem_end = extensions
        .iter()
        .filter(|ext| !ext.is_empty())
        .filter_map(|ext| {
            let cut = path.len().checked_sub(ext.len() + 1)?;
            let tail = path.get(cut..)?;
            (tail.starts_with('.') && &tail[1..] == ext.as_str()).then_some(cut)
        })
        .min()?;
    let stem = path[..stem_end].trim_end_matches('.');
    if stem.is_empty() || stem.ends_with('/') {
        return None;
    }
    let page = stem.strip_suffix("/index").unwrap_or(stem);
    Some(if page.is_empty() {
        "/".to_owned()
    } else {
        page.to_owned()
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{page_from_file, parse_page_path};
    use crate::error::RouteError;
    use crate::{Route, RouteKind, Segment};

    fn exts() -> Vec<String> {
        ["tsx", "ts", "jsx", "js", "mjs"].map(String::from).to_vec()
    }

    #[test]
    fn splits_static_dynamic_and_catch_all_segments() {
        assert_eq!(parse_page_path("/").unwrap(), vec![]);
        assert_eq!(
            parse_page_path("/api/[id]").unwrap(),
            vec![Segment::Static("api".into()), Segment::Dynamic("id".into())]
        );
        assert_eq!(
            parse_page_path("/blog/[...slug]").unwrap(),
            vec![
                Segment::Static("blog".into()),
                Segment::CatchAll("slug".into())
            ]
        );
        assert_eq!(
            parse_page_path("/docs/[[...slug]]").unwrap(),
            vec![
                Segment::Static("docs".into()),
                Segment::OptionalCatchAll("slug".into())
            ]
        );
    }

    #[test]
    fn segments_print_back_as_written() {
        let page = "/a/[b]/[...c]";
        let printed: Vec<String> = parse_page_path(page)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(format!("/{}", printed.join("/")), page);
        assert_eq!(
            Segment::OptionalCatchAll("x".into()).to_string(),
            "[[...x]]"
        );
    }

    #[test]
    fn catch_alls_must_be_last() {
        for page in ["/[...a]/b", "/[[...a]]/b", "/x/[...a]/[b]"] {
            assert_eq!(
                parse_page_path(page),
                Err(RouteError::CatchAllNotLast),
                "{page}"
            );
        }
        assert_eq!(
            RouteError::CatchAllNotLast.to_string(),
            "Catch-all must be the last part of the URL."
        );
    }

    #[test]
    fn repeated_parameter_names_are_rejected() {
        let error = parse_page_path("/[id]/x/[id]").unwrap_err();
        assert_eq!(
            error.to_string(),
            "You cannot have the same slug name \"id\" repeat within a single dynamic path"
        );
        let error = parse_page_path("/[a-b]/[ab]").unwrap_err();
        assert_eq!(
            error.to_string(),
            "You cannot have the slug names \"a-b\" and \"ab\" differ only by non-word symbols within a single dynamic path"
        );
        assert_eq!(
            parse_page_path("/[id]/[...id]"),
            Err(RouteError::RepeatedSlug("id".into()))
        );
    }

    #[test]
    fn malformed_brackets_use_next_messages() {
        assert_eq!(
            parse_page_path("/[[id]]").unwrap_err().to_string(),
            "Optional route parameters are not yet supported (\"[[id]]\")."
        );
        assert_eq!(
            parse_page_path("/[[[...id]]]").unwrap_err().to_string(),
            "Segment names may not start or end with extra brackets ('[...id]')."
        );
        assert_eq!(
            parse_page_path("/[...[id]]").unwrap_err().to_string(),
            "Segment names may not start or end with extra brackets ('[id]')."
        );
        assert_eq!(
            parse_page_path("/[.id]").unwrap_err().to_string(),
            "Segment names may not start with erroneous periods ('.id')."
        );
        assert_eq!(
            parse_page_path("/[....id]").unwrap_err().to_string(),
            "Segment names may not start with erroneous periods ('.id')."
        );
        assert_eq!(
            parse_page_path("/a/[]"),
            Err(RouteError::EmptyName("[]".into()))
        );
        assert_eq!(
            parse_page_path("api/x"),
            Err(RouteError::NotAbsolute("api/x".into()))
        );
    }

    #[test]
    fn brackets_inside_a_segment_are_static() {
        assert_eq!(
            parse_page_path("/a[b]c").unwrap(),
            vec![Segment::Static("a[b]c".into())]
        );
    }

    #[test]
    fn routes_know_their_kind() {
        let api = Route::from_page_path("/api/[id]", "pages/api/[id].js").unwrap();
        assert_eq!(api.kind, RouteKind::Api);
        assert_eq!(api.file, Path::new("pages/api/[id].js"));
        assert_eq!(
            Route::from_page_path("/api", "x").unwrap().kind,
            RouteKind::Api
        );
        assert_eq!(
            Route::from_page_path("/apis", "x").unwrap().kind,
            RouteKind::Page
        );
        assert_eq!(
            Route::from_page_path("/", "x").unwrap().kind,
            RouteKind::Page
        );
    }

    #[test]
    fn files_map_to_pages_like_next() {
        let page = |path: &str| page_from_file(Path::new(path), &exts());
        assert_eq!(page("index.js").as_deref(), Some("/"));
        assert_eq!(page("foo/index.tsx").as_deref(), Some("/foo"));
        assert_eq!(page("index/index.js").as_deref(), Some("/index"));
        assert_eq!(page("api/[id].ts").as_deref(), Some("/api/[id]"));
        assert_eq!(
            page("blog/[...slug].jsx").as_deref(),
            Some("/blog/[...slug]")
        );
        assert_eq!(page("about.mjs").as_deref(), Some("/about"));
        assert_eq!(page("about..js").as_deref(), Some("/about"));
        assert_eq!(page("styles.css"), None);
        assert_eq!(page(".js"), None);
    }

    #[test]
    fn custom_page_extensions_match_the_earliest_dot() {
        let exts = vec!["tsx".to_owned(), "page.tsx".to_owned()];
        assert_eq!(
            page_from_file(Path::new("about.page.tsx"), &exts).as_deref(),
            Some("/about")
        );
        assert_eq!(
            page_from_file(Path::new("about.tsx"), &exts).as_deref(),
            Some("/about")
        );
        let only_page = vec!["page.tsx".to_owned()];
        assert_eq!(page_from_file(Path::new("about.tsx"), &only_page), None);
    }
}
