//! Route order and the checks that need the whole table, as Next.js's `getSortedRoutes` has them.
//!
//! Next.js builds a tree with one node per segment and reads it back depth first: at each
//! level a route that ends there comes first, then static children in string order, then the
//! `[param]` child, then `[...rest]`, then `[[...optional]]`. Comparing two segment lists at
//! their first difference with that rank gives the same order, so sorting needs no tree; the
//! conflict checks do, because each level allows only one parameter name.

use std::cmp::Ordering;

use crate::error::RouteError;
use crate::{Route, Segment};

/// Orders two routes as Next.js matches them: more specific first.
pub fn compare_routes(a: &Route, b: &Route) -> Ordering {
    compare_segments(&a.segments, &b.segments)
}

/// Orders two segment lists as Next.js's `getSortedRoutes` does.
pub fn compare_segments(a: &[Segment], b: &[Segment]) -> Ordering {
    for (left, right) in a.iter().zip(b) {
        let order = rank(left)
            .cmp(&rank(right))
            .then_with(|| match (left, right) {
                // JavaScript sorts strings by UTF-16 code units.
                (Segment::Static(x), Segment::Static(y)) => x.encode_utf16().cmp(y.encode_utf16()),
                // One name per level is enforced elsewhere; the name never orders.
                _ => Ordering::Equal,
            });
        if order != Ordering::Equal {
            return order;
        }
    }
    // A route that ends at a level comes before everything under it.
    a.len().cmp(&b.len())
}

fn rank(segment: &Segment) -> u8 {
    match segment {
        Segment::Static(_) => 0,
        Segment::Dynamic(_) => 1,
        Segment::CatchAll(_) => 2,
        Segment::OptionalCatchAll(_) => 3,
    }
}

/// One level of the route tree: the parameter names used here and what is below.
#[derive(Default)]
struct Level {
    ends_here: bool,
    dynamic: Option<String>,
    catch_all: Option<String>,
    optional_catch_all: Option<String>,
    children: Vec<(Key, Level)>,
}

#[derive(PartialEq, Eq)]
enum Key {
    Static(String),
    Dynamic,
    CatchAll,
    OptionalCatchAll,
}

impl Key {
    fn of(segment: &Segment) -> Key {
        match segment {
            Segment::Static(name) => Key::Static(name.clone()),
            Segment::Dynamic(_) => Key::Dynamic,
            Segment::CatchAll(_) => Key::CatchAll,
            Segment::OptionalCatchAll(_) => Key::OptionalCatchAll,
        }
    }

    fn matches(&self, segment: &Segment) -> bool {
        match (self, segment) {
            (Key::Static(name), Segment::Static(other)) => name == other,
            (Key::Dynamic, Segment::Dynamic(_))
            | (Key::CatchAll, Segment::CatchAll(_))
            | (Key::OptionalCatchAll, Segment::OptionalCatchAll(_)) => true,
            _ => false,
        }
    }
}

impl Level {
    fn child(&self, segment: &Segment) -> Option<&Level> {
        self.children
            .iter()
            .find(|(key, _)| key.matches(segment))
            .map(|(_, level)| level)
    }

    fn child_mut(&mut self, segment: &Segment) -> &mut Level {
        let index = match self
            .children
            .iter()
            .position(|(key, _)| key.matches(segment))
        {
            Some(index) => index,
            None => {
                self.children.push((Key::of(segment), Level::default()));
                self.children.len() - 1
            }
        };
        &mut self.children[index].1
    }

    /// Whether `segment` can sit at this level next to what is already here.
    fn check(&self, segment: &Segment, prefix: &str) -> Result<(), RouteError> {
        let differs = |previous: &Option<String>, name: &str| match previous {
            Some(previous) if previous != name => Err(RouteError::DifferentSlugNames(
                previous.clone(),
                name.to_owned(),
            )),
            _ => Ok(()),
        };
        match segment {
            Segment::Static(_) => Ok(()),
            Segment::Dynamic(name) => differs(&self.dynamic, name),
            Segment::CatchAll(name) => {
                if let Some(optional) = &self.optional_catch_all {
                    return Err(RouteError::OptionalThenRequired(
                        optional.clone(),
                        segment.to_string(),
                    ));
                }
                differs(&self.catch_all, name)
            }
            Segment::OptionalCatchAll(name) => {
                if let Some(required) = &self.catch_all {
                    return Err(RouteError::RequiredThenOptional(
                        required.clone(),
                        segment.to_string(),
                    ));
                }
                differs(&self.optional_catch_all, name)?;
                if self.ends_here {
                    return Err(RouteError::SameSpecificity(route_at(prefix), name.clone()));
                }
                Ok(())
            }
        }
    }

