//! Inputs no one should send, and work spread over threads: the parsers
//! never panic on arbitrary bytes, and tapes on many threads agree with one.

use nn::{Dataset, Network};
use proptest::prelude::*;
use tape::Tape;

/// The number of lines of a byte string, as the error messages count them.
fn line_count(bytes: &[u8]) -> usize {
    1 + bytes.iter().filter(|&&b| b == b'\n').count()
}

proptest! {
    #[test]
    fn data_files_of_arbitrary_bytes_parse_or_name_a_line(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        if let Err(error) = Dataset::parse_bytes(&bytes) {
            if let Some(line) = error.line() {
                prop_assert!(line >= 1 && line <= line_count(&bytes), "{error}");
            }
        }
    }

    #[test]
    fn parameter_files_of_arbitrary_bytes_parse_or_name_a_line(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        if let Err(error) = Network::from_parameter_bytes(&[12, 3, 2], &bytes) {
            if let Some(line) = error.line() {
                prop_assert!(line >= 1 && line <= line_count(&bytes), "{error}");
            }
        }
    }

    #[test]
    fn data_lines_of_pixel_like_text_parse_or_name_the_line(
        text in "[01 \t#x\r\n]{0,200}",
    ) {
        if let Err(error) = Dataset::parse(&text) {
            if let Some(line) = error.line() {
                prop_assert!(line >= 1 && line <= line_count(text.as_bytes()), "{error}");
            }
        }
    }
}

/// The gradient of C_T for one seed, computed on whatever thread runs it.
fn gradient_bits(seed: u64) -> Vec<u64> {
    let network = Network::new(&[12, 3, 2], seed);
    let result = network.cost_gradient(&Dataset::builtin());
    std::iter::once(result.cost)
        .chain(result.gradient)
        .map(f64::to_bits)
        .collect()
}

#[test]
fn tapes_on_many_threads_agree_with_one_thread() {
    let seeds: Vec<u64> = (0..16).collect();
    let alone: Vec<Vec<u64>> = seeds.iter().map(|&seed| gradient_bits(seed)).collect();
    let threaded: Vec<Vec<u64>> = std::thread::scope(|scope| {
        let handles: Vec<_> = seeds
            .iter()
            .map(|&seed| scope.spawn(move || gradient_bits(seed)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(alone, threaded);
}

#[test]
fn a_tape_moved_to_another_thread_keeps_working() {
    // f = x² at x = 3 on one thread, then x³ after a clear on another:
    // df/dx = 6, then 3x² = 27.
    let mut tape = Tape::new();
    let x = tape.var(3.0);
    let y = x * x;
    assert_eq!(tape.backward(y).wrt(x), 6.0);
    let moved = std::thread::spawn(move || {
        tape.clear();
        let x = tape.var(3.0);
        let y = x.powi(3);
        tape.backward(y).wrt(x)
    });
    assert_eq!(moved.join().unwrap(), 27.0);
}
