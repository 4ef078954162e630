//! The tape's gradients against central finite differences, an oracle that
//! knows nothing of the rules: each operation over its domain, then random
//! programs built from many of them.
//!
//! [`check_gradient`] steps each input by ∛ε·max(1, |x|) ≈ 6e-6·max(1, |x|).
//! The domains keep that step small next to the distance to a singularity
//! (ln and √ stay above 0.05) and to a kink (relu, abs, max and min are
//! sampled at least `KINK_MARGIN` away from theirs), where finite
//! differences rather than the tape would be wrong.

use proptest::prelude::*;
use tape::{Tape, Var, check_gradient};

/// Cases per property: enough to cover each domain, few enough that the
/// whole file runs in well under a second in a debug build.
const CASES: u32 = 256;

/// The mismatch [`tape::GradientCheck::error`] may reach. A central
/// difference with step h is off by about h²·f'''/6 from truncation and
/// ε·f/h from rounding. Measured with the tape correct: below 1e-7 over
/// 10⁶ cases of each single operation, and below 1e-6 over 10⁷ random
/// programs, whose steepest compositions (cubes of squares near the ends
/// of [-2, 2]) have large third derivatives. A wrong rule is off by far
/// more.
const FINITE_DIFFERENCE_TOLERANCE: f64 = 1e-6;

/// How far from a kink or tie a point must be: well beyond the largest
/// finite-difference step on these domains, 6e-6·10.
const KINK_MARGIN: f64 = 1e-3;

/// How far from 0 a divisor must be, so that the step stays small next to
/// it and -a/b² below 10³.
const DIVISOR_MARGIN: f64 = 0.1;

/// A value in `-limit..limit` at least `margin` away from 0.
fn away_from_zero(limit: f64, margin: f64) -> impl Strategy<Value = f64> {
    (-limit..limit).prop_filter("away from 0", move |x: &f64| x.abs() >= margin)
}

/// Two values in -10..10 at least `KINK_MARGIN` apart, away from a tie.
fn apart() -> impl Strategy<Value = (f64, f64)> {
    (-10.0..10.0, -10.0..10.0).prop_filter("away from a tie", |&(a, b): &(f64, f64)| {
        (a - b).abs() >= KINK_MARGIN
    })
}