    fn record(&mut self, segment: &Segment) {
        let slot = match segment {
            Segment::Static(_) => return,
            Segment::Dynamic(_) => &mut self.dynamic,
            Segment::CatchAll(_) => &mut self.catch_all,
            Segment::OptionalCatchAll(_) => &mut self.optional_catch_all,
        };
        slot.get_or_insert_with(|| segment.name().to_owned());
    }
}

/// Next.js names a level by its path, with `/` for the root.
fn route_at(prefix: &str) -> String {
    if prefix.is_empty() {
        "/".to_owned()
    } else {
        prefix.to_owned()
    }
}

/// Checks each route against those before it, as inserting it into Next.js's route tree does.
///
/// Returns one result per route; a rejected route is left out of the tree, so later routes
/// are checked only against accepted ones.
pub fn check_routes(routes: &[Route]) -> Vec<Result<(), RouteError>> {
    let mut root = Level::default();
    routes
        .iter()
        .map(|route| {
            check_one(&root, &route.segments)?;
            insert(&mut root, &route.segments);
            Ok(())
        })
        .collect()
}

fn check_one(root: &Level, segments: &[Segment]) -> Result<(), RouteError> {
    let mut level = Some(root);
    let mut prefix = String::new();
    for segment in segments {
        if let Some(current) = level {
            current.check(segment, &prefix)?;
            level = current.child(segment);
        }
        prefix.push('/');
        prefix.push_str(&segment.to_string());
    }
    if let Some(optional) = level.and_then(|end| end.optional_catch_all.as_ref()) {
        return Err(RouteError::SameSpecificity(
            route_at(&prefix),
            optional.clone(),
        ));
    }
    Ok(())
}

fn insert(root: &mut Level, segments: &[Segment]) {
    let mut level = root;
    for segment in segments {
        level.record(segment);
        level = level.child_mut(segment);
    }
    level.ends_here = true;
}

#[cfg(test)]
mod tests {
    use super::{check_routes, compare_routes};
    use crate::Route;
    use crate::error::RouteError;

    fn route(page: &str) -> Route {
        Route::from_page_path(page, format!("pages{page}.js")).unwrap()
    }

    fn sorted(pages: &[&str]) -> Vec<String> {
        let mut routes: Vec<Route> = pages.iter().map(|page| route(page)).collect();
        routes.sort_by(compare_routes);
        routes.into_iter().map(|route| route.page).collect()
    }

    #[test]
    fn static_beats_dynamic_beats_catch_all_beats_optional() {
        assert_eq!(
            sorted(&["/edge/[id]", "/edge/foo"]),
            ["/edge/foo", "/edge/[id]"]
        );
        assert_eq!(
            sorted(&[
                "/[[...all]]",
                "/[...rest]",
                "/[id]",
                "/about",
                "/api/[...x]",
                "/api/hello",
            ]),
            [
                "/about",
                "/api/hello",
                "/api/[...x]",
                "/[id]",
                "/[...rest]",
                "/[[...all]]",
            ]
        );
    }

    #[test]
    fn a_route_comes_before_its_children() {
        assert_eq!(
            sorted(&["/blog/[slug]", "/blog/a", "/blog", "/"]),
            ["/", "/blog", "/blog/a", "/blog/[slug]"]
        );
        assert_eq!(
            sorted(&["/[id]/comments", "/[id]", "/[id]/[...rest]"]),
            ["/[id]", "/[id]/comments", "/[id]/[...rest]"]
        );
    }

