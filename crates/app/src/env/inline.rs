//! The `process.env.X` replacements a build inlines, as Next.js's `define-env` does:
//! every `NEXT_PUBLIC_*` variable of the environment and each key of next.config's `env`.

use serde_json::Value as Json;

use crate::NextConfig;

/// `(process.env.NAME, JSON literal)` pairs for the bundler's `define`: `NEXT_PUBLIC_*` from
/// `env` (the process environment, `.env` files already applied), then next.config's `env`
/// keys, which win as in Next.js.
pub fn inlined_env(
    env: impl IntoIterator<Item = (String, String)>,
    config: Option<&NextConfig>,
) -> Vec<(String, String)> {
    let mut defines: Vec<(String, Json)> = env
        .into_iter()
        .filter(|(name, _)| name.starts_with("NEXT_PUBLIC_"))
        .map(|(name, value)| (name, Json::String(value)))
        .collect();
    if let Some(Json::Object(keys)) = config.map(|config| &config.raw["env"]) {
        for (name, value) in keys {
            defines.retain(|(existing, _)| existing != name);
            defines.push((name.clone(), value.clone()));
        }
    }
    // A name that is not an identifier cannot be written `process.env.NAME` in code.
    defines.retain(|(name, _)| is_identifier(name));
    defines.sort_by(|(a, _), (b, _)| a.cmp(b));
    defines
        .into_iter()
        .map(|(name, value)| (format!("process.env.{name}"), value.to_string()))
        .collect()
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_' || first == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect()
    }

    #[test]
    fn public_variables_and_config_env_become_literals() {
        let config = NextConfig {
            raw: json!({ "env": { "FROM_CONFIG": "c", "NEXT_PUBLIC_B": "config wins", "N": 4, "not-ident": "x" } }),
            ..NextConfig::default()
        };
        let env = owned(&[
            ("NEXT_PUBLIC_A", "say \"hi\""),
            ("NEXT_PUBLIC_B", "env"),
            ("SECRET", "s"),
        ]);
        assert_eq!(
            inlined_env(env, Some(&config)),
            owned(&[
                ("process.env.FROM_CONFIG", "\"c\""),
                ("process.env.N", "4"),
                ("process.env.NEXT_PUBLIC_A", "\"say \\\"hi\\\"\""),
                ("process.env.NEXT_PUBLIC_B", "\"config wins\""),
            ])
        );
    }

    #[test]
    fn nothing_without_public_variables_or_config() {
        assert!(inlined_env(owned(&[("PATH", "/bin")]), None).is_empty());
    }
}
