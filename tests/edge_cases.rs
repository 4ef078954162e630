//! Every operation at the edges: signed zeros, subnormals, ±1e3, ±1e308,
//! ±∞ and NaN, with the conventions documented beside each rule in
//! `rules.rs` and on each method.
//!
//! One table per operation. A row gives the input, the value expected and
//! the derivative expected, each worked out without the rule: by hand (the
//! comment says how), from an identity, or with 400-digit arithmetic
//! (mpmath) on the exact binary input, rounded to the nearest `f64`, which
//! the comment says as "(mpmath)". Each row is recorded on a fresh tape and
//! swept with `Tape::backward`; it is also recorded at an ordinary point on
//! a replay tape and replayed at the row's input, which must give the same
//! numbers bit for bit.
//!
//! How a row is compared:
//!
//! - NaN expected: NaN given.
//! - A value that is 0 or ±∞: exactly, sign included. IEEE defines the
//!   sign of a zero result, and some rows are there for it (√-0 = -0).
//! - A derivative that is 0: either sign will do. The sweep adds each
//!   partial to an adjoint that starts at +0, and +0 + -0 = +0, so the
//!   sign of a zero partial never reaches the caller.
//! - Anything else: to `RELATIVE_TOLERANCE`.
//!
//! A failing table prints every row that fails, with both sides.
//!
//! `TINY` = 1e-320 is the subnormal 2024·2⁻¹⁰⁷⁴ exactly, and the mpmath
//! values for it are for that number.

use std::f64::consts::{LN_2, LN_10};

use approx::relative_eq;
use proptest::prelude::*;
use tape::{Tape, Var, check_gradient};

/// Relative tolerance against a correctly rounded or closed-form value:
/// a rule rounds a few times, so it may be off in the last few bits.
const RELATIVE_TOLERANCE: f64 = 1e-14;

/// A subnormal: 1e-320 is stored as 2024·2⁻¹⁰⁷⁴ ≈ 9.99989e-321.
const TINY: f64 = 1e-320;

/// The smallest positive subnormal, 2⁻¹⁰⁷⁴ ≈ 4.94e-324.
const SMALLEST: f64 = 5e-324;

const INF: f64 = f64::INFINITY;
const NAN: f64 = f64::NAN;

/// Where each operation is recorded before it is replayed at a row's
/// inputs: ordinary points inside every domain, away from every kink.
const START: [f64; 2] = [0.5, 0.25];

// Helpers.

/// An operation of one operand, as a table takes it.
type Unary = for<'t> fn(Var<'t>) -> Var<'t>;

/// An operation of two operands, as a table takes it.
type Binary = for<'t> fn(Var<'t>, Var<'t>) -> Var<'t>;

/// The value of `f` at `inputs` followed by its derivative towards each
/// input, from a fresh recording and sweep.
fn fresh(f: &dyn for<'t> Fn(&[Var<'t>]) -> Var<'t>, inputs: &[f64]) -> Vec<f64> {
    let tape = Tape::new();
    let vars: Vec<Var<'_>> = inputs.iter().map(|&x| tape.var(x)).collect();
    let out = f(&vars);
    let grads = tape.backward(out);
    std::iter::once(out.value())
        .chain(vars.iter().map(|&v| grads.wrt(v)))
        .collect()
}

/// The same numbers as [`fresh`], from a recording at `START` replayed at
/// `inputs`.
fn replayed(f: &dyn for<'t> Fn(&[Var<'t>]) -> Var<'t>, inputs: &[f64]) -> Vec<f64> {
    let tape = Tape::with_replay();
    let vars: Vec<Var<'_>> = START[..inputs.len()].iter().map(|&x| tape.var(x)).collect();
    let out = f(&vars);
    tape.replay(inputs).expect("the tape was made for replay");
    let grads = tape.backward(out);
    std::iter::once(out.value())
        .chain(vars.iter().map(|&v| grads.wrt(v)))
        .collect()
}

/// Whether a value the tape gave matches the expected one (see the module
/// docs).
fn value_matches(tape_says: f64, expected: f64) -> bool {
    if expected.is_nan() {
        tape_says.is_nan()
    } else if expected == 0.0 || expected.is_infinite() {
        tape_says.to_bits() == expected.to_bits()
    } else {
        relative_eq!(
            tape_says,
            expected,
            epsilon = 0.0,
            max_relative = RELATIVE_TOLERANCE
        )
    }
}

/// Whether a derivative the tape gave matches the expected one: as a
/// value, but a zero of either sign.
fn derivative_matches(tape_says: f64, expected: f64) -> bool {
    if expected == 0.0 {
        tape_says == 0.0
    } else {
        value_matches(tape_says, expected)
    }
}

/// Whether two results are the same bit for bit, any NaN matching any NaN.
fn identical(a: &[f64], b: &[f64]) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

/// Checks one row, `expected` being the value then each derivative, and
/// describes any failure in `failures`.
fn check_row(
    label: String,
    f: &dyn for<'t> Fn(&[Var<'t>]) -> Var<'t>,
    inputs: &[f64],
    expected: &[f64],
    failures: &mut Vec<String>,
) {
    let tape_says = fresh(f, inputs);
    let matches = value_matches(tape_says[0], expected[0])
        && tape_says[1..]
            .iter()
            .zip(&expected[1..])
            .all(|(&d, &e)| derivative_matches(d, e));
    if !matches {
        failures.push(format!(
            "{label}: the tape gave {tape_says:?}, expected {expected:?}"
        ));
    }

    let again = replayed(f, inputs);
    if !identical(&again, &tape_says) {
        failures.push(format!(
            "{label}: replay gave {again:?}, a fresh recording {tape_says:?}"
        ));
    }
}

