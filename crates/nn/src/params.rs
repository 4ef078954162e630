//! The parameter file: one parameter a line, `name value`.
//!
//! ```text
//! # 12-3-2 network
//! w2[1][1] 0.25
//! w2[1][2] -1.5e-3
//! ```
//!
//! `#` starts a comment and blank lines are skipped. Every parameter of the
//! network must appear exactly once, with a finite value. Values are written
//! in Rust's shortest round-trip form, so a saved network loads back bit for
//! bit.
//!
//! The file is read line by line ([`Network::from_parameter_reader`]): a
//! line may hold at most [`MAX_LINE_BYTES`] before its comment. No cap on
//! the file's size is needed: every line with content must name a new
//! parameter or be refused, so only comments and blank lines can make a
//! file long, and those are read past without being kept.

use std::fmt::{self, Write};
use std::io::BufRead;

use crate::Network;
use crate::text::{LineError, LineProblem, MAX_LINE_BYTES, excerpt, for_each_content_line};

impl Network {
    /// The parameters in the parameter-file format, in the network's order.
    ///
    /// # Examples
    ///
    /// ```
    /// use nn::Network;
    ///
    /// let network = Network::new(&[12, 3, 2], 3);
    /// let text = network.to_parameter_text();
    /// let loaded = Network::from_parameter_text(&[12, 3, 2], &text)?;
    /// assert_eq!(loaded, network);
    /// # Ok::<(), nn::ParameterError>(())
    /// ```
    pub fn to_parameter_text(&self) -> String {
        let sizes: Vec<String> = self.sizes().iter().map(usize::to_string).collect();
        let mut text = format!(
            "# parameters of a {} network: one a line, `name value`\n",
            sizes.join("-")
        );
        for (name, value) in self.parameters() {
            // Display and LowerExp of f64 both print the shortest string that
            // parses back to the same bits; plain decimals read better where
            // they stay short.
            let magnitude = value.abs();
            if magnitude == 0.0 || (1e-4..1e6).contains(&magnitude) {
                writeln!(text, "{name} {value}")
            } else {
                writeln!(text, "{name} {value:e}")
            }
            .expect("writing to a String cannot fail");
        }
        text
    }

    /// A network of the given layer sizes with the parameters of a parameter
    /// file.
    ///
    /// # Errors
    ///
    /// Returns a [`ParameterError`] naming the line and the parameter if a
    /// line is malformed or too long, names an unknown parameter or one seen
    /// before, or has a value that is not a finite number, and naming the
    /// first parameter the file leaves out.
    ///
    /// # Panics
    ///
    /// Panics if there are fewer than two sizes or a size is 0.
    pub fn from_parameter_text(sizes: &[usize], text: &str) -> Result<Network, ParameterError> {
        Network::from_parameter_reader(sizes, text.as_bytes())
    }

    /// Like [`Network::from_parameter_text`], from the bytes of a file,
    /// which must be UTF-8.
    ///
    /// # Errors
    ///
    /// As [`Network::from_parameter_text`], and
    /// [`ParameterErrorKind::NotUtf8`] with the line of the first invalid
    /// byte.
    ///
    /// # Panics
    ///
    /// Panics if there are fewer than two sizes or a size is 0.
    pub fn from_parameter_bytes(sizes: &[usize], bytes: &[u8]) -> Result<Network, ParameterError> {
        Network::from_parameter_reader(sizes, bytes)
    }

    /// Like [`Network::from_parameter_bytes`], reading the file line by line
    /// from any [`BufRead`] (a [`std::io::BufReader`] over a file, say).
    ///
    /// Memory holds the network and one line: a line is buffered up to
    /// [`MAX_LINE_BYTES`] only, and its comment not at all. The first
    /// problem stops the reading.
    ///
    /// # Errors
    ///
    /// As [`Network::from_parameter_bytes`], and [`ParameterErrorKind::Io`]
    /// with the line being read if the reader fails.
    ///
    /// # Panics
    ///
    /// Panics if there are fewer than two sizes or a size is 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use nn::{Network, ParameterErrorKind};
    ///
    /// let network = Network::new(&[12, 3, 2], 5);
    /// let file = network.to_parameter_text();
    /// assert_eq!(Network::from_parameter_reader(&[12, 3, 2], file.as_bytes())?, network);
    ///
    /// let twice = format!("{file}b3[1] 0.5\n");
    /// let error = Network::from_parameter_reader(&[12, 3, 2], twice.as_bytes()).unwrap_err();
    /// assert_eq!(error.line(), Some(49));
    /// assert_eq!(error.kind(), &ParameterErrorKind::Duplicate("b3[1]".into()));
    /// # Ok::<(), nn::ParameterError>(())
    /// ```
    pub fn from_parameter_reader(
        sizes: &[usize],
        reader: impl BufRead,
    ) -> Result<Network, ParameterError> {
        let mut network = Network::zeros(sizes);
        let mut seen = vec![false; network.parameters().len()];

        for_each_content_line::<ParameterError>(reader, |line, content| {
            let (index, value) =
                parse_parameter(&network, &seen, content).map_err(|kind| ParameterError {
                    line: Some(line),
                    kind,
                })?;
            seen[index] = true;
            if let Some(parameter) = network.parameter_values_mut().nth(index) {
                *parameter = value;
            }
            Ok(())
        })?;

        if let Some(missing) = seen.iter().position(|&s| !s) {
            let name = network.parameters().get_index(missing).expect("in range").0;
            return Err(ParameterError {
                line: None,
                kind: ParameterErrorKind::Missing(name.clone()),
            });
        }
        Ok(network)
    }
}

