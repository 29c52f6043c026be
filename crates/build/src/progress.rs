//! The progress bar shown while bundling.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A bar counting bundled routes on stderr; hidden when disabled or when stderr is not a
/// terminal (indicatif's stderr target hides itself then).
#[derive(Clone)]
pub(crate) struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar for `total` routes, or nothing when `enabled` is false.
    pub(crate) fn new(enabled: bool, total: usize) -> Self {
        if !enabled || total == 0 {
            return Self(None);
        }
        let bar = ProgressBar::new(total as u64).with_style(
            ProgressStyle::with_template("{spinner} Bundling routes {pos}/{len} {wide_msg}")
                .expect("the template is valid"),
        );
        bar.enable_steady_tick(Duration::from_millis(100));
        Self(Some(bar))
    }

    /// Notes that `page` is done.
    pub(crate) fn finished(&self, page: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(page.to_string());
            bar.inc(1);
        }
    }

    /// Removes the bar.
    pub(crate) fn clear(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