/// Panics with every failure of a table, if there is any.
fn report(table: &str, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{table}: {} rows fail (value, then derivatives)\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Checks `f` against rows of `(x, f(x), f'(x))`.
fn check_unary(table: &str, f: Unary, rows: &[(f64, f64, f64)]) {
    let mut failures = Vec::new();
    for &(x, value, derivative) in rows {
        check_row(
            format!("{table}({x:?})"),
            &|v| f(v[0]),
            &[x],
            &[value, derivative],
            &mut failures,
        );
    }
    report(table, &failures);
}

/// Checks `f` against rows of `((x, y), f(x, y), [∂f/∂x, ∂f/∂y])`.
fn check_binary(table: &str, f: Binary, rows: &[((f64, f64), f64, [f64; 2])]) {
    let mut failures = Vec::new();
    for &((x, y), value, [d_x, d_y]) in rows {
        check_row(
            format!("{table}({x:?}, {y:?})"),
            &|v| f(v[0], v[1]),
            &[x, y],
            &[value, d_x, d_y],
            &mut failures,
        );
    }
    report(table, &failures);
}

/// Checks `f(x, c)` for a constant `c` against rows of
/// `((x, c), f(x, c), ∂f/∂x)`.
fn check_with_constant<C: Copy + std::fmt::Debug>(
    table: &str,
    f: for<'t> fn(Var<'t>, C) -> Var<'t>,
    rows: &[((f64, C), f64, f64)],
) {
    let mut failures = Vec::new();
    for &((x, c), value, derivative) in rows {
        check_row(
            format!("{table}({x:?}, {c:?})"),
            &|v| f(v[0], c),
            &[x],
            &[value, derivative],
            &mut failures,
        );
    }
    report(table, &failures);
}

// Arithmetic between two variables.

#[test]
fn add() {
    check_binary(
        "add",
        |x, y| x + y,
        &[
            // ∞ - ∞ is NaN; the partials are 1 for every operand
            ((INF, -INF), NAN, [1.0, 1.0]),
            // -0 + -0 = -0, 0 + -0 = +0 (IEEE, round to nearest)
            ((-0.0, -0.0), -0.0, [1.0, 1.0]),
            ((0.0, -0.0), 0.0, [1.0, 1.0]),
            // 2e308 overflows
            ((1e308, 1e308), INF, [1.0, 1.0]),
            ((NAN, 1.0), NAN, [1.0, 1.0]),
        ],
    );
}

#[test]
fn sub() {
    check_binary(
        "sub",
        |x, y| x - y,
        &[
            ((INF, INF), NAN, [1.0, -1.0]),
            // -0 - 0 = -0, 0 - 0 = +0
            ((-0.0, 0.0), -0.0, [1.0, -1.0]),
            ((0.0, 0.0), 0.0, [1.0, -1.0]),
            ((1e308, -1e308), INF, [1.0, -1.0]),
            // two equal subnormals subtract exactly
            ((TINY, TINY), 0.0, [1.0, -1.0]),
        ],
    );
}

#[test]
fn mul() {
    check_binary(
        "mul",
        |x, y| x * y,
        &[
            // 0·∞ is NaN; each partial is the other operand
            ((0.0, INF), NAN, [INF, 0.0]),
            ((NAN, 0.0), NAN, [0.0, NAN]),
            // 1e-640 underflows to +0; the partials are exact
            ((TINY, TINY), 0.0, [TINY, TINY]),
            ((-0.0, 1.0), -0.0, [1.0, 0.0]),
            ((1e308, 10.0), INF, [10.0, 1e308]),
        ],
    );
}

#[test]
fn div() {
    check_binary(
        "div",
        |x, y| x / y,
        &[
            // 1/±0 = ±∞; documented: ∂/∂y = -x/y² is -∞·sign x for either
            // zero, the limit from both sides
            ((1.0, 0.0), INF, [INF, -INF]),
            ((1.0, -0.0), -INF, [-INF, -INF]),
            ((-1.0, 0.0), -INF, [INF, INF]),
            ((-1.0, -0.0), INF, [-INF, INF]),
            // 0/0 is NaN, but 1/y = +∞ still
            ((0.0, 0.0), NAN, [INF, NAN]),
            // 1/8 and -0/64
            ((0.0, 8.0), 0.0, [0.125, 0.0]),
            ((-0.0, 8.0), -0.0, [0.125, 0.0]),
            // documented limit: 1/y ≈ 1e320 is beyond f64::MAX
            ((TINY, TINY), 1.0, [INF, -INF]),
            // 1/10³⁰⁸ rounds to 1e-308 (mpmath); -1e-616 underflows
            ((1.0, 1e308), 1e-308, [1e-308, 0.0]),
            // 1/1e-308 rounds to 1e308 (mpmath); -10⁶¹⁶ overflows
            ((1e308, 1e-308), INF, [1e308, -INF]),
            // 1/1000 and -1000/10⁶
            ((1e3, 1e3), 1.0, [1e-3, -1e-3]),
            // 1/∞ = 0 and -0/∞ = -0
            ((1.0, INF), 0.0, [0.0, 0.0]),
            ((INF, 2.0), INF, [0.5, -INF]),
            ((INF, INF), NAN, [0.0, NAN]),
            ((NAN, 1.0), NAN, [1.0, NAN]),
            ((1.0, NAN), NAN, [NAN, NAN]),
        ],
    );
}

#[test]
fn neg() {
    check_unary(
        "neg",
        |x| -x,
        &[
            (0.0, -0.0, -1.0), // negation flips the sign bit, of a zero too
            (-0.0, 0.0, -1.0),
            (TINY, -TINY, -1.0),
            (INF, -INF, -1.0),
            (NAN, NAN, -1.0), // the partial is -1 for every x
        ],
    );
}

// A variable and a constant.

