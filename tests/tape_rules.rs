//! Every rule of the tape against its derivative worked out by hand.
//!
//! Each operation has a table of points and the analytic derivative there;
//! the comment on a row is the derivation. The points are chosen where the
//! derivative has a closed form that does not go through the function the
//! rule itself calls (cos π/3 = ½ rather than `cos(FRAC_PI_3)`), so a rule
//! that calls the wrong function fails here. A failing table prints the
//! whole column the tape gave next to the column expected, row by row in
//! table order.
//!
//! After the tables come the properties of the sweep (fan-out, repeat
//! sweeps, unrelated nodes, clear and reuse), the tails of the squashing
//! functions, the conventions at kinks, ties and NaN, misuse, and a
//! million-node tape.

use std::f64::consts::{E, FRAC_PI_2, FRAC_PI_3, FRAC_PI_6, LN_2, PI, SQRT_2};

use approx::assert_relative_eq;
use tape::{GradientCheck, Gradients, Tape, Var};

/// Relative tolerance against a closed form: both the rule and the closed
/// form round a few times, so they may differ in the last few bits.
const RELATIVE_TOLERANCE: f64 = 1e-14;

/// Absolute tolerance for a derivative that is 0 at the exact point but is
/// evaluated at a rounded one: cos(`FRAC_PI_2`) is 6.1e-17, not 0.
const ABSOLUTE_TOLERANCE: f64 = 1e-15;

/// Relative tolerance for the million-node chain, whose adjoints are
/// products and sums of half a million rounded terms (n·ε/2 ≈ 6e-11).
const CHAIN_TOLERANCE: f64 = 1e-9;

// Helpers.

/// The derivative of `f` at `x`, from one reverse sweep.
fn derivative(f: impl for<'t> Fn(Var<'t>) -> Var<'t>, x: f64) -> f64 {
    let tape = Tape::new();
    let input = tape.var(x);
    let output = f(input);
    tape.backward(output).wrt(input)
}

/// Both partials of `f` at `(a, b)`, from one reverse sweep.
fn partials<F>(f: F, a: f64, b: f64) -> [f64; 2]
where
    F: for<'t> Fn(Var<'t>, Var<'t>) -> Var<'t>,
{
    let tape = Tape::new();
    let (lhs, rhs) = (tape.var(a), tape.var(b));
    let grads = tape.backward(f(lhs, rhs));
    [grads.wrt(lhs), grads.wrt(rhs)]
}

/// Checks the tape against a table of `(x, df/dx)` rows.
fn check_unary(f: impl for<'t> Fn(Var<'t>) -> Var<'t>, rows: &[(f64, f64)]) {
    let (points, expected): (Vec<f64>, Vec<f64>) = rows.iter().copied().unzip();
    let tape_says: Vec<f64> = points.iter().map(|&x| derivative(&f, x)).collect();
    assert_close(&tape_says, &expected);
}

/// Checks the tape against a table of `((a, b), [∂f/∂a, ∂f/∂b])` rows.
fn check_binary<F>(f: F, rows: &[((f64, f64), [f64; 2])])
where
    F: for<'t> Fn(Var<'t>, Var<'t>) -> Var<'t>,
{
    let tape_says: Vec<f64> = rows
        .iter()
        .flat_map(|&((a, b), _)| partials(&f, a, b))
        .collect();
    let expected: Vec<f64> = rows.iter().flat_map(|&(_, d)| d).collect();
    assert_close(&tape_says, &expected);
}

/// Compares two columns to a few ulps, or to `ABSOLUTE_TOLERANCE` near 0.
fn assert_close(tape_says: &[f64], expected: &[f64]) {
    assert_relative_eq!(
        tape_says,
        expected,
        epsilon = ABSOLUTE_TOLERANCE,
        max_relative = RELATIVE_TOLERANCE
    );
}

// Arithmetic between two variables.

