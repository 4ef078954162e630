//! The two file formats: parameter files round-trip bit for bit and bad
//! ones are refused with the line and the parameter; data files are refused
//! with the line and the problem, and harmless variations are accepted.

use nn::{DataErrorKind, Dataset, Network, PIXELS, ParameterError, ParameterErrorKind};
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
fn a_huge_line_reports_its_pixel_count() {
    let text = format!("{PLAIN}0 {}\n", "1".repeat(100_000));
    assert_eq!(
        data_error(&text),
        (Some(3), DataErrorKind::PixelCount(100_000))
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
fn a_bad_character_far_into_an_over_long_line_is_named() {
    // 10^6 pixels and then an 'x': the 'x' is the problem to report, not
    // the count.
    let line = format!("0 {}x\n", "1".repeat(1_000_000));
    let error = nn::Dataset::parse(&line).unwrap_err();
    assert_eq!(error.line(), Some(1));
    assert_eq!(error.kind(), &nn::DataErrorKind::BadCharacter('x'));

    let line = format!("0 {}\n", "1".repeat(1_000_000));
    let error = nn::Dataset::parse(&line).unwrap_err();
    assert_eq!(error.kind(), &nn::DataErrorKind::PixelCount(1_000_000));
}
