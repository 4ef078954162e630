//! What the data and parameter formats share: reading a file line by line
//! in bounded memory, comments, decoding, and short excerpts for messages.
//!
//! The reader never holds more than one line's content, and of that at most
//! [`MAX_LINE_BYTES`]: a comment is checked as it streams past and then
//! dropped, so a file of any size, or a line of any length, costs a few
//! kilobytes here. Lines are counted from 1 by their `\n`s, the counting
//! every error message uses.

use std::io::{self, BufRead};

/// The most bytes a line of a data or parameter file may hold before its
/// comment, not counting the spaces and tabs at its end. A comment may be
/// of any length: it is read and checked, never stored.
///
/// The longest meaningful lines are far shorter: an image takes 13
/// characters plus spacing, and a parameter a name of a dozen and a value
/// that even written out to all ~770 significant digits of a subnormal
/// `f64` fits. A longer line is refused with its number
/// ([`DataErrorKind::LineTooLong`](crate::DataErrorKind::LineTooLong),
/// [`ParameterErrorKind::LineTooLong`](crate::ParameterErrorKind::LineTooLong))
/// rather than buffered, so that memory stays bounded whatever the file.
pub const MAX_LINE_BYTES: usize = 4096;

/// Why a line could not be read, and on which line.
#[derive(Debug)]
pub(crate) struct LineError {
    /// The 1-based line that was being read.
    pub(crate) line: usize,
    /// What went wrong.
    pub(crate) problem: LineProblem,
}

/// What went wrong reading a line.
#[derive(Debug)]
pub(crate) enum LineProblem {
    /// A byte sequence that is not UTF-8, in the content or the comment.
    NotUtf8,
    /// More than [`MAX_LINE_BYTES`] before the comment.
    TooLong,
    /// The reader failed.
    Io(io::Error),
}

/// Calls `each` with every meaningful line of a text file and its 1-based
/// number, in order, and stops at the first error, from the reader or from
/// `each`.
///
/// A leading byte-order mark is dropped, `#` starts a comment that runs to
/// the end of the line, surrounding whitespace (a `\r` of CRLF included) is
/// trimmed, and lines left empty are skipped. Memory is bounded by
/// [`MAX_LINE_BYTES`] whatever the file holds.
pub(crate) fn for_each_content_line<E: From<LineError>>(
    reader: impl BufRead,
    mut each: impl FnMut(usize, &str) -> Result<(), E>,
) -> Result<(), E> {
    let mut lines = Lines {
        reader,
        line: 0,
        content: Vec::new(),
        comment: Utf8Stream::default(),
    };
    while lines.read_line()? {
        let fail = |problem| LineError {
            line: lines.line,
            problem,
        };
        let text = std::str::from_utf8(&lines.content).map_err(|_| fail(LineProblem::NotUtf8))?;
        let text = match lines.line {
            1 => text.strip_prefix('\u{feff}').unwrap_or(text),
            _ => text,
        };
        let content = text.trim();
        if !content.is_empty() {
            each(lines.line, content)?;
        }
    }
    Ok(())
}

/// The state of reading a file one line at a time.
struct Lines<R> {
    reader: R,
    /// The 1-based number of the line read last; 0 before the first.
    line: usize,
    /// The bytes of that line before its comment, at most [`MAX_LINE_BYTES`].
    content: Vec<u8>,
    /// The check of that line's comment.
    comment: Utf8Stream,
}

impl<R: BufRead> Lines<R> {
    /// Reads the next line into `content`, checking its comment on the way;
    /// returns false at the end of the file.
    ///
    /// The line is taken from the reader's buffer piece by piece, so only
    /// what `content` keeps is ever copied.
    fn read_line(&mut self) -> Result<bool, LineError> {
        self.content.clear();
        self.comment = Utf8Stream::default();
        let mut in_comment = false;
        let mut started = false;
        let line = self.line + 1;
        let fail = |problem| LineError { line, problem };

        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(fail(LineProblem::Io(error))),
            };
            if chunk.is_empty() {
                // The end of the file ends the last line, if it has begun.
                break;
            }
            started = true;
            let newline = chunk.iter().position(|&b| b == b'\n');
            let piece = &chunk[..newline.unwrap_or(chunk.len())];

            // Content goes into the buffer up to the cap; past the cap only
            // trailing blanks are allowed, and they are dropped.
            let mut comment = piece;
            if !in_comment {
                let hash = piece.iter().position(|&b| b == b'#');
                let before = &piece[..hash.unwrap_or(piece.len())];
                let room = MAX_LINE_BYTES.saturating_sub(self.content.len());
                let (kept, over) = before.split_at(room.min(before.len()));
                self.content.extend_from_slice(kept);
                if over.iter().any(|b| !matches!(b, b' ' | b'\t' | b'\r')) {
                    return Err(fail(LineProblem::TooLong));
                }
                in_comment = hash.is_some();
                comment = &piece[hash.map_or(piece.len(), |h| h + 1)..];
            }
            if !self.comment.feed(comment) {
                return Err(fail(LineProblem::NotUtf8));
            }

