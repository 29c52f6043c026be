//! `has` and `missing` conditions, checked as Next.js's `matchHas` checks them.
//!
//! A condition reads one value of the request: a header (name lower-cased), a cookie, a query
//! key, or the host name (without port, lower-cased). Without a `value` pattern the condition
//! holds when that value is non-empty, and the value becomes a parameter named by the key's
//! ASCII letters (`x-my-header` → `xmyheader`). With one, the value must match `^value$`
//! entirely (the last one for a repeated query key); the pattern's named groups become
//! parameters, and for `host` without named groups so does the whole host.

use fancy_regex::Regex;

use super::request::RequestFacts;
use super::source::Params;
use crate::{ParamValue, RouteHas};

/// A route's `has` and `missing` conditions, with their patterns compiled.
#[derive(Debug, Clone, Default)]
pub(crate) struct Conditions {
    has: Vec<Condition>,
    missing: Vec<Condition>,
}

#[derive(Debug, Clone)]
struct Condition {
    has: RouteHas,
    /// `^value$`, when `value` is a non-empty pattern.
    pattern: Option<Regex>,
}

impl Conditions {
    /// Compiles the patterns; `Err` names the pattern the regex engine refused and why.
    pub(crate) fn new(
        has: &[RouteHas],
        missing: &[RouteHas],
    ) -> Result<Conditions, (String, String)> {
        let compile = |items: &[RouteHas]| -> Result<Vec<Condition>, (String, String)> {
            items
                .iter()
                .map(|item| {
                    let pattern = match value_of(item) {
                        Some(value) if !value.is_empty() => Some(
                            Regex::new(&format!("^{value}$"))
                                .map_err(|error| (value.to_owned(), error.to_string()))?,
                        ),
                        _ => None,
                    };
                    Ok(Condition {
                        has: item.clone(),
                        pattern,
                    })
                })
                .collect()
        };
        Ok(Conditions {
            has: compile(has)?,
            missing: compile(missing)?,
        })
    }

    /// Whether there is any condition at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.has.is_empty() && self.missing.is_empty()
    }

    /// The parameters the conditions give when every `has` holds and no `missing` does.
    pub(crate) fn check(&self, facts: &RequestFacts<'_>) -> Option<Params> {
        let mut params = Params::new();
        let holds = self
            .has
            .iter()
            .all(|condition| condition.holds(facts, &mut params))
            && !self
                .missing
                .iter()
                .any(|condition| condition.holds(facts, &mut params));
        holds.then_some(params)
    }
}

fn value_of(has: &RouteHas) -> Option<&str> {
    match has {
        RouteHas::Header { value, .. }
        | RouteHas::Cookie { value, .. }
        | RouteHas::Query { value, .. } => value.as_deref(),
        RouteHas::Host { value } => Some(value),
    }
}

impl Condition {
    /// `hasMatch`: whether the condition holds, adding the parameters it captures.
    fn holds(&self, facts: &RequestFacts<'_>, params: &mut Params) -> bool {
        let (key, value) = match &self.has {
            RouteHas::Header { key, .. } => {
                let key = key.to_lowercase();
                let value = facts.header(&key);
                (key, value)
            }
            RouteHas::Cookie { key, .. } => {
                let value = facts.cookies().remove(key).map(ParamValue::One);
                (key.clone(), value)
            }
            RouteHas::Query { key, .. } => (key.clone(), facts.query.get(key).cloned()),
            RouteHas::Host { .. } => (String::new(), facts.hostname().map(ParamValue::One)),
        };
        // JavaScript truthiness: an empty string reads as absent, a list never does.
        let Some(value) = value.filter(|value| match value {
            ParamValue::One(text) => !text.is_empty(),
            ParamValue::Many(_) => true,
        }) else {
            return false;
        };
        let Some(pattern) = &self.pattern else {
            params.insert(safe_param_name(&key), value);
            return true;
        };
        let text = match &value {
            ParamValue::One(text) => text.as_str(),
            ParamValue::Many(values) => values.last().map_or("", String::as_str),
        };
        // A pattern that gives up (its backtracking limit) does not match.
        let Ok(Some(captures)) = pattern.captures(text) else {
            return false;
        };
        let mut named = false;
        for name in pattern.capture_names().flatten() {
            named = true;
            if let Some(group) = captures.name(name) {
                params.insert(name.to_owned(), ParamValue::One(group.as_str().to_owned()));
            }
        }
        if !named
            && matches!(self.has, RouteHas::Host { .. })
            && let Some(whole) = captures.get(0).filter(|whole| !whole.as_str().is_empty())
        {
            params.insert(
                "host".to_owned(),
                ParamValue::One(whole.as_str().to_owned()),
            );
        }
        true
    }
}

