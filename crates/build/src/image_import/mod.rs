//! Images imported from JavaScript (`import logo from './logo.png'`), as Next.js's image
//! loader makes them, on every target: the module's default export is the `StaticImageData`
//! `{ src, width, height, blurWidth, blurHeight }`, `src` being the file's copy under
//! `static/media/` (named as stylesheets' `url()` files are) with the base path in front, and
//! the size read from the file's header. Each image is read once per build, whichever bundles
//! import it; the build copies every one that loaded.
//!
//! Next.js also makes an 8-pixel `blurDataURL` for PNG, JPEG, WebP and AVIF files; that
//! needs decoding and re-encoding the image, which Switchyard does not do yet, so there is
//! none and `blurWidth`/`blurHeight` are 0, as Next.js has them for an image without one.
//!
//! The build's `images` config reaches `next/image` here too, as the module
//! `next/internal/image-config`.

mod config;
mod size;
mod svg_size;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use rolldown_plugin::{HookLoadOutput, HookResolveIdOutput};
use switchyard_app::{Diagnostic, Severity};
use switchyard_output::ImageConfig;
use tokio::sync::OnceCell;

pub(crate) use config::image_config;

use crate::css::{MediaFile, media_file_of};
use crate::diagnostics::location::display_path;
use crate::virtual_modules::{js_module, js_string};

/// What `next/image` imports for the build's `images` config.
const CONFIG_SPECIFIER: &str = "next/internal/image-config";
const CONFIG_ID: &str = "\0switchyard:next/internal/image-config";

/// The extensions Next.js's image loader takes, lower case.
const EXTENSIONS: [&str; 9] = [
    "png", "jpg", "jpeg", "gif", "webp", "avif", "ico", "bmp", "svg",
];

/// Whether the module `id` is an image Next.js imports as `StaticImageData`.
fn is_image(id: &str) -> bool {
    Path::new(id)
        .extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            EXTENSIONS
                .iter()
                .any(|known| extension.eq_ignore_ascii_case(known))
        })
}

/// Why an imported image could not be made a module; the build's diagnostic names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ImageImportError {
    /// The file could not be read.
    #[error("The image could not be read: {0}.")]
    Read(String),
    /// Its width and height could not be found.
    #[error(
        "The image has no size Switchyard can read: {0}. Next.js needs the width and height of \
         every image imported from JavaScript."
    )]
    Size(String),
}

/// One image, loaded: its module's source and its copy.
#[derive(Debug)]
struct Loaded {
    module: Arc<str>,
    media: MediaFile,
}

type Outcome = Result<Arc<Loaded>, ImageImportError>;

/// The build's imported images; clones share them.
#[derive(Debug, Clone)]
pub(crate) struct ImageImports(Arc<Shared>);

#[derive(Debug)]
struct Shared {
    /// The app root, for messages.
    root: PathBuf,
    /// next.config `basePath`, put in front of every `src`.
    base_path: String,
    /// `images.disableStaticImages`: images are left to the bundler like any other file.
    disabled: bool,
    /// `next/internal/image-config`'s source.
    config_module: String,
    /// Each image by module id, loaded once.
    loaded: Mutex<HashMap<String, Arc<OnceCell<Outcome>>>>,
}

impl ImageImports {
    /// The imported images of the app at `root`, whose `basePath` is `base_path` and whose
    /// `images` config is `config`.
    pub(crate) fn new(root: &Path, base_path: &str, config: &ImageConfig) -> Self {
        Self(Arc::new(Shared {
            root: root.to_path_buf(),
            base_path: base_path.to_string(),
            disabled: config.disable_static_images,
            config_module: config::component_config_module(config),
            loaded: Mutex::default(),
        }))
    }

    /// The answer to an import of `specifier` when it names `next/internal/image-config`.
    pub(crate) fn resolve(&self, specifier: &str) -> Option<HookResolveIdOutput> {
        (specifier == CONFIG_SPECIFIER).then(|| HookResolveIdOutput::from_id(CONFIG_ID))
    }

    /// The module for `id` when it is the config or an image, else `None`. An image that
    /// cannot be read is an empty module here and an error in [`Self::diagnostics`]: once per
    /// image, rather than once per bundle and importer as the bundler would report it.
    pub(crate) async fn load(&self, id: &str) -> Option<HookLoadOutput> {
        if id == CONFIG_ID {
            return Some(js_module(&self.0.config_module));
        }
        if self.0.disabled || !is_image(id) {
            return None;
        }
        let cell = self
            .0
            .loaded
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(id.to_string())
            .or_default()
            .clone();
        let outcome = cell
            .get_or_init(|| {
                let path = PathBuf::from(id);
                let base_path = self.0.base_path.clone();
                async move {
                    // Reading and hashing a large image blocks.
                    tokio::task::spawn_blocking(move || load_blocking(&base_path, &path))
                        .await
                        .unwrap_or_else(|error| {
                            Err(ImageImportError::Read(format!(
                                "reading it stopped unexpectedly ({error})"
                            )))
                        })
                        .map(Arc::new)
                }
            })
            .await
            .clone();
        Some(match outcome {
            Ok(loaded) => js_module(&loaded.module),
            Err(_) => js_module("export default {};\n"),
        })
    }

