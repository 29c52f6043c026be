//! Sass as Next.js supports it: `.scss` and `.sass` files (and their `.module.` forms)
//! compiled with the app's own `sass`, with next.config's `sassOptions`.

use switchyard_app::NextConfig;

/// Whether the stylesheet `id` is Sass.
pub(crate) fn is_sass(id: &str) -> bool {
    id.ends_with(".scss") || id.ends_with(".sass")
}

/// next.config's `sassOptions` (an object; `{}` when unset). Functions in it are gone: the
/// evaluated config keeps only JSON values, so a function `additionalData` is not honoured.
pub(crate) fn sass_options(config: Option<&NextConfig>) -> serde_json::Value {
    config
        .and_then(|config| config.raw.get("sassOptions"))
        .filter(|options| options.is_object())
        .cloned()
        .unwrap_or_else(|| serde_json::json!({}))
}

/// Next.js's message when a Sass file is imported and `sass` is not installed.
pub(crate) const MISSING_SASS: &str = "To use Next.js' built-in Sass support, you first need to install `sass`.\nRun `npm i sass` or `yarn add sass` inside your workspace.\n\nLearn more: https://nextjs.org/docs/messages/install-sass";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sass_files_are_told_by_extension() {
        assert!(is_sass("/app/styles/a.scss"));
        assert!(is_sass("/app/styles/a.module.sass"));
        assert!(!is_sass("/app/styles/a.css"));
    }

    #[test]
    fn options_come_from_next_config() {
        assert_eq!(sass_options(None), serde_json::json!({}));
        let config = NextConfig::from_json(serde_json::json!({
            "sassOptions": { "includePaths": ["styles"] }
        }))
        .unwrap();
        assert_eq!(
            sass_options(Some(&config)),
            serde_json::json!({ "includePaths": ["styles"] })
        );
    }
}
