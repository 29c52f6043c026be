//! Why `headers()`, `redirects()` or `rewrites()` of `next.config.*` cannot be used, in the
//! words Next.js prints (`checkCustomRoutes` in `load-custom-routes.ts`).

use std::fmt;

/// Which of the three lists a route comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomRouteKind {
    /// `headers()`.
    Header,
    /// `redirects()`.
    Redirect,
    /// `rewrites()`.
    Rewrite,
}

impl CustomRouteKind {
    /// `header`, `redirect` or `rewrite`, as Next.js names the kind in its messages.
    pub fn name(self) -> &'static str {
        match self {
            CustomRouteKind::Header => "header",
            CustomRouteKind::Redirect => "redirect",
            CustomRouteKind::Rewrite => "rewrite",
        }
    }

    /// The config function that returns routes of this kind.
    pub fn function(self) -> &'static str {
        match self {
            CustomRouteKind::Header => "headers",
            CustomRouteKind::Redirect => "redirects",
            CustomRouteKind::Rewrite => "rewrites",
        }
    }
}

impl fmt::Display for CustomRouteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Custom routes that cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustomRoutesError {
    /// The function returned something other than a list of routes.
    #[error(
        "Error: {kind}s must return an array, received {received}.\nSee here for more info: https://nextjs.org/docs/messages/routes-must-be-array"
    )]
    NotAnArray {
        /// Which function.
        kind: CustomRouteKind,
        /// `typeof` of what it returned.
        received: String,
    },
    /// Routes break Next.js's rules; the message lists them as Next.js does.
    #[error("{0}")]
    Invalid(InvalidRoutes),
    /// A route Next.js accepts uses a regular expression the server's engine cannot run.
    #[error(
        "The {kind} from `{source_path}` uses the pattern `{pattern}`, which Switchyard's regular expression engine cannot run: {reason}. Write the pattern with syntax JavaScript and Rust's `regex` crate read alike."
    )]
    UnsupportedPattern {
        /// The route's kind.
        kind: CustomRouteKind,
        /// The route's source as written.
        source_path: String,
        /// The source's regular expression or the `has`/`missing` value.
        pattern: String,
        /// The engine's message.
        reason: String,
    },
}

/// Every invalid route of one list, with the notes Next.js prints after them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRoutes {
    /// Which list.
    pub kind: CustomRouteKind,
    /// The invalid routes, in order.
    pub routes: Vec<InvalidRoute>,
}

/// One route Next.js rejects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvalidRoute {
    /// The entry is not an object (`null`, a string…).
    NotAnObject {
        /// The entry, as `JSON.stringify` writes it.
        route: String,
    },
    /// A rewrite with `basePath: false` whose destination is not an external URL.
    OutsideBasePath {
        /// The route's source.
        source_path: String,
    },
    /// The route breaks one or more rules.
    Broken(BrokenRoute),
}

/// The rules a route breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenRoute {
    /// The route, as `JSON.stringify` writes it.
    pub route: String,
    /// The rules broken, in the order Next.js lists them.
    pub problems: Vec<RouteProblem>,
    /// Keys the route may not have.
    pub invalid_fields: Vec<String>,
    /// Why each invalid `has` item is invalid (`invalid type "cookiee" for {…}`).
    pub has_items: Vec<String>,
    /// Why each invalid `missing` item is invalid.
    pub missing_items: Vec<String>,
    /// `path-to-regexp` errors for the source and the destination.
    pub parse_errors: Vec<ParseError>,
}

/// A source or destination `path-to-regexp` cannot parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The value as written.
    pub route: String,
    /// The part that was parsed (a destination's path and fragment).
    pub parsed_path: String,
    /// `path-to-regexp`'s message.
    pub reason: String,
}

