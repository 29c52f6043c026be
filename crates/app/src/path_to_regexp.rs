//! Route sources (`/about/:path*`, `/(api|trpc)(.*)`) compiled to regular expressions, as the
//! `path-to-regexp` 6.3.0 that Next.js vendors does with its default options, plus the one
//! repair Next.js's `tryToParsePath` makes.
//!
//! Syntax: named parameters `:name` (ASCII letters, digits, `_`), custom patterns
//! `:name(\d+)` or unnamed `(.*)` (no capturing groups inside), modifiers `?` `*` `+`, groups
//! `{prefix:name(pattern)suffix}`, and `\` escapes. A parameter right after `/` or `.` takes
//! that character as its prefix, so `/:path*` matches the empty string too.
//!
//! The result is anchored (`^…$`), allows one trailing `/`, `#` or `?`, and is written as
//! JavaScript's `RegExp.prototype.source` prints it (so `/` outside classes is escaped),
//! which is what Next.js stores in its manifests. Next.js matches it case-sensitively.

/// Characters `path-to-regexp` treats as segment delimiters by default.
pub(crate) const DELIMITER: &str = "/#?";

/// The delimiter Next.js passes for `headers`, `redirects` and `rewrites` sources
/// (`getPathMatch`): the query and hash never reach the matcher.
pub(crate) const PATH_DELIMITER: &str = "/";

/// Characters that become a parameter's prefix when they precede it.
const PREFIXES: &str = "./";

/// A lexer token's kind, named as `path-to-regexp` names them in its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Modifier,
    EscapedChar,
    Open,
    Close,
    Name,
    Pattern,
    Char,
    End,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Modifier => "MODIFIER",
            Kind::EscapedChar => "ESCAPED_CHAR",
            Kind::Open => "OPEN",
            Kind::Close => "CLOSE",
            Kind::Name => "NAME",
            Kind::Pattern => "PATTERN",
            Kind::Char => "CHAR",
            Kind::End => "END",
        }
    }
}

#[derive(Debug, Clone)]
struct Lexeme {
    kind: Kind,
    /// Character index in the source, for messages.
    index: usize,
    /// The text; empty where JavaScript would read `undefined` (a trailing `\`).
    value: String,
}

/// A parameter's name: given, numbered in order of appearance, or none (a plain group).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyName {
    Named(String),
    Index(usize),
    None,
}

impl std::fmt::Display for KeyName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyName::Named(name) => f.write_str(name),
            KeyName::Index(index) => write!(f, "{index}"),
            KeyName::None => Ok(()),
        }
    }
}

/// A parameter (or plain group) of a parsed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key {
    /// Its name.
    pub(crate) name: KeyName,
    /// Text matched before it, e.g. `/`.
    pub(crate) prefix: String,
    /// Text matched after it (only in `{…}` groups).
    pub(crate) suffix: String,
    /// Its pattern; empty for a plain group, which captures nothing.
    pub(crate) pattern: String,
    /// `?`, `*`, `+` or empty.
    pub(crate) modifier: String,
}

impl Key {
    /// `*` or `+`: the value is a list.
    pub(crate) fn repeats(&self) -> bool {
        self.modifier == "*" || self.modifier == "+"
    }

    /// `?` or `*`: the value may be absent.
    pub(crate) fn optional(&self) -> bool {
        self.modifier == "?" || self.modifier == "*"
    }
}

/// One piece of a parsed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    /// Literal text.
    Text(String),
    /// A parameter or group.
    Key(Key),
}

/// Compiles `source` to the anchored regular expression `tryToParsePath(source).regexStr`
/// gives in Next.js; `Err` holds `path-to-regexp`'s message (`Unbalanced pattern at 3`).
pub(crate) fn source_to_regexp(source: &str) -> Result<String, String> {
    let tokens = parse(source)?;
    Ok(regexp_source(&tokens_to_regexp(&normalize(tokens))))
}

