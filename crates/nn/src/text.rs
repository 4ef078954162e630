//! What the data and parameter formats share: lines, comments, decoding.

/// The meaningful lines of a text file, with their 1-based line numbers:
/// a leading byte-order mark is dropped, `#` starts a comment that runs to
/// the end of the line, surrounding whitespace (a `\r` of CRLF included) is
/// trimmed, and lines left empty are skipped.
pub(crate) fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines().enumerate().filter_map(|(k, line)| {
        let content = match line.find('#') {
            Some(hash) => &line[..hash],
            None => line,
        };
        let content = content.trim();
        (!content.is_empty()).then_some((k + 1, content))
    })
}

/// Decodes a file's bytes as UTF-8, or returns the 1-based line of the
/// first byte that is not valid UTF-8.
pub(crate) fn decode(bytes: &[u8]) -> Result<&str, usize> {
    std::str::from_utf8(bytes).map_err(|error| {
        let valid = &bytes[..error.valid_up_to()];
        1 + valid.iter().filter(|&&b| b == b'\n').count()
    })
}

/// Shortens a piece of a user's file for an error message, so that a line
/// of a million characters does not become a million-character message.
pub(crate) fn excerpt(text: &str) -> String {
    const LIMIT: usize = 24;
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}