/// One rule a route breaks; each prints as Next.js words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteProblem {
    /// `basePath` is neither absent nor `false`.
    BasePathNotFalse,
    /// `locale` is neither absent nor `false`.
    LocaleNotFalse,
    /// `has` (or `missing`) is not a list.
    ConditionsNotArray {
        /// `has` or `missing`.
        field: &'static str,
    },
    /// Items of `has` (or `missing`) are invalid.
    InvalidConditionItems {
        /// `has` or `missing`.
        field: &'static str,
        /// How many.
        count: usize,
    },
    /// No `source`.
    SourceMissing,
    /// `source` is not a string.
    SourceNotString,
    /// `source` does not start with `/`.
    SourceNotAbsolute,
    /// `path-to-regexp` cannot parse `source`.
    SourceParseFailed,
    /// The regular expression of `source` is longer than 4096 characters.
    SourceTooLong,
    /// `headers` is not a list.
    HeadersNotArray,
    /// `headers` is empty.
    HeadersEmpty,
    /// An item of `headers` is not an object.
    HeaderNotObject,
    /// An item of `headers` has no string `key`.
    HeaderKeyNotString,
    /// An item of `headers` has no string `value`.
    HeaderValueNotString,
    /// No `destination`.
    DestinationMissing,
    /// `destination` is not a string.
    DestinationNotString,
    /// A rewrite's `destination` starts with none of `/`, `http://`, `https://`.
    DestinationNotUrl,
    /// `statusCode` is not one of 301, 302, 303, 307, 308.
    StatusCodeInvalid,
    /// A redirect has neither `statusCode` nor a boolean `permanent`.
    PermanentNotBoolean,
    /// The destination uses the numbered parameters of unnamed groups (`:0`).
    DestinationUnnamedParams(Vec<String>),
    /// The regular expression of the destination's path is longer than 4096 characters.
    DestinationTooLong,
    /// `path-to-regexp` cannot parse the destination's path.
    DestinationParseFailed,
    /// The destination uses parameters neither the source nor `has` captures.
    DestinationUnknownParams(Vec<String>),
}

impl fmt::Display for RouteProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteProblem::BasePathNotFalse => f.write_str("`basePath` must be undefined or false"),
            RouteProblem::LocaleNotFalse => f.write_str("`locale` must be undefined or false"),
            RouteProblem::ConditionsNotArray { field } => {
                write!(f, "`{field}` must be undefined or valid has object")
            }
            RouteProblem::InvalidConditionItems { field, count } => {
                write!(f, "invalid `{field}` {} found", items(*count))
            }
            RouteProblem::SourceMissing => f.write_str("`source` is missing"),
            RouteProblem::SourceNotString => f.write_str("`source` is not a string"),
            RouteProblem::SourceNotAbsolute => f.write_str("`source` does not start with /"),
            RouteProblem::SourceParseFailed => f.write_str("`source` parse failed"),
            RouteProblem::SourceTooLong => f.write_str("`source` exceeds max built length of 4096"),
            RouteProblem::HeadersNotArray => f.write_str("`headers` field must be an array"),
            RouteProblem::HeadersEmpty => f.write_str("`headers` field cannot be empty"),
            RouteProblem::HeaderNotObject => {
                f.write_str("`headers` items must be object with { key: '', value: '' }")
            }
            RouteProblem::HeaderKeyNotString => f.write_str("`key` in header item must be string"),
            RouteProblem::HeaderValueNotString => {
                f.write_str("`value` in header item must be string")
            }
            RouteProblem::DestinationMissing => f.write_str("`destination` is missing"),
            RouteProblem::DestinationNotString => f.write_str("`destination` is not a string"),
            RouteProblem::DestinationNotUrl => {
                f.write_str("`destination` does not start with `/`, `http://`, or `https://`")
            }
            RouteProblem::StatusCodeInvalid => {
                f.write_str("`statusCode` is not undefined or valid statusCode")
            }
            RouteProblem::PermanentNotBoolean => {
                f.write_str("`permanent` is not set to `true` or `false`")
            }
            RouteProblem::DestinationUnnamedParams(names) => {
                write!(f, "`destination` has unnamed params {}", names.join(", "))
            }
            RouteProblem::DestinationTooLong => {
                f.write_str("`destination` exceeds max built length of 4096")
            }
            RouteProblem::DestinationParseFailed => f.write_str("`destination` parse failed"),
            RouteProblem::DestinationUnknownParams(names) => write!(
                f,
                "`destination` has segments not in `source` or `has` ({})",
                names.join(", ")
            ),
        }
    }
}

fn items(count: usize) -> &'static str {
    if count == 1 { "item" } else { "items" }
}