fn lex(source: &str) -> Result<Vec<Lexeme>, String> {
    let chars: Vec<char> = source.chars().collect();
    let at = |index: usize| chars.get(index).copied();
    let mut lexemes = Vec::new();
    let mut push = |kind: Kind, index: usize, value: String| {
        lexemes.push(Lexeme { kind, index, value });
    };
    let mut i = 0;
    while let Some(char) = at(i) {
        match char {
            '*' | '+' | '?' => {
                push(Kind::Modifier, i, char.to_string());
                i += 1;
            }
            '\\' => {
                push(
                    Kind::EscapedChar,
                    i,
                    at(i + 1).map(String::from).unwrap_or_default(),
                );
                i += 2;
            }
            '{' => {
                push(Kind::Open, i, char.to_string());
                i += 1;
            }
            '}' => {
                push(Kind::Close, i, char.to_string());
                i += 1;
            }
            ':' => {
                let mut j = i + 1;
                let mut name = String::new();
                while let Some(c) = at(j).filter(|c| c.is_ascii_alphanumeric() || *c == '_') {
                    name.push(c);
                    j += 1;
                }
                if name.is_empty() {
                    return Err(format!("Missing parameter name at {i}"));
                }
                push(Kind::Name, i, name);
                i = j;
            }
            '(' => {
                let mut count = 1;
                let mut pattern = String::new();
                let mut j = i + 1;
                if at(j) == Some('?') {
                    return Err(format!("Pattern cannot start with \"?\" at {j}"));
                }
                while let Some(c) = at(j) {
                    if c == '\\' {
                        pattern.push(c);
                        // JavaScript appends `undefined` past the end; the pattern is then
                        // unbalanced anyway.
                        if let Some(next) = at(j + 1) {
                            pattern.push(next);
                        }
                        j += 2;
                        continue;
                    }
                    if c == ')' {
                        count -= 1;
                        if count == 0 {
                            j += 1;
                            break;
                        }
                    } else if c == '(' {
                        count += 1;
                        if at(j + 1) != Some('?') {
                            return Err(format!("Capturing groups are not allowed at {j}"));
                        }
                    }
                    pattern.push(c);
                    j += 1;
                }
                if count != 0 {
                    return Err(format!("Unbalanced pattern at {i}"));
                }
                if pattern.is_empty() {
                    return Err(format!("Missing pattern at {i}"));
                }
                push(Kind::Pattern, i, pattern);
                i = j;
            }
            _ => {
                push(Kind::Char, i, char.to_string());
                i += 1;
            }
        }
    }
    push(Kind::End, chars.len(), String::new());
    Ok(lexemes)
}

/// The parser's cursor over the lexemes.
struct Cursor {
    lexemes: Vec<Lexeme>,
    at: usize,
}

impl Cursor {
    /// The next lexeme's value if it is of `kind` (consumed; possibly empty), else `None`.
    fn try_consume(&mut self, kind: Kind) -> Option<String> {
        let lexeme = self.lexemes.get(self.at).filter(|l| l.kind == kind)?;
        self.at += 1;
        Some(lexeme.value.clone())
    }

    /// Like JavaScript's `tryConsume(kind) || …`: an empty value counts as absent.
    fn try_text(&mut self, kind: Kind) -> Option<String> {
        self.try_consume(kind).filter(|value| !value.is_empty())
    }

    fn must_consume(&mut self, kind: Kind) -> Result<String, String> {
        if let Some(value) = self.try_consume(kind) {
            return Ok(value);
        }
        let next = &self.lexemes[self.at.min(self.lexemes.len() - 1)];
        Err(format!(
            "Unexpected {} at {}, expected {}",
            next.kind.name(),
            next.index,
            kind.name()
        ))
    }

    fn consume_text(&mut self) -> String {
        let mut text = String::new();
        while let Some(value) = self
            .try_text(Kind::Char)
            .or_else(|| self.try_text(Kind::EscapedChar))
        {
            text.push_str(&value);
        }
        text
    }

    fn done(&self) -> bool {
        self.at >= self.lexemes.len()
    }
}

/// The default pattern for a parameter after `prefix`, with `path-to-regexp` 6.3.0's
/// protection against backtracking when the text before it has no delimiter.
fn safe_pattern(result: &[Token], prefix: &str, delimiter: &str) -> Result<String, String> {
    let previous = result.last();
    let previous_text = if prefix.is_empty() {
        match previous {
            Some(Token::Text(text)) => text.as_str(),
            _ => "",
        }
    } else {
        prefix
    };
    if let (Some(Token::Key(key)), "") = (previous, previous_text) {
        return Err(format!(
            "Must have text between two parameters, missing text after \"{}\"",
            key.name
        ));
    }
    let escaped = escape_string(delimiter);
    if previous_text.is_empty() || previous_text.chars().any(|c| delimiter.contains(c)) {
        Ok(format!("[^{escaped}]+?"))
    } else {
        Ok(format!(
            "(?:(?!{})[^{escaped}])+?",
            escape_string(previous_text)
        ))
    }
}