#[test]
fn add() {
    check_binary(
        |a, b| a + b,
        &[
            ((3.0, -2.0), [1.0, 1.0]), // ∂(a + b)/∂a = 1, ∂(a + b)/∂b = 1
            ((0.0, 0.0), [1.0, 1.0]),  // the same everywhere
        ],
    );
}

#[test]
fn sub() {
    check_binary(
        |a, b| a - b,
        &[
            ((3.0, -2.0), [1.0, -1.0]), // ∂(a - b)/∂a = 1, ∂(a - b)/∂b = -1
            ((-1.0, 5.0), [1.0, -1.0]), // the same everywhere
        ],
    );
}

#[test]
fn mul() {
    check_binary(
        |a, b| a * b,
        &[
            ((3.0, -2.0), [-2.0, 3.0]), // ∂(ab)/∂a = b, ∂(ab)/∂b = a
            ((0.0, 5.0), [5.0, 0.0]),   // b = 5, a = 0
        ],
    );
}

#[test]
fn div() {
    check_binary(
        |a, b| a / b,
        &[
            ((3.0, 2.0), [0.5, -0.75]),      // 1/b = ½, -a/b² = -3/4
            ((1.0, -4.0), [-0.25, -0.0625]), // 1/b = -¼, -a/b² = -1/16
            ((0.0, 8.0), [0.125, 0.0]),      // 1/b = ⅛, -0/64 = 0
        ],
    );
}

#[test]
fn neg() {
    check_unary(
        |x| -x,
        &[
            (3.0, -1.0), // ∂(-x)/∂x = -1
            (0.0, -1.0), // the same everywhere
        ],
    );
}

// Arithmetic between a variable and a constant, on either side.

#[test]
fn operations_with_a_constant() {
    let x = 2.0;
    let tape_says = [
        derivative(|v| v + 5.0, x),
        derivative(|v| v - 5.0, x),
        derivative(|v| v * 5.0, x),
        derivative(|v| v / 4.0, x),
        derivative(|v| 5.0 + v, x),
        derivative(|v| 5.0 - v, x),
        derivative(|v| 5.0 * v, x),
        derivative(|v| 8.0 / v, x),
    ];
    let expected = [
        1.0,  // ∂(x + c)/∂x = 1
        1.0,  // ∂(x - c)/∂x = 1
        5.0,  // ∂(xc)/∂x = c
        0.25, // ∂(x/c)/∂x = 1/c = ¼
        1.0,  // ∂(c + x)/∂x = 1
        -1.0, // ∂(c - x)/∂x = -1
        5.0,  // ∂(cx)/∂x = c
        -2.0, // ∂(c/x)/∂x = -c/x² = -8/4
    ];
    assert_close(&tape_says, &expected);
}

// Elementary functions.

#[test]
fn exp() {
    check_unary(
        |x| x.exp(),
        &[
            (0.0, 1.0),   // e⁰ = 1
            (LN_2, 2.0),  // e^(ln 2) = 2
            (-LN_2, 0.5), // e^(-ln 2) = ½
            (1.0, E),     // e¹ = e
        ],
    );
}

#[test]
fn ln() {
    check_unary(
        |x| x.ln(),
        &[
            (1.0, 1.0),           // 1/x at 1
            (4.0, 0.25),          // 1/4
            (0.1, 10.0),          // 1/0.1
            (1e-3, 1e3),          // 1/10⁻³
            (0.0, f64::INFINITY), // documented: 1/0 = +∞ at the edge of the domain
        ],
    );
}

#[test]
fn sqrt() {
    check_unary(
        |x| x.sqrt(),
        &[
            (4.0, 0.25),          // 1/(2√4) = 1/4
            (0.25, 1.0),          // 1/(2·½) = 1
            (2.0, SQRT_2 / 4.0),  // 1/(2√2) = √2/4
            (0.0, f64::INFINITY), // documented: 1/(2·0) = +∞
        ],
    );
}

