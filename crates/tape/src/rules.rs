//! The derivative rules: for every operation, its value and the local
//! partial derivatives towards its operands, side by side.
//!
//! Recording and replay both call [`Op::eval`], so each rule is written
//! exactly once. An operation takes at most two operands, `x` and `y`; a
//! one-operand operation ignores `y` and returns 0 as its partial. The
//! operations over many operands (sums, dot products) are evaluated where
//! their operand lists are stored, in `tape.rs`.
//!
//! Values are those of the `f64` functions (IEEE arithmetic), signed zeros
//! included. Where the maths leaves a choice for a partial (a kink, a tie,
//! an edge of the domain), the convention is written beside the formula and
//! in the method's docs in `ops.rs`; `tests/edge_cases.rs` holds a row for
//! each. Two promises hold for every rule:
//!
//! - no partial is NaN from ∞/∞ or 0·∞ inside the rule where the true
//!   partial, or its limit, exists: such points get the limit instead;
//! - a partial is finite wherever the true one is finite and representable,
//!   except where the docs of the method name the limit.
//!
//! Each partial is a function of the operands' values alone (and of the
//! result, itself such a function), so a later higher-order mode can
//! differentiate the rules again.

/// What a node of the tape computes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Op {
    /// An input, whose value replay takes from the caller.
    Input,
    /// A constant, which replay leaves as it is.
    Constant,
    Add,
    Sub,
    Mul,
    Div,
    Neg,
    /// x + c
    AddConst(f64),
    /// x - c
    SubConst(f64),
    /// c - x
    ConstSub(f64),
    /// x · c
    MulConst(f64),
    /// x / c
    DivConst(f64),
    /// c / x
    ConstDiv(f64),
    Exp,
    Ln,
    Sqrt,
    Powi(i32),
    Powf(f64),
    Pow,
    Sin,
    Cos,
    Tanh,
    Sigmoid,
    Softplus,
    Relu,
    Abs,
    Max,
    Min,
    /// Σ xᵢ
    Sum,
    /// Σ cᵢ·xᵢ with constant cᵢ
    Linear,
    /// Σ xᵢ·yᵢ
    Dot,
    /// z_j = Σᵢ w_jᵢ·xᵢ + b_j, one unit of an affine layer (`fused.rs`)
    Affine,
    /// ½ Σᵢ (xᵢ - tᵢ)² with constant tᵢ (`fused.rs`)
    SquaredError,
    /// ln Σᵢ e^xᵢ
    LogSumExp,
    /// A node recorded with caller-given partials, which replay cannot
    /// recompute.
    Custom,
}