fn parse(source: &str) -> Result<Vec<Token>, String> {
    parse_with(source, DELIMITER)
}

/// `parse(source, { delimiter })`: `Err` holds `path-to-regexp`'s message.
pub(crate) fn parse_with(source: &str, delimiter: &str) -> Result<Vec<Token>, String> {
    let mut cursor = Cursor {
        lexemes: lex(source)?,
        at: 0,
    };
    let mut result: Vec<Token> = Vec::new();
    let mut key = 0;
    let mut path = String::new();
    let mut next_index = || {
        let index = key;
        key += 1;
        KeyName::Index(index)
    };

    while !cursor.done() {
        let char = cursor.try_text(Kind::Char);
        let name = cursor.try_text(Kind::Name);
        let pattern = cursor.try_text(Kind::Pattern);

        if name.is_some() || pattern.is_some() {
            let mut prefix = char.unwrap_or_default();
            if !prefix.is_empty() && !PREFIXES.contains(prefix.as_str()) {
                path.push_str(&prefix);
                prefix.clear();
            }
            if !path.is_empty() {
                result.push(Token::Text(std::mem::take(&mut path)));
            }
            let pattern = match pattern {
                Some(pattern) => pattern,
                None => safe_pattern(&result, &prefix, delimiter)?,
            };
            let name = match name {
                Some(name) => KeyName::Named(name),
                None => next_index(),
            };
            let modifier = cursor.try_text(Kind::Modifier).unwrap_or_default();
            result.push(Token::Key(Key {
                name,
                prefix,
                suffix: String::new(),
                pattern,
                modifier,
            }));
            continue;
        }

        if let Some(value) = char.or_else(|| cursor.try_text(Kind::EscapedChar)) {
            path.push_str(&value);
            continue;
        }

        if !path.is_empty() {
            result.push(Token::Text(std::mem::take(&mut path)));
        }

        if cursor.try_consume(Kind::Open).is_some() {
            let prefix = cursor.consume_text();
            let name = cursor.try_text(Kind::Name).unwrap_or_default();
            let pattern = cursor.try_text(Kind::Pattern).unwrap_or_default();
            let suffix = cursor.consume_text();
            cursor.must_consume(Kind::Close)?;
            let (name, pattern) = match (name.is_empty(), pattern.is_empty()) {
                (false, true) => (
                    KeyName::Named(name),
                    safe_pattern(&result, &prefix, delimiter)?,
                ),
                (false, false) => (KeyName::Named(name), pattern),
                (true, false) => (next_index(), pattern),
                (true, true) => (KeyName::None, pattern),
            };
            let modifier = cursor.try_text(Kind::Modifier).unwrap_or_default();
            result.push(Token::Key(Key {
                name,
                prefix,
                suffix,
                pattern,
                modifier,
            }));
            continue;
        }

        cursor.must_consume(Kind::End)?;
    }
    Ok(result)
}

/// `path-to-regexp` 6.3.0 refuses to repeat a parameter with neither prefix nor suffix;
/// Next.js's `normalizeTokensForRegexp` gives such parameters the prefix `/` and retries.
fn normalize(tokens: Vec<Token>) -> Vec<Token> {
    tokens
        .into_iter()
        .map(|token| match token {
            Token::Key(mut key)
                if (key.modifier == "*" || key.modifier == "+")
                    && key.prefix.is_empty()
                    && key.suffix.is_empty() =>
            {
                key.prefix = "/".to_string();
                Token::Key(key)
            }
            other => other,
        })
        .collect()
}

/// `tokensToRegexp` with the default options: anchored at both ends, not strict.
fn tokens_to_regexp(tokens: &[Token]) -> String {
    tokens_to_regexp_with(tokens, DELIMITER, false)
}

/// `tokensToRegexp(tokens, keys, { delimiter, strict })`, as `RegExp.prototype.source`
/// prints it; `tokens` should have been through [`normalize_repeats`].
pub(crate) fn tokens_regexp_source(tokens: &[Token], delimiter: &str, strict: bool) -> String {
    regexp_source(&tokens_to_regexp_with(tokens, delimiter, strict))
}

