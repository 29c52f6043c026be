//! `console`: formatting follows Node.js `util.format`/`util.inspect` (in `console.js`); each
//! call becomes one line (or block) handed to [`super::WebOptions::console`].

use switchyard_jsc::{Context, JsError, Object};

use super::string_arg;

pub(super) const SOURCE: &str = include_str!("console.js");

/// The `console` method a line came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConsoleLevel {
    /// `console.debug`.
    Debug,
    /// `console.log`, `dir`, `table`, `group` labels.
    Log,
    /// `console.info`, `count`, `time*`.
    Info,
    /// `console.warn`, failed `assert`.
    Warn,
    /// `console.error`.
    Error,
    /// `console.trace` ("Trace: ..." and a stack; Node.js prints it to stderr).
    Trace,
}

impl ConsoleLevel {
    fn from_number(level: f64) -> Self {
        match level as u8 {
            0 => ConsoleLevel::Debug,
            2 => ConsoleLevel::Info,
            3 => ConsoleLevel::Warn,
            4 => ConsoleLevel::Error,
            5 => ConsoleLevel::Trace,
            _ => ConsoleLevel::Log,
        }
    }

    /// Whether Node.js writes this level to stderr (warn, error, trace).
    pub fn is_stderr(self) -> bool {
        matches!(
            self,
            ConsoleLevel::Warn | ConsoleLevel::Error | ConsoleLevel::Trace
        )
    }
}

