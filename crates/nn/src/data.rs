//! Images, data sets and their text format.
//!
//! A data file holds one image a line: the label (0 or 1) first, then the 12
//! pixels of the 4×3 image row by row, each `0` (white) or `1` (black).
//! Whitespace between groups of pixels is allowed, `#` starts a comment, and
//! blank lines are skipped:
//!
//! ```text
//! # label  row 1  row 2  row 3  row 4
//! 0        111    101    101    111
//! 1        010    010    010    010
//! ```
//!
//! [`Dataset::read`] takes the file line by line from any [`BufRead`], so
//! memory holds the images and one line, never the file: a line may hold
//! at most [`MAX_LINE_BYTES`] before its comment, and a file at most
//! [`MAX_IMAGES`] images.

use std::fmt;
use std::io::BufRead;

use crate::Network;
use crate::text::{LineError, LineProblem, MAX_LINE_BYTES, excerpt, for_each_content_line};

/// Rows of an image in the data-file format.
pub const HEIGHT: usize = 4;

/// Columns of an image in the data-file format.
pub const WIDTH: usize = 3;

/// Pixels of an image in the data-file format, read row by row into the
/// inputs x_1 … x_12.
pub const PIXELS: usize = WIDTH * HEIGHT;

/// The most images a data file may hold.
///
/// Training is full batch: every step records every image on the tape, at
/// under 1 KB an image for the 12-3-2 network (about 700 bytes of tape and
/// 100 of adjoints), besides the 150 or so bytes the image takes in the
/// [`Dataset`]. At 10^5 images that is under 100 MB a step, what a small
/// command may take without asking; 10^6 would approach a gigabyte. And a
/// 4×3 image of black and white pixels can be drawn only 2^12 = 4096 ways,
/// 8192 with the two labels, so a set this large already repeats every
/// possible image a dozen times over. A file with more images is refused at
/// the first image past the limit ([`DataErrorKind::TooManyImages`]),
/// before it can fill memory.
pub const MAX_IMAGES: usize = 100_000;

/// One labelled image: its pixels as network inputs (1 = black, 0 = white)
/// and the class it shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Image {
    pixels: Vec<f64>,
    label: usize,
    line: usize,
}

impl Image {
    /// An image with the given inputs and class. It remembers no line of a
    /// file ([`Image::line`] is 0).
    pub fn new(pixels: Vec<f64>, label: usize) -> Image {
        Image {
            pixels,
            label,
            line: 0,
        }
    }

    /// The inputs x_1 … x_n, row by row.
    pub fn pixels(&self) -> &[f64] {
        &self.pixels
    }

    /// The class: 0 for a "0", 1 for a "1".
    pub fn label(&self) -> usize {
        self.label
    }

    /// The 1-based line of the file the image was read from, or 0 if it was
    /// not read from a file.
    pub fn line(&self) -> usize {
        self.line
    }
}

/// A list of labelled images.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    images: Vec<Image>,
}

/// The built-in training set, compiled into the crate.
const BUILTIN: &str = include_str!("../data/train.txt");

impl Dataset {
    /// A data set of the given images.
    pub fn new(images: Vec<Image>) -> Dataset {
        Dataset { images }
    }

    /// The built-in training set: 64 hand-drawn 4×3 images, 32 zeros and 32
    /// ones, with thin and thick strokes, shifted digits and missing or
    /// extra pixels.
    ///
    /// # Panics
    ///
    /// Never in a released build: the file is checked by the crate's tests.
    pub fn builtin() -> Dataset {
        Dataset::parse(BUILTIN).expect("the built-in data file is valid")
    }

    /// Reads a data set from the text of a data file (see the module docs).
    ///
    /// # Errors
    ///
    /// Returns a [`DataError`] naming the line and the problem if a line is
    /// malformed or too long, or holds an image past [`MAX_IMAGES`], and
    /// [`DataErrorKind::NoImages`] if the file holds no image.
    ///
    /// # Examples
    ///
    /// ```
    /// use nn::Dataset;
    ///
    /// let data = Dataset::parse("0 111 101 101 111\n1 010 010 010 010 # a one\n")?;
    /// assert_eq!(data.images().len(), 2);
    /// assert_eq!(data.images()[1].label(), 1);
    ///
    /// let error = Dataset::parse("0 111 101 101 11\n").unwrap_err();
    /// assert_eq!(error.to_string(), "line 1: expected 12 pixels, found 11");
    /// # Ok::<(), nn::DataError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Dataset, DataError> {
        Dataset::read(text.as_bytes())
    }

    /// Reads a data set from the bytes of a data file, which must be UTF-8.
    ///
    /// # Errors
    ///
    /// As [`Dataset::parse`], and [`DataErrorKind::NotUtf8`] with the line of
    /// the first invalid byte.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Dataset, DataError> {
        Dataset::read(bytes)
    }

    /// Reads a data set from a data file, line by line.
    ///
    /// Only the images and the line being read are held, not the file, so
    /// memory stays within what [`MAX_IMAGES`] images take whatever the
    /// reader delivers; a line is buffered up to [`MAX_LINE_BYTES`] only,
    /// and its comment not at all. The first problem stops the reading.
    ///
    /// # Errors
    ///
    /// As [`Dataset::parse_bytes`], and [`DataErrorKind::Io`] with the line
    /// being read if the reader fails.
    ///
    /// # Examples
    ///
    /// A file is opened and handed over in a [`std::io::BufReader`]; any
    /// other [`BufRead`] will do, a byte slice here:
    ///
    /// ```
    /// use nn::{DataErrorKind, Dataset, MAX_LINE_BYTES};
    ///
    /// let file = b"# zeros\n0 111 101 101 111\n0 111 101 101 111 # again\n";
    /// let data = Dataset::read(&file[..])?;
    /// assert_eq!(data.images().len(), 2);
    ///
    /// // A comment of any length is fine; content past the cap is not.
    /// let long_comment = format!("1 010 010 010 010 #{}\n", "-".repeat(1_000_000));
    /// assert_eq!(Dataset::read(long_comment.as_bytes())?.images().len(), 1);
    /// let long_line = format!("0 111 101 101 111\n1 {}\n", "0".repeat(MAX_LINE_BYTES));
    /// let error = Dataset::read(long_line.as_bytes()).unwrap_err();
    /// assert_eq!((error.line(), error.kind()), (Some(2), &DataErrorKind::LineTooLong));
    /// # Ok::<(), nn::DataError>(())
    /// ```
    pub fn read(reader: impl BufRead) -> Result<Dataset, DataError> {
        let mut images = Vec::new();
        for_each_content_line::<DataError>(reader, |line, content| {
            let fail = |kind| DataError {
                line: Some(line),
                kind,
            };
            let image = parse_image(content).map_err(fail)?;
            if images.len() == MAX_IMAGES {
                return Err(fail(DataErrorKind::TooManyImages));
            }
            images.push(Image { line, ..image });
            Ok(())
        })?;
        if images.is_empty() {
            return Err(DataError {
                line: None,
                kind: DataErrorKind::NoImages,
            });
        }
        Ok(Dataset { images })
    }

    /// The images, in file order.
    pub fn images(&self) -> &[Image] {
        &self.images
    }
}