/// Next.js's repair of repeated parameters with neither prefix nor suffix (see `normalize`).
pub(crate) fn normalize_repeats(tokens: Vec<Token>) -> Vec<Token> {
    normalize(tokens)
}

/// `tokensToRegexp`, anchored at both ends; `strict` refuses a trailing delimiter.
fn tokens_to_regexp_with(tokens: &[Token], delimiter: &str, strict: bool) -> String {
    let delimiter = format!("[{}]", escape_string(delimiter));
    let mut route = String::from("^");
    for token in tokens {
        let key = match token {
            Token::Text(text) => {
                route.push_str(&escape_string(text));
                continue;
            }
            Token::Key(key) => key,
        };
        let prefix = escape_string(&key.prefix);
        let suffix = escape_string(&key.suffix);
        let (pattern, modifier) = (&key.pattern, &key.modifier);
        if pattern.is_empty() {
            route.push_str(&format!("(?:{prefix}{suffix}){modifier}"));
        } else if prefix.is_empty() && suffix.is_empty() {
            // Repeats were given a prefix by `normalize`.
            route.push_str(&format!("({pattern}){modifier}"));
        } else if modifier == "+" || modifier == "*" {
            let optional = if modifier == "*" { "?" } else { "" };
            route.push_str(&format!(
                "(?:{prefix}((?:{pattern})(?:{suffix}{prefix}(?:{pattern}))*){suffix}){optional}"
            ));
        } else {
            route.push_str(&format!("(?:{prefix}({pattern}){suffix}){modifier}"));
        }
    }
    if !strict {
        route.push_str(&delimiter);
        route.push('?');
    }
    route.push('$');
    route
}

/// The keys of `tokens` that capture, in the order of their groups in the regular
/// expression (the `keys` array `pathToRegexp` fills).
pub(crate) fn capturing_keys(tokens: &[Token]) -> Vec<&Key> {
    tokens
        .iter()
        .filter_map(|token| match token {
            Token::Key(key) if !key.pattern.is_empty() => Some(key),
            _ => None,
        })
        .collect()
}

/// A value `compile` inserts for a parameter.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CompileValue<'a> {
    /// A single value.
    One(&'a str),
    /// A list, for `*` and `+` parameters.
    Many(&'a [String]),
}

/// `compile(path, { validate: false })(data)` on parsed `tokens`: values are inserted as they
/// are, with their key's prefix and suffix. `Err` holds `path-to-regexp`'s message.
pub(crate) fn compile_tokens<'a>(
    tokens: &[Token],
    data: impl Fn(&str) -> Option<CompileValue<'a>>,
) -> Result<String, String> {
    let mut path = String::new();
    for token in tokens {
        let key = match token {
            Token::Text(text) => {
                path.push_str(text);
                continue;
            }
            Token::Key(key) => key,
        };
        let name = key.name.to_string();
        match data(&name) {
            Some(CompileValue::Many(values)) => {
                if !key.repeats() {
                    return Err(format!(
                        "Expected \"{name}\" to not repeat, but got an array"
                    ));
                }
                if values.is_empty() {
                    if key.optional() {
                        continue;
                    }
                    return Err(format!("Expected \"{name}\" to not be empty"));
                }
                for value in values {
                    path.push_str(&key.prefix);
                    path.push_str(value);
                    path.push_str(&key.suffix);
                }
            }
            Some(CompileValue::One(value)) => {
                path.push_str(&key.prefix);
                path.push_str(value);
                path.push_str(&key.suffix);
            }
            None if key.optional() => {}
            None => {
                let expected = if key.repeats() {
                    "an array"
                } else {
                    "a string"
                };
                return Err(format!("Expected \"{name}\" to be {expected}"));
            }
        }
    }
    Ok(path)
}

/// `path-to-regexp`'s `escapeString`.
fn escape_string(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for char in text.chars() {
        if ".+*?=^!:${}()[]|/\\".contains(char) {
            escaped.push('\\');
        }
        escaped.push(char);
    }
    escaped
}

