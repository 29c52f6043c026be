//! `URLPattern` (the WICG URL Pattern standard), which Next.js points middleware authors to
//! (`request.page` "has been deprecated in favour of `URLPattern`").
//!
//! The `urlpattern` crate parses a pattern into its eight components (pattern string, regular
//! expression, group names) and canonicalizes the URLs and init dictionaries it is matched
//! against. The regular expressions themselves are compiled and run by JavaScriptCore in
//! `url_pattern.js`: patterns are written in ECMAScript regexp syntax (lookahead such as
//! `/((?!api|_next).*)` is common in Next.js apps), which the Rust `regex` crate cannot run.

use std::borrow::Cow;

use switchyard_jsc::{Context, JsError, Object, Value};
use urlpattern::quirks::{self, EcmaRegexp, MatchInput, StringOrInit, UrlPatternInit};
use urlpattern::regexp::RegExp;
use urlpattern::{RegexSyntax, UrlPatternOptions};

use super::thrown;

pub(super) const SOURCE: &str = include_str!("url_pattern.js");

/// The regular expressions of a pattern, kept as ECMAScript source for `url_pattern.js`.
///
/// The crate's own `EcmaRegexp` validates a pattern's regexp groups by compiling them with the
/// `regex` crate, which rejects valid ECMAScript (lookahead, backreferences); JavaScriptCore
/// validates them instead when `url_pattern.js` compiles them. `matches` only serves the
/// crate's check whether the protocol component matches a special scheme, where the patterns
/// are simple; it falls back to the `regex` crate through `EcmaRegexp`.
struct JsRegExp(EcmaRegexp);

impl RegExp for JsRegExp {
    fn syntax() -> RegexSyntax {
        RegexSyntax::EcmaScript
    }

    fn parse(pattern: &str, flags: &str, _force_eval: bool) -> Result<Self, ()> {
        // `force_eval: false` stores the source without compiling it.
        EcmaRegexp::parse(pattern, flags, false).map(JsRegExp)
    }

    fn matches<'a>(&self, text: &'a str) -> Option<Vec<Option<&'a str>>> {
        self.0.matches(text)
    }

    fn pattern_string(&self) -> &str {
        self.0.pattern_string()
    }
}

/// Parses a constructor string (with an optional base URL) or an init dictionary.
fn parse_pattern(
    input: StringOrInit,
    base_url: Option<&str>,
    ignore_case: bool,
) -> Result<quirks::UrlPattern, urlpattern::Error> {
    let init = quirks::process_construct_pattern_input(input, base_url)?;
    let options = UrlPatternOptions {
        regex_syntax: RegexSyntax::EcmaScript,
        ignore_case,
    };
    quirks::parse_pattern::<JsRegExp>(init, options)
}

/// The eight components a pattern is matched against, or `None` when the input is not a URL
/// (which matches nothing, as the standard says).
fn match_input(
    input: StringOrInit,
    base_url: Option<&str>,
) -> Result<Option<MatchInput>, urlpattern::Error> {
    let Some((input, _)) = quirks::process_match_input(input, base_url)? else {
        return Ok(None);
    };
    Ok(quirks::parse_match_input(input))
}

/// The components of a parsed pattern, in standard order.
fn pattern_components(pattern: &quirks::UrlPattern) -> [&quirks::UrlPatternComponent; 8] {
    [
        &pattern.protocol,
        &pattern.username,
        &pattern.password,
        &pattern.hostname,
        &pattern.port,
        &pattern.pathname,
        &pattern.search,
        &pattern.hash,
    ]
}