#[test]
fn operations_with_a_constant() {
    let rows: &[(&str, Unary, f64, f64, f64)] = &[
        // Sums and differences: partial ±1 for every x, NaN included.
        ("x + ∞", |v| v + INF, -INF, NAN, 1.0),
        ("x + 1", |v| v + 1.0, NAN, NAN, 1.0),
        ("-0 + x", |v| -0.0 + v, -0.0, -0.0, 1.0), // -0 + -0 = -0
        ("x - ∞", |v| v - INF, INF, NAN, 1.0),
        ("x - 0", |v| v - 0.0, -0.0, -0.0, 1.0), // -0 - 0 = -0
        ("∞ - x", |v| INF - v, INF, NAN, -1.0),
        ("0 - x", |v| 0.0 - v, 0.0, 0.0, -1.0), // 0 - 0 = +0, unlike -x
        // Products: the partial is c.
        ("x·0", |v| v * 0.0, INF, NAN, 0.0), // ∞·0 is NaN
        ("x·0", |v| v * 0.0, -1.0, -0.0, 0.0),
        ("0·x", |v| 0.0 * v, INF, NAN, 0.0),
        ("x·1e308", |v| v * 1e308, 10.0, INF, 1e308),
        ("1e308·x", |v| 1e308 * v, -10.0, -INF, 1e308),
        // x/c: the partial is 1/c, ±∞ for c = ±0.
        ("x/0", |v| v / 0.0, 1.0, INF, INF),
        ("x/-0", |v| v / -0.0, 1.0, -INF, -INF),
        ("x/0", |v| v / 0.0, 0.0, NAN, INF), // 0/0 is NaN
        ("x/∞", |v| v / INF, 1e308, 0.0, 0.0),
        ("x/TINY", |v| v / TINY, 1.0, INF, INF), // 1/TINY ≈ 1e320 overflows
        // c/x: the partial is -c/x², with the signs of x/y at zeros.
        ("1/x", |v| 1.0 / v, 0.0, INF, -INF),
        ("1/x", |v| 1.0 / v, -0.0, -INF, -INF),
        ("-1/x", |v| -1.0 / v, -0.0, INF, INF),
        ("1/x", |v| 1.0 / v, INF, 0.0, 0.0),
        ("1/x", |v| 1.0 / v, -INF, -0.0, 0.0),
        ("1/x", |v| 1.0 / v, TINY, INF, -INF), // beyond f64::MAX
        ("1/x", |v| 1.0 / v, 1e308, 1e-308, 0.0), // -1e-616 underflows
        ("1/x", |v| 1.0 / v, NAN, NAN, NAN),
        ("0/x", |v| 0.0 / v, 0.0, NAN, NAN),
        ("0/x", |v| 0.0 / v, 2.0, 0.0, 0.0),
        ("∞/x", |v| INF / v, 2.0, INF, -INF), // -∞/2
    ];
    let mut failures = Vec::new();
    for &(form, f, x, value, derivative) in rows {
        check_row(
            format!("{form} at x = {x:?}"),
            &|v| f(v[0]),
            &[x],
            &[value, derivative],
            &mut failures,
        );
    }
    report("operations with a constant", &failures);
}

// Exponential, logarithm, root and powers.

#[test]
fn exp() {
    check_unary(
        "exp",
        |x| x.exp(),
        &[
            (0.0, 1.0, 1.0), // e⁰ = 1
            (-0.0, 1.0, 1.0),
            (TINY, 1.0, 1.0), // 1 + 1e-320 rounds to 1
            // the largest integer power below f64::MAX (mpmath)
            (709.0, 8.218407461554972e307, 8.218407461554972e307),
            // e⁷¹⁰ ≈ 2.2e308 and e¹⁰⁰⁰ ≈ 2e434 overflow
            (710.0, INF, INF),
            (1e3, INF, INF),
            (1e308, INF, INF),
            (INF, INF, INF),
            // just above the smallest normal, 2.2e-308 (mpmath)
            (-708.0, 3.307553003638408e-308, 3.307553003638408e-308),
            // e⁻⁷⁴⁵ ≈ 2.8e-324 rounds up to 2⁻¹⁰⁷⁴
            (-745.0, SMALLEST, SMALLEST),
            // e⁻¹⁰⁰⁰ ≈ 5e-435 is below half of 2⁻¹⁰⁷⁴: +0
            (-1e3, 0.0, 0.0),
            (-1e308, 0.0, 0.0),
            (-INF, 0.0, 0.0),
            (NAN, NAN, NAN),
        ],
    );
}

#[test]
fn ln() {
    check_unary(
        "ln",
        |x| x.ln(),
        &[
            (1.0, 0.0, 1.0),          // ln 1 = 0, 1/1
            (1e3, 3.0 * LN_10, 1e-3), // ln 10³ = 3 ln 10, 1/1000
            // documented: -∞ with slope +∞ at either zero; 1/-0 would be -∞
            (0.0, -INF, INF),
            (-0.0, -INF, INF),
            // documented: NaN below 0, slope too
            (-1.0, NAN, NAN),
            (-INF, NAN, NAN),
            (INF, INF, 0.0), // 1/∞ = 0
            (NAN, NAN, NAN),
            // 2⁻¹⁰²², the smallest normal: -1022 ln 2 (mpmath), 2¹⁰²² exactly
            (f64::MIN_POSITIVE, -708.3964185322641, 4.49423283715579e307),
            // ln(2024·2⁻¹⁰⁷⁴) (mpmath); documented: 1/x ≈ 1e320 is beyond
            // f64::MAX
            (TINY, -736.8272408909739, INF),
            // ln 10³⁰⁸ (mpmath); 1/10³⁰⁸ rounds to 1e-308 (mpmath)
            (1e308, 709.1962086421661, 1e-308),
        ],
    );
}

#[test]
fn sqrt() {
    check_unary(
        "sqrt",
        |x| x.sqrt(),
        &[
            (4.0, 2.0, 0.25), // √4 = 2, 1/(2·2)
            // documented: slope +∞ at either zero, and √-0 = -0 (IEEE);
            // 0.5/-0 would be -∞
            (0.0, 0.0, INF),
            (-0.0, -0.0, INF),
            (-1.0, NAN, NAN),
            (-INF, NAN, NAN),
            (INF, INF, 0.0),
            (NAN, NAN, NAN),
            // √2⁻¹⁰⁶⁰ = 2⁻⁵³⁰ and 1/(2·2⁻⁵³⁰) = 2⁵²⁹, exactly
            (8.095e-320, 2.8451311993408992e-160, 1.757388200993436e159),
            // √(2024·2⁻¹⁰⁷⁴) and its reciprocal halved (mpmath)
            (TINY, 9.99994433575849e-161, 5.0000278322756814e159),
            // √10³⁰⁸ = 10¹⁵⁴ and 1/(2·10¹⁵⁴) (mpmath)
            (1e308, 1e154, 5e-155),
        ],
    );
}

