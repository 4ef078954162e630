//! The two file formats: parameter files round-trip bit for bit and bad
//! ones are refused with the line and the parameter; data files are refused
//! with the line and the problem, and harmless variations are accepted;
//! lines past the cap, readers that fail and images past the cap are
//! refused with the line. Files of 10^6 lines, and the memory they take,
//! are in `huge_files.rs`.

mod common;

use std::fs::File;
use std::io::{self, BufReader, Read};

use approx::assert_relative_eq;
use common::TempDir;
use nn::{
    DataErrorKind, Dataset, MAX_IMAGES, MAX_LINE_BYTES, Network, PIXELS, ParameterError,
    ParameterErrorKind,
};
use proptest::prelude::*;

/// The layer sizes of the network under test.
const SIZES: [usize; 3] = [12, 3, 2];

/// The parameter values as bits, so that -0.0 and 0.0 count as different.
fn bits(network: &Network) -> Vec<u64> {
    network.parameters().values().map(|p| p.to_bits()).collect()
}

/// A 12-3-2 network with the given parameter values, in network order.
fn network_with(values: &[f64]) -> Network {
    let mut network = Network::zeros(&SIZES);
    assert_eq!(network.parameters().len(), values.len());
    for (p, &value) in network.parameter_values_mut().zip(values) {
        *p = value;
    }
    network
}

// ---------------------------------------------------------------------------
// Parameter files
// ---------------------------------------------------------------------------

/// Finite f64 values of every kind: any bit pattern that is finite, and the
/// edges (zeros of both signs, subnormals, the extremes) drawn more often.
fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => any::<u64>().prop_map(f64::from_bits).prop_filter("finite", |x| x.is_finite()),
        2 => prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO
            | prop::num::f64::POSITIVE | prop::num::f64::NEGATIVE,
        1 => -10.0..10.0f64,
        1 => prop::sample::select(vec![
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            f64::from_bits(1),
            -f64::from_bits(1),
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            1e-4,
            9.999_999_999_999_999e-5,
            1e6,
            999_999.999_999_999_9,
        ]),
    ]
}

proptest! {
    #[test]
    fn parameter_text_round_trips_bit_for_bit(
        values in prop::collection::vec(finite_f64(), 47),
    ) {
        let network = network_with(&values);
        let text = network.to_parameter_text();
        let loaded = Network::from_parameter_text(&SIZES, &text);
        prop_assert!(loaded.is_ok(), "{:?} reading\n{}", loaded, text);
        let loaded = loaded.unwrap();
        prop_assert_eq!(bits(&loaded), bits(&network), "text:\n{}", text);

        // The same through the bytes of a file.
        let from_bytes = Network::from_parameter_bytes(&SIZES, text.as_bytes()).unwrap();
        prop_assert_eq!(bits(&from_bytes), bits(&network));
    }
}

#[test]
fn a_random_network_round_trips() {
    let network = Network::new(&SIZES, 9);
    let text = network.to_parameter_text();
    assert_eq!(text.lines().filter(|l| !l.starts_with('#')).count(), 47);
    let loaded = Network::from_parameter_text(&SIZES, &text).unwrap();
    assert_eq!(bits(&loaded), bits(&network));
}

/// A valid parameter file: `name value` for every parameter, with value
/// `k/100` for the k-th (so every value is distinct), after one comment.
fn parameter_lines() -> Vec<String> {
    let mut lines = vec!["# a 12-3-2 network".to_string()];
    for (k, name) in Network::zeros(&SIZES).parameters().keys().enumerate() {
        lines.push(format!("{name} {}", k as f64 / 100.0));
    }
    lines
}

fn parameter_error(lines: &[String]) -> ParameterError {
    let text = lines.join("\n") + "\n";
    Network::from_parameter_text(&SIZES, &text).unwrap_err()
}

