//! Finding where a computation stopped being finite: `Tape::first_non_finite`
//! on small tapes worked out by hand, `nn::node_names` against the layout of
//! MATH.md, and the `train` command naming the node in the maths.
//!
//! Every expected number is derived in a comment beside it. The operands are
//! chosen so that each step is exact in binary or overflows beyond doubt
//! (1e308 + 1e308 > f64::MAX ≈ 1.798e308, 1e200 · 1e200 = 1e400), so the
//! reports are compared in full, with no tolerance.

mod common;

use std::process::{Command, Output};

use nn::{Dataset, Network, node_names, record_image_cost, record_total_cost};
use tape::{Gradients, NonFinite, NonFiniteKind, Tape};

/// The layer sizes of the network whose nodes are named.
const SIZES: [usize; 3] = [12, 3, 2];

/// How many operands a report lists before it only counts the rest.
const LISTED_OPERANDS: usize = 8;

/// A subnormal number: 1/x = 1e320 is beyond f64::MAX, while x itself and
/// ln x ≈ -736.8 are finite.
const SUBNORMAL: f64 = 1e-320;

/// Whether two numbers are the same, counting any NaN as the same as any
/// other (the sign of a NaN from √-1 is the platform's choice).
fn same(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

/// The report for `tape`, which must have one.
fn report(tape: &Tape, grads: Option<&Gradients>) -> NonFinite {
    tape.first_non_finite(grads)
        .unwrap_or_else(|| panic!("no non-finite number found on {tape:?}"))
}

// Nothing to report.

#[test]
fn a_finite_tape_reports_nothing() {
    let empty = Tape::new();
    assert_eq!(empty.first_non_finite(None), None);

    // Leaves, and nodes of every shape (one, two or many operands, affine),
    // with values well inside the range of f64.
    let tape = Tape::with_replay();
    let parameters = tape.vars(&[0.5, -1.0, 0.25]);
    let mut z = Vec::new();
    tape.affine_constant(parameters, &[2.0, 3.0], &mut z);
    let x = tape.var(4.0);
    let y = tape.constant(2.0);
    let terms = [z[0].sigmoid(), x.sqrt(), (x / y).ln(), x.powi(3), x.exp()];
    let total = tape.sum(&terms);
    let cost = tape.squared_error(&[total, x], &[1.0, 0.0]);
    assert!(cost.value().is_finite(), "{}", cost.value());
    assert_eq!(tape.first_non_finite(None), None);
}

#[test]
fn finite_values_and_finite_adjoints_report_nothing() {
    let tape = Tape::new();
    let x = tape.var(0.0);
    let y = tape.var(3.0);
    // √0 has slope +∞, but the output does not read it: its adjoint is 0
    // and passes nothing on, so no adjoint is infinite.
    let unused = x.sqrt();
    let output = x * y + y.sin();
    let grads = tape.backward(output);
    assert_eq!(grads.wrt(x), 3.0);
    assert_eq!(grads.wrt(unused), 0.0);
    assert_eq!(tape.first_non_finite(Some(&grads)), None);

    // Gradients taken at an earlier output cover fewer nodes than the tape
    // holds; the nodes past it have adjoint 0.
    let early = tape.backward(unused * 0.0 + y);
    let later = output * 2.0;
    assert!(later.value().is_finite());
    assert_eq!(tape.first_non_finite(Some(&early)), None);
}

// A non-finite value: the first node in creation order.

/// A tape whose first non-finite value is known, and the report it gives.
struct Case {
    what: &'static str,
    record: fn(&Tape),
    index: usize,
    /// The operation, on a tape that keeps operations.
    operation: &'static str,
    /// The node's shape, on a tape that does not.
    shape: &'static str,
    value: f64,
    operands: &'static [(usize, f64)],
    operand_count: usize,
}

/// Ten operands for the cases over many, so that two go unlisted.
const MANY: usize = LISTED_OPERANDS + 2;

const CASES: &[Case] = &[
    Case {
        what: "y/x at x = 0, then sin",
        // Nodes x = 0, y = 1, y/x = 2 (2/0 = +∞), sin = 3 (sin ∞ = NaN):
        // the division made the first one, not the sine.
        record: |tape| {
            let x = tape.var(0.0);
            let y = tape.var(2.0);
            let _ = (y / x).sin();
        },
        index: 2,
        operation: "div",
        shape: "two operands",
        value: f64::INFINITY,
        operands: &[(1, 2.0), (0, 0.0)],
        operand_count: 2,
    },
    Case {
        what: "ln 0, then sin",
        // ln 0 = -∞, and sin -∞ = NaN after it.
        record: |tape| {
            let _ = tape.var(0.0).ln().sin();
        },
        index: 1,
        operation: "ln",
        shape: "one operand",
        value: f64::NEG_INFINITY,
        operands: &[(0, 0.0)],
        operand_count: 1,
    },
    Case {
        what: "√-1",
        record: |tape| {
            let _ = tape.var(-1.0).sqrt();
        },
        index: 1,
        operation: "sqrt",
        shape: "one operand",
        value: f64::NAN,
        operands: &[(0, -1.0)],
        operand_count: 1,
    },
    Case {
        what: "e^1000",
        // e^1000 ≈ 10^434, far past f64::MAX.
        record: |tape| {
            let _ = tape.var(1000.0).exp();
        },
        index: 1,
        operation: "exp",
        shape: "one operand",
        value: f64::INFINITY,
        operands: &[(0, 1000.0)],
        operand_count: 1,
    },
    Case {
        what: "x·c with a constant",
        // 1e308 · 10 = 1e309 > f64::MAX; the constant is no node.
        record: |tape| {
            let _ = tape.var(1e308) * 10.0;
        },
        index: 1,
        operation: "mul",
        shape: "one operand",
        value: f64::INFINITY,
        operands: &[(0, 1e308)],
        operand_count: 1,
    },
    Case {
        what: "c/x with a constant",
        // 1/-0 = -∞.
        record: |tape| {
            let _ = 1.0 / tape.var(-0.0);
        },
        index: 1,
        operation: "div",
        shape: "one operand",
        value: f64::NEG_INFINITY,
        operands: &[(0, -0.0)],
        operand_count: 1,
    },
    Case {
        what: "an input that is NaN",
        // The NaN input is node 1; the sum after it is NaN too.
        record: |tape| {
            let _ = tape.var(1.0) + tape.var(f64::NAN);
        },
        index: 1,
        operation: "input",
        shape: "leaf",
        value: f64::NAN,
        operands: &[],
        operand_count: 0,
    },
    Case {
        what: "a constant that is infinite",
        record: |tape| {
            let _ = tape.var(1.0) * tape.constant(f64::INFINITY);
        },
        index: 1,
        operation: "constant",
        shape: "leaf",
        value: f64::INFINITY,
        operands: &[],
        operand_count: 0,
    },
    Case {
        what: "a sum of ten times 1e308",
        // The running sum is 1e308, then 2e308 = +∞ at the second term.
        record: |tape| {
            let terms: Vec<_> = (0..MANY).map(|_| tape.var(1e308)).collect();
            let _ = tape.sum(&terms);
        },
        index: MANY,
        operation: "sum",
        shape: "many operands",
        value: f64::INFINITY,
        operands: &[
            (0, 1e308),
            (1, 1e308),
            (2, 1e308),
            (3, 1e308),
            (4, 1e308),
            (5, 1e308),
            (6, 1e308),
            (7, 1e308),
        ],
        operand_count: MANY,
    },
    Case {
        what: "a linear combination",
        // 1e308·1 + 1e308·1 = +∞.
        record: |tape| {
            let terms = [tape.var(1.0), tape.var(1.0)];
            let _ = tape.linear(&[1e308, 1e308], &terms);
        },
        index: 2,
        operation: "linear",
        shape: "many operands",
        value: f64::INFINITY,
        operands: &[(0, 1.0), (1, 1.0)],
        operand_count: 2,
    },
    Case {
        what: "a dot product",
        // a·c + b·d with a = c = 1e200: 1e400 = +∞. The operands come in
        // pairs, as the rule takes them: a, c, then b, d.
        record: |tape| {
            let (a, b) = (tape.var(1e200), tape.var(1.0));
            let (c, d) = (tape.var(1e200), tape.var(1.0));
            let _ = tape.dot(&[a, b], &[c, d]);
        },
        index: 4,
        operation: "dot",
        shape: "many operands",
        value: f64::INFINITY,
        operands: &[(0, 1e200), (2, 1e200), (1, 1.0), (3, 1.0)],
        operand_count: 4,
    },
    Case {
        what: "the second unit of an affine layer",
        // Inputs x = (1, 1) are nodes 0, 1; the parameters are nodes 2 … 7:
        // unit 1 has w = (1, 2), b = 3, so z_1 = 6 (node 8); unit 2 has
        // w = (1e308, 1e308), b = 0, so z_2 = 1e308 + 1e308 = +∞ (node 9).
        // Its operands are its weights and bias, then the inputs.
        record: |tape| {
            let x = [tape.var(1.0), tape.var(1.0)];
            let values = [1.0, 2.0, 3.0, 1e308, 1e308, 0.0];
            let mut z = Vec::new();
            tape.affine(tape.vars(&values), &x, &mut z);
            assert_eq!(z[0].value(), 6.0);
        },
        index: 9,
        operation: "affine",
        shape: "affine",
        value: f64::INFINITY,
        operands: &[(5, 1e308), (6, 1e308), (7, 0.0), (0, 1.0), (1, 1.0)],
        operand_count: 5,
    },
    Case {
        what: "an affine layer over constant inputs",
        // z = 1e308·1 + 1e308·1 - 1 = +∞. Constant inputs are no operands.
        record: |tape| {
            let parameters = tape.vars(&[1e308, 1e308, -1.0]);
            let mut z = Vec::new();
            tape.affine_constant(parameters, &[1.0, 1.0], &mut z);
        },
        index: 3,
        operation: "affine",
        shape: "affine",
        value: f64::INFINITY,
        operands: &[(0, 1e308), (1, 1e308), (2, -1.0)],
        operand_count: 3,
    },
    Case {
        what: "a squared error",
        // ½ [(1e200 - 0)² + (0.5 - 1)²] = ½ (1e400 + ¼) = +∞. The targets
        // are kept beside the edges but are no operands.
        record: |tape| {
            let outputs = [tape.var(1e200), tape.var(0.5)];
            let _ = tape.squared_error(&outputs, &[0.0, 1.0]);
        },
        index: 2,
        operation: "squared_error",
        shape: "many operands",
        value: f64::INFINITY,
        operands: &[(0, 1e200), (1, 0.5)],
        operand_count: 2,
    },
    Case {
        what: "a custom node",
        record: |tape| {
            let x = tape.var(3.0);
            let _ = tape.custom(f64::NAN, &[(x, 1.0)]);
        },
        index: 1,
        operation: "custom",
        shape: "many operands",
        value: f64::NAN,
        operands: &[(0, 3.0)],
        operand_count: 1,
    },
];

/// Records every case on a tape of its own from `new_tape`, and compares
/// the report with the case, the node named by `name`.
fn check_cases(new_tape: fn() -> Tape, name: fn(&Case) -> &'static str) {
    for case in CASES {
        let tape = new_tape();
        (case.record)(&tape);
        let bad = report(&tape, None);
        let what = case.what;
        assert_eq!(bad.index, case.index, "{what}: {bad:?}");
        assert_eq!(bad.operation, name(case), "{what}: {bad:?}");
        assert_eq!(bad.kind, NonFiniteKind::Value, "{what}: {bad:?}");
        assert!(
            same(bad.value, case.value),
            "{what}: value {} where {} was expected",
            bad.value,
            case.value
        );
        assert_eq!(bad.adjoint, None, "{what}: no gradients were given");
        assert_eq!(bad.operands, case.operands, "{what}");
        assert_eq!(bad.operand_count, case.operand_count, "{what}");
        let node = tape.node(bad.index).expect("the reported node exists");
        assert!(same(node.value(), case.value), "{what}");
    }
}

#[test]
fn the_first_non_finite_value_is_named_by_its_operation() {
    check_cases(Tape::with_replay, |case| case.operation);
}

#[test]
fn without_operations_the_first_non_finite_value_is_named_by_its_shape() {
    check_cases(Tape::new, |case| case.shape);
}

#[test]
fn a_non_finite_value_comes_before_any_adjoint() {
    // y/x = +∞ at node 2 and sin ∞ = NaN at node 3. The sweep from sin
    // gives node 2 the adjoint cos ∞ = NaN, and the value is reported.
    let tape = Tape::with_replay();
    let x = tape.var(0.0);
    let y = tape.var(2.0);
    let output = (y / x).sin();
    let grads = tape.backward(output);
    let bad = report(&tape, Some(&grads));
    assert_eq!((bad.index, bad.operation), (2, "div"));
    assert_eq!(bad.kind, NonFiniteKind::Value);
    assert_eq!(bad.value, f64::INFINITY);
    assert!(bad.adjoint.is_some_and(f64::is_nan), "{bad:?}");
}

// A non-finite adjoint, all values finite: the first node the sweep made
// non-finite, which is the one with the highest index.

#[test]
fn an_infinite_adjoint_is_found_where_the_sweep_made_it() {
    // x = 1e-320 (node 0), u = x·1 = 1e-320 (node 1), f = ln u ≈ -736.8
    // (node 2): every value is finite. But d ln u/du = 1/u = 1e320 = +∞,
    // so ∂f/∂u = +∞ and ∂f/∂x = ∞·1 = +∞. The sweep reaches u first.
    for (tape, operation) in [(Tape::with_replay(), "mul"), (Tape::new(), "one operand")] {
        let x = tape.var(SUBNORMAL);
        let u = x * 1.0;
        let f = u.ln();
        assert!(f.value().is_finite() && f.value() < -700.0, "{}", f.value());
        let grads = tape.backward(f);
        assert_eq!(grads.wrt(x), f64::INFINITY);

        let bad = report(&tape, Some(&grads));
        let expected = NonFinite {
            index: 1,
            operation,
            kind: NonFiniteKind::Adjoint,
            value: SUBNORMAL,
            adjoint: Some(f64::INFINITY),
            operands: vec![(0, SUBNORMAL)],
            operand_count: 1,
        };
        assert_eq!(bad, expected);
        assert!(bad.value.is_finite());
    }
}

#[test]
fn a_nan_adjoint_from_partials_that_do_not_cancel() {
    // q = x/x = 1 at x = 1e-320, the limit the docs of `/` name: the
    // partials 1/x = +∞ and -q/x = -∞ both go to x, and their sum is NaN.
    // q's own adjoint is the seed 1, so x is the node reported.
    let tape = Tape::with_replay();
    let x = tape.var(SUBNORMAL);
    let q = x / x;
    assert_eq!(q.value(), 1.0);
    let grads = tape.backward(q);

    let bad = report(&tape, Some(&grads));
    assert_eq!((bad.index, bad.operation), (0, "input"));
    assert_eq!(bad.kind, NonFiniteKind::Adjoint);
    assert_eq!(bad.value, SUBNORMAL);
    assert!(bad.adjoint.is_some_and(f64::is_nan), "{bad:?}");
    assert_eq!((bad.operands, bad.operand_count), (vec![], 0));
}

// The message.

#[test]
fn the_message_names_the_node_its_operation_and_operands() {
    let tape = Tape::with_replay();
    let x = tape.var(0.0);
    let y = tape.var(2.0);
    let _ = (y / x).sin();
    assert_eq!(
        report(&tape, None).to_string(),
        "node 2 (div) has value inf, from node 1 = 2.0, node 0 = 0.0"
    );

    // A leaf has no operands to list.
    let tape = Tape::new();
    let _ = tape.var(1.0) - tape.var(f64::NAN);
    assert_eq!(
        report(&tape, None).to_string(),
        "node 1 (leaf) has value NaN"
    );
}

#[test]
fn the_message_counts_the_operands_it_does_not_list() {
    // A custom node with value NaN over the inputs 1 … n (nodes 0 … n - 1),
    // for n = 8, 9 and 10: eight operands are listed, the rest counted.
    let listed = "from node 0 = 1.0, node 1 = 2.0, node 2 = 3.0, node 3 = 4.0, node 4 = 5.0, \
                  node 5 = 6.0, node 6 = 7.0, node 7 = 8.0";
    for (n, rest) in [(8, ""), (9, " and 1 more"), (10, " and 2 more")] {
        let tape = Tape::with_replay();
        let inputs: Vec<_> = (1..=n).map(|k| (tape.var(f64::from(k)), 1.0)).collect();
        let _ = tape.custom(f64::NAN, &inputs);
        assert_eq!(
            report(&tape, None).to_string(),
            format!("node {n} (custom) has value NaN, {listed}{rest}")
        );
    }
}

#[test]
fn the_message_of_an_adjoint_gives_the_value_too() {
    // x = 0, u = 2x = 0, f = √u = 0: all finite. d√u/du at 0 is +∞, so
    // ∂f/∂u = +∞, and the sweep meets u (node 1) before x.
    let tape = Tape::with_replay();
    let u = tape.var(0.0) * 2.0;
    let f = u.sqrt();
    let grads = tape.backward(f);
    assert_eq!(
        report(&tape, Some(&grads)).to_string(),
        "node 1 (mul) has adjoint inf (its value is 0.0), from node 0 = 0.0"
    );
}

// Gradients that do not describe the tape as it is.

#[test]
#[should_panic(expected = "was given the gradients of another tape")]
fn gradients_of_another_tape_panic() {
    let other = Tape::new();
    let grads = other.backward(other.var(1.0).exp());
    let tape = Tape::new();
    let _ = tape.var(1.0).exp();
    let _ = tape.first_non_finite(Some(&grads));
}

#[test]
#[should_panic(expected = "or of this tape before it was cleared")]
fn gradients_from_before_a_clear_panic() {
    let mut tape = Tape::new();
    let grads = tape.backward(tape.var(1.0).exp());
    tape.clear();
    let _ = tape.var(1.0).exp();
    let _ = tape.first_non_finite(Some(&grads));
}

#[test]
#[should_panic(expected = "Tape::first_non_finite was given the gradients of another tape")]
fn empty_gradients_belong_to_no_tape_and_panic() {
    let tape = Tape::new();
    let _ = tape.var(1.0);
    let _ = tape.first_non_finite(Some(&Gradients::new()));
}

// The names of the network's nodes.

/// Nodes per image of the 12-3-2 network: z^2 and a^2 (3 each), z^3 and
/// a^3 (2 each), and C_k.
const NODES_PER_IMAGE: usize = 3 + 3 + 2 + 2 + 1;

/// Parameters of the 12-3-2 network: 3·(12 + 1) + 2·(3 + 1).
const PARAMETERS: usize = 47;

#[test]
fn node_names_have_one_name_per_node_of_the_total_cost() {
    let network = Network::new(&SIZES, 1);
    let data = Dataset::builtin();
    let names = node_names(&network, &data);

    let tape = Tape::new();
    let parameters = network.record_parameters(&tape);
    let total = record_total_cost(&network, &tape, &parameters, &data);
    assert_eq!(names.len(), tape.len());
    // 47 + 64·11 + 1 = 752 nodes, the last C_T.
    assert_eq!(names.len(), PARAMETERS + 64 * NODES_PER_IMAGE + 1);
    assert_eq!(total.index(), 751);
    assert_eq!(names[total.index()], "C_T");
}

#[test]
fn node_names_write_the_parameters_as_the_maths_does() {
    let names = node_names(&Network::new(&SIZES, 1), &Dataset::builtin());

    // Unit by unit, the weights and then the bias. Two single-digit
    // indices run together (w^2_19); 10, 11 and 12 need a comma.
    let mut expected = Vec::new();
    for (l, inputs, units) in [(2, 12, 3), (3, 3, 2)] {
        for j in 1..=units {
            for i in 1..=inputs {
                let separator = if i < 10 { "" } else { "," };
                expected.push(format!("w^{l}_{j}{separator}{i}"));
            }
            expected.push(format!("b^{l}_{j}"));
        }
    }
    assert_eq!(names[..PARAMETERS], expected[..]);

    // The same, spelled out at the corners of each group.
    let spelled = [
        (0, "w^2_11"),
        (8, "w^2_19"),
        (9, "w^2_1,10"),
        (11, "w^2_1,12"),
        (12, "b^2_1"),
        (13, "w^2_21"),
        (37, "w^2_3,12"),
        (38, "b^2_3"),
        (39, "w^3_11"),
        (42, "b^3_1"),
        (45, "w^3_23"),
        (46, "b^3_2"),
    ];
    for (index, name) in spelled {
        assert_eq!(names[index], name, "parameter {index}");
    }
}

#[test]
fn node_names_follow_each_image_through_the_layers() {
    let names = node_names(&Network::new(&SIZES, 1), &Dataset::builtin());

    // Image k starts at node 47 + 11·(k - 1): z^2, then a^2, z^3, a^3, C_k.
    let image = |k: usize| {
        let mut expected: Vec<String> = Vec::new();
        for (l, units) in [(2, 3), (3, 2)] {
            expected.extend((1..=units).map(|j| format!("z^{l}_{j}[{k}]")));
            expected.extend((1..=units).map(|j| format!("a^{l}_{j}[{k}]")));
        }
        expected.push(format!("C_{k}"));
        expected
    };
    for k in 1..=64 {
        let start = PARAMETERS + NODES_PER_IMAGE * (k - 1);
        assert_eq!(
            names[start..start + NODES_PER_IMAGE],
            image(k)[..],
            "image {k}"
        );
    }
    assert_eq!(
        names[47..58],
        [
            "z^2_1[1]", "z^2_2[1]", "z^2_3[1]", "a^2_1[1]", "a^2_2[1]", "a^2_3[1]", "z^3_1[1]",
            "z^3_2[1]", "a^3_1[1]", "a^3_2[1]", "C_1",
        ]
    );
    assert_eq!(names[58], "z^2_1[2]");
    assert_eq!(names[750], "C_64");
    assert_eq!(names[751], "C_T");
}

#[test]
fn node_names_match_the_nodes_the_forward_pass_returns() {
    // C_T recorded from the public pieces, image by image: the output
    // activations and each C_k must carry the names given to their indices.
    let network = Network::new(&SIZES, 1);
    let data = Dataset::builtin();
    let names = node_names(&network, &data);

    let tape = Tape::new();
    let parameters = network.record_parameters(&tape);
    for (k, parameter) in parameters.iter().enumerate() {
        assert_eq!(parameter.index(), k);
    }
    let mut costs = Vec::new();
    for (k, image) in (1..).zip(data.images()) {
        let outputs = network.record_forward(&tape, &parameters, image.pixels());
        for (j, a) in (1..).zip(outputs.iter()) {
            assert_eq!(names[a.index()], format!("a^3_{j}[{k}]"));
        }
        let cost = record_image_cost(&tape, &outputs, image.label());
        assert_eq!(names[cost.index()], format!("C_{k}"));
        costs.push(cost);
    }
    let total = tape.sum(&costs);
    assert_eq!(names[total.index()], "C_T");
    assert_eq!(tape.len(), names.len());
}

// The `train` command.

/// A network whose C_T is finite and whose gradient is not, as worked out in
/// `the_train_command_names_the_first_non_finite_adjoint`.
fn overflowing_network() -> Network {
    let mut network = Network::zeros(&SIZES);
    let big = [
        ("w3[1][2]", 1e308),
        ("w3[1][3]", -1e308),
        ("w3[2][2]", -1e308),
        ("w3[2][3]", 1e308),
    ];
    for (name, value) in big {
        let index = network
            .parameters()
            .get_index_of(name)
            .expect("a parameter");
        *network.parameter_values_mut().nth(index).unwrap() = value;
    }
    network
}

/// Runs `train` with `args`.
fn train(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_train"))
        .args(args)
        .output()
        .expect("the train binary runs")
}

#[test]
fn the_train_command_names_the_first_non_finite_adjoint() {
    // Every parameter 0 but w^3_12 = w^3_23 = 1e308, w^3_13 = w^3_22 =
    // -1e308. Then z^2 = 0 and a^2 = ½ on every image, so
    // z^3_1 = 0·½ + 1e308·½ - 1e308·½ + 0 = 0 exactly, z^3_2 likewise,
    // a^3 = (½, ½), C_k = ½(¼ + ¼) = ¼ and C_T = 64·¼ = 16.
    //
    // On a "1" (t = (0, 1)) the adjoints of z^3 are (a^3 - t)·σ'(0) =
    // (⅛, -⅛), so a^2_3 gets ⅛·(-1e308) - ⅛·1e308 = -2.5e307 and z^2_3
    // a quarter of that, -6.25e306: finite, as is every per-image adjoint.
    // b^2_3 sums these over the images, from image 64 back; images 33 … 64
    // are the ones, and 29 of them pass f64::MAX (28·6.25e306 = 1.75e308):
    // -∞. Of the parameters after it (w^3, b^3) none has an adjoint past
    // 64·⅛, so b^2_3 (node 38) is the last non-finite adjoint, the first
    // the sweep made.
    let network = overflowing_network();
    let data = Dataset::builtin();
    let result = network.cost_gradient(&data);
    assert_eq!(result.cost, 16.0);
    let b23 = network.parameters().get_index_of("b2[3]").unwrap();
    assert_eq!(result.gradient[b23], f64::NEG_INFINITY);

    let dir = common::TempDir::new("non-finite-init");
    let init = dir.join("parameters.txt");
    std::fs::write(&init, network.to_parameter_text()).expect("the file can be written");
    let init = init.to_str().expect("a UTF-8 path");

    let expected = "train: C_T, its gradient or a parameter became non-finite at epoch 1 \
                    (C_T = 16); the parameters of epoch 0 were kept; first non-finite: \
                    ∂C_T/∂b^2_3 = -inf (input, value 0.0)\n";
    for args in [&["--init", init][..], &["--init", init, "--replay"]] {
        let output = train(args);
        let err = String::from_utf8(output.stderr).expect("stderr is UTF-8");
        assert_eq!(output.status.code(), Some(1), "{args:?}: stderr {err:?}");
        assert_eq!(err, expected, "{args:?}");
        assert!(err.contains("first non-finite: ∂C_T/∂b^2_"), "{err}");
    }
}

#[test]
fn the_message_writes_tiny_and_huge_numbers_with_an_exponent() {
    // ln u at u = 1e-320 has the slope 1/u = 1e320, past f64::MAX: the
    // adjoint of u is +∞ while its value is the subnormal 1e-320, which the
    // message writes as such rather than as 0.000… with 320 digits.
    let tape = Tape::new();
    let x = tape.var(1e-320);
    let u = x * 1.0;
    let f = u.ln();
    let grads = tape.backward(f);
    let message = report(&tape, Some(&grads)).to_string();
    assert_eq!(
        message,
        "node 1 (one operand) has adjoint inf (its value is 1e-320), from node 0 = 1e-320"
    );
}