#[test]
fn powi() {
    check_with_constant(
        "powi",
        |x, n| x.powi(n),
        &[
            // documented: x⁰ = 1 with slope 0 for every x
            ((0.0, 0), 1.0, 0.0),
            ((-0.0, 0), 1.0, 0.0),
            ((INF, 0), 1.0, 0.0),
            ((NAN, 0), 1.0, 0.0),
            // 1·0⁰ = 1; x¹ = x keeps the sign of a zero
            ((0.0, 1), 0.0, 1.0),
            ((-0.0, 1), -0.0, 1.0),
            // (±0)² = +0, (-0)³ = -0; n·0ⁿ⁻¹ = 0
            ((0.0, 2), 0.0, 0.0),
            ((-0.0, 2), 0.0, 0.0),
            ((-0.0, 3), -0.0, 0.0),
            // the signs of the limits from the zero's side: 1/x is ±∞,
            // -1/x² is -∞ from both, -2/x³ is -∞ from the right and +∞
            // from the left
            ((0.0, -1), INF, -INF),
            ((-0.0, -1), -INF, -INF),
            ((0.0, -2), INF, -INF),
            ((-0.0, -2), INF, INF),
            // negative bases: 3·(-2)² = 12, 2·(-2) = -4, -1·(-2)⁻² = -¼,
            // -2·(-2)⁻³ = ¼, -3·(-2)⁻⁴ = -3/16
            ((-2.0, 3), -8.0, 12.0),
            ((-2.0, 2), 4.0, -4.0),
            ((-2.0, -1), -0.5, -0.25),
            ((-2.0, -2), 0.25, 0.25),
            ((-2.0, -3), -0.125, -0.1875),
            // 2¹⁰⁰⁰ and 1000·2⁹⁹⁹ = 500·2¹⁰⁰⁰, both exact (mpmath)
            ((2.0, 1000), 1.0715086071862673e301, 5.3575430359313366e303),
            // 2¹⁰²⁴ and 1024·2¹⁰²³ overflow
            ((2.0, 1024), INF, INF),
            // TINY² ≈ 1e-640 underflows; 2·TINY = 4048·2⁻¹⁰⁷⁴ exactly
            ((TINY, 2), 0.0, 2e-320),
            // 1/TINY and -1/TINY² are beyond f64::MAX
            ((TINY, -1), INF, -INF),
            // 10⁶¹⁶ and 2·10³⁰⁸ overflow
            ((1e308, 2), INF, INF),
            // 1/10³⁰⁸ (mpmath); -10⁻⁶¹⁶ underflows
            ((1e308, -1), 1e-308, 0.0),
            ((INF, 2), INF, INF),
            ((INF, -1), 0.0, 0.0),
            ((-INF, 3), -INF, INF),
            ((-INF, -1), -0.0, 0.0),
            ((NAN, 2), NAN, NAN),
        ],
    );
}

#[test]
fn powi_where_the_power_is_subnormal_is_the_documented_limit() {
    // 2⁻¹⁰³⁰ ≈ 8.69e-311 (mpmath) is a subnormal. f64::powi computes it as
    // 1/2¹⁰³⁰ = 1/∞ = 0, and the docs of Var::powi say so and point to
    // powf, which gets it. If powi ever gets it too, the docs can go.
    let exact = 8.691694759794e-311;
    let by_powi = fresh(&|v| v[0].powi(-1030), &[2.0])[0];
    let by_powf = fresh(&|v| v[0].powf(-1030.0), &[2.0])[0];
    assert!(
        by_powi == 0.0 || by_powi == exact,
        "2.powi(-1030) = {by_powi:?}"
    );
    assert_eq!(by_powf, exact, "2.powf(-1030) against mpmath");
}

#[test]
fn powf() {
    check_with_constant(
        "powf",
        |x, c| x.powf(c),
        &[
            // documented: c = 0 has slope 0 for every x; NaN⁰ = 1 (IEEE)
            ((0.0, 0.0), 1.0, 0.0),
            ((NAN, 0.0), 1.0, 0.0),
            // ½·4^(-½) = ¼
            ((4.0, 0.5), 2.0, 0.25),
            // ½·0^(-½) = +∞ as for √; (-0)^½ = +0 in IEEE pow
            ((0.0, 0.5), 0.0, INF),
            ((-0.0, 0.5), 0.0, INF),
            // 1·0⁰ = 1, 2·0 = 0, (-0)³ = -0
            ((0.0, 1.0), 0.0, 1.0),
            ((0.0, 2.0), 0.0, 0.0),
            ((-0.0, 3.0), -0.0, 0.0),
            // -1/x² is -∞ from both sides
            ((0.0, -1.0), INF, -INF),
            ((-0.0, -1.0), -INF, -INF),
            // negative bases: integer exponents work, 3·(-2)² = 12 and
            // -2·(-2)⁻³ = ¼; a non-integer one is NaN
            ((-2.0, 3.0), -8.0, 12.0),
            ((-2.0, -2.0), 0.25, 0.25),
            ((-8.0, 1.0 / 3.0), NAN, NAN),
            // xˣ = e^(x ln x) with x ln x ≈ -7.4e-318, which rounds to 1,
            // and c·x^(c-1) = xˣ ≈ 1: finite, though x^(c-1) ≈ 1e320 alone
            // overflows (documented)
            ((TINY, TINY), 1.0, 1.0),
            // the same at the smallest subnormal with c = 0.046, whose
            // x^(c-1) ≈ 2^1024.6 overflows (mpmath)
            (
                (SMALLEST, 0.046),
                1.3424993812771535e-15,
                1.2499345392371645e307,
            ),
            // as √TINY (mpmath)
            ((TINY, 0.5), 9.99994433575849e-161, 5.0000278322756814e159),
            // 10⁶¹⁶ and 2·10³⁰⁸ overflow; 10¹⁵⁴ and ½·10⁻¹⁵⁴ (mpmath)
            ((1e308, 2.0), INF, INF),
            ((1e308, 0.5), 1e154, 5e-155),
            // ∞^½ = ∞, ½·∞^(-½) = 0; ∞⁻¹ = 0, -∞⁻² = -0
            ((INF, 0.5), INF, 0.0),
            ((INF, -1.0), 0.0, 0.0),
            // documented: where x^(c-1) vanishes for c = ±∞ the slope is 0
            // (∞·0.5^∞ would be NaN): the power decays faster than c grows
            ((0.5, INF), 0.0, 0.0),
            ((2.0, -INF), 0.0, 0.0),
            // and where it does not, ±∞: ∞·2^∞, -∞·0.5^(-∞)
            ((2.0, INF), INF, INF),
            ((0.5, -INF), INF, -INF),
            // 1ᶜ = 1 for any c (IEEE), but c·1^(c-1) = c
            ((1.0, INF), 1.0, INF),
            ((1.0, NAN), 1.0, NAN),
            ((NAN, 2.0), NAN, NAN),
        ],
    );
}

