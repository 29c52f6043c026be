//! `.env` files, loaded as Next.js's `@next/env` loads them: which files count for a mode,
//! their precedence, dotenv's line grammar and dotenv-expand's `$VAR` expansion.
//!
//! The `dotenvy` crate was not used: its grammar differs from the JavaScript `dotenv` that
//! Next.js uses (no backtick quotes, backslash escapes processed in values, and expansion done
//! while parsing against the process environment only), so apps would read other values than
//! under `next dev`.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

/// Which set of `.env.<mode>*` files applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvMode {
    /// `switchyard dev`.
    Development,
    /// `switchyard build` and `start`.
    Production,
    /// Any command run with `NODE_ENV=test`.
    Test,
}

impl EnvMode {
    /// The mode of a command: `test` whenever `NODE_ENV=test`, as Next.js decides.
    pub fn new(dev: bool, node_env: Option<&str>) -> Self {
        match (node_env, dev) {
            (Some("test"), _) => EnvMode::Test,
            (_, true) => EnvMode::Development,
            (_, false) => EnvMode::Production,
        }
    }

    /// `development`, `production` or `test`.
    pub fn as_str(self) -> &'static str {
        match self {
            EnvMode::Development => "development",
            EnvMode::Production => "production",
            EnvMode::Test => "test",
        }
    }

    /// The file names to read, highest priority first.
    pub fn files(self) -> Vec<String> {
        let mode = self.as_str();
        let mut files = vec![format!(".env.{mode}.local")];
        // Next.js leaves `.env.local` out of tests so that they give everyone the same results.
        if self != EnvMode::Test {
            files.push(".env.local".to_string());
        }
        files.push(format!(".env.{mode}"));
        files.push(".env".to_string());
        files
    }
}

/// Whether a file name is one of the `.env` files of some mode (the dev watcher reloads them).
pub fn is_env_file(name: &str) -> bool {
    name == ".env" || name.starts_with(".env.")
}

/// The outcome of reading an app's `.env` files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadedEnv {
    /// The files that exist, highest priority first (`.env.local`, `.env`).
    pub files: Vec<String>,
    /// The variables they add, after expansion; none is set in the process environment.
    pub vars: Vec<(String, String)>,
    /// Lines that are not `KEY=value`: skipped, as dotenv skips them.
    pub warnings: Vec<MalformedLine>,
}

impl LoadedEnv {
    /// `- Environments: .env.local, .env`, the line Next.js prints; `None` without files.
    pub fn summary(&self) -> Option<String> {
        (!self.files.is_empty()).then(|| format!("- Environments: {}", self.files.join(", ")))
    }
}

/// A `.env` file that exists but cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("Could not read {}: {source}. Check that Switchyard may read it, or remove it.", path.display())]
pub struct EnvFileError {
    /// The file.
    pub path: PathBuf,
    /// The underlying error.
    #[source]
    pub source: io::Error,
}

/// A line of a `.env` file that dotenv does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{file}:{line}: this line is not `KEY=value` and was skipped. \
     Write it as `NAME=value` (a name of letters, digits, `_`, `.` or `-`), or start it with `#` to make it a comment."
)]
pub struct MalformedLine {
    /// The file name (`.env.local`).
    pub file: String,
    /// The line number, from 1.
    pub line: usize,
}

/// Reads the `.env` files of `mode` in `root` and returns what they add to `process_env`.
///
/// As in `@next/env`, a variable already in the process environment is never overridden,
/// a file of higher priority wins over one of lower, and each file is expanded with the
/// process environment and the files before it visible.
pub fn load_env_files(
    root: &Path,
    mode: EnvMode,
    process_env: &HashMap<String, String>,
) -> Result<LoadedEnv, EnvFileError> {
    let mut sources = Vec::new();
    for name in mode.files() {
        let path = root.join(&name);
        // Like Next.js, only regular files count, and a missing one is no problem.
        if !path.is_file() {
            continue;
        }
        let contents =
            std::fs::read_to_string(&path).map_err(|source| EnvFileError { path, source })?;
        sources.push((name, contents));
    }
    Ok(combine(&sources, process_env))
}

