//! Data files of arbitrary bytes: reading never panics, an error names a
//! line the input has, and reading in pieces of any size gives what
//! reading the whole gives.
//!
//! The first byte of the input picks the size of the pieces (1 to 64
//! bytes); the rest is the file.

#![no_main]

use std::io::BufReader;

use libfuzzer_sys::fuzz_target;
use nn::{Dataset, PIXELS};

fuzz_target!(|input: &[u8]| {
    let Some((&piece, file)) = input.split_first() else {
        return;
    };
    let lines = 1 + file.iter().filter(|&&b| b == b'\n').count();

    let whole = Dataset::parse_bytes(file);
    match &whole {
        Ok(data) => {
            for image in data.images() {
                assert!((1..=lines).contains(&image.line()), "{image:?}");
                assert_eq!(image.pixels().len(), PIXELS);
                assert!(image.label() <= 1);
            }
        }
        Err(error) => {
            if let Some(line) = error.line() {
                assert!((1..=lines).contains(&line), "{error} in {lines} lines");
            }
        }
    }

    let capacity = usize::from(piece % 64) + 1;
    let pieces = Dataset::read(BufReader::with_capacity(capacity, file));
    assert_eq!(pieces, whole, "read in pieces of {capacity}");
});