impl Op {
    /// The value of the operation at operand values `x` and `y`, with its
    /// partials `(value, ∂/∂x, ∂/∂y)`.
    ///
    /// # Panics
    ///
    /// Panics for leaves and for the operations over many operands, which
    /// have no two-operand rule.
    #[inline(always)]
    pub(crate) fn eval(self, x: f64, y: f64) -> (f64, f64, f64) {
        match self {
            // ∂(x + y)/∂x = 1, ∂(x + y)/∂y = 1
            Op::Add => (x + y, 1.0, 1.0),

            // ∂(x - y)/∂x = 1, ∂(x - y)/∂y = -1
            Op::Sub => (x - y, 1.0, -1.0),

            // ∂(xy)/∂x = y, ∂(xy)/∂y = x
            Op::Mul => (x * y, y, x),

            // ∂(x/y)/∂x = 1/y, ∂(x/y)/∂y = -x/y² = -(x/y)/y, which stays
            // finite wherever the quotient does (y·y would overflow first).
            // At y = ±0 the values are IEEE's (1/±0 = ±∞), and -(x/y)/y is
            // -∞·sign x for either zero, as -x/y² is from both sides.
            Op::Div => {
                let out = x / y;
                (out, 1.0 / y, -out / y)
            }

            // ∂(-x)/∂x = -1. Here and in the operations with a constant
            // below the partial is that constant for every x, ∞ and NaN
            // included: only the value follows IEEE (∞ - ∞ = NaN).
            Op::Neg => (-x, -1.0, 0.0),

            // ∂(x + c)/∂x = 1, ∂(x - c)/∂x = 1, ∂(c - x)/∂x = -1
            Op::AddConst(c) => (x + c, 1.0, 0.0),
            Op::SubConst(c) => (x - c, 1.0, 0.0),
            Op::ConstSub(c) => (c - x, -1.0, 0.0),

            // ∂(xc)/∂x = c, ∂(x/c)/∂x = 1/c
            Op::MulConst(c) => (x * c, c, 0.0),
            Op::DivConst(c) => (x / c, 1.0 / c, 0.0),

            // ∂(c/x)/∂x = -c/x² = -(c/x)/x, as for x/y above.
            Op::ConstDiv(c) => {
                let out = c / x;
                (out, -out / x, 0.0)
            }

            // d/dx eˣ = eˣ
            Op::Exp => {
                let out = x.exp();
                (out, out, 0.0)
            }

            // d/dx ln x = 1/x. At x = ±0 the partial is +∞, the limit from
            // inside the domain, whatever the sign of the zero (1/-0 would
            // be -∞); below 0, where ln x is NaN, the partial is NaN too.
            Op::Ln => {
                let partial = if x == 0.0 {
                    f64::INFINITY
                } else if x < 0.0 {
                    f64::NAN
                } else {
                    1.0 / x
                };
                (x.ln(), partial, 0.0)
            }

            // d/dx √x = 1/(2√x). At x = ±0 the partial is +∞ from inside the
            // domain: √-0 is -0 in IEEE, and 0.5/-0 would be -∞. Below 0
            // value and partial are NaN.
            Op::Sqrt => {
                let out = x.sqrt();
                let partial = if x == 0.0 { f64::INFINITY } else { 0.5 / out };
                (out, partial, 0.0)
            }

            // d/dx xⁿ = n·xⁿ⁻¹. For n = 0 the value is 1 and the partial 0
            // for every x, 0, ∞ and NaN included, where n·xⁿ⁻¹ would give
            // 0·∞ or NaN.
            Op::Powi(0) => (1.0, 0.0, 0.0),
            Op::Powi(n) => {
                let partial = if n == i32::MIN {
                    // n - 1 overflows an i32 here; xⁿ⁻¹ = xⁿ/x instead.
                    f64::from(n) * x.powi(n) / x
                } else {
                    f64::from(n) * x.powi(n - 1)
                };
                (x.powi(n), partial, 0.0)
            }

            // d/dx xᶜ = c·xᶜ⁻¹, with the conventions of `power_partial`.
            Op::Powf(c) => {
                let out = x.powf(c);
                (out, power_partial(x, c, out), 0.0)
            }

            // ∂(xʸ)/∂x = y·xʸ⁻¹ and ∂(xʸ)/∂y = xʸ·ln x, with the conventions
            // of `power_partial` and `exponent_partial`.
            Op::Pow => {
                let out = x.powf(y);
                (out, power_partial(x, y, out), exponent_partial(x, out))
            }

            // d/dx sin x = cos x, d/dx cos x = -sin x
            Op::Sin => (x.sin(), x.cos(), 0.0),
            Op::Cos => (x.cos(), -x.sin(), 0.0),

            // d/dx tanh x = 1 - tanh² x. For |x| ≥ 1 the same number is
            // computed as 4e/(1 + e)² with e = e^(-2|x|), which does not
            // round to 0 while the true derivative is still a normal number.
            Op::Tanh => {
                let out = x.tanh();
                let partial = if x.abs() < 1.0 {
                    1.0 - out * out
                } else {
                    let e = (-2.0 * x.abs()).exp();
                    4.0 * e / ((1.0 + e) * (1.0 + e))
                };
                (out, partial, 0.0)
            }

            // σ(x) = 1/(1 + e⁻ˣ), σ'(x) = σ(x)·(1 - σ(x)), both from
            // e^(-|x|) as `logistic` explains.
            Op::Sigmoid => {
                let (out, partial) = logistic(x, (-x.abs()).exp());
                (out, partial, 0.0)
            }

            // softplus x = ln(1 + eˣ), softplus' x = σ(x). The value is
            // computed as max(x, 0) + ln(1 + e^(-|x|)): the exponential
            // cannot overflow, and `ln_1p` keeps its relative accuracy where
            // e^(-|x|) is tiny (softplus(-700) = e⁻⁷⁰⁰ ≈ 9.86e-305, not 0).
            // σ(x) comes from the same e^(-|x|). A NaN input makes that
            // NaN, so NaN stays NaN.
            Op::Softplus => {
                let e = (-x.abs()).exp();
                let (partial, _) = logistic(x, e);
                let positive_part = if x > 0.0 { x } else { 0.0 };
                (positive_part + e.ln_1p(), partial, 0.0)
            }

            // relu x = max(x, 0); the derivative is 1 for x > 0 and 0 for
            // x ≤ 0 (the kink takes 0). NaN stays NaN.
            Op::Relu => {
                if x > 0.0 {
                    (x, 1.0, 0.0)
                } else if x <= 0.0 {
                    (0.0, 0.0, 0.0)
                } else {
                    (f64::NAN, f64::NAN, 0.0)
                }
            }

            // d/dx |x| = sign x, and 0 at the kink x = 0. NaN stays NaN.
            Op::Abs => {
                let partial = if x > 0.0 {
                    1.0
                } else if x < 0.0 {
                    -1.0
                } else if x == 0.0 {
                    0.0
                } else {
                    f64::NAN
                };
                (x.abs(), partial, 0.0)
            }

            // The winner gets partial 1, the other 0; a tie gives ½ to each,
            // so the partials still sum to 1 and neither takes the whole
            // gradient. NaN in either operand gives NaN everywhere. A tie of
            // 0 and -0 is worth 0 for max and -0 for min, as IEEE 754-2019's
            // maximum and minimum have it.
            Op::Max => pick(x, y, x > y, y > x, x.is_sign_positive()),
            Op::Min => pick(x, y, x < y, y < x, x.is_sign_negative()),

            Op::Input
            | Op::Constant
            | Op::Sum
            | Op::Linear
            | Op::Dot
            | Op::Affine
            | Op::SquaredError
            | Op::LogSumExp
            | Op::Custom => {
                unreachable!("{self:?} has no two-operand rule")
            }
        }
    }
}

