//! `Headers`: case-insensitive, sorted and combined iteration, `getSetCookie`, guards.

pub(super) const SOURCE: &str = include_str!("headers.js");

#[cfg(test)]
mod tests {
    use crate::web::testing::harness;

    #[test]
    fn names_are_case_insensitive_and_values_combine() {
        harness().eval(
            r#"
            const h = new Headers();
            h.append('Accept', 'text/html');
            h.append('accept', 'application/json');
            assertEquals(h.get('ACCEPT'), 'text/html, application/json');
            assert(h.has('aCcEpT'));
            h.set('Accept', 'only');
            assertEquals(h.get('accept'), 'only');
            h.delete('ACCEPT');
            assertEquals(h.get('accept'), null);
            assertEquals(h.has('accept'), false);
            h.set('x-value', '  padded\t');
            assertEquals(h.get('x-value'), 'padded', 'values are trimmed of HTTP whitespace');
            h.set('empty', '');
            assertEquals(h.get('empty'), '');
            "#,
        );
    }

    #[test]
    fn iteration_is_sorted_and_combined_with_set_cookie_separate() {
        harness().eval(
            r#"
            const h = new Headers([
              ['X-B', '1'], ['Set-Cookie', 'a=1'], ['x-a', '2'], ['set-cookie', 'b=2'], ['X-B', '3'], ['Content-Type', 'text/plain'],
            ]);
            assertEquals([...h], [
              ['content-type', 'text/plain'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['x-a', '2'], ['x-b', '1, 3'],
            ]);
            assertEquals([...h.keys()], ['content-type', 'set-cookie', 'set-cookie', 'x-a', 'x-b']);
            assertEquals(h.get('set-cookie'), 'a=1, b=2');
            assertEquals(h.getSetCookie(), ['a=1', 'b=2']);
            assertEquals(new Headers().getSetCookie(), []);
            const seen = [];
            h.forEach((value, name, object) => { seen.push(name); if (name === 'content-type') object.append('aaa', 'late'); assert(object === h); });
            assertEquals(seen, ['content-type', 'content-type', 'set-cookie', 'set-cookie', 'x-a', 'x-b'], 'live: the new header sorts first');
            assertEquals(Object.prototype.toString.call(h.entries()), '[object Headers Iterator]');
            "#,
        );
    }

    #[test]
    fn init_forms() {
        harness().eval(
            r#"
            assertEquals([...new Headers({ B: '2', a: '1' })], [['a', '1'], ['b', '2']]);
            assertEquals([...new Headers([['a', '1']])], [['a', '1']]);
            const original = new Headers({ a: '1' });
            const copy = new Headers(original);
            copy.set('a', '2');
            assertEquals(original.get('a'), '1', 'copied, not shared');
            assertEquals([...new Headers(new Map([['m', 'v']]))], [['m', 'v']]);
            assertThrows(() => new Headers([['a']]), TypeError);
            assertThrows(() => new Headers([['a', 'b', 'c']]), TypeError);
            assertThrows(() => new Headers('a: b'), TypeError);
            assertEquals([...new Headers(undefined)], []);
            "#,
        );
    }

    #[test]
    fn invalid_names_and_values_throw() {
        harness().eval(
            r#"
            const h = new Headers();
            for (const name of ['', 'bad name', 'x:y', 'é', 'a\n']) assertThrows(() => h.set(name, 'v'), TypeError);
            for (const value of ['a\nb', 'a\rb', 'a\0b']) assertThrows(() => h.set('x', value), TypeError);
            assertThrows(() => h.set('x', '€'), TypeError, /ByteString/);
            h.set('x', 'latin1 é ok');
            assertEquals(h.get('x'), 'latin1 é ok');
            assertThrows(() => h.get('bad name'), TypeError);
            assertThrows(() => h.append('x'), TypeError);
            "#,
        );
    }

    #[test]
    fn immutable_guard() {
        harness().eval(
            r#"
            const redirect = Response.redirect('https://example.com/', 301);
            assertThrows(() => redirect.headers.set('x', '1'), TypeError, /immutable/);
            assertThrows(() => redirect.headers.append('x', '1'), TypeError, /immutable/);
            assertThrows(() => redirect.headers.delete('location'), TypeError, /immutable/);
            assertEquals(redirect.headers.get('location'), 'https://example.com/');
            assertThrows(() => Response.error().headers.set('x', '1'), TypeError);
            const response = new Response('x');
            response.headers.set('x', '1');
            assertEquals(response.headers.get('x'), '1');
            "#,
        );
    }
}
