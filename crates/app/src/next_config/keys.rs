//! Which `next.config.*` options Switchyard honours, so the build can name in one warning
//! the ones the app sets that it does not.
//!
//! Every key falls in one of three groups:
//!
//! - implemented: Switchyard does what Next.js does with it;
//! - harmless: it only tunes webpack, Turbopack, SWC's bundle-size optimisations, the dev
//!   server, build parallelism or logging, or it configures App Router features (Switchyard
//!   serves the Pages Router only), so a Pages Router app behaves the same without it;
//! - everything else, including keys Next.js does not know: reported.
//!
//! `images` is implemented in part: its sub-keys Switchyard does not act on are reported as
//! `images.<key>`.
//!
//! A few keys count as implemented only with the value Switchyard's behaviour matches:
//! `poweredByHeader: false` (Switchyard never sends `X-Powered-By`), `generateEtags: false`
//! (it sends no ETag for pages), `output: 'standalone'` (a packaging choice; `'export'` is
//! not built), and `typescript` without `tsconfigPath` (Switchyard does not type-check, as
//! with `ignoreBuildErrors`, and reads the root `tsconfig.json`).

use serde_json::Value as Json;

/// Top-level keys Switchyard implements.
const IMPLEMENTED: &[&str] = &[
    "basePath",
    "compress",
    "env",
    "experimental",
    "headers",
    // Locale-prefixed routing, domains and default locales; not `Accept-Language` detection.
    "i18n",
    // In part: see `IMAGES_IMPLEMENTED`.
    "images",
    "pageExtensions",
    "redirects",
    "rewrites",
    "sassOptions",
    "skipTrailingSlashRedirect",
    "trailingSlash",
];

/// Top-level keys that do not change how a Pages Router app behaves when ignored.
const HARMLESS: &[&str] = &[
    // Dev server and tooling.
    "allowedDevOrigins",
    "devIndicators",
    "eslint",
    "logging",
    "onDemandEntries",
    "typedRoutes",
    "watchOptions",
    // Next.js's own build output, bundler and compiler tuning.
    "bundlePagesRouterDependencies",
    "cleanDistDir",
    "configOrigin",
    "distDir",
    "enablePrerenderSourceMaps",
    "excludeDefaultMomentLocales",
    "exportPathMap",
    "generateBuildId",
    "httpAgentOptions",
    "modularizeImports",
    "optimizeFonts",
    "outputFileTracingExcludes",
    "outputFileTracingIncludes",
    "outputFileTracingRoot",
    "reactCompiler",
    "reactProductionProfiling",
    "staticPageGenerationTimeout",
    "swcMinify",
    "target",
    "transpilePackages",
    "webpack",
    // Only effective in development.
    "reactStrictMode",
    // App Router only.
    "cacheComponents",
    "cacheLife",
    "htmlLimitedBots",
    "reactMaxHeadersLength",
];

/// `images.*` keys Switchyard implements: `next/image`'s widths, qualities and path, static
/// image imports, and what `/_next/image` accepts and answers with (it sends images as they
/// are: `formats` and the rest of the optimizer's options are not acted on yet).
const IMAGES_IMPLEMENTED: &[&str] = &[
    "contentDispositionType",
    "contentSecurityPolicy",
    "dangerouslyAllowSVG",
    "deviceSizes",
    "disableStaticImages",
    "domains",
    "imageSizes",
    "loader",
    "minimumCacheTTL",
    "path",
    "qualities",
    "remotePatterns",
    "unoptimized",
];

/// `experimental.*` keys Switchyard implements.
const EXPERIMENTAL_IMPLEMENTED: &[&str] = &["caseSensitiveRoutes", "runtime"];

/// `experimental.*` keys that do not change how a Pages Router app behaves when ignored.
const EXPERIMENTAL_HARMLESS: &[&str] = &[
    // Build parallelism, caches, memory, tracing and diagnostics.
    "cpus",
    "gzipSize",
    "isrFlushToDisk",
    "largePageDataBytes",
    "lockDistDir",
    "memoryBasedWorkersCount",
    "outputFileTracingExcludes",
    "outputFileTracingIgnores",
    "outputFileTracingIncludes",
    "outputFileTracingRoot",
    "parallelServerBuildTraces",
    "parallelServerCompiles",
    "prerenderEarlyExit",
    "preloadEntriesOnStart",
    "serverMinification",
    "serverSourceMaps",
    "slowModuleDetection",
    "staticGenerationMaxConcurrency",
    "staticGenerationMinPagesPerWorker",
    "staticGenerationRetryCount",
    "swcTraceProfiling",
    "workerThreads",
    // webpack, Turbopack and SWC internals.
    "craCompat",
    "disableOptimizedLoading",
    "disablePostcssPresetEnv",
    "esmExternals",
    "externalDir",
    "fallbackNodePolyfills",
    "forceSwcTransforms",
    "fullySpecified",
    "optimizePackageImports",
    "turbo",
    "turbopackFileSystemCacheForBuild",
    "turbopackFileSystemCacheForDev",
    "turbopackImportTypeBytes",
    "turbopackMemoryLimit",
    "turbopackMinify",
    "turbopackModuleIds",
    "turbopackRemoveUnusedExports",
    "turbopackScopeHoisting",
    "turbopackSourceMaps",
    "turbopackTreeShaking",
    "turbopackUseBuiltinBabel",
    "turbopackUseBuiltinSass",
    "turbopackUseSystemTlsCerts",
    "useLightningcss",
    "useWasmBinary",
    "webpackBuildWorker",
    "webpackMemoryOptimizations",
    // Dev server and test tooling.
    "allowDevelopmentBuild",
    "browserDebugInfoInTerminal",
    "defaultTestRunner",
    "hideLogsAfterAbort",
    "isolatedDevBuild",
    "mcpServer",
    "serverComponentsHmrCache",
    "testProxy",
    "typedEnv",
    "typedRoutes",
    // App Router only.
    "after",
    "appDocumentPreloading",
    "appNavFailHandling",
    "authInterrupts",
    "cacheComponents",
    "cacheHandlers",
    "cacheLife",
    "clientParamParsingOrigins",
    "clientRouterFilter",
    "clientRouterFilterAllowedRate",
    "clientRouterFilterRedirects",
    "clientSegmentCache",
    "clientTraceMetadata",
    "cssChunking",
    "dynamicIO",
    "dynamicOnHover",
    "fetchCacheKeyPrefix",
    "globalNotFound",
    "inlineCss",
    "optimizeServerReact",
    "ppr",
    "reactDebugChannel",
    "rootParams",
    "serverActions",
    "staleTimes",
    "taint",
    "useCache",
    "validateRSCRequestHeaders",
    "viewTransition",
];

