//! The pixel size of an imported image, from its header (no decoding): PNG, JPEG, GIF, WebP,
//! AVIF, ICO and BMP through the `imagesize` crate, SVG from its root tag.

use super::svg_size::svg_size;

/// How far into a file an SVG's root tag is looked for, as `image-size` looks.
const SVG_HEAD: usize = 1000;

/// `(width, height)` of the image `bytes`, or why there is none.
pub(super) fn image_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    match imagesize::blob_size(bytes) {
        Ok(size) => {
            let width = u32::try_from(size.width);
            let height = u32::try_from(size.height);
            match (width, height) {
                (Ok(width), Ok(height)) if width > 0 && height > 0 => Ok((width, height)),
                _ => Err(format!(
                    "its header gives a size of {}x{} pixels",
                    size.width, size.height
                )),
            }
        }
        Err(_) if looks_like_svg(bytes) => {
            svg_size(&String::from_utf8_lossy(bytes)).ok_or_else(|| {
                "its <svg> tag has neither `width` and `height` in pixels nor a `viewBox`"
                    .to_string()
            })
        }
        Err(_) => Err(
            "it is not a PNG, JPEG, GIF, WebP, AVIF, ICO, BMP or SVG image, or its header is cut short"
                .to_string(),
        ),
    }
}

/// Whether an `<svg` tag starts in the first bytes of the file.
fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SVG_HEAD)];
    head.windows(5)
        .any(|window| window[..4] == *b"<svg" && window[4].is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headers_of_every_kind_next_imports() {
        // A PNG header of 123x321 and a GIF header of 3x2, cut after the size.
        let png = [
            0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
            0x44, 0x52, 0x00, 0x00, 0x00, 0x7B, 0x00, 0x00, 0x01, 0x41, 0x08, 0x06, 0x00, 0x00,
        ];
        assert_eq!(image_size(&png), Ok((123, 321)));
        let gif = b"GIF89a\x03\x00\x02\x00\x80\x00\x00";
        assert_eq!(image_size(gif), Ok((3, 2)));
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10"/>"#;
        assert_eq!(image_size(svg), Ok((40, 10)));
        assert!(image_size(b"<svg></svg>").is_err());
        assert!(image_size(b"<svg width='1%' height='2'/>").is_err());
        assert!(image_size(b"plain text, not an image").is_err());
        assert!(image_size(&png[..18]).is_err());
        assert!(image_size(&[]).is_err());
    }
}