#[test]
fn powi() {
    let rows = [
        ((2.0, 3), 12.0),                       // n·xⁿ⁻¹ = 3·2² = 12
        ((-2.0, 3), 12.0),                      // 3·(-2)² = 12
        ((-2.0, 2), -4.0),                      // 2·(-2)¹ = -4
        ((2.0, -1), -0.25),                     // -1·2⁻² = -¼
        ((0.5, -2), -16.0),                     // -2·(½)⁻³ = -2·8
        ((0.0, 1), 1.0),                        // 1·0⁰ = 1
        ((0.0, 0), 0.0),                        // documented: 0 for n = 0 at 0 too
        ((3.0, 0), 0.0),                        // d/dx x⁰ = d/dx 1 = 0
        ((1.0, i32::MAX), f64::from(i32::MAX)), // n·1ⁿ⁻¹ = n
    ];
    let tape_says: Vec<f64> = rows
        .iter()
        .map(|&((x, n), _)| derivative(move |v| v.powi(n), x))
        .collect();
    let expected: Vec<f64> = rows.iter().map(|&(_, d)| d).collect();
    assert_close(&tape_says, &expected);
}

#[test]
fn powi_with_the_most_negative_exponent() {
    // n - 1 does not exist as an i32 for n = i32::MIN, but the derivative
    // does: n·xⁿ⁻¹ is n at x = 1, and -n at x = -1 since n - 1 is odd.
    let n = i32::MIN;
    let tape_says = [
        derivative(move |v| v.powi(n), 1.0),
        derivative(move |v| v.powi(n), -1.0),
    ];
    let expected = [f64::from(n), -f64::from(n)];
    assert_close(&tape_says, &expected);
}

#[test]
fn powf() {
    let rows = [
        ((4.0, 0.5), 0.25),             // c·xᶜ⁻¹ = ½·4^(-½) = ½·½
        ((8.0, 1.0 / 3.0), 1.0 / 12.0), // ⅓·8^(-⅔) = ⅓·¼
        ((2.0, -1.0), -0.25),           // -1·2⁻² = -¼
        ((9.0, 1.5), 4.5),              // 1.5·9^0.5 = 1.5·3
        ((5.0, 0.0), 0.0),              // documented: 0 for c = 0
    ];
    let tape_says: Vec<f64> = rows
        .iter()
        .map(|&((x, c), _)| derivative(move |v| v.powf(c), x))
        .collect();
    let expected: Vec<f64> = rows.iter().map(|&(_, d)| d).collect();
    assert_close(&tape_says, &expected);
}

#[test]
fn pow() {
    check_binary(
        |x, y| x.pow(y),
        &[
            // ∂(xʸ)/∂x = y·xʸ⁻¹ = 3·2² = 12, ∂(xʸ)/∂y = xʸ·ln x = 8 ln 2
            ((2.0, 3.0), [12.0, 8.0 * LN_2]),
            // ½·4^(-½) = ¼; 4^½·ln 4 = 2·2 ln 2
            ((4.0, 0.5), [0.25, 4.0 * LN_2]),
            // 2·e¹ = 2e; e²·ln e = e²
            ((E, 2.0), [2.0 * E, E * E]),
            // documented: ∂/∂x = 0 for y = 0; 3⁰·ln 3 = ln 3
            ((3.0, 0.0), [0.0, 3.0_f64.ln()]),
            // 2·0¹ = 0; documented: ∂/∂y = 0 where xʸ = 0, the limit of
            // xʸ·ln x as x → 0⁺
            ((0.0, 2.0), [0.0, 0.0]),
        ],
    );
}

#[test]
fn pow_of_a_negative_base() {
    // ∂/∂x = y·xʸ⁻¹ = 2·(-2) = -4 is fine; xʸ is not a real function of y
    // near a negative base, and the documented partial is NaN.
    let [d_base, d_exponent] = partials(|x, y| x.pow(y), -2.0, 2.0);
    assert_relative_eq!(d_base, -4.0, max_relative = RELATIVE_TOLERANCE);
    assert!(d_exponent.is_nan(), "∂/∂y at a negative base: {d_exponent}");
}