    /// An error for each image that could not be made a module.
    pub(crate) fn diagnostics(&self) -> Vec<Diagnostic> {
        let loaded = self.0.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        let mut diagnostics: Vec<Diagnostic> = loaded
            .iter()
            .filter_map(|(id, cell)| match cell.get() {
                Some(Err(error)) => Some(Diagnostic {
                    severity: Severity::Error,
                    file: display_path(&self.0.root, Path::new(id)),
                    line: None,
                    column: None,
                    message: error.to_string(),
                }),
                _ => None,
            })
            .collect();
        diagnostics.sort_by(|a, b| a.file.cmp(&b.file));
        diagnostics
    }

    /// The copies to make of every image that loaded, each once.
    pub(crate) fn media(&self) -> Vec<MediaFile> {
        let loaded = self.0.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        let mut media: Vec<MediaFile> = loaded
            .values()
            .filter_map(|cell| match cell.get() {
                Some(Ok(loaded)) => Some(loaded.media.clone()),
                _ => None,
            })
            .collect();
        media.sort();
        media.dedup();
        media
    }
}

/// Reads the image at `path` and makes its module, `src` under `base_path`.
fn load_blocking(base_path: &str, path: &Path) -> Result<Loaded, ImageImportError> {
    let bytes = std::fs::read(path).map_err(|error| ImageImportError::Read(error.to_string()))?;
    let (width, height) = size::image_size(&bytes).map_err(ImageImportError::Size)?;
    let media = media_file_of(path, &bytes);
    let src = format!("{base_path}/_next/{}", media.output);
    // Turbopack's key order, which `next build` uses by default.
    let module = format!(
        "export default {{\"src\":{},\"width\":{width},\"height\":{height},\"blurWidth\":0,\"blurHeight\":0}};\n",
        js_string(&src)
    );
    Ok(Loaded {
        module: Arc::from(module),
        media,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(images: &ImageImports, id: &str) -> Option<String> {
        let loaded = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(images.load(id));
        loaded.map(|output| output.code.to_string())
    }

    #[test]
    fn images_become_static_image_data_and_are_copied_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let gif = root.join("dot.GIF");
        std::fs::write(&gif, b"GIF89a\x03\x00\x02\x00\x80\x00\x00").unwrap();
        let svg = root.join("icon.svg");
        std::fs::write(&svg, "<svg width='9' height='4'></svg>").unwrap();
        let images = ImageImports::new(root, "/docs", &ImageConfig::default());
        let module = load(&images, gif.to_str().unwrap()).unwrap();
        assert!(
            module.starts_with("export default {\"src\":\"/docs/_next/static/media/dot."),
            "{module}"
        );
        assert!(
            module
                .ends_with(".GIF\",\"width\":3,\"height\":2,\"blurWidth\":0,\"blurHeight\":0};\n"),
            "{module}"
        );
        assert!(
            load(&images, svg.to_str().unwrap())
                .unwrap()
                .contains("\"width\":9")
        );
        assert_eq!(load(&images, gif.to_str().unwrap()).unwrap(), module);
        assert!(images.diagnostics().is_empty());
        let media = images.media();
        assert_eq!(media.len(), 2, "{media:?}");
        assert!(media.iter().any(|file| file.source == gif));

        assert!(load(&images, root.join("page.js").to_str().unwrap()).is_none());
        let config = load(&images, CONFIG_ID).unwrap();
        assert!(config.contains("\"deviceSizes\""), "{config}");
        assert!(images.resolve(CONFIG_SPECIFIER).is_some());
        assert!(images.resolve("next/image").is_none());
    }

    #[test]
    fn unreadable_images_are_an_error_each_once() {
        let dir = tempfile::tempdir().unwrap();
        let broken = dir.path().join("broken.png");
        std::fs::write(&broken, "not a png").unwrap();
        let missing = dir.path().join("missing.jpg");
        let images = ImageImports::new(dir.path(), "", &ImageConfig::default());
        for _ in 0..2 {
            let stand_in = load(&images, broken.to_str().unwrap()).unwrap();
            assert_eq!(stand_in, "export default {};\n");
            load(&images, missing.to_str().unwrap()).unwrap();
        }
        let diagnostics = images.diagnostics();
        let shown: Vec<(String, &str)> = diagnostics
            .iter()
            .map(|d| (d.file.display().to_string(), d.message.as_str()))
            .collect();
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert_eq!(shown[0].0, "./broken.png");
        assert!(
            shown[0]
                .1
                .starts_with("The image has no size Switchyard can read: it is not"),
            "{shown:?}"
        );
        assert_eq!(shown[1].0, "./missing.jpg");
        assert!(
            shown[1].1.starts_with("The image could not be read: "),
            "{shown:?}"
        );
        assert!(images.media().is_empty());
    }

    #[test]
    fn disabled_static_images_are_left_alone() {
        let config = ImageConfig {
            disable_static_images: true,
            ..ImageConfig::default()
        };
        let images = ImageImports::new(Path::new("/app"), "", &config);
        assert!(load(&images, "/app/logo.png").is_none());
        assert!(is_image("/a/B.JPeG") && !is_image("/a/b.png.js") && !is_image("/a/png"));
    }
}