/// `pattern` as `RegExp.prototype.source` prints it: `/` outside character classes escaped,
/// line terminators written as escapes.
fn regexp_source(pattern: &str) -> String {
    let mut source = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    let mut in_class = false;
    while let Some(char) = chars.next() {
        match char {
            '\\' => {
                source.push(char);
                match chars.next() {
                    Some(next) => source.push(next),
                    None => source.push('\\'),
                }
            }
            '[' => {
                in_class = true;
                source.push(char);
            }
            ']' => {
                in_class = false;
                source.push(char);
            }
            '/' if !in_class => source.push_str("\\/"),
            '\n' => source.push_str("\\n"),
            '\r' => source.push_str("\\r"),
            '\u{2028}' => source.push_str("\\u2028"),
            '\u{2029}' => source.push_str("\\u2029"),
            _ => source.push(char),
        }
    }
    source
}

#[cfg(test)]
mod tests {
    use super::source_to_regexp;

    fn compiled(source: &str) -> String {
        source_to_regexp(source).unwrap_or_else(|error| panic!("{source}: {error}"))
    }

    #[test]
    fn compiles_like_path_to_regexp() {
        assert_eq!(compiled("/about"), r"^\/about[\/#\?]?$");
        assert_eq!(
            compiled("/about/:slug"),
            r"^\/about(?:\/([^\/#\?]+?))[\/#\?]?$"
        );
        assert_eq!(
            compiled("/about/:path*"),
            r"^\/about(?:\/((?:[^\/#\?]+?)(?:\/(?:[^\/#\?]+?))*))?[\/#\?]?$"
        );
        assert_eq!(
            compiled("/about/:path+"),
            r"^\/about(?:\/((?:[^\/#\?]+?)(?:\/(?:[^\/#\?]+?))*))[\/#\?]?$"
        );
        assert_eq!(compiled("/a/:id?"), r"^\/a(?:\/([^\/#\?]+?))?[\/#\?]?$");
        assert_eq!(compiled(r"/post/:id(\d+)"), r"^\/post(?:\/(\d+))[\/#\?]?$");
        assert_eq!(
            compiled("/(api|trpc)(.*)"),
            r"^(?:\/(api|trpc))(.*)[\/#\?]?$"
        );
        assert_eq!(
            compiled("/((?!api|_next/static|favicon.ico).*)"),
            r"^(?:\/((?!api|_next\/static|favicon.ico).*))[\/#\?]?$"
        );
        assert_eq!(compiled(r"/a\:b"), r"^\/a\:b[\/#\?]?$");
        assert_eq!(
            compiled("/blog{-:slug}?"),
            r"^\/blog(?:-((?:(?!-)[^\/#\?])+?))?[\/#\?]?$"
        );
    }

    #[test]
    fn text_before_a_parameter_guards_against_backtracking() {
        // The text before `:id` holds a delimiter: no guard needed.
        assert_eq!(compiled("/a/x-:id"), r"^\/a\/x-([^\/#\?]+?)[\/#\?]?$");
        assert_eq!(
            compiled("/:a-:b"),
            r"^(?:\/([^\/#\?]+?))-((?:(?!-)[^\/#\?])+?)[\/#\?]?$"
        );
    }

    #[test]
    fn unprefixed_repeats_get_a_slash_as_next_does() {
        assert_eq!(
            compiled("/x(.*)*"),
            r"^\/x(?:\/((?:.*)(?:\/(?:.*))*))?[\/#\?]?$"
        );
    }

    #[test]
    fn reports_path_to_regexp_errors() {
        let error = |source: &str| source_to_regexp(source).unwrap_err();
        assert_eq!(error("/:"), "Missing parameter name at 1");
        assert_eq!(error("/(abc"), "Unbalanced pattern at 1");
        assert_eq!(error("/()"), "Missing pattern at 1");
        assert_eq!(error("/(?:a)"), "Pattern cannot start with \"?\" at 2");
        assert_eq!(error("/((a))"), "Capturing groups are not allowed at 2");
        assert_eq!(error("/{a"), "Unexpected END at 3, expected CLOSE");
        assert_eq!(error("/a}"), "Unexpected CLOSE at 2, expected END");
        assert_eq!(
            error("/:a:b"),
            "Must have text between two parameters, missing text after \"a\""
        );
    }

    #[test]
    fn prints_slashes_as_regexp_source_does() {
        assert_eq!(
            compiled("/:d(_next/data/[^/]{1,})?/x"),
            r"^(?:\/(_next\/data\/[^/]{1,}))?\/x[\/#\?]?$"
        );
    }
}