#[test]
fn sin() {
    check_unary(
        |x| x.sin(),
        &[
            (0.0, 1.0),       // cos 0 = 1
            (FRAC_PI_3, 0.5), // cos π/3 = ½
            (FRAC_PI_2, 0.0), // cos π/2 = 0
            (PI, -1.0),       // cos π = -1
        ],
    );
}

#[test]
fn cos() {
    check_unary(
        |x| x.cos(),
        &[
            (0.0, 0.0),        // -sin 0 = 0
            (FRAC_PI_6, -0.5), // -sin π/6 = -½
            (FRAC_PI_2, -1.0), // -sin π/2 = -1
            (-FRAC_PI_2, 1.0), // -sin(-π/2) = 1
        ],
    );
}

#[test]
fn tanh() {
    // The rule switches formula at |x| = 1; rows on both sides and at the
    // switch. sech x = 1/cosh x is a third, independent way to the answer.
    check_unary(
        |x| x.tanh(),
        &[
            // 1 - tanh² 0 = 1
            (0.0, 1.0),
            // tanh(ln 2) = (2 - ½)/(2 + ½) = 0.6, and 1 - 0.36
            (LN_2, 0.64),
            // tanh(ln 3) = (3 - ⅓)/(3 + ⅓) = 0.8, and 1 - 0.64; ln 3 > 1
            (3.0_f64.ln(), 0.36),
            // tanh is odd, so tanh' is even
            (-(3.0_f64.ln()), 0.36),
            // 1 - tanh² x = sech² x, at the switch and beyond it
            (1.0, 1.0 / 1.0_f64.cosh().powi(2)),
            (-1.0, 1.0 / 1.0_f64.cosh().powi(2)),
            (2.5, 1.0 / 2.5_f64.cosh().powi(2)),
        ],
    );
}

#[test]
fn sigmoid() {
    check_unary(
        |x| x.sigmoid(),
        &[
            (0.0, 0.25),               // σ(0) = ½, σ' = ½·½
            (3.0_f64.ln(), 0.1875),    // σ(ln 3) = 1/(1 + ⅓) = ¾, σ' = ¾·¼ = 3/16
            (-(3.0_f64.ln()), 0.1875), // σ(-ln 3) = ¼, σ' = ¼·¾
        ],
    );
}

#[test]
fn softplus() {
    check_unary(
        |x| x.softplus(),
        &[
            (0.0, 0.5),              // softplus' = σ, and σ(0) = ½
            (3.0_f64.ln(), 0.75),    // σ(ln 3) = 1/(1 + ⅓) = ¾
            (-(3.0_f64.ln()), 0.25), // σ(-ln 3) = 1/(1 + 3) = ¼
            (2.0 * LN_2, 0.8),       // σ(ln 4) = 1/(1 + ¼) = ⅘
            (-(2.0 * LN_2), 0.2),    // σ(-ln 4) = 1/(1 + 4) = ⅕
        ],
    );
}

#[test]
fn relu() {
    check_unary(
        |x| x.relu(),
        &[
            (2.0, 1.0),    // x > 0: the identity
            (1e-300, 1.0), // however small, still above the kink
            (-2.0, 0.0),   // x < 0: the constant 0
        ],
    );
}

#[test]
fn abs() {
    check_unary(
        |x| x.abs(),
        &[
            (2.0, 1.0),   // sign 2 = 1
            (0.5, 1.0),   // sign ½ = 1
            (-2.0, -1.0), // sign -2 = -1
        ],
    );
}

#[test]
fn max() {
    check_binary(
        |a, b| a.max(b),
        &[
            ((3.0, 2.0), [1.0, 0.0]),   // a is the larger: the value is a
            ((2.0, 3.0), [0.0, 1.0]),   // b is the larger: the value is b
            ((-1.0, -5.0), [1.0, 0.0]), // -1 > -5
        ],
    );
}

#[test]
fn min() {
    check_binary(
        |a, b| a.min(b),
        &[
            ((3.0, 2.0), [0.0, 1.0]),   // b is the smaller: the value is b
            ((2.0, 3.0), [1.0, 0.0]),   // a is the smaller: the value is a
            ((-1.0, -5.0), [0.0, 1.0]), // -5 < -1
        ],
    );
}