/// A pattern for JS: `[hasRegExpGroups, (patternString, regexpString, [groupName...]) x 8]`.
fn pattern_to_js(ctx: &Context, pattern: &quirks::UrlPattern) -> Result<Value, JsError> {
    let mut items = Vec::with_capacity(25);
    items.push(ctx.boolean(pattern.has_regexp_groups));
    for component in pattern_components(pattern) {
        let names: Vec<Value> = component
            .group_name_list
            .iter()
            .map(|name| ctx.string(name))
            .collect();
        items.push(ctx.string(&component.pattern_string));
        items.push(ctx.string(&component.regexp_string));
        items.push(ctx.array(&names)?.into());
    }
    Ok(ctx.array(&items)?.into())
}

fn match_input_to_js(ctx: &Context, input: &MatchInput) -> Result<Value, JsError> {
    let components = [
        &input.protocol,
        &input.username,
        &input.password,
        &input.hostname,
        &input.port,
        &input.pathname,
        &input.search,
        &input.hash,
    ];
    let items: Vec<Value> = components.iter().map(|value| ctx.string(value)).collect();
    Ok(ctx.array(&items)?.into())
}

/// A pattern or match input from JS: a string, or an init dictionary that `url_pattern.js`
/// flattened to `[protocol, username, password, hostname, port, pathname, search, hash,
/// baseURL]` (each a string or undefined).
fn input_arg(ctx: &Context, value: Option<&Value>) -> Result<StringOrInit<'static>, Value> {
    let value = value.cloned().unwrap_or_else(|| ctx.undefined());
    if let Some(string) = value.as_string() {
        return Ok(StringOrInit::String(Cow::Owned(string)));
    }
    let fields = value
        .as_object()
        .ok_or_else(|| ctx.error_of("TypeError", "Expected a string or a URLPatternInit"))?;
    let field = |index: u32| -> Result<Option<String>, Value> {
        let value = fields
            .get_index(index)
            .map_err(|error| thrown(ctx, error))?;
        Ok(value.as_string())
    };
    Ok(StringOrInit::Init(UrlPatternInit {
        protocol: field(0)?,
        username: field(1)?,
        password: field(2)?,
        hostname: field(3)?,
        port: field(4)?,
        pathname: field(5)?,
        search: field(6)?,
        hash: field(7)?,
        base_url: field(8)?,
    }))
}

/// An optional string argument (a base URL): `None` when absent or not a string.
fn optional_string_arg(args: &[Value], index: usize) -> Option<String> {
    args.get(index).and_then(Value::as_string)
}

fn type_error(ctx: &Context, error: urlpattern::Error) -> Value {
    ctx.error_of("TypeError", &error.to_string())
}

