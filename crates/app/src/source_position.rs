//! Byte offsets (what oxc spans hold) turned into the 1-based line and column users see.

/// The 1-based line and column (in characters) of byte `offset` in `source`.
///
/// Offsets past the end, or inside a character, clamp to the nearest earlier boundary.
pub(crate) fn line_column(source: &str, offset: u32) -> (u32, u32) {
    let mut offset = (offset as usize).min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    let line = before.bytes().filter(|&byte| byte == b'\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (to_u32(line), to_u32(column))
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::line_column;

    #[test]
    fn counts_lines_and_characters_from_one() {
        let source = "ab\ncdé\nf";
        assert_eq!(line_column(source, 0), (1, 1));
        assert_eq!(line_column(source, 1), (1, 2));
        assert_eq!(line_column(source, 3), (2, 1));
        // `é` is two bytes; `\n` after it is the third character of line 2.
        assert_eq!(line_column(source, 7), (2, 4));
        assert_eq!(line_column(source, 8), (3, 1));
    }

    #[test]
    fn clamps_out_of_range_and_mid_character_offsets() {
        let source = "é";
        assert_eq!(line_column(source, 1), (1, 1));
        assert_eq!(line_column(source, 99), (1, 2));
    }
}