/// Combines the parsed files (`(name, contents)`, highest priority first) over `process_env`.
fn combine(sources: &[(String, String)], process_env: &HashMap<String, String>) -> LoadedEnv {
    let mut loaded = LoadedEnv::default();
    // dotenv-expand writes each file's values into `process.env` before the next file is
    // expanded, so later files see earlier ones (and the process) when they expand.
    let mut seen = process_env.clone();
    for (name, contents) in sources {
        let parsed = parse(contents);
        loaded
            .warnings
            .extend(parsed.malformed.iter().map(|&line| MalformedLine {
                file: name.clone(),
                line,
            }));
        for (key, value) in expand_file(&parsed.entries, &seen) {
            if let std::collections::hash_map::Entry::Vacant(entry) = seen.entry(key) {
                loaded.vars.push((entry.key().clone(), value.clone()));
                entry.insert(value);
            }
        }
        loaded.files.push(name.clone());
    }
    loaded
}

/// One file, parsed: its entries in order (a repeated key: the last wins) and the line
/// numbers that are not entries.
#[derive(Debug, Default, PartialEq, Eq)]
struct Parsed {
    entries: Vec<(String, String)>,
    malformed: Vec<usize>,
}

/// Parses dotenv's grammar: `KEY=value`, `export KEY=value`, `KEY: value`; values single-,
/// double- or backtick-quoted (double quotes may span lines and turn `\n` into a newline),
/// or unquoted (trimmed, ending at `#`); `#` comment lines and blank lines.
fn parse(contents: &str) -> Parsed {
    let text = contents.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.split('\n').collect();
    let mut parsed = Parsed::default();
    let mut index = 0;
    while index < lines.len() {
        let number = index + 1;
        let line = lines[index].trim_start();
        index += 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, rest)) = split_key(line) else {
            parsed.malformed.push(number);
            continue;
        };
        let value = match quoted(rest, &lines[index..]) {
            Some((value, extra_lines)) => {
                index += extra_lines;
                value
            }
            None => rest.split('#').next().unwrap_or("").trim().to_string(),
        };
        upsert(&mut parsed.entries, key.to_string(), value);
    }
    parsed
}

/// Sets `key` in `entries`, keeping the place of its first appearance.
fn upsert(entries: &mut Vec<(String, String)>, key: String, value: String) {
    match entries.iter_mut().find(|(existing, _)| *existing == key) {
        Some(entry) => entry.1 = value,
        None => entries.push((key, value)),
    }
}

/// `KEY` and what follows its `=` (or `: `), after an optional `export `.
fn split_key(line: &str) -> Option<(&str, &str)> {
    let line = match line.strip_prefix("export") {
        Some(rest) if rest.starts_with([' ', '\t']) => rest.trim_start(),
        _ => line,
    };
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
        .unwrap_or(line.len());
    let (key, rest) = line.split_at(end);
    if key.is_empty() {
        return None;
    }
    let rest = rest.trim_start_matches([' ', '\t']);
    if let Some(value) = rest.strip_prefix('=') {
        return Some((key, value));
    }
    // dotenv also reads `KEY: value` (a colon then at least one space).
    match rest.strip_prefix(':') {
        Some(value) if value.starts_with([' ', '\t']) => Some((key, value)),
        _ => None,
    }
}

/// A quoted value starting `rest` (which may continue on `following` lines): the value and
/// how many following lines it used. `None` when `rest` is not a well-closed quoted value,
/// which dotenv then reads as an unquoted one.
fn quoted(rest: &str, following: &[&str]) -> Option<(String, usize)> {
    let rest = rest.trim_start();
    let quote = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let mut text = rest[1..].to_string();
    let mut used = 0;
    loop {
        if let Some(end) = closing_quote(&text, quote) {
            // Only a comment or blanks may follow the closing quote on its line.
            let after = text[end + 1..].trim();
            if !(after.is_empty() || after.starts_with('#')) {
                return None;
            }
            let value = &text[..end];
            let value = if quote == '"' {
                value.replace("\\n", "\n").replace("\\r", "\r")
            } else {
                value.to_string()
            };
            return Some((value, used));
        }
        let next = following.get(used)?;
        text.push('\n');
        text.push_str(next);
        used += 1;
    }
}