            let used = piece.len() + usize::from(newline.is_some());
            self.reader.consume(used);
            if newline.is_some() {
                break;
            }
        }

        if !started {
            return Ok(false);
        }
        self.line = line;
        if !self.comment.is_complete() {
            // The file or the line ended inside a character.
            return Err(fail(LineProblem::NotUtf8));
        }
        Ok(true)
    }
}

/// A UTF-8 check of text that arrives in pieces, which may split a
/// character: the start of a split character is carried to the next piece.
#[derive(Debug, Default)]
struct Utf8Stream {
    /// The bytes of a character begun in an earlier piece.
    carry: [u8; 4],
    /// How many bytes of `carry` are in use; always below 4.
    carried: usize,
}

impl Utf8Stream {
    /// Checks the next piece; false if the text so far is not UTF-8.
    fn feed(&mut self, mut piece: &[u8]) -> bool {
        // First finish the character carried over, a byte at a time: it
        // needs at most three more.
        while self.carried > 0 {
            let Some((&byte, rest)) = piece.split_first() else {
                return true;
            };
            self.carry[self.carried] = byte;
            self.carried += 1;
            piece = rest;
            match std::str::from_utf8(&self.carry[..self.carried]) {
                Ok(_) => self.carried = 0,
                Err(error) if error.error_len().is_some() => return false,
                // Still incomplete, so shorter than the four bytes of the
                // longest character.
                Err(_) => {}
            }
        }

        match std::str::from_utf8(piece) {
            Ok(_) => true,
            Err(error) if error.error_len().is_some() => false,
            Err(error) => {
                // A character cut off by the end of the piece: at most three
                // bytes, or it would be complete or invalid.
                let tail = &piece[error.valid_up_to()..];
                self.carry[..tail.len()].copy_from_slice(tail);
                self.carried = tail.len();
                true
            }
        }
    }

    /// Whether the text fed so far ends on a character boundary.
    fn is_complete(&self) -> bool {
        self.carried == 0
    }
}

/// Shortens a piece of a user's file for an error message, so that a long
/// word does not become a long message.
pub(crate) fn excerpt(text: &str) -> String {
    const LIMIT: usize = 24;
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The content lines of `bytes`, read through a buffer of `capacity`
    /// bytes so that pieces split the text at every possible place.
    fn lines(bytes: &[u8], capacity: usize) -> Result<Vec<(usize, String)>, String> {
        let mut found = Vec::new();
        let reader = io::BufReader::with_capacity(capacity, bytes);
        let result: Result<(), LineError> = for_each_content_line(reader, |line, content| {
            found.push((line, content.to_string()));
            Ok(())
        });
        match result {
            Ok(()) => Ok(found),
            Err(error) => Err(format!("{}: {:?}", error.line, error.problem)),
        }
    }

    #[test]
    fn lines_are_the_same_whatever_the_pieces() {
        let text = "\u{feff}# é\r\n  a b \t\n\nc # ü€𝄞\nd";
        let expected = vec![(2, "a b".to_string()), (4, "c".into()), (5, "d".into())];
        for capacity in 1..=text.len() + 1 {
            assert_eq!(lines(text.as_bytes(), capacity), Ok(expected.clone()));
        }
    }

    #[test]
    fn a_character_split_at_the_end_of_the_file_is_not_utf8() {
        // "€" is E2 82 AC; the file stops after two of its bytes, in a
        // comment and in the content.
        for capacity in 1..=8 {
            assert_eq!(lines(b"a\n# \xe2\x82", capacity), Err("2: NotUtf8".into()));
            assert_eq!(lines(b"a\nb\xe2\x82", capacity), Err("2: NotUtf8".into()));
        }
    }

    #[test]
    fn the_cap_counts_content_but_not_trailing_blanks_or_comments() {
        let full = "x".repeat(MAX_LINE_BYTES);
        let blanks = " \t\r".repeat(1000);
        let text = format!("{full}{blanks}# {}\n", "c".repeat(10_000));
        assert_eq!(lines(text.as_bytes(), 64), Ok(vec![(1, full.clone())]));

        let text = format!("ok\n{full}{blanks}y\n");
        assert_eq!(lines(text.as_bytes(), 64), Err("2: TooLong".into()));
    }
}