#[test]
fn a_hand_written_parameter_file_is_read() {
    let mut lines = parameter_lines();
    // Reordered, commented, indented, with CRLF line ends and blank lines.
    lines.swap(1, 47);
    lines[3] = format!("  {}\t# the third weight", lines[3]);
    lines.insert(10, String::new());
    let text = format!("\u{feff}{}\r\n", lines.join("\r\n"));
    let network = Network::from_parameter_text(&SIZES, &text).unwrap();
    for (k, (name, &value)) in network.parameters().iter().enumerate() {
        assert_eq!(value, k as f64 / 100.0, "{name}");
    }
}

#[test]
fn a_missing_parameter_is_named() {
    let mut lines = parameter_lines();
    // Line 1 is the comment, so the parameter at index k is on line k + 2.
    lines.remove(1 + 14); // w2[2][2]
    let error = parameter_error(&lines);
    assert_eq!(error.line(), None);
    assert_eq!(
        error.kind(),
        &ParameterErrorKind::Missing("w2[2][2]".into())
    );
    assert_eq!(error.to_string(), "parameter w2[2][2] is missing");

    let error = Network::from_parameter_text(&SIZES, "# nothing\n").unwrap_err();
    assert_eq!(
        error.kind(),
        &ParameterErrorKind::Missing("w2[1][1]".into())
    );
}

#[test]
fn a_duplicate_parameter_is_refused_on_its_second_line() {
    let mut lines = parameter_lines();
    // w2[1][2] is on line 3; its second appearance is on line 6.
    lines.insert(5, "w2[1][2] 0.5".into());
    let error = parameter_error(&lines);
    assert_eq!(error.line(), Some(6));
    assert_eq!(
        error.kind(),
        &ParameterErrorKind::Duplicate("w2[1][2]".into())
    );
    assert!(error.to_string().starts_with("line 6: "), "{error}");
}

#[test]
fn an_unknown_parameter_is_refused() {
    for name in [
        "w4[1][1]",
        "w2[4][1]",
        "w2[1][13]",
        "b2[0]",
        "W2[1][1]",
        "bias",
    ] {
        let mut lines = parameter_lines();
        lines.insert(2, format!("{name} 1.0")); // line 3
        let error = parameter_error(&lines);
        assert_eq!(error.line(), Some(3), "{name}");
        assert_eq!(error.kind(), &ParameterErrorKind::Unknown(name.into()));
    }
}

#[test]
fn a_non_finite_value_is_refused() {
    // 1e999 parses, to infinity.
    for value in ["inf", "-inf", "NaN", "infinity", "1e999", "-1e400"] {
        let mut lines = parameter_lines();
        lines[4] = format!("w2[1][4] {value}"); // line 5
        let error = parameter_error(&lines);
        assert_eq!(error.line(), Some(5), "{value}");
        assert_eq!(
            error.kind(),
            &ParameterErrorKind::NonFinite("w2[1][4]".into()),
            "{value}"
        );
    }
}

#[test]
fn a_value_that_is_not_a_number_is_refused() {
    for value in ["0.5x", "1,5", "0x10", "--1", "one", "1e", "."] {
        let mut lines = parameter_lines();
        lines[47] = format!("b3[2] {value}"); // line 48, the last
        let error = parameter_error(&lines);
        assert_eq!(error.line(), Some(48), "{value}");
        assert_eq!(
            error.kind(),
            &ParameterErrorKind::BadValue {
                name: "b3[2]".into(),
                value: value.into()
            }
        );
    }
}

#[test]
fn a_name_without_a_value_is_refused() {
    let mut lines = parameter_lines();
    lines[2] = "w2[1][2]   # the value went missing".into();
    let error = parameter_error(&lines);
    assert_eq!(error.line(), Some(3));
    assert_eq!(
        error.kind(),
        &ParameterErrorKind::MissingValue("w2[1][2]".into())
    );
}

