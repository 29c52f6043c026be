//! Bundle sizes: gzip accounting, the Edge size limit, and human-readable units.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;

/// Vercel's largest Edge Function limit (Enterprise), 4 MiB after gzip.
pub const DEFAULT_EDGE_SIZE_LIMIT_GZIP: u64 = 4 * 1024 * 1024;

/// Size of `bytes` after gzip at the best compression, as the `gzip-size` package that
/// Next.js uses measures it.
pub(crate) fn gzip_size(bytes: &[u8]) -> u64 {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder
        .write_all(bytes)
        .expect("writing to a Vec cannot fail");
    let compressed = encoder.finish().expect("writing to a Vec cannot fail");
    compressed.len() as u64
}

/// The error for an Edge bundle over the limit, in Vercel's wording.
pub(crate) fn size_limit_error(page: &str, gzip_size: u64, limit: u64) -> String {
    format!(
        "The Edge Function \"{page}\" size is {} MB and your plan size limit is {} MB.",
        megabytes(gzip_size),
        megabytes(limit)
    )
}

/// `bytes` in MiB with at most two decimals, as Vercel prints limits (`1.01`, `4`).
fn megabytes(bytes: u64) -> String {
    #[expect(clippy::cast_precision_loss, reason = "sizes are far below 2^52")]
    let megabytes = bytes as f64 / (1024.0 * 1024.0);
    let text = format!("{megabytes:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `bytes` in SI units with three significant digits (`85 B`, `1.23 kB`, `45.6 MB`), as the
/// `pretty-bytes` package in `next build`'s table prints them.
pub(crate) fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    #[expect(clippy::cast_precision_loss, reason = "sizes are far below 2^52")]
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    // Three significant digits, then drop trailing zeros, like `Number(n.toPrecision(3))`.
    let decimals = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    let rounded: f64 = format!("{value:.decimals$}")
        .parse()
        .expect("a formatted number parses");
    format!("{rounded} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_pretty_bytes() {
        assert_eq!(format_bytes(0), "0 B");
        assert_eq!(format_bytes(85), "85 B");
        assert_eq!(format_bytes(999), "999 B");
        assert_eq!(format_bytes(1000), "1 kB");
        assert_eq!(format_bytes(1234), "1.23 kB");
        assert_eq!(format_bytes(5600), "5.6 kB");
        assert_eq!(format_bytes(80_500), "80.5 kB");
        assert_eq!(format_bytes(123_456), "123 kB");
        assert_eq!(format_bytes(4_500_000), "4.5 MB");
    }

    #[test]
    fn limit_message_matches_vercel() {
        assert_eq!(
            size_limit_error("/api/big", 1_059_062, 1024 * 1024),
            "The Edge Function \"/api/big\" size is 1.01 MB and your plan size limit is 1 MB."
        );
        assert_eq!(megabytes(DEFAULT_EDGE_SIZE_LIMIT_GZIP), "4");
    }

    #[test]
    fn gzip_shrinks_repetitive_text() {
        let text = "export default function handler() {}\n".repeat(100);
        let size = gzip_size(text.as_bytes());
        assert!(size > 0 && size < text.len() as u64 / 10, "{size}");
    }
}