/// A base in -5..5 and an exponent in -3..=5, a negative exponent only with
/// a base at least ¼ away from the pole at 0.
fn base_and_integer_exponent() -> impl Strategy<Value = (f64, i32)> {
    (-5.0..5.0, -3..=5).prop_filter("off the pole at 0", |&(x, n): &(f64, i32)| {
        n >= 0 || x.abs() >= 0.25
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    // Arithmetic.

    #[test]
    fn add(a in -10.0..10.0, b in -10.0..10.0) {
        let check = check_gradient(|_, v| v[0] + v[1], &[a, b]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn sub(a in -10.0..10.0, b in -10.0..10.0) {
        let check = check_gradient(|_, v| v[0] - v[1], &[a, b]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn mul(a in -10.0..10.0, b in -10.0..10.0) {
        let check = check_gradient(|_, v| v[0] * v[1], &[a, b]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn div(a in -10.0..10.0, b in away_from_zero(10.0, DIVISOR_MARGIN)) {
        let check = check_gradient(|_, v| v[0] / v[1], &[a, b]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn neg(x in -10.0..10.0) {
        let check = check_gradient(|_, v| -v[0], &[x]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn operations_with_a_constant(
        x in away_from_zero(10.0, DIVISOR_MARGIN),
        c in away_from_zero(10.0, DIVISOR_MARGIN),
    ) {
        let forms = [
            ("x + c", check_gradient(|_, v| v[0] + c, &[x])),
            ("x - c", check_gradient(|_, v| v[0] - c, &[x])),
            ("x * c", check_gradient(|_, v| v[0] * c, &[x])),
            ("x / c", check_gradient(|_, v| v[0] / c, &[x])),
            ("c + x", check_gradient(|_, v| c + v[0], &[x])),
            ("c - x", check_gradient(|_, v| c - v[0], &[x])),
            ("c * x", check_gradient(|_, v| c * v[0], &[x])),
            ("c / x", check_gradient(|_, v| c / v[0], &[x])),
        ];
        for (form, check) in forms {
            prop_assert!(
                check.is_within(FINITE_DIFFERENCE_TOLERANCE),
                "{form}: {check}"
            );
        }
    }

    // Elementary functions.

    #[test]
    fn exp(x in -20.0..20.0) {
        let check = check_gradient(|_, v| v[0].exp(), &[x]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn ln(x in 0.05..100.0) {
        let check = check_gradient(|_, v| v[0].ln(), &[x]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn sqrt(x in 0.05..100.0) {
        let check = check_gradient(|_, v| v[0].sqrt(), &[x]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn powi((x, n) in base_and_integer_exponent()) {
        let check = check_gradient(|_, v| v[0].powi(n), &[x]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "n = {n}: {check}");
    }

    #[test]
    fn powf(x in 0.05..20.0, c in -3.0..3.0) {
        let check = check_gradient(|_, v| v[0].powf(c), &[x]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "c = {c}: {check}");
    }

    #[test]
    fn pow(x in 0.05..5.0, y in -3.0..3.0) {
        let check = check_gradient(|_, v| v[0].pow(v[1]), &[x, y]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn sin(x in -10.0..10.0) {
        let check = check_gradient(|_, v| v[0].sin(), &[x]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn cos(x in -10.0..10.0) {
        let check = check_gradient(|_, v| v[0].cos(), &[x]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn tanh(x in -10.0..10.0) {
        let check = check_gradient(|_, v| v[0].tanh(), &[x]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn sigmoid(x in -40.0..40.0) {
        let check = check_gradient(|_, v| v[0].sigmoid(), &[x]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn relu(x in away_from_zero(10.0, KINK_MARGIN)) {
        let check = check_gradient(|_, v| v[0].relu(), &[x]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn abs(x in away_from_zero(10.0, KINK_MARGIN)) {
        let check = check_gradient(|_, v| v[0].abs(), &[x]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn max((a, b) in apart()) {
        let check = check_gradient(|_, v| v[0].max(v[1]), &[a, b]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn min((a, b) in apart()) {
        let check = check_gradient(|_, v| v[0].min(v[1]), &[a, b]);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    // Operations of many operands.

    #[test]
    fn sum(xs in prop::collection::vec(-10.0..10.0, 0..8)) {
        let check = check_gradient(|tape, v| tape.sum(v), &xs);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn linear(
        (coefficients, xs) in (1..8usize).prop_flat_map(|n| (
            prop::collection::vec(-5.0..5.0, n),
            prop::collection::vec(-10.0..10.0, n),
        ))
    ) {
        let check = check_gradient(|tape, v| tape.linear(&coefficients, v), &xs);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }

    #[test]
    fn dot(
        pairs in (1..6usize)
            .prop_flat_map(|n| prop::collection::vec(-10.0..10.0, 2 * n))
    ) {
        // The first half of the inputs is one list, the second half the other.
        let check = check_gradient(
            |tape, v| {
                let (xs, ys) = v.split_at(v.len() / 2);
                tape.dot(xs, ys)
            },
            &pairs,
        );
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }
}

// Random programs.

/// The most inputs a random program reads.
const MAX_INPUTS: usize = 4;

/// The most steps in a random program.
const MAX_STEPS: usize = 16;

/// One instruction of a stack machine whose programs are the random
/// compositions.
///
/// The machine starts with the inputs on its stack and, when the program
/// ends, sums whatever is left. Every instruction maps values in [-2, 2]
/// into [-2, 2] (the bound is given beside each), so that however the
/// instructions combine, no intermediate grows large enough to make the
/// finite differences, rather than the tape, inaccurate. Instructions with a
/// kink (relu, abs, max, min) are left out: a random program cannot be kept
/// away from their kinks, and the per-operation properties cover them.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// Push input `i % n` again, so that one input reaches the output by
    /// several paths.
    Load(usize),
    /// Push a copy of the top, so that an intermediate is used twice.
    Duplicate,

    /// sin x, in [-1, 1].
    Sin,
    /// cos x, in [-1, 1].
    Cos,
    /// tanh x, in [-1, 1].
    Tanh,
    /// σ(x), in (0, 1).
    Sigmoid,
    /// -x, in [-2, 2].
    Neg,
    /// x³/8, in [-1, 1].
    Cube,
    /// e^(-x²), in (0, 1].
    Gaussian,
    /// √(x² + 1) - 1, in [0, √5 - 1].
    SoftAbs,
    /// ln(x² + 1), in [0, ln 5].
    LogSquare,
    /// (x² + 1)^(-3/2), in (0, 1].
    InverseCube,
    /// 1 - x²/4, in [0, 1].
    OneMinusQuarterSquare,
    /// 2/(x² + 1), in (0, 2].
    Lorentzian,

    /// (a + b)/2, in [-2, 2].
    Mean,
    /// (a - b)/2, in [-2, 2].
    HalfDifference,
    /// a·b/2, in [-2, 2].
    HalfProduct,
    /// a/(b² + 1), in [-2, 2].
    Quotient,
    /// (σ(a) + ½)^(sin b): base in (½, 3/2), exponent in [-1, 1], so the
    /// value is in (⅔, 3/2).
    Power,
    /// (a² + b²)/4 as a dot product of (a, b) with itself, in [0, 2].
    SquaredNorm,
    /// a/4 - 3b/4, in [-2, 2].
    Linear,
}

impl Step {
    /// Every instruction but `Load`, which carries an index.
    const FIXED: [Step; 20] = [
        Step::Duplicate,
        Step::Sin,
        Step::Cos,
        Step::Tanh,
        Step::Sigmoid,
        Step::Neg,
        Step::Cube,
        Step::Gaussian,
        Step::SoftAbs,
        Step::LogSquare,
        Step::InverseCube,
        Step::OneMinusQuarterSquare,
        Step::Lorentzian,
        Step::Mean,
        Step::HalfDifference,
        Step::HalfProduct,
        Step::Quotient,
        Step::Power,
        Step::SquaredNorm,
        Step::Linear,
    ];
}

/// Any instruction, a `Load` about one time in eight.
fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => (0..MAX_INPUTS).prop_map(Step::Load),
        7 => prop::sample::select(&Step::FIXED[..]),
    ]
}

/// Runs `program` on the tape with `inputs` on the stack, and returns the
/// sum of what is left.
fn run<'t>(tape: &'t Tape, program: &[Step], inputs: &[Var<'t>]) -> Var<'t> {
    let mut stack = inputs.to_vec();
    for &step in program {
        apply(tape, step, &mut stack, inputs);
    }
    tape.sum(&stack)
}

/// Executes one instruction.
fn apply<'t>(tape: &'t Tape, step: Step, stack: &mut Vec<Var<'t>>, inputs: &[Var<'t>]) {
    let top = *stack.last().expect("the stack always holds a value");
    match step {
        Step::Load(i) => stack.push(inputs[i % inputs.len()]),
        Step::Duplicate => stack.push(top),

        Step::Sin => replace_top(stack, top.sin()),
        Step::Cos => replace_top(stack, top.cos()),
        Step::Tanh => replace_top(stack, top.tanh()),
        Step::Sigmoid => replace_top(stack, top.sigmoid()),
        Step::Neg => replace_top(stack, -top),
        Step::Cube => replace_top(stack, top.powi(3) / 8.0),
        Step::Gaussian => replace_top(stack, (-(top * top)).exp()),
        Step::SoftAbs => replace_top(stack, (top * top + 1.0).sqrt() - 1.0),
        Step::LogSquare => replace_top(stack, (top * top + 1.0).ln()),
        Step::InverseCube => replace_top(stack, (top * top + 1.0).powf(-1.5)),
        Step::OneMinusQuarterSquare => replace_top(stack, 1.0 - top * top / 4.0),
        Step::Lorentzian => replace_top(stack, 2.0 / (top * top + 1.0)),

        Step::Mean => combine_top_two(stack, |a, b| tape.sum(&[a, b]) * 0.5),
        Step::HalfDifference => combine_top_two(stack, |a, b| (a - b) * 0.5),
        Step::HalfProduct => combine_top_two(stack, |a, b| a * b * 0.5),
        Step::Quotient => combine_top_two(stack, |a, b| a / (b * b + 1.0)),
        Step::Power => combine_top_two(stack, |a, b| (a.sigmoid() + 0.5).pow(b.sin())),
        Step::SquaredNorm => {
            combine_top_two(stack, |a, b| tape.dot(&[a, b], &[a, b]) / 4.0);
        }
        Step::Linear => {
            combine_top_two(stack, |a, b| tape.linear(&[0.25, -0.75], &[a, b]));
        }
    }
}

/// Replaces the top of the stack, which a unary instruction has read.
fn replace_top<'t>(stack: &mut [Var<'t>], out: Var<'t>) {
    *stack.last_mut().expect("the stack always holds a value") = out;
}

/// Replaces the top two values `a, b` (b on top) by `f(a, b)`, or does
/// nothing if there is only one. The stack is therefore never empty: it
/// starts with the inputs, and only this shortens it.
fn combine_top_two<'t, F>(stack: &mut Vec<Var<'t>>, f: F)
where
    F: FnOnce(Var<'t>, Var<'t>) -> Var<'t>,
{
    if let [.., a, b] = stack[..] {
        stack.truncate(stack.len() - 2);
        stack.push(f(a, b));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn random_programs_match_finite_differences(
        inputs in prop::collection::vec(-2.0..2.0, 1..=MAX_INPUTS),
        program in prop::collection::vec(step(), 1..=MAX_STEPS),
    ) {
        let check = check_gradient(|tape, v| run(tape, &program, v), &inputs);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }
}