#[test]
fn pow() {
    check_binary(
        "pow",
        |x, y| x.pow(y),
        &[
            // documented: 0⁰ = 1 with ∂/∂x = 0; ∂/∂y = -∞, since 0ʸ jumps
            // from +∞ to 1 to 0 and both difference quotients tend to -∞
            ((0.0, 0.0), 1.0, [0.0, -INF]),
            ((-0.0, 0.0), 1.0, [0.0, -INF]),
            // 2·0¹ = 0, 1·0⁰ = 1, ½·0^(-½) = ∞; documented: ∂/∂y = 0, as
            // 0ʸ is the constant 0 for y > 0
            ((0.0, 2.0), 0.0, [0.0, 0.0]),
            ((0.0, 1.0), 0.0, [1.0, 0.0]),
            ((0.0, 0.5), 0.0, [INF, 0.0]),
            ((-0.0, 3.0), -0.0, [0.0, 0.0]),
            // -1·0⁻² = -∞; documented: ∂/∂y = -∞, the limit of x⁻¹·ln x as
            // x → 0⁺, at -0 too though (-0)⁻¹ = -∞
            ((0.0, -1.0), INF, [-INF, -INF]),
            ((-0.0, -1.0), -INF, [-INF, -INF]),
            // documented: y·x^(y-1) → 0 as y → ∞ at x = 0 (not ∞·0 = NaN)
            ((0.0, INF), 0.0, [0.0, 0.0]),
            ((0.0, NAN), NAN, [NAN, NAN]),
            // negative bases: ∂/∂x = 3·(-2)² = 12 and 2·(-2) = -4, 0 for
            // y = 0; documented: ∂/∂y is NaN, even where xʸ is 0
            ((-2.0, 3.0), -8.0, [12.0, NAN]),
            ((-2.0, 2.0), 4.0, [-4.0, NAN]),
            ((-2.0, 0.0), 1.0, [0.0, NAN]),
            ((-2.0, 0.5), NAN, [NAN, NAN]),
            ((-INF, -1.0), -0.0, [0.0, NAN]),
            // -1·2⁻² = -¼; 2⁻¹·ln 2 (mpmath)
            ((2.0, -1.0), 0.5, [-0.25, 0.34657359027997264]),
            // xˣ rounds to 1 and y·x^(y-1) = xˣ ≈ 1 (documented: finite
            // though x^(y-1) overflows); xˣ·ln x = ln x (mpmath)
            ((TINY, TINY), 1.0, [1.0, -736.8272408909739]),
            // x^(y-1) ≈ 2^1024.6 overflows here too (mpmath)
            (
                (SMALLEST, 0.046),
                1.3424993812771535e-15,
                [1.2499345392371645e307, -9.99410335952374e-13],
            ),
            // √TINY, 1/(2√TINY) and √TINY·ln TINY (mpmath)
            (
                (TINY, 0.5),
                9.99994433575849e-161,
                [5.0000278322756814e159, -7.36823139398025e-158],
            ),
            // 2¹⁰⁰⁰, 1000·2⁹⁹⁹ and 2¹⁰⁰⁰·ln 2 (mpmath)
            (
                (2.0, 1000.0),
                1.0715086071862673e301,
                [5.3575430359313366e303, 7.427131700168751e300],
            ),
            // 2¹⁰²⁴, 1024·2¹⁰²³ and 2¹⁰²⁴·ln 2 overflow
            ((2.0, 1024.0), INF, [INF, INF]),
            // 10¹⁵⁴, ½·10⁻¹⁵⁴ and 10¹⁵⁴·ln 10³⁰⁸ (mpmath)
            ((1e308, 0.5), 1e154, [5e-155, 7.091962086421661e156]),
            // ∞⁰ = 1: ∂/∂x = 0 (y = 0), ∂/∂y = ln ∞ = ∞
            ((INF, 0.0), 1.0, [0.0, INF]),
            // ∞⁻¹ = 0: -∞⁻² = -0, and ∂/∂y = 0 where xʸ = 0
            ((INF, -1.0), 0.0, [0.0, 0.0]),
            ((INF, 2.0), INF, [INF, INF]),
            // documented: 0 where x^(y-1) vanishes for y = ±∞
            ((0.5, INF), 0.0, [0.0, 0.0]),
            ((2.0, -INF), 0.0, [0.0, 0.0]),
            // -∞·0.5^(-∞) = -∞; ∞·ln ½ = -∞
            ((0.5, -INF), INF, [-INF, -INF]),
            ((2.0, INF), INF, [INF, INF]),
            // 1ʸ = 1 for any y (IEEE), constant in y; y·1^(y-1) = NaN
            ((1.0, NAN), 1.0, [NAN, 0.0]),
            // NaN⁰ = 1 (IEEE): 0 by the y = 0 rule; 1·ln NaN
            ((NAN, 0.0), 1.0, [0.0, NAN]),
            // NaN¹ is NaN, but y·NaN⁰ = 1·1 (IEEE): x¹ has slope 1
            // everywhere; ln NaN
            ((NAN, 1.0), NAN, [1.0, NAN]),
            ((NAN, 2.0), NAN, [NAN, NAN]),
        ],
    );
}

#[test]
fn x_to_the_x_at_a_subnormal() {
    // The same variable as base and exponent: d/dx xˣ = xˣ·(1 + ln x), the
    // sum of the two partials, at x = TINY (mpmath). With x^(x-1) taken
    // alone, ∂/∂x would be ∞ and so would this.
    let expected = -735.8272408909739;
    let tape_says = fresh(&|v| v[0].pow(v[0]), &[TINY]);
    assert_eq!(tape_says[0], 1.0, "TINY^TINY");
    assert!(
        derivative_matches(tape_says[1], expected),
        "d(xˣ)/dx at TINY: the tape gave {}, expected {expected}",
        tape_says[1]
    );
}

