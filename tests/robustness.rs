//! Inputs no one should send, and work spread over threads: the parsers
//! never panic on arbitrary bytes, read the same in pieces of any size as
//! whole, and tapes on many threads agree with one.

use std::io::BufReader;

use nn::{Dataset, Network};
use proptest::prelude::*;
use tape::Tape;

/// The number of lines of a byte string, as the error messages count them.
fn line_count(bytes: &[u8]) -> usize {
    1 + bytes.iter().filter(|&&b| b == b'\n').count()
}

/// One edit of a file: at a place (taken modulo the length), put a byte
/// in place of the one there, insert it, or delete the byte there.
#[derive(Clone, Debug)]
enum Edit {
    Replace(usize, u8),
    Insert(usize, u8),
    Delete(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    // Bytes that matter to the formats more often than others: line ends,
    // comments, blanks, digits, and the lead bytes of UTF-8 characters.
    let byte = prop_oneof![
        2 => prop::sample::select(b"\n\r\t #01-.e[]\xef\xbb\xbf\xc3\xe2\xf0\x80".to_vec()),
        1 => any::<u8>(),
    ];
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(at, b)| Edit::Replace(at, b)),
        (any::<usize>(), byte).prop_map(|(at, b)| Edit::Insert(at, b)),
        any::<usize>().prop_map(Edit::Delete),
    ]
}

/// `file` with the edits made one after another.
fn edited(file: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut bytes = file.to_vec();
    for edit in edits {
        match *edit {
            Edit::Replace(at, b) if !bytes.is_empty() => {
                let at = at % bytes.len();
                bytes[at] = b;
            }
            Edit::Insert(at, b) => bytes.insert(at % (bytes.len() + 1), b),
            Edit::Delete(at) if !bytes.is_empty() => {
                bytes.remove(at % bytes.len());
            }
            _ => {}
        }
    }
    bytes
}

/// A small valid data file with comments, CRLF, a byte-order mark and
/// non-ASCII text, for the edits to break.
const DATA_FILE: &str =
    "\u{feff}# ünïcödé €\r\n0 111 101 101 111 # a zero\r\n\n\t1 010010 010 010\n";

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
    fn edited_data_files_read_the_same_in_pieces_and_name_a_line(
        edits in proptest::collection::vec(edit(), 0..12),
        capacity in 1..40usize,
    ) {
        let bytes = edited(DATA_FILE.as_bytes(), &edits);
        let whole = Dataset::parse_bytes(&bytes);
        if let Err(error) = &whole {
            if let Some(line) = error.line() {
                prop_assert!(line >= 1 && line <= line_count(&bytes), "{error}");
            }
        }
        // A reader's buffer of `capacity` bytes splits lines, comments and
        // characters at every place in turn.
        let pieces = Dataset::read(BufReader::with_capacity(capacity, &bytes[..]));
        prop_assert_eq!(pieces, whole);
    }

    #[test]
    fn edited_parameter_files_read_the_same_in_pieces_and_name_a_line(
        seed in any::<u64>(),
        edits in proptest::collection::vec(edit(), 0..12),
        capacity in 1..40usize,
    ) {
        let text = Network::new(&[12, 3, 2], seed).to_parameter_text();
        let bytes = edited(text.as_bytes(), &edits);
        let whole = Network::from_parameter_bytes(&[12, 3, 2], &bytes);
        match &whole {
            Ok(network) => prop_assert!(network.parameters().values().all(|p| p.is_finite())),
            Err(error) => {
                if let Some(line) = error.line() {
                    prop_assert!(line >= 1 && line <= line_count(&bytes), "{error}");
                }
            }
        }
        let reader = BufReader::with_capacity(capacity, &bytes[..]);
        prop_assert_eq!(Network::from_parameter_reader(&[12, 3, 2], reader), whole);
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