#[test]
fn words_after_the_value_are_refused() {
    let mut lines = parameter_lines();
    lines[2] = "w2[1][2] 0.5 0.25".into();
    let error = parameter_error(&lines);
    assert_eq!(error.line(), Some(3));
    assert_eq!(error.kind(), &ParameterErrorKind::Trailing("0.25".into()));
}

#[test]
fn a_parameter_file_that_is_not_utf8_is_refused() {
    let mut bytes = parameter_lines().join("\n").into_bytes();
    // Replace the start of line 4 with a byte that cannot begin UTF-8.
    let line4 = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(2)
        .unwrap()
        .0
        + 1;
    bytes[line4] = 0xff;
    let error = Network::from_parameter_bytes(&SIZES, &bytes).unwrap_err();
    assert_eq!(error.line(), Some(4));
    assert_eq!(error.kind(), &ParameterErrorKind::NotUtf8);
}

#[test]
fn a_huge_word_is_shortened_in_the_message() {
    let mut lines = parameter_lines();
    lines[2] = format!("{} 1", "x".repeat(100_000));
    let error = parameter_error(&lines);
    assert_eq!(error.line(), Some(3));
    assert!(
        error.to_string().len() < 200,
        "{} bytes",
        error.to_string().len()
    );
}

// ---------------------------------------------------------------------------
// Data files
// ---------------------------------------------------------------------------

/// Labels and pixels of a data set, for comparing two readings.
fn contents(data: &Dataset) -> Vec<(usize, Vec<f64>)> {
    data.images()
        .iter()
        .map(|image| (image.label(), image.pixels().to_vec()))
        .collect()
}

/// A zero and a one, as plain as the format gets.
const PLAIN: &str = "0 111 101 101 111\n1 010 010 010 010\n";

/// The pixels of the two images of `PLAIN`.
fn plain_contents() -> Vec<(usize, Vec<f64>)> {
    let pixels = |s: &str| {
        s.chars()
            .map(|c| if c == '1' { 1.0 } else { 0.0 })
            .collect()
    };
    vec![(0, pixels("111101101111")), (1, pixels("010010010010"))]
}

#[test]
fn the_plain_data_format_is_read() {
    let data = Dataset::parse(PLAIN).unwrap();
    assert_eq!(contents(&data), plain_contents());
    assert_eq!(data.images()[0].line(), 1);
    assert_eq!(data.images()[1].line(), 2);
}

#[test]
fn harmless_variations_of_a_data_file_are_accepted() {
    let variants = [
        ("CRLF", "0 111 101 101 111\r\n1 010 010 010 010\r\n"),
        ("BOM", "\u{feff}0 111 101 101 111\n1 010 010 010 010\n"),
        ("tabs", "0\t111\t101\t101\t111\n1\t010010\t010010\n"),
        (
            "trailing spaces",
            "0 111 101 101 111   \n1 010 010 010 010 \t \n",
        ),
        ("no final newline", "0 111 101 101 111\n1 010 010 010 010"),
        (
            "no spaces in the pixels",
            "0 111101101111\n1 010010010010\n",
        ),
        (
            "leading spaces",
            "   0 111 101 101 111\n\t1 010 010 010 010\n",
        ),
        (
            "comments and blank lines",
            "# header\n\n0 111 101 101 111 # a zero\n   \n#\n1 010 010 010 010#one\n",
        ),
        (
            "everything at once",
            "\u{feff}# h\r\n\r\n\t0 111 101\t101 111  # z\r\n1 010010 010 010\t",
        ),
    ];
    for (what, text) in variants {
        let data = Dataset::parse(text).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(contents(&data), plain_contents(), "{what}");
        let bytes = Dataset::parse_bytes(text.as_bytes()).unwrap();
        assert_eq!(contents(&bytes), plain_contents(), "{what}, as bytes");
    }
}

#[test]
fn image_lines_count_comments_and_blank_lines() {
    let data = Dataset::parse("# header\n\n0 111 101 101 111\r\n# x\n1 010 010 010 010").unwrap();
    let lines: Vec<usize> = data.images().iter().map(|image| image.line()).collect();
    assert_eq!(lines, [3, 5]);
}