/// The byte index of the first `quote` in `text` not preceded by a backslash.
fn closing_quote(text: &str, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (index, c) in text.char_indices() {
        match c {
            '\\' => escaped = !escaped,
            c if c == quote && !escaped => return Some(index),
            _ => escaped = false,
        }
    }
    None
}

/// Expands one file's entries as dotenv-expand does: a key set in `seen` (the process
/// environment and the files before) keeps that value; references look in `seen` first, then
/// in this file; `\$` is a literal `$`.
fn expand_file(
    entries: &[(String, String)],
    seen: &HashMap<String, String>,
) -> Vec<(String, String)> {
    let mut file: HashMap<String, String> = entries.iter().cloned().collect();
    let mut out = Vec::with_capacity(entries.len());
    for (key, raw) in entries {
        let value = match seen.get(key) {
            // The process's value was meant as it is, even with a `$` in it.
            Some(existing) if existing != raw => existing.clone(),
            _ => unescape(&interpolate(raw, seen, &file, 0)),
        };
        file.insert(key.clone(), value.clone());
        out.push((key.clone(), value));
    }
    out
}

/// How deep references to references are followed: a cycle ends here instead of looping.
const MAX_DEPTH: usize = 32;

/// Replaces `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:+alt}` and
/// `${NAME+alt}` (not preceded by a backslash) in `value`.
fn interpolate(
    value: &str,
    seen: &HashMap<String, String>,
    file: &HashMap<String, String>,
    depth: usize,
) -> String {
    let lookup = |name: &str| -> Option<String> {
        seen.get(name)
            .or_else(|| file.get(name))
            .filter(|value| !value.is_empty())
            .cloned()
    };
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(dollar) = rest.find('$') {
        let escaped = rest[..dollar].ends_with('\\');
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        if escaped {
            out.push('$');
            rest = after;
            continue;
        }
        let (expression, consumed) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) if end > 0 && !braced[..end].contains('{') => (&braced[..end], end + 2),
                _ => {
                    out.push('$');
                    rest = after;
                    continue;
                }
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if end == 0 || after.starts_with(|c: char| c.is_ascii_digit()) {
                out.push('$');
                rest = after;
                continue;
            }
            (&after[..end], end)
        };
        rest = &after[consumed..];
        let replacement = substitute(expression, &lookup);
        if depth < MAX_DEPTH && replacement.contains('$') {
            out.push_str(&interpolate(&replacement, seen, file, depth + 1));
        } else {
            out.push_str(&replacement);
        }
    }
    out.push_str(rest);
    out
}

/// The value of one `${…}` expression.
fn substitute(expression: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    for operator in [":+", ":-", "+", "-"] {
        if let Some((name, word)) = expression.split_once(operator) {
            let value = lookup(name);
            return if operator.ends_with('+') {
                value.map_or_else(String::new, |_| word.to_string())
            } else {
                value.unwrap_or_else(|| word.to_string())
            };
        }
    }
    lookup(expression).unwrap_or_default()
}

