//! The route table: routes in Next.js's order, and finding the route for a request path.
//!
//! Lookup runs per request, so it allocates nothing until it has a match: static pages are
//! one hash lookup when the path has no `%`, and the dynamic routes are tried in order with
//! segments compared as they are decoded.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::percent_decoding::{self, MalformedPath};
use crate::routes::sort::compare_routes;
use crate::{ParamValue, Params, Route, Segment};

/// The app's routes, sorted as Next.js matches them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<Route>", into = "Vec<Route>")]
pub struct RouteTable {
    routes: Vec<Route>,
    /// Page path of each route with only static segments, to its index.
    static_pages: HashMap<String, usize>,
    /// Indexes of the other routes, in order.
    dynamic: Vec<usize>,
}

impl RouteTable {
    /// Sorts `routes` as Next.js's `getSortedRoutes` does and indexes them.
    pub fn new(mut routes: Vec<Route>) -> RouteTable {
        routes.sort_by(compare_routes);
        let mut static_pages = HashMap::new();
        let mut dynamic = Vec::new();
        for (index, route) in routes.iter().enumerate() {
            if route
                .segments
                .iter()
                .all(|segment| matches!(segment, Segment::Static(_)))
            {
                static_pages.entry(route.page.clone()).or_insert(index);
            } else {
                dynamic.push(index);
            }
        }
        RouteTable {
            routes,
            static_pages,
            dynamic,
        }
    }

    /// The routes, most specific first.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// Iterates over the routes in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Route> {
        self.routes.iter()
    }

    /// How many routes there are.
    pub fn len(&self) -> usize {
        self.routes.len()
    }

    /// Whether there are no routes.
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    /// The route whose page path is exactly `page` (`/api/[id]`).
    pub fn get(&self, page: &str) -> Option<&Route> {
        self.routes.iter().find(|route| route.page == page)
    }

    /// The route serving `path` and its parameters; `None` when nothing matches or the path's
    /// percent-encoding is malformed (see [`RouteTable::lookup`] to tell those apart).
    pub fn find(&self, path: &str) -> Option<(&Route, Params)> {
        self.lookup(path).ok().flatten()
    }

    /// The route serving `path` (a URL path, `?query` ignored) and its decoded parameters.
    ///
    /// One trailing slash is ignored. `[[...slug]]` matches its bare prefix with the parameter
    /// absent; catch-alls give [`ParamValue::Many`].
    pub fn lookup(&self, path: &str) -> Result<Option<(&Route, Params)>, MalformedPath> {
        self.lookup_among(path, true, true)
    }

    /// Like [`RouteTable::find`], among routes without dynamic segments only: the pages Next
    /// finds with the files, before `afterFiles` rewrites.
    pub fn find_static(&self, path: &str) -> Option<(&Route, Params)> {
        self.lookup_among(path, true, false).ok().flatten()
    }

    /// Like [`RouteTable::find`], among routes with dynamic segments only: what Next tries
    /// after `afterFiles` rewrites.
    pub fn find_dynamic(&self, path: &str) -> Option<(&Route, Params)> {
        self.lookup_among(path, false, true).ok().flatten()
    }

    fn lookup_among(
        &self,
        path: &str,
        with_static: bool,
        with_dynamic: bool,
    ) -> Result<Option<(&Route, Params)>, MalformedPath> {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        if !path.starts_with('/') {
            return Ok(None);
        }
        let path = match path.strip_suffix('/') {
            Some(trimmed) if !trimmed.is_empty() => trimmed,
            _ => path,
        };
        let encoded = path.contains('%');
        if encoded {
            percent_decoding::check(path)?;
        } else if with_static && let Some(&index) = self.static_pages.get(path) {
            return Ok(Some((&self.routes[index], Params::new())));
        }
        let rest = &path[1..];
        let found = if encoded {
            // Static names must be compared decoded, so every route is a candidate.
            self.routes
                .iter()
                .filter(|route| {
                    let is_static = route
                        .segments
                        .iter()
                        .all(|segment| matches!(segment, Segment::Static(_)));
                    if is_static { with_static } else { with_dynamic }
                })
                .find(|route| matches(route, rest))
        } else if with_dynamic {
            self.dynamic
                .iter()
                .map(|&index| &self.routes[index])
                .find(|route| matches(route, rest))
        } else {
            None
        };
        match found {
            Some(route) => Ok(Some((route, params(route, rest)?))),
            None => Ok(None),
        }
    }
}