/// Parses `text` and returns the line and the kind of the error.
fn data_error(text: &str) -> (Option<usize>, DataErrorKind) {
    let error = Dataset::parse(text).unwrap_err();
    (error.line(), error.kind().clone())
}

#[test]
fn a_wrong_pixel_count_is_refused() {
    let cases = [
        ("0 111 101 101 11\n", 1, 11),
        ("0 111 101 101 1111\n", 1, 13),
        ("# c\n\n1 010 010 010 010 0\n", 3, 13),
        ("1 010 010 010 010\n0 111 101 101 111 111 111\n", 2, 18),
        ("0\n", 1, 0),
        ("0 # no pixels\n", 1, 0),
    ];
    for (text, line, count) in cases {
        assert_eq!(
            data_error(text),
            (Some(line), DataErrorKind::PixelCount(count)),
            "{text:?}"
        );
    }
    let error = Dataset::parse("0 111 101 101 11\n").unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("line 1: expected {PIXELS} pixels, found 11")
    );
}

#[test]
fn a_long_line_within_the_cap_reports_its_pixel_count() {
    // "0 " and then pixels up to the cap exactly: read whole, so the count
    // is the true one.
    let pixels = MAX_LINE_BYTES - 2;
    let text = format!("{PLAIN}0 {}\n", "1".repeat(pixels));
    assert_eq!(
        data_error(&text),
        (Some(3), DataErrorKind::PixelCount(pixels))
    );
}

#[test]
fn a_line_past_the_cap_is_refused_with_its_number() {
    // One byte over the cap, and far over it.
    for pixels in [MAX_LINE_BYTES - 1, 100_000] {
        let text = format!("{PLAIN}0 {}\n", "1".repeat(pixels));
        assert_eq!(
            data_error(&text),
            (Some(3), DataErrorKind::LineTooLong),
            "{pixels} pixels"
        );
    }
    let text = format!("{PLAIN}0 {}\n", "1".repeat(100_000));
    assert_eq!(
        Dataset::parse(&text).unwrap_err().to_string(),
        format!("line 3: longer than {MAX_LINE_BYTES} bytes before any comment")
    );
}

#[test]
fn a_bad_pixel_character_is_refused() {
    let cases = [
        ("0 111 101 101 112\n", 1, '2'),
        ("1 010 010 010 010\n0 111 1x1 101 111\n", 2, 'x'),
        ("0 111 101 101 11.\n", 1, '.'),
        ("0 111 101 101 11é\n", 1, 'é'),
        ("0 111,101,101,111\n", 1, ','),
    ];
    for (text, line, c) in cases {
        assert_eq!(
            data_error(text),
            (Some(line), DataErrorKind::BadCharacter(c)),
            "{text:?}"
        );
    }
}

#[test]
fn an_unknown_label_is_refused() {
    let cases = [
        ("2 111 101 101 111\n", "2"),
        ("a 111 101 101 111\n", "a"),
        ("01 111 101 101 111\n", "01"),
        ("-1 010 010 010 010\n", "-1"),
        ("0111 101 101 111\n", "0111"),
    ];
    for (text, label) in cases {
        assert_eq!(
            data_error(&format!("{PLAIN}{text}")),
            (Some(3), DataErrorKind::UnknownLabel(label.into())),
            "{text:?}"
        );
    }
}

#[test]
fn a_file_without_images_is_refused() {
    for text in [
        "",
        "\n\n",
        "# only\n# comments\n",
        "\u{feff}",
        "   \t \r\n# x",
    ] {
        assert_eq!(
            data_error(text),
            (None, DataErrorKind::NoImages),
            "{text:?}"
        );
    }
    assert_eq!(
        Dataset::parse("# nothing").unwrap_err().to_string(),
        "no images in the file"
    );
}