/// `\$` becomes `$` once expansion is done.
fn unescape(value: &str) -> String {
    value.replace("\\$", "$")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect()
    }

    fn entries(contents: &str) -> Vec<(String, String)> {
        parse(contents).entries
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect()
    }

    /// Writes `files` into a fresh folder and loads them for `mode` over `process`.
    fn load(files: &[(&str, &str)], mode: EnvMode, process: &[(&str, &str)]) -> LoadedEnv {
        let dir = tempfile::tempdir().unwrap();
        for (name, contents) in files {
            std::fs::write(dir.path().join(name), contents).unwrap();
        }
        load_env_files(dir.path(), mode, &env(process)).unwrap()
    }

    fn value<'a>(loaded: &'a LoadedEnv, key: &str) -> Option<&'a str> {
        loaded
            .vars
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    const ALL_PRODUCTION: &[(&str, &str)] = &[
        (".env", "A=env\nB=env\nC=env\nD=env\nE=env\n"),
        (
            ".env.production",
            "A=production\nB=production\nC=production\nD=production\n",
        ),
        (".env.local", "A=local\nB=local\nC=local\n"),
        (
            ".env.production.local",
            "A=production.local\nB=production.local\n",
        ),
        (
            ".env.development",
            "A=development\nB=development\nC=development\nD=development\nE=development\n",
        ),
        (".env.test", "A=test\nB=test\nC=test\nD=test\n"),
    ];

    #[test]
    fn modes_follow_the_command_and_node_env() {
        assert_eq!(EnvMode::new(true, None), EnvMode::Development);
        assert_eq!(EnvMode::new(false, Some("production")), EnvMode::Production);
        assert_eq!(EnvMode::new(true, Some("test")), EnvMode::Test);
        assert_eq!(EnvMode::new(false, Some("test")), EnvMode::Test);
        assert_eq!(
            EnvMode::Test.files(),
            [".env.test.local", ".env.test", ".env"]
        );
        assert_eq!(
            EnvMode::Development.files(),
            [
                ".env.development.local",
                ".env.local",
                ".env.development",
                ".env"
            ]
        );
    }

    #[test]
    fn each_file_outranks_the_next_and_the_process_outranks_all() {
        let loaded = load(ALL_PRODUCTION, EnvMode::Production, &[("A", "process")]);
        assert_eq!(value(&loaded, "A"), None, "the process's own value stays");
        assert_eq!(value(&loaded, "B"), Some("production.local"));
        assert_eq!(value(&loaded, "C"), Some("local"));
        assert_eq!(value(&loaded, "D"), Some("production"));
        assert_eq!(value(&loaded, "E"), Some("env"));
        assert_eq!(
            loaded.files,
            [
                ".env.production.local",
                ".env.local",
                ".env.production",
                ".env"
            ]
        );
        assert_eq!(
            loaded.summary().unwrap(),
            "- Environments: .env.production.local, .env.local, .env.production, .env"
        );
    }

    #[test]
    fn development_reads_its_own_files() {
        let loaded = load(ALL_PRODUCTION, EnvMode::Development, &[]);
        assert_eq!(value(&loaded, "A"), Some("local"));
        assert_eq!(value(&loaded, "D"), Some("development"));
        assert_eq!(value(&loaded, "E"), Some("development"));
    }

    #[test]
    fn test_mode_skips_env_local() {
        let loaded = load(ALL_PRODUCTION, EnvMode::Test, &[]);
        assert_eq!(value(&loaded, "A"), Some("test"));
        assert_eq!(value(&loaded, "C"), Some("test"));
        assert_eq!(value(&loaded, "E"), Some("env"));
        assert_eq!(loaded.files, [".env.test", ".env"]);
    }

    #[test]
    fn no_files_no_summary() {
        let loaded = load(&[], EnvMode::Production, &[]);
        assert_eq!(loaded, LoadedEnv::default());
        assert_eq!(loaded.summary(), None);
    }

    #[test]
    fn a_folder_named_like_a_file_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".env")).unwrap();
        let loaded = load_env_files(dir.path(), EnvMode::Production, &HashMap::new()).unwrap();
        assert!(loaded.files.is_empty());
    }

    #[test]
    fn the_grammar_of_dotenv() {
        let contents = "# a comment\n\
            \n\
            PLAIN=value\n\
            export EXPORTED=yes\n\
            SPACED = padded value  \n\
            INLINE=before # after\n\
            HASH=a#b\n\
            SINGLE='single $X # not a comment'\n\
            DOUBLE=\"line\\nbreak\" # comment\n\
            BACKTICK=`it's \"quoted\"`\n\
            MULTI=\"first\n\
            second\"\n\
            EMPTY=\n\
            COLON: value\n\
            DOTS.AND-DASHES=ok\n\
            WINDOWS=crlf\r\n\
            PLAIN=last wins\n";
        assert_eq!(
            entries(contents),
            pairs(&[
                ("PLAIN", "last wins"),
                ("EXPORTED", "yes"),
                ("SPACED", "padded value"),
                ("INLINE", "before"),
                ("HASH", "a"),
                ("SINGLE", "single $X # not a comment"),
                ("DOUBLE", "line\nbreak"),
                ("BACKTICK", "it's \"quoted\""),
                ("MULTI", "first\nsecond"),
                ("EMPTY", ""),
                ("COLON", "value"),
                ("DOTS.AND-DASHES", "ok"),
                ("WINDOWS", "crlf"),
            ])
        );
    }

    #[test]
    fn single_quotes_keep_backslash_n() {
        assert_eq!(entries("A='a\\nb'"), pairs(&[("A", "a\\nb")]));
    }

    #[test]
    fn text_after_a_closing_quote_makes_the_value_unquoted() {
        assert_eq!(entries("A=\"a\" b"), pairs(&[("A", "\"a\" b")]));
    }

    #[test]
    fn an_unclosed_quote_is_read_to_the_end_of_its_line() {
        assert_eq!(
            entries("A=\"open\nB=2\n"),
            pairs(&[("A", "\"open"), ("B", "2")])
        );
    }

    #[test]
    fn malformed_lines_are_reported_and_skipped() {
        let loaded = load(
            &[(
                ".env.local",
                "GOOD=1\nthis is not an assignment\n=nokey\nALSO_GOOD=2\n",
            )],
            EnvMode::Production,
            &[],
        );
        assert_eq!(loaded.vars, pairs(&[("GOOD", "1"), ("ALSO_GOOD", "2")]));
        let lines: Vec<usize> = loaded.warnings.iter().map(|warning| warning.line).collect();
        assert_eq!(lines, [2, 3]);
        assert_eq!(
            loaded.warnings[0].to_string(),
            ".env.local:2: this line is not `KEY=value` and was skipped. Write it as `NAME=value` \
             (a name of letters, digits, `_`, `.` or `-`), or start it with `#` to make it a comment."
        );
    }

    fn expand_one(contents: &str, process: &[(&str, &str)]) -> Vec<(String, String)> {
        combine(&[(".env".to_string(), contents.to_string())], &env(process)).vars
    }

    #[test]
    fn expansion_of_both_forms() {
        assert_eq!(
            expand_one("HOST=example.com\nURL=https://$HOST/${HOST}/x\n", &[]),
            pairs(&[
                ("HOST", "example.com"),
                ("URL", "https://example.com/example.com/x")
            ])
        );
    }

    #[test]
    fn expansion_sees_later_lines_and_nested_references() {
        assert_eq!(
            expand_one("A=$B-a\nB=${C}b\nC=c\n", &[]),
            pairs(&[("A", "cb-a"), ("B", "cb"), ("C", "c")])
        );
    }

    #[test]
    fn expansion_prefers_the_process_environment() {
        assert_eq!(
            expand_one(
                "USER_NAME=file\nGREETING=hi $USER_NAME\n",
                &[("USER_NAME", "process")]
            ),
            pairs(&[("GREETING", "hi process")])
        );
    }

    #[test]
    fn a_process_value_with_a_dollar_is_not_expanded() {
        let process = [("PRICE", "$5")];
        assert_eq!(expand_one("PRICE=$OTHER\n", &process), pairs(&[]));
    }

    #[test]
    fn escaped_dollars_and_unknown_names() {
        assert_eq!(
            expand_one(
                "A=\\$NOT\nB=$MISSING.\nC=cost: $ 5\nD=${MISSING:-fallback}\nE=${A:+set}\nF=${MISSING-dash}\n",
                &[]
            ),
            pairs(&[
                ("A", "$NOT"),
                ("B", "."),
                ("C", "cost: $ 5"),
                ("D", "fallback"),
                ("E", "set"),
                ("F", "dash"),
            ])
        );
    }

    #[test]
    fn expansion_sees_files_of_higher_priority() {
        let loaded = load(
            &[
                (".env.local", "NAME=local\n"),
                (".env", "NAME=base\nGREETING=hi $NAME\n"),
            ],
            EnvMode::Production,
            &[],
        );
        assert_eq!(value(&loaded, "NAME"), Some("local"));
        assert_eq!(value(&loaded, "GREETING"), Some("hi local"));
    }

    #[test]
    fn a_reference_cycle_ends() {
        let vars = expand_one("A=$B\nB=$A\n", &[]);
        assert_eq!(vars.len(), 2);
    }

    #[test]
    fn env_file_names() {
        assert!(is_env_file(".env"));
        assert!(is_env_file(".env.production.local"));
        assert!(!is_env_file(".envrc"));
        assert!(!is_env_file("env"));
    }
}