impl From<Vec<Route>> for RouteTable {
    fn from(routes: Vec<Route>) -> Self {
        RouteTable::new(routes)
    }
}

impl From<RouteTable> for Vec<Route> {
    fn from(table: RouteTable) -> Self {
        table.routes
    }
}

impl<'a> IntoIterator for &'a RouteTable {
    type Item = &'a Route;
    type IntoIter = std::slice::Iter<'a, Route>;

    fn into_iter(self) -> Self::IntoIter {
        self.routes.iter()
    }
}

/// The path's segments after the leading `/`; none for `/`.
fn parts(rest: &str) -> impl Iterator<Item = &str> {
    (!rest.is_empty())
        .then(|| rest.split('/'))
        .into_iter()
        .flatten()
}

fn matches(route: &Route, rest: &str) -> bool {
    let mut parts = parts(rest);
    for segment in &route.segments {
        match segment {
            Segment::Static(name) => match parts.next() {
                Some(part) if percent_decoding::decoded_eq(part, name) && !part.is_empty() => {}
                _ => return false,
            },
            Segment::Dynamic(_) => match parts.next() {
                Some(part) if !part.is_empty() => {}
                _ => return false,
            },
            Segment::CatchAll(_) => {
                let mut count = 0;
                for part in parts.by_ref() {
                    if part.is_empty() {
                        return false;
                    }
                    count += 1;
                }
                return count > 0;
            }
            Segment::OptionalCatchAll(_) => return parts.all(|part| !part.is_empty()),
        }
    }
    parts.next().is_none()
}