/// The value and partials of a choice between `x` and `y`, shared by max
/// and min. On a tie the value is `x` if `tie_takes_x`, else `y`: the two
/// differ only in the sign of a zero.
#[inline(always)]
fn pick(x: f64, y: f64, x_wins: bool, y_wins: bool, tie_takes_x: bool) -> (f64, f64, f64) {
    if x_wins {
        (x, 1.0, 0.0)
    } else if y_wins {
        (y, 0.0, 1.0)
    } else if x == y {
        (if tie_takes_x { x } else { y }, 0.5, 0.5)
    } else {
        (f64::NAN, f64::NAN, f64::NAN)
    }
}

/// σ(x) and σ'(x) = σ(x)·σ(-x), from `e` = e^(-|x|), shared by sigmoid
/// and softplus.
///
/// e lies in [0, 1], so nothing overflows for any x: σ(|x|) = 1/(1 + e) and
/// σ(-|x|) = e/(1 + e). Their product keeps its relative accuracy deep in
/// both tails (σ'(±90) ≈ 8.19e-40, where 1 - σ(90) would round to 0), and
/// only underflows where the true value does (below e⁻⁷⁴⁵).
#[inline(always)]
fn logistic(x: f64, e: f64) -> (f64, f64) {
    let upper = 1.0 / (1.0 + e);
    let lower = e * upper;
    let out = if x >= 0.0 { upper } else { lower };
    (out, upper * lower)
}

/// ∂(xʸ)/∂x = y·xʸ⁻¹ for the power `out` = xʸ, shared by `Powf` and `Pow`.
///
/// - y = 0: 0 for every x, since x⁰ = 1 is constant; at x = 0 the formula
///   would give 0·0⁻¹ = 0·∞.
/// - xʸ⁻¹ overflows while xʸ is finite and x is not 0: either the true
///   partial overflows as well, or x is subnormal and |y| < 0.047 (at
///   x = y = 1e-320 the true partial is xˣ ≈ 1). The same number is then
///   y·xʸ/x, in that order: in the second case |y·xʸ| is small and the
///   division rounds correctly, and in the first the result overflows.
/// - xʸ⁻¹ = 0 with y = ±∞ (x < 1 with y = +∞, say): 0, since the power
///   decays faster than y grows; the formula would give ∞·0.
#[inline(always)]
fn power_partial(x: f64, y: f64, out: f64) -> f64 {
    let power = x.powf(y - 1.0);
    if y == 0.0 || power == 0.0 {
        0.0
    } else if power.is_infinite() && out.is_finite() && x != 0.0 {
        y * out / x
    } else {
        y * power
    }
}