// Operations of many operands.

#[test]
fn sum() {
    let tape = Tape::new();
    let xs = [tape.var(1.0), tape.var(-2.0), tape.var(3.5)];
    let total = tape.sum(&xs);
    let grads = tape.backward(total);

    // ∂(Σ xᵢ)/∂xᵢ = 1 for each term.
    assert_eq!(total.value(), 2.5);
    assert_close(&xs.map(|x| grads.wrt(x)), &[1.0, 1.0, 1.0]);
}

#[test]
fn sum_of_a_repeated_term_and_of_nothing() {
    let tape = Tape::new();
    let (x, y) = (tape.var(1.0), tape.var(2.0));
    let total = tape.sum(&[x, x, y]);
    let grads = tape.backward(total);

    // Σ = 2x + y: x appears twice and gets both contributions.
    assert_close(&[grads.wrt(x), grads.wrt(y)], &[2.0, 1.0]);

    // The empty sum is the constant 0.
    assert_eq!(tape.sum(&[]).value(), 0.0);
}

#[test]
fn linear() {
    let tape = Tape::new();
    let xs = [tape.var(1.0), tape.var(-2.0), tape.var(3.5)];
    let combination = tape.linear(&[2.0, -3.0, 0.5], &xs);
    let grads = tape.backward(combination);

    // 2·1 - 3·(-2) + ½·3.5 = 2 + 6 + 1.75, and ∂(Σ cᵢxᵢ)/∂xᵢ = cᵢ.
    assert_eq!(combination.value(), 9.75);
    assert_close(&xs.map(|x| grads.wrt(x)), &[2.0, -3.0, 0.5]);
}

#[test]
fn dot() {
    let tape = Tape::new();
    let xs = [tape.var(1.0), tape.var(2.0)];
    let ys = [tape.var(3.0), tape.var(4.0)];
    let product = tape.dot(&xs, &ys);
    let grads = tape.backward(product);

    // 1·3 + 2·4 = 11; ∂/∂xᵢ = yᵢ and ∂/∂yᵢ = xᵢ.
    assert_eq!(product.value(), 11.0);
    assert_close(&xs.map(|x| grads.wrt(x)), &[3.0, 4.0]);
    assert_close(&ys.map(|y| grads.wrt(y)), &[1.0, 2.0]);
}

#[test]
fn dot_of_a_list_with_itself() {
    let tape = Tape::new();
    let xs = [tape.var(1.0), tape.var(-2.0)];
    let grads = tape.backward(tape.dot(&xs, &xs));

    // Σ xᵢ² has ∂/∂xᵢ = 2xᵢ: each xᵢ is both factors and gets both partials.
    assert_close(&xs.map(|x| grads.wrt(x)), &[2.0, -4.0]);
}

#[test]
fn custom() {
    let tape = Tape::new();
    let (x, y) = (tape.var(1.0), tape.var(2.0));
    let node = tape.custom(0.0, &[(x, 3.0), (y, -2.0), (x, 4.0)]);
    let grads = tape.backward(node);

    // The partials given are the partials used; x is named twice, 3 + 4.
    assert_eq!(node.value(), 0.0);
    assert_close(&[grads.wrt(x), grads.wrt(y)], &[7.0, -2.0]);
}

// The sweep.

#[test]
fn a_variable_used_twice_gets_both_contributions() {
    let tape = Tape::new();
    let x = tape.var(5.0);
    let y = x * x + x;
    let z = x + x + x;

    // d(x² + x)/dx = 2x + 1 = 11; d(3x)/dx = 3.
    assert_eq!(tape.backward(y).wrt(x), 11.0);
    assert_eq!(tape.backward(z).wrt(x), 3.0);
}