#[test]
fn a_square_and_a_quotient_of_a_subnormal_by_itself() {
    // x·x: 1e-640 underflows to +0, but d(x²)/dx = 2x = 4048·2⁻¹⁰⁷⁴ is
    // exact, the sum of two exact partials.
    assert_eq!(fresh(&|v| v[0] * v[0], &[TINY]), [0.0, 2e-320]);

    // x/x: the value is 1 and the true derivative 0, but each partial
    // (1/x ≈ 1e320 and -1/x) is beyond f64::MAX, and ∞ - ∞ = NaN. This is
    // the documented limit of Div: the tape adds partials, it cannot cancel
    // them symbolically.
    let quotient = fresh(&|v| v[0] / v[0], &[TINY]);
    assert_eq!(quotient[0], 1.0, "TINY/TINY");
    assert!(quotient[1].is_nan(), "d(x/x)/dx at TINY: {}", quotient[1]);

    // At the smallest normal 1/x = 2¹⁰²² is finite, and the partials cancel
    // exactly.
    assert_eq!(fresh(&|v| v[0] / v[0], &[f64::MIN_POSITIVE]), [1.0, 0.0]);
}

// Trigonometric functions.

#[test]
fn sin() {
    check_unary(
        "sin",
        |x| x.sin(),
        &[
            (0.0, 0.0, 1.0),   // sin 0 = 0, cos 0 = 1
            (-0.0, -0.0, 1.0), // sin is odd, to the sign of a zero
            // sin x = x - x³/6 + … and cos x = 1 - x²/2 + … round to x, 1
            (TINY, TINY, 1.0),
            // (mpmath); sin is odd and cos even
            (1e3, 0.8268795405320025, 0.5623790762907029),
            (-1e3, -0.8268795405320025, 0.5623790762907029),
            // at 10³⁰⁸ exactly as stored (mpmath, 400 digits)
            (1e308, 0.4533964905016491, -0.8913089376870335),
            (-1e308, -0.4533964905016491, -0.8913089376870335),
            (INF, NAN, NAN),
            (-INF, NAN, NAN),
            (NAN, NAN, NAN),
        ],
    );
}

#[test]
fn cos() {
    check_unary(
        "cos",
        |x| x.cos(),
        &[
            (0.0, 1.0, 0.0), // cos 0 = 1, -sin 0 = 0
            (-0.0, 1.0, 0.0),
            (TINY, 1.0, -TINY), // -sin x rounds to -x
            // (mpmath); -sin is odd
            (1e3, 0.5623790762907029, -0.8268795405320025),
            (-1e3, 0.5623790762907029, 0.8268795405320025),
            (1e308, -0.8913089376870335, -0.4533964905016491),
            (INF, NAN, NAN),
            (NAN, NAN, NAN),
        ],
    );
}

// Squashing functions and the smooth rectifier.

#[test]
fn tanh() {
    check_unary(
        "tanh",
        |x| x.tanh(),
        &[
            (0.0, 0.0, 1.0),   // tanh 0 = 0, sech² 0 = 1
            (-0.0, -0.0, 1.0), // tanh is odd, to the sign of a zero
            (TINY, TINY, 1.0), // tanh x = x - x³/3 + …
            // sech² 354 ≈ 4e⁻⁷⁰⁸, still normal (mpmath); tanh rounds to ±1
            (354.0, 1.0, 1.3230212014553631e-307),
            (-354.0, -1.0, 1.3230212014553631e-307),
            // sech² 1000 ≈ 4e⁻²⁰⁰⁰ underflows
            (1e3, 1.0, 0.0),
            (-1e3, -1.0, 0.0),
            (1e308, 1.0, 0.0),
            (-1e308, -1.0, 0.0),
            (INF, 1.0, 0.0),
            (-INF, -1.0, 0.0),
            (NAN, NAN, NAN),
        ],
    );
}

#[test]
fn sigmoid() {
    check_unary(
        "sigmoid",
        |x| x.sigmoid(),
        &[
            (0.0, 0.5, 0.25), // σ(0) = ½, σ' = ½·½
            (-0.0, 0.5, 0.25),
            (TINY, 0.5, 0.25), // ½ + x/4 rounds to ½
            // σ(-90) = σ'(-90) ≈ e⁻⁹⁰ ≈ 8.19e-40, not 0 (mpmath)
            (-90.0, 8.194012623990515e-40, 8.194012623990515e-40),
            // σ(90) = 1 - 8.2e-40 rounds to 1; σ' is even
            (90.0, 1.0, 8.194012623990515e-40),
            // e⁻⁷⁰⁰/(1 + e⁻⁷⁰⁰) (mpmath)
            (-700.0, 9.85967654375977e-305, 9.85967654375977e-305),
            // ≈ e⁻⁷⁴⁵ ≈ 2.8e-324, which rounds up to 2⁻¹⁰⁷⁴
            (-745.0, SMALLEST, SMALLEST),
            // e⁻¹⁰⁰⁰ ≈ 5e-435 underflows: σ(1000) = 1, σ(-1000) = +0
            (1e3, 1.0, 0.0),
            (-1e3, 0.0, 0.0),
            (1e308, 1.0, 0.0),
            (-1e308, 0.0, 0.0),
            (INF, 1.0, 0.0),
            (-INF, 0.0, 0.0),
            (NAN, NAN, NAN),
        ],
    );
}

#[test]
fn softplus() {
    check_unary(
        "softplus",
        |x| x.softplus(),
        &[
            (0.0, LN_2, 0.5), // ln(1 + 1) = ln 2, σ(0) = ½
            (-0.0, LN_2, 0.5),
            (TINY, LN_2, 0.5), // ln 2 + x/2 rounds to ln 2
            // ln(1 + e) and σ(1) (mpmath)
            (1.0, 1.3132616875182228, 0.7310585786300049),
            // ln(1 + 3) = 2 ln 2, σ(ln 3) = ¾; ln(1 + ⅓) and σ(-ln 3) = ¼
            (3.0_f64.ln(), 2.0 * LN_2, 0.75),
            (-(3.0_f64.ln()), 0.2876820724517809, 0.25),
            // 36 + e⁻³⁶ rounds to 36; σ(36) = 1 - 2.3e-16 (mpmath)
            (36.0, 36.0, 0.9999999999999998),
            // ln(1 + e⁻³⁶) and σ(-36), both ≈ e⁻³⁶ (mpmath)
            (-36.0, 2.319522830243569e-16, 2.3195228302435686e-16),
            // ln(1 + e⁻⁷⁰⁰) ≈ e⁻⁷⁰⁰, not 0 (mpmath)
            (-700.0, 9.85967654375977e-305, 9.85967654375977e-305),
            // ≈ e⁻⁷⁴⁵, which rounds up to 2⁻¹⁰⁷⁴
            (-745.0, SMALLEST, SMALLEST),
            // e⁷¹⁰ overflows, ln(1 + e⁷¹⁰) = 710 + ln(1 + e⁻⁷¹⁰) does not
            (710.0, 710.0, 1.0),
            // e⁻¹⁰⁰⁰ ≈ 5e-435 underflows: x + 0 and +0
            (1e3, 1e3, 1.0),
            (-1e3, 0.0, 0.0),
            (1e308, 1e308, 1.0),
            (-1e308, 0.0, 0.0),
            (INF, INF, 1.0),
            (-INF, 0.0, 0.0),
            (NAN, NAN, NAN),
        ],
    );
}

