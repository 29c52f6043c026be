//! What an image file is, from its first bytes, as Next.js's image optimizer tells: the file's
//! name is not trusted (a `.png` may hold HTML).

/// `image/svg+xml`: refused unless next.config `images.dangerouslyAllowSVG` is set.
pub const SVG: &str = "image/svg+xml";

/// Each type by the bytes it starts with; `None` matches any byte (RIFF and ISO box sizes).
const SIGNATURES: &[(&str, &[Option<u8>])] = &[
    ("image/jpeg", &[Some(0xff), Some(0xd8), Some(0xff)]),
    ("image/png", &bytes(b"\x89PNG\r\n\x1a\n")),
    ("image/gif", &bytes(b"GIF8")),
    (
        "image/webp",
        &[
            Some(b'R'),
            Some(b'I'),
            Some(b'F'),
            Some(b'F'),
            None,
            None,
            None,
            None,
            Some(b'W'),
            Some(b'E'),
            Some(b'B'),
            Some(b'P'),
        ],
    ),
    (SVG, &bytes(b"<?xml")),
    (SVG, &bytes(b"<svg")),
    ("image/avif", &box_type(b"avif")),
    ("image/x-icon", &bytes(b"\x00\x00\x01\x00")),
    ("image/x-icns", &bytes(b"icns")),
    ("image/tiff", &bytes(b"II*\x00")),
    ("image/bmp", &bytes(b"BM")),
    ("image/jxl", &bytes(b"\xff\x0a")),
    ("image/jxl", &bytes(b"\x00\x00\x00\x0cJXL \r\n\x87\n")),
    ("image/heic", &box_type(b"heic")),
    ("application/pdf", &bytes(b"%PDF-")),
    ("image/jp2", &bytes(b"\x00\x00\x00\x0cjP  \r\n\x87\n")),
];

/// A signature of exact bytes.
const fn bytes<const N: usize>(exact: &[u8; N]) -> [Option<u8>; N] {
    let mut signature = [None; N];
    let mut index = 0;
    while index < N {
        signature[index] = Some(exact[index]);
        index += 1;
    }
    signature
}

/// An ISO base media file whose `ftyp` box names `brand`: any box size, then `ftyp` and it.
const fn box_type(brand: &[u8; 4]) -> [Option<u8>; 12] {
    let mut signature = [None; 12];
    let ftyp = b"ftyp";
    let mut index = 0;
    while index < 4 {
        signature[4 + index] = Some(ftyp[index]);
        signature[8 + index] = Some(brand[index]);
        index += 1;
    }
    signature
}

/// The content type of `file`'s bytes, when they start as a known type does.
pub fn sniff(file: &[u8]) -> Option<&'static str> {
    SIGNATURES.iter().find_map(|(content_type, signature)| {
        let matches = file.len() >= signature.len()
            && signature
                .iter()
                .zip(file)
                .all(|(expected, byte)| expected.is_none_or(|expected| expected == *byte));
        matches.then_some(*content_type)
    })
}

/// The file extension Next.js names an answer of `content_type` with.
pub fn extension(content_type: &str) -> Option<&'static str> {
    Some(match content_type {
        "image/jpeg" => "jpeg",
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        SVG => "svg",
        "image/avif" => "avif",
        "image/x-icon" => "ico",
        "image/x-icns" => "icns",
        "image/tiff" => "tiff",
        "image/bmp" => "bmp",
        "image/jxl" => "jxl",
        "image/heic" => "heic",
        "image/jp2" => "jp2",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_types_by_their_first_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\x00\x00"), Some("image/png"));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0"), Some("image/jpeg"));
        assert_eq!(sniff(b"GIF89a"), Some("image/gif"));
        assert_eq!(sniff(b"RIFF\x10\x00\x00\x00WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"RIFF\x10\x00\x00\x00WAVE"), None);
        assert_eq!(sniff(b"\x00\x00\x00\x1cftypavif"), Some("image/avif"));
        assert_eq!(sniff(b"<svg xmlns='x'/>"), Some(SVG));
        assert_eq!(sniff(b"<?xml version='1.0'?>"), Some(SVG));
        assert_eq!(sniff(b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(sniff(b"<!DOCTYPE html>"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"\x89PN"), None);
        assert_eq!(extension("image/jpeg"), Some("jpeg"));
        assert_eq!(extension("application/pdf"), None);
    }
}