#[test]
fn a_diamond_adds_both_paths() {
    let tape = Tape::new();
    let x = tape.var(2.0);
    let u = x * 3.0;
    let v = x * x;
    let f = u * v;
    let grads = tape.backward(f);

    // f = 3x·x² = 3x³: df/dx = 9x² = 36, by way of u (v·3 = 12) and of v
    // (u·2x = 24). The middle of the diamond: ∂f/∂u = v = 4, ∂f/∂v = u = 6.
    assert_eq!(grads.wrt(x), 36.0);
    assert_eq!(grads.wrt(u), 4.0);
    assert_eq!(grads.wrt(v), 6.0);
}

#[test]
fn sweeping_twice_gives_the_same_gradients() {
    let tape = Tape::new();
    let x = tape.var(0.3);
    let y = tape.var(-1.7);
    let f = (x * y).sin() + (x / y).exp() - y.tanh();
    let other = x.sigmoid() * y;

    let first = tape.backward(f);
    let second = tape.backward(f);
    assert_eq!(first.as_slice(), second.as_slice());

    // Reusing a buffer that held another output's gradients changes nothing.
    let mut reused = Gradients::new();
    tape.backward_into(other, &mut reused);
    tape.backward_into(f, &mut reused);
    assert_eq!(first.as_slice(), reused.as_slice());
}

#[test]
fn indexing_is_wrt() {
    let tape = Tape::new();
    let x = tape.var(3.0);
    let y = tape.var(4.0);
    let f = x * y;
    let after = x + 1.0;
    let grads = tape.backward(f);

    assert_eq!(grads[x], grads.wrt(x));
    assert_eq!(grads[y], grads.wrt(y));
    assert_eq!(grads[after], 0.0);
}

#[test]
fn an_unrelated_variable_has_gradient_exactly_zero() {
    let tape = Tape::new();
    let x = tape.var(1.5);
    let unrelated = tape.var(7.0);
    let _dead_end = unrelated.exp() * x;
    let f = x * x;
    let after = f * unrelated;
    let grads = tape.backward(f);

    // f = x² reads neither `unrelated` nor anything recorded after it.
    assert_eq!(grads.wrt(unrelated), 0.0);
    assert_eq!(grads.wrt(after), 0.0);
    assert_eq!(grads.wrt(x), 3.0);
}

#[test]
fn a_dead_branch_with_an_infinite_partial_changes_nothing() {
    let tape = Tape::new();
    let zero = tape.var(0.0);
    let x = tape.var(0.0);

    // Between the inputs and the output, nodes the output does not read,
    // whose local partials are +∞ (d√z/dz and d(ln x)/dx at 0).
    let _dead_sqrt = zero.sqrt();
    let _dead_ln = x.ln();
    let f = x * 2.0;
    let grads = tape.backward(f);

    // f = 2x: df/dx = 2, and `zero` does not reach f at all.
    assert_eq!(grads.wrt(x), 2.0);
    assert_eq!(grads.wrt(zero), 0.0);
}

/// Records f(x, y) = sin(xy) + eˣ/y and returns its value and gradient.
fn value_and_gradient(tape: &Tape) -> [f64; 3] {
    let x = tape.var(0.7);
    let y = tape.var(-1.3);
    let f = (x * y).sin() + x.exp() / y;
    let grads = tape.backward(f);
    [f.value(), grads.wrt(x), grads.wrt(y)]
}

#[test]
fn a_cleared_tape_answers_like_a_fresh_one() {
    let fresh = value_and_gradient(&Tape::new());
    let fresh_len = {
        let tape = Tape::new();
        let _ = value_and_gradient(&tape);
        tape.len()
    };

    // Fill the tape with something else, then clear and record again.
    let mut tape = Tape::new();
    for round in 0..3 {
        let x = tape.var(f64::from(round));
        let _ = tape.backward(x.powi(4).exp());
        tape.clear();
        assert!(tape.is_empty());

        assert_eq!(value_and_gradient(&tape), fresh);
        assert_eq!(tape.len(), fresh_len);
        tape.clear();
    }
}

// Tails of the squashing functions.