#[test]
fn a_data_file_that_is_not_utf8_is_refused() {
    let mut bytes = PLAIN.as_bytes().to_vec();
    bytes.extend_from_slice(b"# comment\n1 010 \xc3\x28 010 010\n");
    let error = Dataset::parse_bytes(&bytes).unwrap_err();
    assert_eq!(error.line(), Some(4));
    assert_eq!(error.kind(), &DataErrorKind::NotUtf8);

    // An invalid byte on the first line.
    let error = Dataset::parse_bytes(b"\xff0 111 101 101 111\n").unwrap_err();
    assert_eq!(
        (error.line(), error.kind()),
        (Some(1), &DataErrorKind::NotUtf8)
    );
}

#[test]
fn the_first_bad_line_is_the_one_reported() {
    let text = "0 111 101 101 111\n0 111 101 101 11\n2 111 101 101 111\n";
    assert_eq!(data_error(text), (Some(2), DataErrorKind::PixelCount(11)));
}

#[test]
fn the_builtin_set_has_32_images_of_each_label_and_no_duplicates() {
    let data = Dataset::builtin();
    let images = data.images();
    assert_eq!(images.len(), 64);
    let zeros = images.iter().filter(|image| image.label() == 0).count();
    let ones = images.iter().filter(|image| image.label() == 1).count();
    assert_eq!((zeros, ones), (32, 32));
    for image in images {
        assert_eq!(image.pixels().len(), PIXELS);
        assert!(image.pixels().iter().all(|&p| p == 0.0 || p == 1.0));
        assert!(image.line() > 0);
    }
    // No two images have the same pixels, whatever their labels.
    for (k, first) in images.iter().enumerate() {
        for second in &images[k + 1..] {
            assert_ne!(
                first.pixels(),
                second.pixels(),
                "lines {} and {} hold the same image",
                first.line(),
                second.line()
            );
        }
    }
}

#[test]
fn a_bad_character_far_into_a_long_line_is_named() {
    // 4000 pixels and then an 'x', within the cap: the 'x' is the problem
    // to report, not the count.
    let line = format!("0 {}x\n", "1".repeat(4000));
    let error = Dataset::parse(&line).unwrap_err();
    assert_eq!(error.line(), Some(1));
    assert_eq!(error.kind(), &DataErrorKind::BadCharacter('x'));
}

// ---------------------------------------------------------------------------
// Lines of a million characters, readers that fail, the image cap
// ---------------------------------------------------------------------------

/// The length of the long lines below, the 10^6 characters.
const LONG: usize = 1_000_000;

/// Writes `contents` to a file in `dir` and reads it as a data file, as the
/// `train` command does: opened, in a `BufReader`, streamed.
fn read_data_file(dir: &TempDir, contents: &str) -> Result<Dataset, nn::DataError> {
    let path = dir.join("data.txt");
    std::fs::write(&path, contents).unwrap();
    Dataset::read(BufReader::new(File::open(&path).unwrap()))
}

#[test]
fn a_million_character_comment_in_a_data_file_is_accepted() {
    let dir = TempDir::new("long-comment");
    let comment = "#".repeat(LONG);
    let cases = [
        ("a comment line", format!("{comment}\n{PLAIN}")),
        (
            "a comment after an image",
            format!("0 111 101 101 111 {comment}\n1 010 010 010 010"),
        ),
        (
            "a comment of other characters",
            format!("{PLAIN}# {}", "é".repeat(LONG / 2)),
        ),
        (
            "trailing blanks",
            format!(
                "0 111 101 101 111{}\n1 010010010010\n",
                " \t".repeat(LONG / 2)
            ),
        ),
    ];
    for (what, text) in cases {
        assert!(text.len() >= LONG, "{what}");
        let data = read_data_file(&dir, &text).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(contents(&data), plain_contents(), "{what}");
    }
}