/// Parses the content of one line: a label, then the pixels.
fn parse_image(content: &str) -> Result<Image, DataErrorKind> {
    let mut groups = content.split_whitespace();
    let label = match groups.next() {
        Some("0") => 0,
        Some("1") => 1,
        Some(other) => return Err(DataErrorKind::UnknownLabel(excerpt(other))),
        None => unreachable!("content lines are never empty"),
    };

    // Every character is checked, but only the first PIXELS are kept, so
    // that the message can give the true count of a long line.
    let mut pixels = Vec::with_capacity(PIXELS);
    let mut count = 0;
    for c in groups.flat_map(str::chars) {
        let pixel = match c {
            '0' => 0.0,
            '1' => 1.0,
            other => return Err(DataErrorKind::BadCharacter(other)),
        };
        if count < PIXELS {
            pixels.push(pixel);
        }
        count += 1;
    }
    if count != PIXELS {
        return Err(DataErrorKind::PixelCount(count));
    }
    Ok(Image::new(pixels, label))
}

/// A data file that could not be read, with the line where it went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataError {
    line: Option<usize>,
    kind: DataErrorKind,
}

/// What is wrong with a data file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataErrorKind {
    /// The label is not `0` or `1`; holds (the start of) what was found.
    UnknownLabel(String),
    /// A pixel is neither `0` nor `1`.
    BadCharacter(char),
    /// The line does not have 12 pixels; holds how many it has.
    PixelCount(usize),
    /// The file is not valid UTF-8 text.
    NotUtf8,
    /// The line holds more than [`MAX_LINE_BYTES`] before its comment.
    LineTooLong,
    /// The line holds an image past the first [`MAX_IMAGES`].
    TooManyImages,
    /// The reader failed while this line was being read.
    Io {
        /// The kind of the failure.
        kind: std::io::ErrorKind,
        /// The failure's message.
        message: String,
    },
    /// The file holds no image, only blank lines and comments.
    NoImages,
}

impl DataError {
    /// The 1-based line where the problem is, if it is on one line.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// What the problem is.
    pub fn kind(&self) -> &DataErrorKind {
        &self.kind
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        match &self.kind {
            DataErrorKind::UnknownLabel(label) => {
                write!(f, "unknown label {label:?}: expected 0 or 1")
            }
            DataErrorKind::BadCharacter(c) => {
                write!(f, "pixel {c:?} is not 0 or 1")
            }
            DataErrorKind::PixelCount(n) => write!(f, "expected {PIXELS} pixels, found {n}"),
            DataErrorKind::NotUtf8 => write!(f, "not UTF-8 text"),
            DataErrorKind::LineTooLong => {
                write!(f, "longer than {MAX_LINE_BYTES} bytes before any comment")
            }
            DataErrorKind::TooManyImages => {
                write!(
                    f,
                    "more than {MAX_IMAGES} images, the most a data file may hold"
                )
            }
            DataErrorKind::Io { message, .. } => write!(f, "cannot read: {message}"),
            DataErrorKind::NoImages => write!(f, "no images in the file"),
        }
    }
}

impl std::error::Error for DataError {}

impl From<LineError> for DataError {
    fn from(error: LineError) -> DataError {
        let kind = match error.problem {
            LineProblem::NotUtf8 => DataErrorKind::NotUtf8,
            LineProblem::TooLong => DataErrorKind::LineTooLong,
            LineProblem::Io(io) => DataErrorKind::Io {
                kind: io.kind(),
                message: io.to_string(),
            },
        };
        DataError {
            line: Some(error.line),
            kind,
        }
    }
}

impl Network {
    /// The fraction of images in `data` whose predicted class is their
    /// label, from 0 to 1; 0 for an empty data set.
    ///
    /// # Panics
    ///
    /// Panics if an image does not fit the network's input size.
    pub fn accuracy(&self, data: &Dataset) -> f64 {
        if data.images.is_empty() {
            return 0.0;
        }
        let correct = data
            .images
            .iter()
            .filter(|image| self.predict(image.pixels()) == image.label())
            .count();
        correct as f64 / data.images.len() as f64
    }
}