#[test]
fn sigmoid_is_finite_and_right_far_out() {
    // e^(-1000) ≈ 5e-435 is below the smallest subnormal (4.9e-324), so the
    // correctly rounded answers are σ(1000) = 1, σ(-1000) = 0 and σ' = 0.
    for (x, value) in [(1e3, 1.0), (-1e3, 0.0)] {
        let tape = Tape::new();
        let input = tape.var(x);
        let out = input.sigmoid();
        let slope = tape.backward(out).wrt(input);
        assert_eq!(out.value(), value, "σ({x})");
        assert_eq!(slope, 0.0, "σ'({x})");
    }
}

#[test]
fn sigmoid_slope_keeps_its_relative_accuracy_in_the_tail() {
    // σ'(x) = eˣ/(1 + eˣ)², evaluated directly: nothing cancels at x = -90.
    let e = (-90.0_f64).exp();
    let expected = e / ((1.0 + e) * (1.0 + e));
    assert_relative_eq!(expected, 8.19e-40, max_relative = 1e-3);

    // σ' is even, so both tails.
    assert_relative_eq!(
        derivative(|x| x.sigmoid(), -90.0),
        expected,
        max_relative = RELATIVE_TOLERANCE
    );
    assert_relative_eq!(
        derivative(|x| x.sigmoid(), 90.0),
        expected,
        max_relative = RELATIVE_TOLERANCE
    );
}

#[test]
fn tanh_slope_keeps_its_relative_accuracy_in_the_tail() {
    // sech² x = 4/(eˣ + e⁻ˣ)² = 4e^(-2x)/(1 + e^(-2x))², and at x = 300
    // e^(-600) ≈ 2.7e-261 is far below ε, so sech² 300 = 4e^(-600) to
    // within rounding. 1 - tanh² 300 would be exactly 0.
    let expected = 4.0 * (-600.0_f64).exp();
    assert_relative_eq!(
        derivative(|x| x.tanh(), 300.0),
        expected,
        max_relative = RELATIVE_TOLERANCE
    );
    assert_relative_eq!(
        derivative(|x| x.tanh(), -300.0),
        expected,
        max_relative = RELATIVE_TOLERANCE
    );
}

// Conventions at kinks, ties and NaN.

#[test]
fn max_and_min_split_a_tie_evenly() {
    // Documented: ½ to each operand, so the partials still sum to 1.
    assert_eq!(partials(|a, b| a.max(b), 2.0, 2.0), [0.5, 0.5]);
    assert_eq!(partials(|a, b| a.min(b), 2.0, 2.0), [0.5, 0.5]);
    assert_eq!(partials(|a, b| a.max(b), 0.0, -0.0), [0.5, 0.5]);

    // max(x, x) = x, so the two halves add back to 1.
    assert_eq!(derivative(|x| x.max(x), 3.0), 1.0);
    assert_eq!(derivative(|x| x.min(x), 3.0), 1.0);
}

#[test]
fn relu_and_abs_have_slope_zero_at_the_kink() {
    // Documented: the kink at 0 takes the derivative 0, for either zero.
    assert_eq!(derivative(|x| x.relu(), 0.0), 0.0);
    assert_eq!(derivative(|x| x.relu(), -0.0), 0.0);
    assert_eq!(derivative(|x| x.abs(), 0.0), 0.0);
    assert_eq!(derivative(|x| x.abs(), -0.0), 0.0);
}

#[test]
fn nan_in_gives_nan_out() {
    let tape = Tape::new();
    let nan = tape.var(f64::NAN);
    let one = tape.var(1.0);

    let selections = [
        ("max(NaN, 1)", nan.max(one)),
        ("max(1, NaN)", one.max(nan)),
        ("min(NaN, 1)", nan.min(one)),
        ("min(1, NaN)", one.min(nan)),
    ];
    for (name, out) in selections {
        let grads = tape.backward(out);
        assert!(out.value().is_nan(), "{name} = {}", out.value());
        assert!(grads.wrt(nan).is_nan(), "∂{name}/∂NaN = {}", grads.wrt(nan));
        assert!(grads.wrt(one).is_nan(), "∂{name}/∂1 = {}", grads.wrt(one));
    }

    let rectified = nan.relu();
    let slope = tape.backward(rectified).wrt(nan);
    assert!(
        rectified.value().is_nan(),
        "relu(NaN) = {}",
        rectified.value()
    );
    assert!(slope.is_nan(), "relu'(NaN) = {slope}");
}