// Kinks, ties and NaN.

#[test]
fn relu() {
    check_unary(
        "relu",
        |x| x.relu(),
        &[
            // documented: slope 0 at the kink, value +0 at either zero
            (0.0, 0.0, 0.0),
            (-0.0, 0.0, 0.0),
            (TINY, TINY, 1.0), // however small, above the kink
            (-TINY, 0.0, 0.0),
            (1e308, 1e308, 1.0),
            (-1e308, 0.0, 0.0),
            (INF, INF, 1.0),
            (-INF, 0.0, 0.0),
            (NAN, NAN, NAN), // documented: NaN in, NaN out
        ],
    );
}

#[test]
fn abs() {
    check_unary(
        "abs",
        |x| x.abs(),
        &[
            // documented: slope 0 at the kink; |-0| = +0
            (0.0, 0.0, 0.0),
            (-0.0, 0.0, 0.0),
            (TINY, TINY, 1.0), // the sign of x
            (-TINY, TINY, -1.0),
            (-1e308, 1e308, -1.0),
            (INF, INF, 1.0),
            (-INF, INF, -1.0),
            (NAN, NAN, NAN), // documented: NaN in, NaN out
        ],
    );
}

#[test]
fn max() {
    check_binary(
        "max",
        |x, y| x.max(y),
        &[
            ((3.0, 2.0), 3.0, [1.0, 0.0]),
            // documented: a tie gives ½ to each, never 1 to both
            ((2.0, 2.0), 2.0, [0.5, 0.5]),
            ((TINY, TINY), TINY, [0.5, 0.5]),
            ((INF, INF), INF, [0.5, 0.5]),
            // documented: 0 and -0 tie, worth +0 (IEEE 754-2019 maximum)
            ((0.0, -0.0), 0.0, [0.5, 0.5]),
            ((-0.0, 0.0), 0.0, [0.5, 0.5]),
            ((-0.0, -0.0), -0.0, [0.5, 0.5]),
            ((TINY, -TINY), TINY, [1.0, 0.0]),
            ((INF, -INF), INF, [1.0, 0.0]),
            ((-INF, 1e308), 1e308, [0.0, 1.0]),
            // documented: NaN in either gives NaN everywhere
            ((NAN, 1.0), NAN, [NAN, NAN]),
            ((1.0, NAN), NAN, [NAN, NAN]),
            ((NAN, INF), NAN, [NAN, NAN]),
            ((NAN, NAN), NAN, [NAN, NAN]),
        ],
    );
}

#[test]
fn min() {
    check_binary(
        "min",
        |x, y| x.min(y),
        &[
            ((3.0, 2.0), 2.0, [0.0, 1.0]),
            // documented: a tie gives ½ to each, never 1 to both
            ((2.0, 2.0), 2.0, [0.5, 0.5]),
            ((-INF, -INF), -INF, [0.5, 0.5]),
            // documented: 0 and -0 tie, worth -0 (IEEE 754-2019 minimum)
            ((0.0, -0.0), -0.0, [0.5, 0.5]),
            ((-0.0, 0.0), -0.0, [0.5, 0.5]),
            ((0.0, 0.0), 0.0, [0.5, 0.5]),
            ((TINY, -TINY), -TINY, [0.0, 1.0]),
            ((INF, -INF), -INF, [0.0, 1.0]),
            // documented: NaN in either gives NaN everywhere
            ((NAN, 1.0), NAN, [NAN, NAN]),
            ((1.0, NAN), NAN, [NAN, NAN]),
            ((-INF, NAN), NAN, [NAN, NAN]),
        ],
    );
}

// Softplus between the edges, against finite differences.

/// The mismatch [`tape::GradientCheck::error`] may reach: as for the
/// smooth operations in `tape_properties.rs`, whose tolerance this is.
const FINITE_DIFFERENCE_TOLERANCE: f64 = 1e-6;

proptest! {
    #[test]
    fn softplus_matches_finite_differences(x in -40.0..40.0) {
        let check = check_gradient(|_, v| v[0].softplus(), &[x]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }
}

// Log-sum-exp.

#[test]
fn log_sum_exp() {
    fn lse<'t>(x: &[Var<'t>]) -> Var<'t> {
        x[0].tape().log_sum_exp(x)
    }
    // (operands, ln Σ e^x, then ∂/∂xᵢ = e^xᵢ / Σ e^xⱼ).
    let rows: &[(&[f64], &[f64])] = &[
        // ln e^0 = 0, and the one partial is 1.
        (&[0.0], &[0.0, 1.0]),
        // ln(e^0 + e^0) = ln 2, an even split.
        (&[0.0, 0.0], &[LN_2, 0.5, 0.5]),
        // e^1000 overflows, but ln(2·e^1000) = 1000 + ln 2.
        (&[1e3, 1e3], &[1e3 + LN_2, 0.5, 0.5]),
        (&[-1e3, -1e3], &[-1e3 + LN_2, 0.5, 0.5]),
        // ln(e^-1000 + e^0) = ln(1 + e^-1000): e^-1000 ≈ 5e-435 is below
        // every f64, so 0 exactly, and its share e^-1000 is 0 too.
        (&[-1e3, 0.0], &[0.0, 0.0, 1.0]),
        // ln(e^1 + e^0) = 1 + ln(1 + e^-1) = 1.3132616875182228 (mpmath);
        // the shares are σ(1) = 0.7310585786300049 and σ(-1).
        (
            &[1.0, 0.0],
            &[1.3132616875182228, 0.7310585786300049, 0.2689414213699951],
        ),
        // At ±1e308 the ln 2 is lost in rounding; the split is still even.
        (&[1e308, 1e308], &[1e308, 0.5, 0.5]),
        (&[-1e308, -1e308], &[-1e308, 0.5, 0.5]),
        // One operand at +∞: value +∞, and it takes the whole gradient.
        (&[INF, 0.0], &[INF, 1.0, 0.0]),
        // Two at +∞ share it (the limit of the softmax of equal operands).
        (&[INF, INF], &[INF, 0.5, 0.5]),
        // An operand at -∞ adds e^-∞ = 0 and gets none.
        (&[-INF, 0.0], &[0.0, 0.0, 1.0]),
        // Every operand at -∞: the value is ln 0 = -∞, split evenly.
        (&[-INF, -INF], &[-INF, 0.5, 0.5]),
        // NaN in, NaN out, everywhere.
        (&[NAN, 0.0], &[NAN, NAN, NAN]),
        (&[0.0, NAN], &[NAN, NAN, NAN]),
    ];
    let mut failures = Vec::new();
    for &(inputs, expected) in rows {
        check_row(
            format!("log_sum_exp{inputs:?}"),
            &lse,
            inputs,
            expected,
            &mut failures,
        );
    }
    report("log_sum_exp", &failures);
}

