//! Parameter files of arbitrary bytes for the 12-3-2 network: reading
//! never panics, an error names a line the input has, a network read has
//! only finite parameters, and reading in pieces of any size gives what
//! reading the whole gives.
//!
//! The first byte of the input picks the size of the pieces (1 to 64
//! bytes); the rest is the file.

#![no_main]

use std::io::BufReader;

use libfuzzer_sys::fuzz_target;
use nn::Network;

/// The layer sizes of the network the files are read for.
const SIZES: [usize; 3] = [12, 3, 2];

fuzz_target!(|input: &[u8]| {
    let Some((&piece, file)) = input.split_first() else {
        return;
    };
    let lines = 1 + file.iter().filter(|&&b| b == b'\n').count();

    let whole = Network::from_parameter_bytes(&SIZES, file);
    match &whole {
        Ok(network) => {
            assert!(network.parameters().values().all(|p| p.is_finite()));
        }
        Err(error) => {
            if let Some(line) = error.line() {
                assert!((1..=lines).contains(&line), "{error} in {lines} lines");
            }
        }
    }

    let capacity = usize::from(piece % 64) + 1;
    let pieces = Network::from_parameter_reader(&SIZES, BufReader::with_capacity(capacity, file));
    assert_eq!(pieces, whole, "read in pieces of {capacity}");
});