/// Parses the content of one line, `name value`, into the index of the
/// parameter in `network`'s order and its value; `seen` marks the
/// parameters given before.
fn parse_parameter(
    network: &Network,
    seen: &[bool],
    content: &str,
) -> Result<(usize, f64), ParameterErrorKind> {
    let mut words = content.split_whitespace();
    let name = words.next().unwrap_or_default();
    let Some(value_text) = words.next() else {
        return Err(ParameterErrorKind::MissingValue(excerpt(name)));
    };
    if let Some(extra) = words.next() {
        return Err(ParameterErrorKind::Trailing(excerpt(extra)));
    }

    let Some(index) = network.parameters().get_index_of(name) else {
        return Err(ParameterErrorKind::Unknown(excerpt(name)));
    };
    if seen[index] {
        return Err(ParameterErrorKind::Duplicate(name.to_string()));
    }
    let value: f64 = value_text
        .parse()
        .map_err(|_| ParameterErrorKind::BadValue {
            name: name.to_string(),
            value: excerpt(value_text),
        })?;
    if !value.is_finite() {
        return Err(ParameterErrorKind::NonFinite(name.to_string()));
    }
    Ok((index, value))
}

/// A parameter file that could not be read, with the line where it went
/// wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParameterError {
    line: Option<usize>,
    kind: ParameterErrorKind,
}

/// What is wrong with a parameter file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParameterErrorKind {
    /// A name with no value after it.
    MissingValue(String),
    /// More than `name value` on a line; holds the first extra word.
    Trailing(String),
    /// A name that is not a parameter of the network.
    Unknown(String),
    /// A parameter given a second time.
    Duplicate(String),
    /// A value that is not a number.
    BadValue {
        /// The parameter's name.
        name: String,
        /// (The start of) the text that is not a number.
        value: String,
    },
    /// A value that is NaN or infinite.
    NonFinite(String),
    /// A parameter the file does not give.
    Missing(String),
    /// The file is not valid UTF-8 text.
    NotUtf8,
    /// The line holds more than [`MAX_LINE_BYTES`] before its comment.
    LineTooLong,
    /// The reader failed while this line was being read.
    Io {
        /// The kind of the failure.
        kind: std::io::ErrorKind,
        /// The failure's message.
        message: String,
    },
}

impl ParameterError {
    /// The 1-based line where the problem is, if it is on one line.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// What the problem is.
    pub fn kind(&self) -> &ParameterErrorKind {
        &self.kind
    }
}

impl fmt::Display for ParameterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        match &self.kind {
            ParameterErrorKind::MissingValue(name) => write!(f, "{name} has no value"),
            ParameterErrorKind::Trailing(extra) => {
                write!(f, "unexpected {extra:?} after the value")
            }
            ParameterErrorKind::Unknown(name) => write!(f, "unknown parameter {name}"),
            ParameterErrorKind::Duplicate(name) => write!(f, "{name} is given twice"),
            ParameterErrorKind::BadValue { name, value } => {
                write!(f, "value {value:?} of {name} is not a number")
            }
            ParameterErrorKind::NonFinite(name) => write!(f, "value of {name} is not finite"),
            ParameterErrorKind::Missing(name) => write!(f, "parameter {name} is missing"),
            ParameterErrorKind::NotUtf8 => write!(f, "not UTF-8 text"),
            ParameterErrorKind::LineTooLong => {
                write!(f, "longer than {MAX_LINE_BYTES} bytes before any comment")
            }
            ParameterErrorKind::Io { message, .. } => write!(f, "cannot read: {message}"),
        }
    }
}

impl std::error::Error for ParameterError {}

impl From<LineError> for ParameterError {
    fn from(error: LineError) -> ParameterError {
        let kind = match error.problem {
            LineProblem::NotUtf8 => ParameterErrorKind::NotUtf8,
            LineProblem::TooLong => ParameterErrorKind::LineTooLong,
            LineProblem::Io(io) => ParameterErrorKind::Io {
                kind: io.kind(),
                message: io.to_string(),
            },
        };
        ParameterError {
            line: Some(error.line),
            kind,
        }
    }
}