/// Reads the parameters of a route `matches` accepted.
fn params(route: &Route, rest: &str) -> Result<Params, MalformedPath> {
    let mut params = Params::new();
    let mut parts = parts(rest);
    for segment in &route.segments {
        match segment {
            Segment::Static(_) => {
                parts.next();
            }
            Segment::Dynamic(name) => {
                let value = percent_decoding::decode(parts.next().unwrap_or_default())?;
                params.push((name.clone(), ParamValue::One(value)));
            }
            Segment::CatchAll(name) | Segment::OptionalCatchAll(name) => {
                let values = parts
                    .by_ref()
                    .map(percent_decoding::decode)
                    .collect::<Result<Vec<_>, _>>()?;
                if !values.is_empty() {
                    params.push((name.clone(), ParamValue::Many(values)));
                }
            }
        }
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::RouteTable;
    use crate::percent_decoding::MalformedPath;
    use crate::{ParamValue, Params, Route};

    fn table(pages: &[&str]) -> RouteTable {
        RouteTable::new(
            pages
                .iter()
                .map(|page| Route::from_page_path(page, format!("pages{page}.js")).unwrap())
                .collect(),
        )
    }

    fn find(table: &RouteTable, path: &str) -> Option<(String, Params)> {
        table
            .find(path)
            .map(|(route, params)| (route.page.clone(), params))
    }

    fn one(name: &str, value: &str) -> (String, ParamValue) {
        (name.to_owned(), ParamValue::One(value.to_owned()))
    }

    fn many(name: &str, values: &[&str]) -> (String, ParamValue) {
        (
            name.to_owned(),
            ParamValue::Many(values.iter().map(|value| (*value).to_owned()).collect()),
        )
    }

    #[test]
    fn the_table_is_sorted_on_construction() {
        let routes = table(&["/edge/[id]", "/edge/foo", "/"]);
        let pages: Vec<&str> = routes.iter().map(|route| route.page.as_str()).collect();
        assert_eq!(pages, ["/", "/edge/foo", "/edge/[id]"]);
    }

    #[test]
    fn static_routes_win_over_dynamic_ones() {
        let routes = table(&["/edge/[id]", "/edge/foo", "/"]);
        assert_eq!(
            find(&routes, "/edge/foo"),
            Some(("/edge/foo".into(), vec![]))
        );
        assert_eq!(
            find(&routes, "/edge/bar"),
            Some(("/edge/[id]".into(), vec![one("id", "bar")]))
        );
        assert_eq!(find(&routes, "/"), Some(("/".into(), vec![])));
        assert_eq!(find(&routes, "/edge"), None);
        assert_eq!(find(&routes, "/edge/foo/more"), None);
    }

    #[test]
    fn one_trailing_slash_is_tolerated() {
        let routes = table(&["/about", "/items/[id]"]);
        assert_eq!(
            find(&routes, "/about/").map(|(page, _)| page),
            Some("/about".into())
        );
        assert_eq!(
            find(&routes, "/items/7/"),
            Some(("/items/[id]".into(), vec![one("id", "7")]))
        );
        assert_eq!(find(&routes, "/about//"), None);
        assert_eq!(find(&routes, "/items//"), None);
        assert_eq!(find(&routes, "about"), None);
    }

    #[test]
    fn catch_alls_need_one_segment_and_give_many() {
        let routes = table(&["/blog/[...slug]"]);
        assert_eq!(find(&routes, "/blog"), None);
        assert_eq!(
            find(&routes, "/blog/a"),
            Some(("/blog/[...slug]".into(), vec![many("slug", &["a"])]))
        );
        assert_eq!(
            find(&routes, "/blog/a/b/c"),
            Some((
                "/blog/[...slug]".into(),
                vec![many("slug", &["a", "b", "c"])]
            ))
        );
        assert_eq!(find(&routes, "/blog/a//b"), None);
    }

    #[test]
    fn optional_catch_alls_match_the_bare_prefix_without_the_param() {
        let routes = table(&["/docs/[[...slug]]"]);
        assert_eq!(
            find(&routes, "/docs"),
            Some(("/docs/[[...slug]]".into(), vec![]))
        );
        assert_eq!(
            find(&routes, "/docs/"),
            Some(("/docs/[[...slug]]".into(), vec![]))
        );
        assert_eq!(
            find(&routes, "/docs/a/b"),
            Some(("/docs/[[...slug]]".into(), vec![many("slug", &["a", "b"])]))
        );
        let root = table(&["/[[...all]]"]);
        assert_eq!(find(&root, "/"), Some(("/[[...all]]".into(), vec![])));
    }

    #[test]
    fn parameters_are_percent_decoded() {
        let routes = table(&["/users/[id]", "/files/[...path]", "/café"]);
        assert_eq!(
            find(&routes, "/users/id%201"),
            Some(("/users/[id]".into(), vec![one("id", "id 1")]))
        );
        assert_eq!(
            find(&routes, "/users/a%2Fb"),
            Some(("/users/[id]".into(), vec![one("id", "a/b")]))
        );
        assert_eq!(
            find(&routes, "/files/a%20b/c"),
            Some(("/files/[...path]".into(), vec![many("path", &["a b", "c"])]))
        );
        assert_eq!(find(&routes, "/caf%C3%A9"), Some(("/café".into(), vec![])));
        assert_eq!(find(&routes, "/café"), Some(("/café".into(), vec![])));
    }

    #[test]
    fn malformed_encoding_is_reported_by_lookup() {
        let routes = table(&["/users/[id]"]);
        assert_eq!(routes.lookup("/users/%E0%A4%A").unwrap_err(), MalformedPath);
        assert_eq!(routes.lookup("/users/%FF").unwrap_err(), MalformedPath);
        assert_eq!(find(&routes, "/users/%2"), None);
    }

    #[test]
    fn queries_and_fragments_are_ignored() {
        let routes = table(&["/search", "/p/[id]"]);
        assert_eq!(
            find(&routes, "/search?q=1").map(|(page, _)| page),
            Some("/search".into())
        );
        assert_eq!(
            find(&routes, "/p/1?x=%zz#top"),
            Some(("/p/[id]".into(), vec![one("id", "1")]))
        );
    }

    #[test]
    fn params_come_in_segment_order() {
        let routes = table(&["/[org]/[repo]/tree/[...path]"]);
        assert_eq!(
            find(&routes, "/a/b/tree/c/d"),
            Some((
                "/[org]/[repo]/tree/[...path]".into(),
                vec![one("org", "a"), one("repo", "b"), many("path", &["c", "d"])]
            ))
        );
    }

    #[test]
    fn serializes_as_a_list_of_routes_and_re_sorts_on_load() {
        let routes = table(&["/a/[id]", "/a/b"]);
        let json = serde_json::to_value(&routes).unwrap();
        assert_eq!(json[0]["page"], "/a/b");
        let mut list: Vec<Route> = serde_json::from_value(json).unwrap();
        list.reverse();
        let back = RouteTable::from(list);
        assert_eq!(back, routes);
        assert_eq!(back.get("/a/[id]").unwrap().page, "/a/[id]");
    }
}