/// `getSafeParamName`: only the ASCII letters of `name`.
pub(crate) fn safe_param_name(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphabetic).collect()
}

#[cfg(test)]
mod tests {
    use http::{HeaderMap, HeaderValue};

    use super::{Conditions, safe_param_name};
    use crate::custom_routes::query::Query;
    use crate::custom_routes::request::RequestFacts;
    use crate::{ParamValue, RouteHas};

    fn header(key: &str, value: Option<&str>) -> RouteHas {
        RouteHas::Header {
            key: key.into(),
            value: value.map(str::to_owned),
        }
    }
    fn cookie(key: &str, value: Option<&str>) -> RouteHas {
        RouteHas::Cookie {
            key: key.into(),
            value: value.map(str::to_owned),
        }
    }
    fn query(key: &str, value: Option<&str>) -> RouteHas {
        RouteHas::Query {
            key: key.into(),
            value: value.map(str::to_owned),
        }
    }
    fn host(value: &str) -> RouteHas {
        RouteHas::Host {
            value: value.into(),
        }
    }

    struct Request {
        headers: HeaderMap,
        query: Query,
        host: Option<String>,
    }

    fn request(headers: &[(&str, &str)], search: &str, host: Option<&str>) -> Request {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        Request {
            headers: map,
            query: Query::parse(search),
            host: host.map(str::to_owned),
        }
    }

    fn check(
        has: &[RouteHas],
        missing: &[RouteHas],
        request: &Request,
    ) -> Option<Vec<(String, ParamValue)>> {
        let facts = RequestFacts {
            path: "/",
            query: &request.query,
            headers: &request.headers,
            host: request.host.as_deref(),
        };
        Conditions::new(has, missing)
            .unwrap()
            .check(&facts)
            .map(|params| {
                params
                    .iter()
                    .map(|(k, v)| (k.to_owned(), v.clone()))
                    .collect()
            })
    }

    fn one(key: &str, value: &str) -> (String, ParamValue) {
        (key.to_owned(), ParamValue::One(value.to_owned()))
    }

    #[test]
    fn headers_with_and_without_a_pattern() {
        let with = request(&[("x-my-header", "hello world!!")], "", None);
        let without = request(&[], "", None);
        assert_eq!(
            check(&[header("X-My-Header", None)], &[], &with),
            Some(vec![one("xmyheader", "hello world!!")])
        );
        assert_eq!(
            check(
                &[header("x-my-header", Some("(?<myHeader>.*)"))],
                &[],
                &with
            ),
            Some(vec![one("myHeader", "hello world!!")])
        );
        assert_eq!(
            check(&[header("x-my-header", Some("hello"))], &[], &with),
            None
        );
        assert_eq!(check(&[header("x-my-header", None)], &[], &without), None);
        assert_eq!(
            check(
                &[],
                &[header("x-my-header", Some("(?<myHeader>.*)"))],
                &with
            ),
            None
        );
        assert_eq!(
            check(&[], &[header("x-my-header", None)], &without),
            Some(vec![])
        );
        let empty = request(&[("x-my-header", "")], "", None);
        assert_eq!(
            check(&[header("x-my-header", Some(".*"))], &[], &empty),
            None
        );
    }