pub(super) fn install_host(ctx: &Context, host: &Object) -> Result<(), JsError> {
    // (input, baseURL?, ignoreCase) -> the pattern as `pattern_to_js` lays it out.
    ctx.define_function(host, "urlPatternParse", |ctx, _, args| {
        let input = input_arg(ctx, args.first())?;
        let base_url = optional_string_arg(args, 1);
        let ignore_case = args.get(2).is_some_and(Value::to_bool);
        let pattern = parse_pattern(input, base_url.as_deref(), ignore_case)
            .map_err(|error| type_error(ctx, error))?;
        pattern_to_js(ctx, &pattern).map_err(|error| thrown(ctx, error))
    })?;
    // (input, baseURL?) -> the eight component strings, or null when the input is no URL.
    ctx.define_function(host, "urlPatternMatchInput", |ctx, _, args| {
        let input = input_arg(ctx, args.first())?;
        let base_url = optional_string_arg(args, 1);
        match match_input(input, base_url.as_deref()).map_err(|error| type_error(ctx, error))? {
            Some(input) => match_input_to_js(ctx, &input).map_err(|error| thrown(ctx, error)),
            None => Ok(ctx.null()),
        }
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use switchyard_jsc::{Context, Vm};
    use urlpattern::quirks::{StringOrInit, UrlPatternInit};

    use super::{match_input, parse_pattern};
    use crate::web::testing::harness;
    use crate::web::{WebOptions, install};

    fn string(input: &str) -> StringOrInit<'_> {
        StringOrInit::String(Cow::Borrowed(input))
    }

    #[test]
    fn parses_into_ecmascript_regexps() {
        let pattern = parse_pattern(string("https://*.example.com/users/:id"), None, false)
            .expect("valid pattern");
        assert_eq!(pattern.protocol.pattern_string, "https");
        assert_eq!(pattern.hostname.pattern_string, "*.example.com");
        assert_eq!(pattern.pathname.pattern_string, "/users/:id");
        assert_eq!(pattern.pathname.regexp_string, r"^\/users(?:\/([^\/]+?))$");
        assert_eq!(pattern.pathname.group_name_list, vec!["id".to_owned()]);
        assert!(!pattern.has_regexp_groups);
    }

    #[test]
    fn keeps_regexp_groups_the_regex_crate_cannot_compile() {
        let input = StringOrInit::Init(UrlPatternInit {
            pathname: Some("/((?!api|_next).*)".to_owned()),
            ..UrlPatternInit::default()
        });
        let pattern = parse_pattern(input, None, false).expect("lookahead is left to the engine");
        assert!(pattern.has_regexp_groups);
        assert_eq!(pattern.pathname.regexp_string, r"^(?:\/((?!api|_next).*))$");
    }

    #[test]
    fn reports_bad_patterns() {
        let relative = parse_pattern(string("/no/base"), None, false).unwrap_err();
        assert_eq!(
            relative.to_string(),
            "a relative input without a base URL is not valid"
        );
        assert!(parse_pattern(string("/:id/:id"), Some("https://a.com"), false).is_err());
    }

    #[test]
    fn canonicalizes_match_input() {
        let input = match_input(string("HTTPS://Example.com:443/a/../b?q#h"), None)
            .expect("no error")
            .expect("a URL");
        assert_eq!(
            [
                &input.protocol,
                &input.hostname,
                &input.port,
                &input.pathname,
                &input.search,
                &input.hash
            ],
            ["https", "example.com", "", "/b", "q", "h"]
        );
        assert!(match_input(string("not a url"), None).unwrap().is_none());
    }

    #[test]
    fn constructor_getters_and_errors() {
        harness().eval(
            r#"
            const p = new URLPattern('https://:sub.example.com/users/:id/detail?x=1#top');
            assertEquals([p.protocol, p.username, p.password, p.hostname, p.port, p.pathname, p.search, p.hash],
              ['https', '*', '*', ':sub.example.com', '', '/users/:id/detail', 'x=1', 'top']);
            assertEquals(p.hasRegExpGroups, false);
            const q = new URLPattern('/books/:id(\\d+)', 'https://a.com');
            assertEquals([q.protocol, q.hostname, q.pathname, q.hasRegExpGroups], ['https', 'a.com', '/books/:id(\\d+)', true]);
            const r = new URLPattern({ pathname: '/p/*' });
            assertEquals([r.protocol, r.hostname, r.pathname, r.search], ['*', '*', '/p/*', '*']);
            const all = new URLPattern();
            assertEquals(all.test('https://anything.example/at/all?yes'), true);
            assertEquals(Object.prototype.toString.call(p), '[object URLPattern]');
            assertThrows(() => new URLPattern('/relative'), TypeError, /relative input without a base URL/);
            assertThrows(() => new URLPattern({ pathname: '/x' }, 'https://a.com'), TypeError, /init object/);
            assertThrows(() => new URLPattern({ pathname: '/(a' }), TypeError);
            assertThrows(() => new URLPattern({ pathname: '/:id/:id' }), TypeError, /duplicate name/);
            assertThrows(() => new URLPattern({ pathname: '/([)' }), TypeError, /regular expression/);
            assertThrows(() => URLPattern(), TypeError);
            "#,
        );
    }

    #[test]
    fn test_and_exec_with_groups() {
        harness().eval(
            r#"
            const users = new URLPattern({ pathname: '/users/:id{/:tab}?' });
            assertEquals(users.test('https://a.com/users/42'), true);
            assertEquals(users.test('https://a.com/users'), false);
            assertEquals(users.test({ pathname: '/users/7/posts' }), true);
            const result = users.exec('https://a.com/users/42/posts?x=1');
            assertEquals(result.inputs, ['https://a.com/users/42/posts?x=1']);
            assertEquals(result.pathname, { input: '/users/42/posts', groups: { id: '42', tab: 'posts' } });
            assertEquals(result.hostname, { input: 'a.com', groups: { 0: 'a.com' } });
            assertEquals(result.search, { input: 'x=1', groups: { 0: 'x=1' } });
            const optional = users.exec({ pathname: '/users/9' }).pathname.groups;
            assert('tab' in optional && optional.tab === undefined, 'an unmatched group is undefined');
            assertEquals(users.exec('https://a.com/other'), null);
            assertEquals(users.exec('not a url'), null);

            const based = users.exec('/users/1', 'https://b.com');
            assertEquals(based.inputs, ['/users/1', 'https://b.com']);
            assertEquals(based.pathname.groups.id, '1');
            assertThrows(() => users.test({ pathname: '/users/1' }, 'https://b.com'), TypeError);

            const files = new URLPattern('https://cdn.example.com/*.:ext(png|jpe?g)');
            assertEquals(files.exec('https://cdn.example.com/img/cat.jpeg').pathname.groups, { 0: 'img/cat', ext: 'jpeg' });
            assertEquals(files.test('https://cdn.example.com/img/cat.gif'), false);
            "#,
        );
    }

    #[test]
    fn regexp_groups_use_ecmascript_syntax_and_options() {
        harness().eval(
            r#"
            // The middleware matcher idiom: everything but api and _next.
            const pages = new URLPattern({ pathname: '/((?!api|_next).*)' });
            assertEquals(pages.test('https://a.com/about'), true);
            assertEquals(pages.test('https://a.com/api/hello'), false);
            assertEquals(pages.test('https://a.com/_next/static/x.js'), false);
            const id = new URLPattern({ pathname: '/items/:id(\\d+)' });
            assertEquals(id.exec({ pathname: '/items/123' }).pathname.groups.id, '123');
            assertEquals(id.test({ pathname: '/items/abc' }), false);

            const caseless = new URLPattern({ pathname: '/Docs/*' }, { ignoreCase: true });
            assertEquals(caseless.test({ pathname: '/docs/intro' }), true);
            assertEquals(new URLPattern({ pathname: '/Docs/*' }).test({ pathname: '/docs/intro' }), false);
            const based = new URLPattern('/Docs', 'https://a.com', { ignoreCase: true });
            assertEquals(based.test('https://a.com/DOCS'), true);
            "#,
        );
    }

    #[test]
    fn loads_lazily_and_without_eval() {
        let ctx = Context::new(&Vm::new());
        ctx.disable_eval("Code generation from strings disallowed for this context");
        let _internals = install(&ctx, &WebOptions::default()).expect("install");
        let before = ctx
            .eval(
                "typeof Object.getOwnPropertyDescriptor(globalThis, 'URLPattern').get",
                "t.js",
            )
            .unwrap();
        assert_eq!(before.as_string().as_deref(), Some("function"));
        let result = ctx
            .eval(
                "new URLPattern({ pathname: '/a/:b' }).exec({ pathname: '/a/c' }).pathname.groups.b",
                "t.js",
            )
            .expect("URLPattern loads in a context without eval");
        assert_eq!(result.as_string().as_deref(), Some("c"));
        let after = ctx
            .eval(
                "const d = Object.getOwnPropertyDescriptor(globalThis, 'URLPattern'); `${typeof d.value} ${d.enumerable}`",
                "t.js",
            )
            .unwrap();
        assert_eq!(after.as_string().as_deref(), Some("function false"));
    }
}
