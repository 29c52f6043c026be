//! `URL` and `URLSearchParams`: WHATWG parsing and setters from the `url` crate (`url.js`
//! holds the objects; it keeps each URL's serialization plus its component offsets, so the
//! getters are string slices and a parse is one call into Rust).

use ::url::{Position, Url, quirks};
use switchyard_jsc::{Context, JsError, Object, Value};

use super::string_arg;

pub(super) const SOURCE: &str = include_str!("url.js");

/// The component boundaries a JS URL object keeps next to its serialization.
const POSITIONS: [Position; 15] = [
    Position::AfterScheme,
    Position::BeforeUsername,
    Position::AfterUsername,
    Position::BeforePassword,
    Position::AfterPassword,
    Position::BeforeHost,
    Position::AfterHost,
    Position::BeforePort,
    Position::AfterPort,
    Position::BeforePath,
    Position::AfterPath,
    Position::BeforeQuery,
    Position::AfterQuery,
    Position::BeforeFragment,
    Position::AfterFragment,
];

/// `[href, ...offsets]` for JS. The serialization is ASCII (WHATWG percent-encodes or
/// punycodes everything else), so byte offsets are UTF-16 offsets.
fn parts(ctx: &Context, url: &Url) -> Result<Value, Value> {
    let mut items = Vec::with_capacity(16);
    items.push(ctx.string(url.as_str()));
    for offset in offsets(url) {
        items.push(ctx.number(offset as f64));
    }
    ctx.array(&items)
        .map(Value::from)
        .map_err(|error| ctx.error_of("Error", &error.to_string()))
}

/// The offsets of [`POSITIONS`] in the serialization of `url`.
fn offsets(url: &Url) -> [usize; 15] {
    let mut offsets = POSITIONS.map(|position| match position {
        // The url crate's password positions assume a password follows any username.
        Position::BeforePassword | Position::AfterPassword => 0,
        position => url[..position].len(),
    });
    let username_end = offsets[2];
    (offsets[3], offsets[4]) = match url.password() {
        Some(password) => (username_end + 1, username_end + 1 + password.len()),
        None => (username_end, username_end),
    };
    offsets
}

fn parse(input: &str, base: Option<&str>) -> Option<Url> {
    match base {
        Some(base) => Url::parse(base).ok()?.join(input).ok(),
        None => Url::parse(input).ok(),
    }
}

/// Applies the setter `kind` (numbered as in `url.js`); `false` if the value was rejected.
fn set(url: &mut Url, kind: u32, value: &str) -> bool {
    match kind {
        0 => match Url::parse(value) {
            Ok(parsed) => {
                *url = parsed;
                true
            }
            Err(_) => false,
        },
        1 => quirks::set_protocol(url, value).is_ok(),
        2 => quirks::set_username(url, value).is_ok(),
        3 => quirks::set_password(url, value).is_ok(),
        4 => quirks::set_host(url, value).is_ok(),
        5 => quirks::set_hostname(url, value).is_ok(),
        6 => quirks::set_port(url, value).is_ok(),
        7 => {
            quirks::set_pathname(url, value);
            true
        }
        8 => {
            quirks::set_search(url, value);
            true
        }
        9 => {
            quirks::set_hash(url, value);
            true
        }
        10 => {
            url.set_query((!value.is_empty()).then_some(value));
            true
        }
        _ => false,
    }
}

/// Percent-decodes bytes and decodes them as UTF-8 with replacement (the lenient path for
/// input `decodeURIComponent` rejects).
fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(high << 4 | low);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|digit| digit as u8)
}