#[test]
fn log_sum_exp_of_three_and_of_none() {
    // ln(e + e² + e³) = 3.40760596444438 (mpmath), whose shares are the
    // softmax of (1, 2, 3): e^(i-3) / (1 + e^-1 + e^-2).
    let tape = Tape::new();
    let x = [tape.var(1.0), tape.var(2.0), tape.var(3.0)];
    let lse = tape.log_sum_exp(&x);
    approx::assert_relative_eq!(lse.value(), 3.40760596444438, max_relative = 1e-15);
    let grads = tape.backward(lse);
    let softmax = [0.09003057317038046, 0.24472847105479767, 0.6652409557748219];
    for (&x, &share) in x.iter().zip(&softmax) {
        approx::assert_relative_eq!(grads.wrt(x), share, max_relative = 1e-15);
    }

    // The empty sum is 0, and ln 0 = -∞.
    assert_eq!(tape.log_sum_exp(&[]).value(), -INF);
}

proptest! {
    #[test]
    fn log_sum_exp_matches_finite_differences(
        xs in proptest::collection::vec(-30.0..30.0, 1..6),
        shift in prop_oneof![Just(0.0), Just(1e3), Just(-1e3)],
    ) {
        // A shift of ±1e3 moves every operand where e^x overflows or
        // vanishes; log-sum-exp just moves with it.
        let point: Vec<f64> = xs.iter().map(|x| x + shift).collect();
        let check = check_gradient(|tape, v| tape.log_sum_exp(v), &point);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn log_sum_exp_replays_bit_for_bit(
        start in proptest::collection::vec(-5.0..5.0, 3),
        inputs in proptest::collection::vec(-1e3..1e3, 3),
    ) {
        let replay = Tape::with_replay();
        let vars: Vec<Var<'_>> = start.iter().map(|&x| replay.var(x)).collect();
        let out = replay.log_sum_exp(&vars);
        replay.replay(&inputs).unwrap();
        let again = replay.backward(out);

        let fresh_tape = Tape::new();
        let fresh_vars: Vec<Var<'_>> = inputs.iter().map(|&x| fresh_tape.var(x)).collect();
        let fresh_out = fresh_tape.log_sum_exp(&fresh_vars);
        let fresh = fresh_tape.backward(fresh_out);
        prop_assert_eq!(out.value().to_bits(), fresh_out.value().to_bits());
        for (v, w) in vars.iter().zip(&fresh_vars) {
            prop_assert_eq!(again.wrt(*v).to_bits(), fresh.wrt(*w).to_bits());
        }
    }
}

// Sums keep the sign of zero.

/// The sign bit of `x`, which `==` does not see: -0.0 == 0.0.
fn negative_zero(x: f64) -> bool {
    x == 0.0 && x.is_sign_negative()
}

#[test]
fn sums_of_negative_zeros_are_negative_zero_as_written_out() {
    // IEEE: -0 + -0 = -0 and 1·(-0) = -0, so x + y, x·1 + y·1 and the like
    // are -0 when every term is. The n-ary nodes must give what the same
    // terms written out with binary operations give.
    let tape = Tape::new();
    let (x, y, one) = (tape.var(-0.0), tape.var(-0.0), tape.var(1.0));
    assert!(negative_zero((x + y).value()), "the written-out sum");
    assert!(negative_zero(tape.sum(&[x, y]).value()), "sum");
    assert!(
        negative_zero(tape.linear(&[2.0, 3.0], &[x, y]).value()),
        "linear"
    );
    assert!(negative_zero(tape.dot(&[x, y], &[one, one]).value()), "dot");

    // z = w·x + b with w = 1, x = -0, b = -0, and a layer over no inputs.
    let parameters = tape.vars(&[1.0, -0.0]);
    let mut z = Vec::new();
    tape.affine(parameters, &[x], &mut z);
    tape.affine_constant(parameters, &[-0.0], &mut z);
    tape.affine(parameters.slice(1..2), &[], &mut z);
    for (k, z) in z.iter().enumerate() {
        assert!(negative_zero(z.value()), "affine {k}: {}", z.value());
    }

    // A +0 among the terms makes the sum +0, and the empty sum is +0.
    let plus = tape.var(0.0);
    assert!(!negative_zero(tape.sum(&[x, plus]).value()));
    assert!(!negative_zero(tape.sum(&[]).value()));
    assert!(!negative_zero(tape.dot(&[], &[]).value()));
}

#[test]
fn replayed_sums_keep_the_sign_of_zero() {
    // Recorded away from zero, replayed at x = y = -0 (and b = -0): the
    // sums must come out as a fresh recording there would give them.
    let tape = Tape::with_replay();
    let (x, y, one) = (tape.var(1.0), tape.var(2.0), tape.var(1.0));
    let parameters = tape.vars(&[1.0, 0.5]);
    let sum = tape.sum(&[x, y]);
    let dot = tape.dot(&[x], &[one]); // -0·1 = -0
    let mut z = Vec::new();
    tape.affine(parameters, &[x], &mut z);
    tape.replay(&[-0.0, -0.0, 1.0, 1.0, -0.0]).unwrap();
    assert!(negative_zero(sum.value()), "sum {}", sum.value());
    assert!(negative_zero(dot.value()), "dot {}", dot.value());
    assert!(negative_zero(z[0].value()), "affine {}", z[0].value());
}