/// ∂(xʸ)/∂y = xʸ·ln x for the power `out` = xʸ, used by `Pow`.
///
/// - x < 0: NaN. y ↦ xʸ is real only at integers, so it has no
///   derivative in y.
/// - xʸ = 0 (x = ±0 with y > 0, or an underflow): 0. y ↦ 0ʸ is the constant
///   0 for y > 0, and xʸ·ln x → 0 as x → 0⁺.
/// - x = ±0 with y ≤ 0: -∞. For y = 0 both difference quotients of
///   y ↦ 0ʸ tend to -∞ (0ʸ jumps from +∞ to 1 to 0), and for y < 0 it is
///   the limit of xʸ·ln x as x → 0⁺. The magnitude |xʸ| is used because
///   (-0)ʸ is -∞ for odd y < 0, which would flip the sign.
#[inline(always)]
fn exponent_partial(x: f64, out: f64) -> f64 {
    if x < 0.0 {
        f64::NAN
    } else if out == 0.0 {
        0.0
    } else {
        out.abs() * x.ln()
    }
}

/// ln Σᵢ e^xᵢ for the values `xs`, which it replaces by the partials
/// ∂/∂xᵢ = e^xᵢ / Σⱼ e^xⱼ (the softmax), used by recording and replay.
///
/// With m the largest xᵢ (the first of them on a tie), the value is
/// m + ln(1 + Σ_(i≠m) e^(xᵢ-m)) and the partials e^(xᵢ-m) / (1 + Σ …):
/// no exponent is positive, so nothing overflows, and ln_1p keeps the
/// value accurate when the largest term dominates (ln(e^0 + e^-1000) = 0
/// exactly, ln(e^1000 + e^1000) = 1000 + ln 2). At the edges:
///
/// - no operands: the empty sum is 0 and its logarithm -∞;
/// - a NaN operand: the value and every partial are NaN;
/// - operands at +∞: the value is +∞, and the +∞ operands share the
///   gradient equally (the limit of the softmax), the others get 0;
/// - every operand -∞: the value is -∞ and each partial 1/n, the softmax
///   of n equal operands.
pub(crate) fn log_sum_exp_in_place(xs: &mut [f64]) -> f64 {
    if xs.is_empty() {
        return f64::NEG_INFINITY;
    }
    if xs.iter().any(|x| x.is_nan()) {
        xs.fill(f64::NAN);
        return f64::NAN;
    }
    let mut largest = 0;
    for (i, &x) in xs.iter().enumerate() {
        if x > xs[largest] {
            largest = i;
        }
    }
    let m = xs[largest];
    if m == f64::INFINITY {
        let count = xs.iter().filter(|&&x| x == m).count() as f64;
        for x in xs.iter_mut() {
            *x = if *x == m { 1.0 / count } else { 0.0 };
        }
        return m;
    }
    if m == f64::NEG_INFINITY {
        xs.fill(1.0 / xs.len() as f64);
        return m;
    }
    let mut rest = 0.0;
    for (i, &x) in xs.iter().enumerate() {
        if i != largest {
            rest += (x - m).exp();
        }
    }
    let total = 1.0 + rest;
    for x in xs.iter_mut() {
        *x = (*x - m).exp() / total;
    }
    m + rest.ln_1p()
}

/// Where every node that sums (sum, linear, dot, affine) starts its sum:
/// -0, the identity of IEEE addition (-0 + x = x for every x, +0 included),
/// so that the sum equals the terms written out, `x + y + …`. Starting from
/// +0 would turn a sum of -0s into +0. The empty sum is +0: see
/// [`sum_in_order`].
pub(crate) const SUM_START: f64 = -0.0;

/// Σ of `terms` in order, from [`SUM_START`]; the empty sum is +0.
#[inline(always)]
pub(crate) fn sum_in_order(terms: impl ExactSizeIterator<Item = f64>) -> f64 {
    if terms.len() == 0 {
        return 0.0;
    }
    terms.fold(SUM_START, |sum, term| sum + term)
}