// Misuse.

#[test]
#[should_panic(expected = "a Var of one tape was used in an operation on another tape")]
fn mixing_two_tapes_panics() {
    let first = Tape::new();
    let second = Tape::new();
    let x = first.var(1.0);
    let y = second.var(2.0);
    let _ = x + y;
}

#[test]
#[should_panic(expected = "Gradients::wrt was given a Var of another tape")]
fn reading_gradients_with_a_var_of_another_tape_panics() {
    let first = Tape::new();
    let second = Tape::new();
    let x = first.var(1.0);
    let grads = first.backward(x * 2.0);
    let _ = grads.wrt(second.var(1.0));
}

#[test]
#[should_panic(expected = "has been cleared since these gradients were taken")]
fn reading_gradients_across_a_clear_panics() {
    let mut tape = Tape::new();
    let grads = {
        let x = tape.var(1.0);
        tape.backward(x * 2.0)
    };
    tape.clear();
    let _ = grads.wrt(tape.var(1.0));
}

// Size.

/// Steps in the long chain; each records two nodes.
const CHAIN_STEPS: usize = 500_000;

/// The factor of each step: (1 + 10⁻⁷)^500000 ≈ e^0.05, a moderate number.
const GROWTH: f64 = 1.000_000_1;

#[test]
fn a_million_node_chain_records_sweeps_and_drops() {
    let tape = Tape::new();
    let x = tape.var(1.0);
    let offset = tape.constant(0.0);
    let mut y = x;
    for _ in 0..CHAIN_STEPS {
        y = y * GROWTH + offset;
    }
    assert_eq!(tape.len(), 2 + 2 * CHAIN_STEPS);

    // A recursive sweep would need a frame per node, far more than the 2 MiB
    // stack of a test thread; this one is a loop.
    let grads = tape.backward(y);

    // y = x·cⁿ + offset·(cⁿ⁻¹ + … + c + 1) with n = CHAIN_STEPS, so
    // dy/dx = cⁿ and dy/d offset = (cⁿ - 1)/(c - 1), a geometric series.
    let n = i32::try_from(CHAIN_STEPS).expect("the chain fits an i32");
    let c_to_n = GROWTH.powi(n);
    assert_relative_eq!(grads.wrt(x), c_to_n, max_relative = CHAIN_TOLERANCE);
    assert_relative_eq!(
        grads.wrt(offset),
        (c_to_n - 1.0) / (GROWTH - 1.0),
        max_relative = CHAIN_TOLERANCE
    );

    // Dropping the tape must not recurse over its nodes either.
    drop(grads);
    drop(tape);
}

// Threads.

#[test]
fn the_thread_promises_hold() {
    // The crate docs promise these; a broken promise fails to compile.
    fn send<T: Send>() {}
    fn send_and_sync<T: Send + Sync>() {}
    send::<Tape>();
    send_and_sync::<Gradients>();
    send_and_sync::<GradientCheck>();

    // Send is what lets a tape move to another thread and work there.
    let tape = Tape::new();
    let slope = std::thread::spawn(move || {
        let x = tape.var(2.0);
        tape.backward(x * x).wrt(x)
    })
    .join()
    .expect("the thread does not panic");
    assert_eq!(slope, 4.0); // d(x²)/dx = 2x
}

#[test]
fn a_var_prints_the_index_the_caller_knows() {
    // Var::index counts from 0 over the caller's nodes; Debug says the same.
    let tape = Tape::new();
    let _ = tape.var(1.0);
    let y = tape.var(2.5);
    assert_eq!(y.index(), 1);
    assert_eq!(format!("{y:?}"), "Var { index: 1, value: 2.5 }");
}