#[test]
fn a_million_character_data_line_is_refused_with_its_number() {
    let dir = TempDir::new("long-line");
    let cases = [
        ("pixels", format!("{PLAIN}0 {}\n", "1".repeat(LONG))),
        (
            "pixels and a bad character",
            format!("{PLAIN}# c\n0 {}x\n", "1".repeat(LONG)),
        ),
        (
            "a label",
            format!("{PLAIN}\n{} 111 101 101 111\n", "0".repeat(LONG)),
        ),
        (
            "pixels, no final newline",
            format!("{PLAIN}1 {}", "0".repeat(LONG)),
        ),
    ];
    for (what, text) in cases {
        // The long line is the last of the file.
        let line = text.trim_end().lines().count();
        let error = read_data_file(&dir, &text).unwrap_err();
        assert_eq!(
            (error.line(), error.kind()),
            (Some(line), &DataErrorKind::LineTooLong),
            "{what}"
        );
        assert!(error.to_string().len() < 100, "{what}: {error}");
    }
}

#[test]
fn a_million_character_parameter_line_is_refused_or_skipped() {
    let lines = parameter_lines();
    let comment = format!("# {}", "-".repeat(LONG));

    // A comment of any length is read past, on a line of its own or after
    // a value.
    let mut commented = lines.clone();
    commented.insert(5, comment.clone());
    commented[10] = format!("{} {comment}", commented[10]);
    let text = commented.join("\n");
    let network = Network::from_parameter_text(&SIZES, &text).unwrap();
    for (k, (name, &value)) in network.parameters().iter().enumerate() {
        assert_eq!(value, k as f64 / 100.0, "{name}");
    }

    // Content past the cap is refused on its line, however it starts.
    for (what, line) in [
        ("a long name", format!("{} 1", "w".repeat(LONG))),
        ("a long value", format!("b2[1] 0.{}", "5".repeat(LONG))),
        ("a long gap", format!("b2[1]{}0.5", " ".repeat(LONG))),
    ] {
        let mut long = lines.clone();
        long[7] = line; // line 8
        let error = parameter_error(&long);
        assert_eq!(
            (error.line(), error.kind()),
            (Some(8), &ParameterErrorKind::LineTooLong),
            "{what}"
        );
    }
}

#[test]
fn the_longest_exact_decimal_of_a_value_fits_within_the_cap() {
    // The smallest subnormal, 2^-1074, written out in full: 1074 digits
    // after the point, 751 of them significant; its exact value, so it
    // must load to exactly that f64.
    let digits = exact_decimal_of_smallest_subnormal();
    assert_eq!(digits.len(), 2 + 1074);
    assert!(digits.len() < MAX_LINE_BYTES);

    let mut lines = parameter_lines();
    lines[47] = format!("b3[2] {digits}");
    let network = Network::from_parameter_text(&SIZES, &lines.join("\n")).unwrap();
    assert_eq!(network.parameters()["b3[2]"].to_bits(), 1);
}

/// "0.000…4940656458412465441765687928682213723651" = 2^-1074 exactly, from
/// 5^1074 / 10^1074: long multiplication of decimal digits, independent of
/// any float formatting.
fn exact_decimal_of_smallest_subnormal() -> String {
    // Digits of 5^1074, least significant first.
    let mut power = vec![1u32];
    for _ in 0..1074 {
        let mut carry = 0;
        for digit in &mut power {
            let product = *digit * 5 + carry;
            *digit = product % 10;
            carry = product / 10;
        }
        if carry > 0 {
            power.push(carry);
        }
    }
    let significant: String = power
        .iter()
        .rev()
        .map(|d| char::from(b'0' + *d as u8))
        .collect();
    format!("0.{}{significant}", "0".repeat(1074 - significant.len()))
}

