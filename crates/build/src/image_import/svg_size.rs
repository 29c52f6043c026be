//! The size of an SVG image, read from its root `<svg>` tag the way Next.js's image loader
//! (the `image-size` package) reads it: `width` and `height` in pixels (other absolute units
//! converted at 96 dpi, percentages ignored), or the `viewBox` scaled to whichever of the two
//! is set.

/// Pixels per unit of the lengths an SVG may use.
const UNITS: [(&str, f64); 9] = [
    ("in", 96.0),
    ("cm", 96.0 / 2.54),
    ("em", 16.0),
    ("ex", 8.0),
    ("mm", 96.0 / 2.54 / 10.0),
    ("m", 96.0 / 2.54 * 100.0),
    ("pc", 96.0 / 72.0 / 12.0),
    ("pt", 96.0 / 72.0),
    ("px", 1.0),
];

/// Width and height of the SVG `text`, when its root tag gives them.
pub(super) fn svg_size(text: &str) -> Option<(u32, u32)> {
    let root = root_tag(text)?;
    let width = attribute(root, "width", false)
        .filter(|value| !value.contains('%'))
        .and_then(length);
    let height = attribute(root, "height", false)
        .filter(|value| !value.contains('%'))
        .and_then(length);
    if let (Some(width), Some(height)) = (width, height)
        && width > 0.0
        && height > 0.0
    {
        return Some((to_pixels(width)?, to_pixels(height)?));
    }
    let view_box = attribute(root, "viewBox", true)?;
    let mut parts = view_box.split(' ');
    let (box_width, box_height) = (parts.nth(2).and_then(length), parts.next().and_then(length));
    let (box_width, box_height) = (box_width?, box_height?);
    let ratio = box_width / box_height;
    let (width, height) = match (width, height) {
        (Some(width), _) if width > 0.0 => (width, (width / ratio).floor()),
        (_, Some(height)) if height > 0.0 => ((height * ratio).floor(), height),
        _ => (box_width, box_height),
    };
    Some((to_pixels(width)?, to_pixels(height)?))
}

/// A whole, positive number of pixels.
fn to_pixels(value: f64) -> Option<u32> {
    (value.is_finite() && value >= 1.0 && value <= f64::from(u32::MAX)).then_some(value as u32)
}

/// The first `<svg` tag followed by white space, up to its `>` (quoted values may hold `>`).
fn root_tag(text: &str) -> Option<&str> {
    let mut search = 0;
    while let Some(found) = text[search..].find("<svg") {
        let start = search + found;
        let after = &text[start + 4..];
        if after.starts_with(|c: char| c.is_whitespace()) {
            let mut quote = None;
            for (index, c) in after.char_indices() {
                match (quote, c) {
                    (Some(open), c) if c == open => quote = None,
                    (Some(_), _) => {}
                    (None, '"' | '\'') => quote = Some(c),
                    (None, '>') => return Some(&after[..index]),
                    (None, _) => {}
                }
            }
            return None;
        }
        search = start + 4;
    }
    None
}

/// The value of the first ` name="…"` (or `'…'`) in `tag` that is not empty.
fn attribute<'t>(tag: &'t str, name: &str, ignore_case: bool) -> Option<&'t str> {
    let pattern = format!("{name}=");
    let bytes = tag.as_bytes();
    let mut index = 0;
    while index + pattern.len() < tag.len() {
        let candidate = tag.get(index..index + pattern.len());
        let matches = candidate.is_some_and(|candidate| {
            if ignore_case {
                candidate.eq_ignore_ascii_case(&pattern)
            } else {
                candidate == pattern
            }
        });
        let preceded = index > 0 && bytes[index - 1].is_ascii_whitespace();
        if matches && preceded {
            let rest = &tag[index + pattern.len()..];
            if let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'')
                && let Some(end) = rest[1..].find(quote)
                && end > 0
            {
                return Some(&rest[1..=end]);
            }
        }
        index += 1;
    }
    None
}

/// A length in pixels: a number with an optional unit, rounded as `image-size` does.
fn length(value: &str) -> Option<f64> {
    let (number, scale) = UNITS
        .iter()
        .find_map(|(unit, scale)| Some((value.strip_suffix(unit)?, *scale)))
        .unwrap_or((value, 1.0));
    let valid = !number.is_empty()
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == 'e');
    if !valid {
        return None;
    }
    let parsed: f64 = number.parse().ok()?;
    Some((parsed * scale).round())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sizes_as_image_size_does() {
        let size = |text: &str| svg_size(text);
        assert_eq!(
            size(r#"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"></svg>"#),
            Some((120, 80))
        );
        assert_eq!(size(r#"<svg viewBox="0 0 24 12"></svg>"#), Some((24, 12)));
        assert_eq!(
            size(r#"<svg width="48" viewBox="0 0 24 12"></svg>"#),
            Some((48, 24))
        );
        assert_eq!(
            size(r#"<svg height="30" viewBox="0 0 24 12"></svg>"#),
            Some((60, 30))
        );
        assert_eq!(
            size(r#"<svg width="2em" height="10mm"></svg>"#),
            Some((32, 38))
        );
        assert_eq!(
            size(r#"<svg width="12px" height="1in"></svg>"#),
            Some((12, 96))
        );
        assert_eq!(
            size(r#"<?xml version="1.0"?><svg width="10.6" height="3"></svg>"#),
            Some((11, 3))
        );
        assert_eq!(
            size("<svg stroke-width='2' width='5' height='7' title='a>b'>"),
            Some((5, 7))
        );
        assert_eq!(size(r#"<svg width="50%" height="10"></svg>"#), None);
        assert_eq!(size("<svg></svg>"), None);
        assert_eq!(size(r#"<svg width="1" height="1"#), None);
        assert_eq!(size("not an image"), None);
        assert_eq!(size(r#"<svg viewBox="0 0 0 0"></svg>"#), None);
        assert_eq!(size(r#"<svg width="1e400" height="2"></svg>"#), None);
    }
}