pub(super) fn install_host(
    ctx: &Context,
    host: &Object,
    sink: super::ConsoleSink,
) -> Result<(), JsError> {
    ctx.define_function(host, "consoleWrite", move |ctx, _, args| {
        let level = args.first().and_then(|v| v.to_number().ok()).unwrap_or(1.0);
        let text = string_arg(ctx, args, 1)?;
        sink(ConsoleLevel::from_number(level), &text);
        Ok(ctx.undefined())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::web::ConsoleLevel;
    use crate::web::testing::harness;

    /// Each case's arguments go to `console.log`; the expected lines are Node.js 20's
    /// `util.format` output for the same arguments.
    #[test]
    fn formats_like_node() {
        let h = harness();
        h.eval(&format!(
            "{CASES}\nfor (const c of cases) console.log(...c());"
        ));
        let expected = [
            "Bob is 42 years",
            "42 3.5 {\"a\":[1]} %",
            "{\n  a: { b: { c: { d: 1 } } }\n}",
            "{ a: 1 }",
            "{ a: 1 }",
            "-0 10n Symbol(s)",
            " styled",
            "extra 1 two { three: 3 }",
            "{ a: 1, b: 'two', c: [ 1, 2, 3 ], d: { e: null, f: undefined } }",
            "{ a: { b: { c: [Object] } } }",
            "[\n  1, 2, 3, 4,  5,\n  6, 7, 8, 9, 10\n]",
            "[ 'apple', 'banana', 'cherry', 'date', 'elderberry', 'fig', 'grape' ]",
            "Map(2) { 'a' => 1, 'b' => { c: 2 } } Set(2) { 1, 'x' }",
            "{ 'a-b': 1, valid_id: 2, [Symbol(sym)]: 3 }",
            "<ref *1> { name: 'o', self: [Circular *1] }",
            "[ undefined, null, true, 1.5, -0, 'str', 12n ]",
            "[Function: named] [Function (anonymous)] [class Foo] [AsyncFunction: af]",
            "1970-01-01T00:00:00.000Z /re+/gi",
            "Uint8Array(3) [ 1, 2, 3 ] ArrayBuffer { [Uint8Contents]: <00 00>, byteLength: 2 }",
            "Point { x: 1, y: 2 }",
            "[Object: null prototype] {}",
            "{\n  long: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'\n}",
            "[ [] ] {} []",
            "{ arr: [ <3 empty items> ] }",
            "a\nb [ \"it's\", 'say \"hi\"', `both ' and \"` ]",
            "{\n  a: 1,\n  b: 2,\n  c: 3,\n  d: 4,\n  e: 5,\n  f: 6,\n  g: 7,\n  h: 8,\n  i: 9,\n  j: 10,\n  k: 11,\n  l: 12,\n  m: 13,\n  n: 14,\n  o: 15,\n  p: 16,\n  q: 17,\n  r: 18,\n  s: 19,\n  t: 20,\n  u: 21,\n  v: 22,\n  w: 23,\n  x: 24,\n  y: 25,\n  z: 26\n}",
            "[ { a: 1, b: 2 }, { a: 3, b: 4 } ]",
        ];
        let lines = h.log_lines();
        assert_eq!(lines.len(), expected.len());
        for (line, expected) in lines.iter().zip(expected) {
            assert_eq!(line, expected);
        }
    }

    const CASES: &str = r#"
const cases = [
  () => ['%s is %d years', 'Bob', 42],
  () => ['%i %f %j %%', 42.9, '3.5', { a: [1] }],
  () => ['%o', { a: { b: { c: { d: 1 } } } }],
  () => ['%O', { a: 1 }],
  () => ['%s', { a: 1 }],
  () => ['%s', -0, 10n, Symbol('s')],
  () => ['%c styled', 'color: red'],
  () => ['extra', 1, 'two', { three: 3 }],
  () => [{ a: 1, b: 'two', c: [1, 2, 3], d: { e: null, f: undefined } }],
  () => [{ a: { b: { c: { d: 1 } } } }],
  () => [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
  () => [['apple', 'banana', 'cherry', 'date', 'elderberry', 'fig', 'grape']],
  () => [new Map([['a', 1], ['b', { c: 2 }]]), new Set([1, 'x'])],
  () => [{ 'a-b': 1, valid_id: 2, [Symbol('sym')]: 3 }],
  () => { const o = { name: 'o' }; o.self = o; return [o]; },
  () => [[undefined, null, true, 1.5, -0, 'str', 12n]],
  () => [function named() {}, () => {}, class Foo {}, async function af() {}],
  () => [new Date(0), /re+/gi],
  () => [new Uint8Array([1, 2, 3]), new ArrayBuffer(2)],
  () => { class Point { constructor() { this.x = 1; this.y = 2; } } return [new Point()]; },
  () => [Object.create(null)],
  () => [{ long: 'x'.repeat(100) }],
  () => [[[]], {}, []],
  () => [{ arr: new Array(3) }],
  () => ['a\nb', ["it's", 'say "hi"', 'both \' and "']],
  () => [{ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10, k: 11, l: 12, m: 13, n: 14, o: 15, p: 16, q: 17, r: 18, s: 19, t: 20, u: 21, v: 22, w: 23, x: 24, y: 25, z: 26 }],
  () => [[ { a: 1, b: 2 }, { a: 3, b: 4 } ]],
];
"#;

    #[test]
    fn errors_print_name_message_and_frames() {
        let h = harness();
        h.eval(
            r#"
            function thrower() { throw new TypeError('bad thing'); }
            try { thrower(); } catch (e) { console.error(e); console.log({ e }); }
            console.log(new Error('with cause', { cause: 'why' }));
            console.log(new DOMException('gone', 'AbortError'));
            "#,
        );
        let logs = h.logs.borrow();
        assert_eq!(logs[0].0, ConsoleLevel::Error);
        let lines: Vec<&str> = logs[0].1.lines().collect();
        assert_eq!(lines[0], "TypeError: bad thing");
        assert!(
            lines[1].starts_with("    at thrower (test.js:"),
            "{}",
            logs[0].1
        );
        assert!(
            logs[1]
                .1
                .starts_with("{\n  e: TypeError: bad thing\n      at thrower"),
            "{}",
            logs[1].1
        );
        assert!(
            logs[2].1.starts_with("Error: with cause\n    at "),
            "{}",
            logs[2].1
        );
        assert!(
            logs[2].1.ends_with("{\n  [cause]: 'why'\n}"),
            "{}",
            logs[2].1
        );
        assert!(logs[3].1.starts_with("AbortError: gone"), "{}", logs[3].1);
    }

    #[test]
    fn levels_and_helpers() {
        let h = harness();
        h.eval(
            r#"
            console.debug('d'); console.info('i'); console.warn('w'); console.error('e');
            console.group('outer');
            console.log('inside\nlines');
            console.groupEnd();
            console.assert(1 === 2, 'math is %s', 'broken');
            console.assert(true, 'not printed');
            console.count(); console.count(); console.count('x'); console.countReset(); console.count();
            console.dir({ a: { b: { c: { d: 1 } } } }, { depth: 0 });
            console.trace('here');
            "#,
        );
        let logs = h.logs.borrow();
        let levels: Vec<ConsoleLevel> = logs.iter().map(|(level, _)| *level).collect();
        use ConsoleLevel::*;
        assert_eq!(
            levels,
            vec![
                Debug, Info, Warn, Error, Log, Log, Warn, Info, Info, Info, Info, Log, Trace
            ]
        );
        let lines: Vec<&str> = logs.iter().map(|(_, line)| line.as_str()).collect();
        assert_eq!(
            &lines[..12],
            &[
                "d",
                "i",
                "w",
                "e",
                "outer",
                "  inside\n  lines",
                "Assertion failed: math is broken",
                "default: 1",
                "default: 2",
                "x: 1",
                "default: 1",
                "{ a: [Object] }"
            ]
        );
        assert!(
            lines[12].starts_with("Trace: here\n    at "),
            "{}",
            lines[12]
        );
    }

    #[test]
    fn web_objects_inspect_readably() {
        let h = harness();
        h.eval(
            r#"
            console.log(new Headers({ 'X-B': '2', 'x-a': '1' }));
            console.log(new URLSearchParams('a=1&b=2'));
            console.log(new URL('https://example.com/p?q=1#h').href);
            console.log([new AbortController().signal]);
            "#,
        );
        assert_eq!(
            h.log_lines(),
            vec![
                "Headers { 'x-a': '1', 'x-b': '2' }",
                "URLSearchParams { 'a' => '1', 'b' => '2' }",
                "https://example.com/p?q=1#h",
                "[ AbortSignal { aborted: false } ]",
            ]
        );
    }

    #[test]
    fn the_console_module_loads_on_first_use() {
        let h = harness();
        let before = h.string("typeof Object.getOwnPropertyDescriptor(globalThis, 'console').get");
        assert_eq!(before, "function");
        h.eval("console.log('loaded')");
        let after = h.string("typeof Object.getOwnPropertyDescriptor(globalThis, 'console').value");
        assert_eq!(after, "object");
        assert_eq!(h.log_lines(), vec!["loaded"]);
    }
}