#[test]
fn a_hand_rounded_parameter_file_loads_close_to_its_values() {
    // Six significant digits, as a person might copy them: each value read
    // back is within half a unit of the sixth digit of the original.
    const ROUNDING: f64 = 0.5e-5;
    let network = Network::new(&SIZES, 12);
    let mut text = String::from("# rounded by hand\r\n");
    for (name, value) in network.parameters() {
        text.push_str(&format!("\t{name}\t{value:.5e}   # was {value}\r\n"));
    }
    let dir = TempDir::new("rounded");
    let path = dir.join("rounded.txt");
    std::fs::write(&path, &text).unwrap();
    let file = BufReader::new(File::open(&path).unwrap());
    let loaded = Network::from_parameter_reader(&SIZES, file).unwrap();
    for ((name, &original), &read) in network
        .parameters()
        .iter()
        .zip(loaded.parameters().values())
    {
        assert_relative_eq!(read, original, max_relative = ROUNDING);
        assert_ne!(read, 0.0, "{name}");
    }
}

/// A reader that gives `good` and then fails, as a disk or a network file
/// system can halfway through.
struct FailingAfter {
    good: Vec<u8>,
    at: usize,
    /// An interruption (to be retried) comes first, before any byte.
    interrupted_once: bool,
}

impl FailingAfter {
    fn new(good: &str) -> FailingAfter {
        FailingAfter {
            good: good.as_bytes().to_vec(),
            at: 0,
            interrupted_once: false,
        }
    }
}

impl Read for FailingAfter {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.interrupted_once {
            self.interrupted_once = true;
            return Err(io::Error::from(io::ErrorKind::Interrupted));
        }
        if self.at == self.good.len() {
            return Err(io::Error::other("the disk went away"));
        }
        // A few bytes at a time, so that the failure comes mid-line.
        let n = buf.len().min(5).min(self.good.len() - self.at);
        buf[..n].copy_from_slice(&self.good[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn a_reader_that_fails_is_reported_with_the_line() {
    // Two images and half of a third: the failure is on line 3. The
    // interruption before the first byte is retried, not reported.
    let reader =
        BufReader::with_capacity(4, FailingAfter::new("0 111101101111\n1 010010010010\n0 11"));
    let error = Dataset::read(reader).unwrap_err();
    assert_eq!(error.line(), Some(3));
    assert_eq!(
        error.kind(),
        &DataErrorKind::Io {
            kind: io::ErrorKind::Other,
            message: "the disk went away".into()
        }
    );
    assert_eq!(error.to_string(), "line 3: cannot read: the disk went away");

    let text = parameter_lines()[..5].join("\n") + "\n";
    let reader = BufReader::with_capacity(4, FailingAfter::new(&text));
    let error = Network::from_parameter_reader(&SIZES, reader).unwrap_err();
    // Five lines read whole; the failure comes reading the sixth.
    assert_eq!(error.line(), Some(6));
    assert!(matches!(
        error.kind(),
        ParameterErrorKind::Io {
            kind: io::ErrorKind::Other,
            ..
        }
    ));
}

/// A data file of `count` copies of one image, 15 bytes a line.
fn images(count: usize) -> String {
    "0 111101101111\n".repeat(count)
}

#[test]
fn a_data_file_may_hold_up_to_the_image_cap() {
    let data = Dataset::parse(&images(MAX_IMAGES)).unwrap();
    assert_eq!(data.images().len(), MAX_IMAGES);
    assert_eq!(data.images()[MAX_IMAGES - 1].line(), MAX_IMAGES);

    // One more is refused on its line.
    let text = format!("# header\n{}", images(MAX_IMAGES + 1));
    let error = Dataset::parse(&text).unwrap_err();
    assert_eq!(
        (error.line(), error.kind()),
        (Some(MAX_IMAGES + 2), &DataErrorKind::TooManyImages)
    );
    assert_eq!(
        error.to_string(),
        format!(
            "line {}: more than {MAX_IMAGES} images, the most a data file may hold",
            MAX_IMAGES + 2
        )
    );

    // A malformed line past the cap reports what is wrong with it.
    let text = format!("{}0 111\n", images(MAX_IMAGES));
    assert_eq!(
        data_error(&text),
        (Some(MAX_IMAGES + 1), DataErrorKind::PixelCount(3))
    );
}