/// The valid shape of a `has` or `missing` item, as Next.js prints it.
const CONDITION_SHAPE: &str = "{\n  \"type\": \"header, cookie, query, host\",\n  \"key\": \"the key to check for\",\n  \"value\": \"undefined or a value string to match against\"\n}";

impl InvalidRoutes {
    /// Whether a redirect had a `statusCode` Next.js does not allow.
    fn had_invalid_status(&self) -> bool {
        self.broken()
            .any(|route| route.problems.contains(&RouteProblem::StatusCodeInvalid))
    }

    fn broken(&self) -> impl Iterator<Item = &BrokenRoute> {
        self.routes.iter().filter_map(|route| match route {
            InvalidRoute::Broken(broken) => Some(broken),
            _ => None,
        })
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Next.js looks for the first `at ` followed by the position.
        let position = self.reason.split_once("at ").and_then(|(_, rest)| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<usize>().ok()
        });
        match position {
            Some(position) => write!(
                f,
                "\nError parsing `{}` https://nextjs.org/docs/messages/invalid-route-source\nReason: {}\n\n  {}\n  {}^\n",
                self.route,
                self.reason,
                self.parsed_path,
                " ".repeat(position)
            ),
            None => write!(
                f,
                "\nError parsing {} https://nextjs.org/docs/messages/invalid-route-source TypeError: {}",
                self.route, self.reason
            ),
        }
    }
}

impl fmt::Display for InvalidRoutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let object_with = match self.kind {
            CustomRouteKind::Header => "headers",
            CustomRouteKind::Redirect | CustomRouteKind::Rewrite => "destination",
        };
        for route in &self.routes {
            match route {
                InvalidRoute::NotAnObject { route } => writeln!(
                    f,
                    "The route {route} is not a valid object with `source` and `{object_with}`"
                )?,
                InvalidRoute::OutsideBasePath { source_path } => writeln!(
                    f,
                    "The route {source_path} rewrites urls outside of the basePath. Please use a destination that starts with `http://` or `https://` https://nextjs.org/docs/messages/invalid-external-rewrite"
                )?,
                InvalidRoute::Broken(broken) => write!(f, "{broken}")?,
            }
        }
        if self.had_invalid_status() {
            writeln!(
                f,
                "\nValid redirect statusCode values are 301, 302, 303, 307, 308"
            )?;
        }
        for field in ["has", "missing"] {
            let invalid = self.broken().any(|route| {
                route.problems.iter().any(|problem| {
                    matches!(problem,
                        RouteProblem::ConditionsNotArray { field: name }
                        | RouteProblem::InvalidConditionItems { field: name, .. } if *name == field)
                })
            });
            if invalid {
                writeln!(f, "\nValid `{field}` object shape is {CONDITION_SHAPE}")?;
            }
        }
        let count = self.routes.len();
        writeln!(f)?;
        writeln!(
            f,
            "Error: Invalid {}{} found",
            self.kind,
            if count == 1 { "" } else { "s" }
        )?;
        write!(
            f,
            "Each line above names what Next.js requires of a route; fix those routes in `{}()` of next.config.js (https://nextjs.org/docs/app/api-reference/config/next-config-js/{}).",
            self.kind.function(),
            self.kind.function()
        )
    }
}

impl fmt::Display for BrokenRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (field, lines) in [("has", &self.has_items), ("missing", &self.missing_items)] {
            if !lines.is_empty() {
                writeln!(
                    f,
                    "Invalid `{field}` {}:\n{}",
                    items(lines.len()),
                    lines.join("\n")
                )?;
                writeln!(f)?;
            }
        }
        for error in &self.parse_errors {
            writeln!(f, "{error}")?;
        }
        let problems: Vec<String> = self.problems.iter().map(ToString::to_string).collect();
        let mut line = problems.join(", ");
        if !self.invalid_fields.is_empty() {
            if !problems.is_empty() {
                line.push(',');
            }
            line.push_str(&format!(
                " invalid field{}: {}",
                if self.invalid_fields.len() == 1 {
                    ""
                } else {
                    "s"
                },
                self.invalid_fields.join(",")
            ));
        }
        writeln!(f, "{line} for route {}", self.route)?;
        writeln!(f)
    }
}