pub(super) fn install_host(ctx: &Context, host: &Object) -> Result<(), JsError> {
    ctx.define_function(host, "urlParse", |ctx, _, args| {
        let input = string_arg(ctx, args, 0)?;
        let base = match args.get(1) {
            Some(base) if !base.is_undefined() => Some(string_arg(ctx, args, 1)?),
            _ => None,
        };
        match parse(&input, base.as_deref()) {
            Some(url) => parts(ctx, &url),
            None => Ok(ctx.null()),
        }
    })?;
    ctx.define_function(host, "urlSet", |ctx, _, args| {
        let href = string_arg(ctx, args, 0)?;
        let kind = args.get(1).and_then(|v| v.to_number().ok()).unwrap_or(-1.0);
        let value = string_arg(ctx, args, 2)?;
        let Ok(mut url) = Url::parse(&href) else {
            return Ok(ctx.null());
        };
        if kind < 0.0 || !set(&mut url, kind as u32, &value) {
            return Ok(ctx.null());
        }
        parts(ctx, &url)
    })?;
    ctx.define_function(host, "urlOrigin", |ctx, _, args| {
        let href = string_arg(ctx, args, 0)?;
        Ok(match Url::parse(&href) {
            Ok(url) => ctx.string(&quirks::origin(&url)),
            Err(_) => ctx.string("null"),
        })
    })?;
    ctx.define_function(host, "percentDecode", |ctx, _, args| {
        let input = string_arg(ctx, args, 0)?;
        Ok(ctx.string(&percent_decode(&input)))
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::web::testing::harness;

    #[test]
    fn offsets_slice_every_component() {
        for input in [
            "https://user:pass@example.com:8080/p/q?x=1#f",
            "https://user@example.com/",
            "https://:pass@example.com/",
            "http://[::1]:81/",
            "mailto:a@b.c",
            "file:///tmp/x?y",
            "data:text/plain,hi#x",
        ] {
            let url = ::url::Url::parse(input).unwrap();
            let o = super::offsets(&url);
            let href = url.as_str();
            assert_eq!(&href[..o[0]], url.scheme(), "{input}");
            assert_eq!(&href[o[1]..o[2]], url.username(), "{input}");
            assert_eq!(&href[o[3]..o[4]], url.password().unwrap_or(""), "{input}");
            assert_eq!(&href[o[5]..o[6]], url.host_str().unwrap_or(""), "{input}");
            assert_eq!(&href[o[9]..o[10]], url.path(), "{input}");
            assert_eq!(&href[o[11]..o[12]], url.query().unwrap_or(""), "{input}");
            assert_eq!(&href[o[13]..o[14]], url.fragment().unwrap_or(""), "{input}");
        }
    }

    /// Expected values come from Node.js 20 (WHATWG URL) for the same input.
    #[test]
    fn parses_components() {
        harness().eval(
            r#"
            const u = new URL('https://user:pa%20ss@EXAMPLE.com:8080/a/../b/./c?x=1&y=%20#frag');
            assertEquals([u.href, u.origin, u.protocol, u.username, u.password, u.host, u.hostname, u.port, u.pathname, u.search, u.hash],
              ['https://user:pa%20ss@example.com:8080/b/c?x=1&y=%20#frag', 'https://example.com:8080', 'https:', 'user', 'pa%20ss', 'example.com:8080', 'example.com', '8080', '/b/c', '?x=1&y=%20', '#frag']);
            const v = new URL('http://[::1]:80/');
            assertEquals([v.href, v.host, v.hostname, v.port], ['http://[::1]/', '[::1]', '[::1]', '']);
            const w = new URL('http://münchen.de/ä?ö#ü');
            assertEquals([w.href, w.hostname, w.pathname, w.search, w.hash],
              ['http://xn--mnchen-3ya.de/%C3%A4?%C3%B6#%C3%BC', 'xn--mnchen-3ya.de', '/%C3%A4', '?%C3%B6', '#%C3%BC']);
            const m = new URL('mailto:someone@example.com');
            assertEquals([m.href, m.origin, m.protocol, m.pathname, m.host], ['mailto:someone@example.com', 'null', 'mailto:', 'someone@example.com', '']);
            assertEquals(new URL('../x?y#z', 'http://a.com/b/c/d').href, 'http://a.com/b/x?y#z');
            assertEquals(new URL('/p', new URL('https://h.io/q')).href, 'https://h.io/p');
            assertEquals(new URL('blob:https://a.com/uuid').origin, 'https://a.com');
            const empty = new URL('http://a.com/?#');
            assertEquals([empty.search, empty.hash, empty.href], ['', '', 'http://a.com/?#']);
            assertEquals(String(u), u.href);
            assertEquals(JSON.stringify({ u: new URL('http://a.com') }), '{"u":"http://a.com/"}');
            assertEquals(Object.prototype.toString.call(u), '[object URL]');
            "#,
        );
    }

    #[test]
    fn invalid_input_throws_type_error() {
        harness().eval(
            r#"
            for (const bad of ['', 'not a url', '/relative', 'http://', 'http://exa mple.com']) {
              assertThrows(() => new URL(bad), TypeError, /^Invalid URL$/);
            }
            assertThrows(() => new URL('/x', 'not a base'), TypeError, /Invalid URL/);
            assertThrows(() => new URL(), TypeError);
            assertEquals(URL.canParse('https://a.com'), true);
            assertEquals(URL.canParse('/x'), false);
            assertEquals(URL.canParse('/x', 'https://a.com'), true);
            assertEquals(URL.parse('nope'), null);
            assertEquals(URL.parse('/y', 'https://a.com/x').href, 'https://a.com/y');
            assert(URL.parse('https://a.com') instanceof URL);
            "#,
        );
    }

    #[test]
    fn setters_follow_the_whatwg_rules() {
        harness().eval(
            r#"
            const s = new URL('http://a.com/');
            s.protocol = 'https'; s.username = 'u'; s.password = 'p'; s.port = '444';
            s.pathname = '/p q'; s.search = 'a=b c'; s.hash = 'h h';
            assertEquals(s.href, 'https://u:p@a.com:444/p%20q?a=b%20c#h%20h');
            s.host = 'b.org:81';
            assertEquals(s.href, 'https://u:p@b.org:81/p%20q?a=b%20c#h%20h');
            s.hostname = 'c.net';
            assertEquals(s.href, 'https://u:p@c.net:81/p%20q?a=b%20c#h%20h');
            s.port = '443';
            assertEquals(s.href, 'https://u:p@c.net/p%20q?a=b%20c#h%20h', 'default port is dropped');
            s.port = 'x';
            assertEquals(s.port, '', 'invalid port is ignored');
            s.protocol = 'ftp:';
            assertEquals(s.href, 'ftp://u:p@c.net/p%20q?a=b%20c#h%20h');
            s.protocol = 'mailto';
            assertEquals(s.protocol, 'ftp:', 'special to non-special is refused');
            s.search = '';
            s.hash = '';
            assertEquals(s.href, 'ftp://u:p@c.net/p%20q');
            s.href = 'http://new.example/x';
            assertEquals(s.host, 'new.example');
            assertThrows(() => { s.href = 'no scheme'; }, TypeError, /Invalid URL/);
            assertEquals(s.href, 'http://new.example/x');
            "#,
        );
    }

    #[test]
    fn search_params_are_live_linked() {
        harness().eval(
            r#"
            const url = new URL('https://a.com/p?x=1&y=2');
            const params = url.searchParams;
            assertSame(url.searchParams, params, 'same object each time');
            assertEquals(params.get('x'), '1');
            params.append('z', 'a b');
            assertEquals(url.href, 'https://a.com/p?x=1&y=2&z=a+b');
            params.delete('x');
            params.delete('y');
            params.delete('z');
            assertEquals(url.href, 'https://a.com/p', 'an empty query becomes null');
            url.search = '?q=search';
            assertEquals([...params], [['q', 'search']]);
            url.href = 'https://b.com/?r=1';
            assertEquals(params.get('r'), '1');
            params.sort();
            assertEquals(url.search, '?r=1');
            "#,
        );
    }

    #[test]
    fn url_search_params_methods() {
        harness().eval(
            r#"
            const p = new URLSearchParams('?a=1&b=2+3&c=%zz&d=%E2%82%AC&=e&f&a=4');
            assertEquals([...p], [['a', '1'], ['b', '2 3'], ['c', '%zz'], ['d', '€'], ['', 'e'], ['f', ''], ['a', '4']]);
            assertEquals(p.toString(), 'a=1&b=2+3&c=%25zz&d=%E2%82%AC&=e&f=&a=4');
            assertEquals(p.size, 7);
            assertEquals(p.get('a'), '1');
            assertEquals(p.getAll('a'), ['1', '4']);
            assertEquals(p.get('missing'), null);
            assertEquals([p.has('a'), p.has('a', '4'), p.has('a', '5')], [true, true, false]);
            p.delete('a', '1');
            assertEquals(p.getAll('a'), ['4']);
            p.set('b', 'new');
            p.set('g', 'added');
            assertEquals(p.get('b'), 'new');
            assertEquals(p.toString(), 'b=new&c=%25zz&d=%E2%82%AC&=e&f=&a=4&g=added');

            const q = new URLSearchParams({ ' ': "!*()~'-._", 'é': '😀&=' });
            assertEquals(q.toString(), "+=%21*%28%29%7E%27-._&%C3%A9=%F0%9F%98%80%26%3D");
            assertEquals(new URLSearchParams([['x', '1'], ['x', '2']]).toString(), 'x=1&x=2');
            assertEquals(new URLSearchParams(new Map([['m', 'v']])).toString(), 'm=v');
            assertEquals(new URLSearchParams(q).toString(), q.toString());
            assertThrows(() => new URLSearchParams([['only one']]), TypeError);

            const sorted = new URLSearchParams('z=1&a=2&z=0&b=3&a=1');
            sorted.sort();
            assertEquals(sorted.toString(), 'a=2&a=1&b=3&z=1&z=0', 'stable by name');

            const seen = [];
            const live = new URLSearchParams('a=1&b=2');
            for (const [key] of live) {
              seen.push(key);
              if (key === 'a') live.append('c', '3');
            }
            assertEquals(seen, ['a', 'b', 'c'], 'iteration sees appended pairs');
            const each = [];
            live.forEach((value, key, object) => each.push(`${key}=${value}:${object === live}`));
            assertEquals(each, ['a=1:true', 'b=2:true', 'c=3:true']);
            assertEquals([...live.keys()], ['a', 'b', 'c']);
            assertEquals([...live.values()], ['1', '2', '3']);
            assertEquals(Object.prototype.toString.call(live.entries()), '[object URLSearchParams Iterator]');
            "#,
        );
    }
}