    #[test]
    fn orders_a_mixed_tree_depth_first() {
        let pages = [
            "/posts",
            "/[root-slug]",
            "/",
            "/posts/[id]",
            "/blog/[id]/comments/[cid]",
            "/blog/abc/[id]",
            "/[...rest]",
            "/blog/abc/post",
            "/blog/abc",
            "/p1/[[...incl]]",
            "/p/[...rest]",
            "/p2/[...rest]",
            "/p2/[id]",
            "/p2/[id]/abc",
            "/p3/[[...rest]]",
            "/p3/[id]",
            "/p3/[id]/abc",
            "/blog/[id]",
            "/foo/[d]/bar/baz/[f]",
            "/apples/[ab]/[cd]/ef",
        ];
        assert_eq!(
            sorted(&pages),
            [
                "/",
                "/apples/[ab]/[cd]/ef",
                "/blog/abc",
                "/blog/abc/post",
                "/blog/abc/[id]",
                "/blog/[id]",
                "/blog/[id]/comments/[cid]",
                "/foo/[d]/bar/baz/[f]",
                "/p/[...rest]",
                "/p1/[[...incl]]",
                "/p2/[id]",
                "/p2/[id]/abc",
                "/p2/[...rest]",
                "/p3/[id]",
                "/p3/[id]/abc",
                "/p3/[[...rest]]",
                "/posts",
                "/posts/[id]",
                "/[root-slug]",
                "/[...rest]",
            ]
        );
    }

    #[test]
    fn static_names_sort_by_utf16_code_units() {
        // U+FF5E is above the surrogate range in UTF-16 but below U+1F600 in UTF-8 order.
        assert_eq!(
            sorted(&["/\u{ff5e}", "/\u{1f600}"]),
            ["/\u{1f600}", "/\u{ff5e}"]
        );
        assert_eq!(sorted(&["/b", "/B", "/a"]), ["/B", "/a", "/b"]);
    }

    fn check(pages: &[&str]) -> Vec<Result<(), String>> {
        let routes: Vec<Route> = pages.iter().map(|page| route(page)).collect();
        check_routes(&routes)
            .into_iter()
            .map(|result| result.map_err(|error| error.to_string()))
            .collect()
    }

    #[test]
    fn one_parameter_name_per_level() {
        assert_eq!(
            check(&["/[post]/index", "/[id]/edit"]),
            [
                Ok(()),
                Err("You cannot use different slug names for the same dynamic path ('post' !== 'id').".into())
            ]
        );
        assert_eq!(check(&["/blog/[id]", "/[id]/x"]), [Ok(()), Ok(())]);
        assert_eq!(
            check(&["/[id]", "/[id]/x", "/[id]/[...rest]"]),
            [Ok(()), Ok(()), Ok(())]
        );
    }

    #[test]
    fn required_and_optional_catch_alls_cannot_share_a_level() {
        assert_eq!(
            check(&["/docs/[...slug]", "/docs/[[...slug]]"])[1],
            Err("You cannot use both an required and optional catch-all route at the same level (\"[...slug]\" and \"[[...slug]]\" ).".into())
        );
        assert_eq!(
            check(&["/docs/[[...a]]", "/docs/[...b]"])[1],
            Err("You cannot use both an optional and required catch-all route at the same level (\"[[...a]]\" and \"[...b]\").".into())
        );
    }

    #[test]
    fn optional_catch_all_cannot_share_specificity_with_its_parent() {
        assert_eq!(
            check(&["/", "/[[...slug]]"])[1],
            Err("You cannot define a route with the same specificity as a optional catch-all route (\"/\" and \"/[[...slug]]\").".into())
        );
        assert_eq!(
            check(&["/docs/[[...slug]]", "/docs"])[1],
            Err(RouteError::SameSpecificity("/docs".into(), "slug".into()).to_string())
        );
    }

    #[test]
    fn rejected_routes_do_not_poison_the_tree() {
        assert_eq!(
            check(&["/[a]", "/[b]/x", "/[a]/y"]),
            [
                Ok(()),
                Err(
                    "You cannot use different slug names for the same dynamic path ('a' !== 'b')."
                        .into()
                ),
                Ok(())
            ]
        );
    }
}
