//! The derivative rules: for every operation, its value and the local
//! partial derivatives towards its operands, side by side.
//!
//! Recording and replay both call [`Op::eval`], so each rule is written
//! exactly once. An operation takes at most two operands, `x` and `y`; a
//! one-operand operation ignores `y` and returns 0 as its partial. The
//! operations over many operands (sums, dot products) are evaluated where
//! their operand lists are stored, in `tape.rs`.

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
            Op::Div => {
                let out = x / y;
                (out, 1.0 / y, -out / y)
            }

            // ∂(-x)/∂x = -1
            Op::Neg => (-x, -1.0, 0.0),

            // ∂(x + c)/∂x = 1, ∂(x - c)/∂x = 1, ∂(c - x)/∂x = -1
            Op::AddConst(c) => (x + c, 1.0, 0.0),
            Op::SubConst(c) => (x - c, 1.0, 0.0),
            Op::ConstSub(c) => (c - x, -1.0, 0.0),

            // ∂(xc)/∂x = c, ∂(x/c)/∂x = 1/c
            Op::MulConst(c) => (x * c, c, 0.0),
            Op::DivConst(c) => (x / c, 1.0 / c, 0.0),

            // ∂(c/x)/∂x = -c/x² = -(c/x)/x
            Op::ConstDiv(c) => {
                let out = c / x;
                (out, -out / x, 0.0)
            }

            // d/dx eˣ = eˣ
            Op::Exp => {
                let out = x.exp();
                (out, out, 0.0)
            }

            // d/dx ln x = 1/x
            Op::Ln => (x.ln(), 1.0 / x, 0.0),

            // d/dx √x = 1/(2√x)
            Op::Sqrt => {
                let out = x.sqrt();
                (out, 0.5 / out, 0.0)
            }

            // d/dx xⁿ = n·xⁿ⁻¹; for n = 0 the derivative is 0 everywhere,
            // x = 0 included, where the rule would give 0·∞.
            Op::Powi(n) => {
                let partial = match n {
                    0 => 0.0,
                    // n - 1 overflows an i32 here; xⁿ⁻¹ = xⁿ/x instead.
                    i32::MIN => f64::from(n) * x.powi(n) / x,
                    _ => f64::from(n) * x.powi(n - 1),
                };
                (x.powi(n), partial, 0.0)
            }

            // d/dx xᶜ = c·xᶜ⁻¹, and 0 for c = 0.
            Op::Powf(c) => {
                let partial = if c == 0.0 { 0.0 } else { c * x.powf(c - 1.0) };
                (x.powf(c), partial, 0.0)
            }

            // ∂(xʸ)/∂x = y·xʸ⁻¹ (0 for y = 0), ∂(xʸ)/∂y = xʸ·ln x (0 where
            // xʸ = 0, the limit as x → 0⁺; NaN for x < 0, where xʸ is not a
            // differentiable function of y).
            Op::Pow => {
                let out = x.powf(y);
                let d_base = if y == 0.0 { 0.0 } else { y * x.powf(y - 1.0) };
                let d_exponent = if out == 0.0 { 0.0 } else { out * x.ln() };
                (out, d_base, d_exponent)
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

            // σ(x) = 1/(1 + e⁻ˣ), σ'(x) = σ(x)·(1 - σ(x)) = σ(x)·σ(-x).
            // Both come from e = e^(-|x|) ∈ (0, 1], which cannot overflow:
            // σ(|x|) = 1/(1 + e) and σ(-|x|) = e/(1 + e). The product keeps
            // its relative accuracy deep in both tails (σ'(±90) ≈ 8.19e-40).
            Op::Sigmoid => {
                let e = (-x.abs()).exp();
                let upper = 1.0 / (1.0 + e);
                let lower = e * upper;
                let out = if x >= 0.0 { upper } else { lower };
                (out, upper * lower, 0.0)
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
            // gradient. NaN in either operand gives NaN everywhere.
            Op::Max => pick(x, y, x > y, y > x),
            Op::Min => pick(x, y, x < y, y < x),

            Op::Input
            | Op::Constant
            | Op::Sum
            | Op::Linear
            | Op::Dot
            | Op::Affine
            | Op::SquaredError
            | Op::Custom => {
                unreachable!("{self:?} has no two-operand rule")
            }
        }
    }
}

/// The value and partials of a choice between `x` and `y`, shared by max
/// and min.
#[inline(always)]
fn pick(x: f64, y: f64, x_wins: bool, y_wins: bool) -> (f64, f64, f64) {
    if x_wins {
        (x, 1.0, 0.0)
    } else if y_wins {
        (y, 0.0, 1.0)
    } else if x == y {
        (x, 0.5, 0.5)
    } else {
        (f64::NAN, f64::NAN, f64::NAN)
    }
}