    #[test]
    fn cookies_with_and_without_a_pattern() {
        let logged_in = request(&[("cookie", "a=1; loggedIn=true")], "", None);
        assert_eq!(
            check(
                &[cookie("loggedIn", Some("(?<loggedIn>true)"))],
                &[],
                &logged_in
            ),
            Some(vec![one("loggedIn", "true")])
        );
        assert_eq!(
            check(&[cookie("loggedIn", Some("true"))], &[], &logged_in),
            Some(vec![])
        );
        assert_eq!(
            check(&[cookie("loggedIn", None)], &[], &logged_in),
            Some(vec![one("loggedIn", "true")])
        );
        assert_eq!(
            check(
                &[],
                &[cookie("loggedIn", Some("(?<loggedIn>true)"))],
                &logged_in
            ),
            None
        );
        let other = request(&[("cookie", "loggedIn=false")], "", None);
        assert_eq!(
            check(&[], &[cookie("loggedIn", Some("true"))], &other),
            Some(vec![])
        );
    }

    #[test]
    fn query_keys_with_and_without_a_pattern() {
        let present = request(&[], "my-query=hellooo", None);
        assert_eq!(
            check(&[query("my-query", None)], &[], &present),
            Some(vec![one("myquery", "hellooo")])
        );
        let repeated = request(&[], "hello=world&hello=another", None);
        assert_eq!(
            check(&[query("hello", Some("(?<hello>.*)"))], &[], &repeated),
            Some(vec![one("hello", "another")])
        );
        assert_eq!(
            check(&[query("hello", None)], &[], &repeated),
            Some(vec![(
                "hello".to_owned(),
                ParamValue::Many(vec!["world".into(), "another".into()])
            )])
        );
        assert_eq!(
            check(
                &[query("hasParam", Some("(?<idk>with-params|hello)"))],
                &[],
                &request(&[], "hasParam=with-params", None)
            ),
            Some(vec![one("idk", "with-params")])
        );
        assert_eq!(
            check(
                &[query("hasParam", Some("(?<idk>with-params|hello)"))],
                &[],
                &request(&[], "hasParam=nope", None)
            ),
            None
        );
        assert_eq!(check(&[], &[query("my-query", None)], &present), None);
    }

    #[test]
    fn hosts_capture_the_whole_host_or_their_named_groups() {
        let example = request(&[], "", Some("Example.com:3000"));
        assert_eq!(
            check(&[host("example.com")], &[], &example),
            Some(vec![one("host", "example.com")])
        );
        assert_eq!(check(&[host("other.com")], &[], &example), None);
        let sub = request(&[], "", Some("hello-test.example.com"));
        assert_eq!(
            check(&[host("(?<subdomain>.*)-test.example.com")], &[], &sub),
            Some(vec![one("subdomain", "hello")])
        );
        assert_eq!(
            check(&[host("example.com")], &[], &request(&[], "", None)),
            None
        );
        assert_eq!(check(&[], &[host("example.com")], &example), None);
    }

    #[test]
    fn all_has_and_no_missing_must_hold() {
        let both = request(&[("x-a", "1")], "q=2", None);
        assert_eq!(
            check(
                &[header("x-a", None), query("q", None)],
                &[cookie("c", None)],
                &both
            ),
            Some(vec![one("xa", "1"), one("q", "2")])
        );
        assert_eq!(
            check(&[header("x-a", None), query("z", None)], &[], &both),
            None
        );
        assert_eq!(
            check(&[header("x-a", None)], &[query("q", None)], &both),
            None
        );
    }

    #[test]
    fn safe_names_keep_ascii_letters() {
        assert_eq!(safe_param_name("x-My_header2"), "xMyheader");
    }

    #[test]
    fn patterns_the_engine_refuses_are_errors() {
        let error = Conditions::new(&[header("x", Some("(unclosed"))], &[]).unwrap_err();
        assert_eq!(error.0, "(unclosed");
    }
}