/// The options `raw` (the evaluated config) sets that Switchyard does not implement, as
/// top-level keys or `experimental.<key>` (and `typescript.tsconfigPath`), sorted; the build
/// names them in one warning.
pub fn unimplemented_config_keys(raw: &Json) -> Vec<String> {
    let Some(config) = raw.as_object() else {
        return Vec::new();
    };
    let mut keys = Vec::new();
    for (key, value) in config {
        // JSON has no `undefined`: a key set to `null` is as good as absent.
        if value.is_null()
            || IMPLEMENTED.contains(&key.as_str())
            || HARMLESS.contains(&key.as_str())
        {
            continue;
        }
        let matching_value = match key.as_str() {
            "poweredByHeader" | "generateEtags" => *value == Json::Bool(false),
            "output" => value.as_str() == Some("standalone"),
            "typescript" => {
                if value
                    .get("tsconfigPath")
                    .is_some_and(|path| !path.is_null())
                {
                    keys.push("typescript.tsconfigPath".to_owned());
                }
                true
            }
            _ => false,
        };
        if !matching_value {
            keys.push(key.clone());
        }
    }
    if let Some(images) = config.get("images").and_then(Json::as_object) {
        for (key, value) in images {
            if !value.is_null() && !IMAGES_IMPLEMENTED.contains(&key.as_str()) {
                keys.push(format!("images.{key}"));
            }
        }
    }
    if let Some(experimental) = config.get("experimental").and_then(Json::as_object) {
        for (key, value) in experimental {
            let known = EXPERIMENTAL_IMPLEMENTED.contains(&key.as_str())
                || EXPERIMENTAL_HARMLESS.contains(&key.as_str());
            if !value.is_null() && !known {
                keys.push(format!("experimental.{key}"));
            }
        }
    }
    keys.sort();
    keys
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::unimplemented_config_keys;

    #[test]
    fn implemented_and_harmless_keys_are_not_reported() {
        let raw = json!({
            "basePath": "/docs",
            "trailingSlash": true,
            "pageExtensions": ["tsx"],
            "env": { "A": "1" },
            "i18n": { "locales": ["en"], "defaultLocale": "en" },
            "rewrites": [],
            "redirects": [],
            "headers": [],
            "skipTrailingSlashRedirect": true,
            "compress": false,
            "sassOptions": {},
            "reactStrictMode": true,
            "eslint": { "ignoreDuringBuilds": true },
            "distDir": "build",
            "poweredByHeader": false,
            "generateEtags": false,
            "output": "standalone",
            "typescript": { "ignoreBuildErrors": true },
            "experimental": { "runtime": "edge", "caseSensitiveRoutes": true, "cpus": 2, "ppr": false },
            "assetPrefix": null,
            "images": { "deviceSizes": [640], "remotePatterns": [], "unoptimized": true, "formats": null },
        });
        assert_eq!(unimplemented_config_keys(&raw), Vec::<String>::new());
    }

    #[test]
    fn other_keys_are_reported_sorted() {
        let raw = json!({
            "images": { "unoptimized": true, "loaderFile": "./loader.js", "formats": ["image/avif"] },
            "poweredByHeader": true,
            "output": "export",
            "assetPrefix": "https://cdn.example.com",
            "typescript": { "tsconfigPath": "tsconfig.build.json" },
            "myOwnKey": 1,
            "experimental": { "scrollRestoration": true, "runtime": "nodejs", "proxyTimeout": 1000 },
        });
        assert_eq!(
            unimplemented_config_keys(&raw),
            [
                "assetPrefix",
                "experimental.proxyTimeout",
                "experimental.scrollRestoration",
                "images.formats",
                "images.loaderFile",
                "myOwnKey",
                "output",
                "poweredByHeader",
                "typescript.tsconfigPath",
            ]
        );
        assert!(unimplemented_config_keys(&json!([1])).is_empty());
    }
}
