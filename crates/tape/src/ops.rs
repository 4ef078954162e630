//! The elementary functions, each as its forward rule with its derivative
//! beside it.
//!
//! Every method computes the value, then the local partial of the value
//! towards each operand, and records both as one node. Where the maths
//! leaves a choice (a kink, a tie, a point outside the domain) the method's
//! docs state the convention.

use crate::{Tape, Var};

impl<'t> Var<'t> {
    /// eˣ. d/dx eˣ = eˣ.
    pub fn exp(self) -> Var<'t> {
        let out = self.value().exp();
        self.unary(out, out)
    }

    /// The natural logarithm ln x. d/dx ln x = 1/x.
    ///
    /// At x = 0 the value is -∞ and the derivative +∞; below 0 both are NaN,
    /// as `f64::ln` gives.
    pub fn ln(self) -> Var<'t> {
        let x = self.value();
        self.unary(x.ln(), 1.0 / x)
    }

    /// √x. d/dx √x = 1/(2√x).
    ///
    /// At x = 0 the derivative is +∞; below 0 value and derivative are NaN.
    pub fn sqrt(self) -> Var<'t> {
        let out = self.value().sqrt();
        self.unary(out, 0.5 / out)
    }

    /// xⁿ for an integer n. d/dx xⁿ = n·xⁿ⁻¹.
    ///
    /// For n = 0 the derivative is 0 everywhere, x = 0 included (the rule
    /// would otherwise compute 0·0⁻¹ = 0·∞ = NaN).
    pub fn powi(self, n: i32) -> Var<'t> {
        let x = self.value();
        let partial = if n == 0 {
            0.0
        } else {
            f64::from(n) * x.powi(n - 1)
        };
        self.unary(x.powi(n), partial)
    }

    /// xᶜ for a constant real exponent c. d/dx xᶜ = c·xᶜ⁻¹.
    ///
    /// For c = 0 the derivative is 0 everywhere. A negative base with a
    /// non-integer exponent gives NaN, as `f64::powf` does.
    pub fn powf(self, c: f64) -> Var<'t> {
        let x = self.value();
        let partial = if c == 0.0 { 0.0 } else { c * x.powf(c - 1.0) };
        self.unary(x.powf(c), partial)
    }

    /// xʸ with both base and exponent on the tape.
    ///
    /// ∂(xʸ)/∂x = y·xʸ⁻¹ and ∂(xʸ)/∂y = xʸ·ln x.
    ///
    /// Conventions: for y = 0 the partial towards x is 0. Where xʸ = 0 (a
    /// zero base with a positive exponent) the partial towards y is 0, the
    /// limit of xʸ·ln x as x → 0⁺. For a negative base, xʸ is not a
    /// differentiable function of y on the reals, and that partial is NaN.
    ///
    /// # Panics
    ///
    /// Panics if `exponent` belongs to another tape.
    pub fn pow(self, exponent: Var<'t>) -> Var<'t> {
        let (x, y) = (self.value(), exponent.value());
        let out = x.powf(y);

        // ∂/∂x = y·x^(y-1)
        let d_base = if y == 0.0 { 0.0 } else { y * x.powf(y - 1.0) };

        // ∂/∂y = x^y·ln x
        let d_exponent = if out == 0.0 { 0.0 } else { out * x.ln() };

        self.binary(exponent, out, d_base, d_exponent)
    }

    /// sin x. d/dx sin x = cos x.
    pub fn sin(self) -> Var<'t> {
        let x = self.value();
        self.unary(x.sin(), x.cos())
    }

    /// cos x. d/dx cos x = -sin x.
    pub fn cos(self) -> Var<'t> {
        let x = self.value();
        self.unary(x.cos(), -x.sin())
    }

    /// tanh x. d/dx tanh x = 1 - tanh² x.
    ///
    /// For |x| ≥ 1 the derivative is computed as 4e/(1 + e)² with
    /// e = e^(-2|x|), which equals 1 - tanh² x but does not round to 0 while
    /// the true value is still a normal number.
    pub fn tanh(self) -> Var<'t> {
        let x = self.value();
        let out = x.tanh();
        let partial = if x.abs() < 1.0 {
            1.0 - out * out
        } else {
            let e = (-2.0 * x.abs()).exp();
            4.0 * e / ((1.0 + e) * (1.0 + e))
        };
        self.unary(out, partial)
    }

    /// The logistic sigmoid σ(x) = 1/(1 + e⁻ˣ). σ'(x) = σ(x)·(1 - σ(x)).
    ///
    /// Both are computed from e = e^(-|x|), which lies in (0, 1] for every
    /// finite x, so nothing overflows: σ(x) is 1/(1 + e) for x ≥ 0 and
    /// e/(1 + e) below, and 1 - σ(x) = σ(-x) is the other of the two. The
    /// derivative is their product, which keeps its relative accuracy far
    /// into the tails (σ'(-90) ≈ 8.19e-40 rather than 0).
    pub fn sigmoid(self) -> Var<'t> {
        let x = self.value();
        let e = (-x.abs()).exp();
        let upper = 1.0 / (1.0 + e); // σ(|x|)
        let lower = e / (1.0 + e); // σ(-|x|) = 1 - σ(|x|)
        let out = if x >= 0.0 { upper } else { lower };

        // σ' = σ(x)·σ(-x), the same product whichever sign x has; a NaN input
        // gives NaN in both.
        self.unary(out, upper * lower)
    }

    /// The rectifier max(x, 0). Its derivative is 1 for x > 0 and 0 for
    /// x ≤ 0: at the kink x = 0 the convention is 0.
    ///
    /// A NaN input gives a NaN value and a NaN derivative.
    pub fn relu(self) -> Var<'t> {
        let x = self.value();
        let (out, partial) = if x > 0.0 {
            (x, 1.0)
        } else if x <= 0.0 {
            (0.0, 0.0)
        } else {
            (f64::NAN, f64::NAN)
        };
        self.unary(out, partial)
    }

    /// |x|. Its derivative is the sign of x, and 0 at the kink x = 0.
    pub fn abs(self) -> Var<'t> {
        let x = self.value();
        let partial = if x > 0.0 {
            1.0
        } else if x < 0.0 {
            -1.0
        } else if x == 0.0 {
            0.0
        } else {
            f64::NAN
        };
        self.unary(x.abs(), partial)
    }

    /// The larger of two values. The partial is 1 towards the larger operand
    /// and 0 towards the other; on a tie each operand gets ½, so that the
    /// sum of the partials is still 1 and neither gets the full gradient.
    ///
    /// If either operand is NaN the value and both partials are NaN.
    ///
    /// # Panics
    ///
    /// Panics if `rhs` belongs to another tape.
    pub fn max(self, rhs: Var<'t>) -> Var<'t> {
        let (a, b) = (self.value(), rhs.value());
        let (out, d_lhs, d_rhs) = pick(a, b, a > b, b > a);
        self.binary(rhs, out, d_lhs, d_rhs)
    }

    /// The smaller of two values, with the conventions of [`Var::max`].
    ///
    /// # Panics
    ///
    /// Panics if `rhs` belongs to another tape.
    pub fn min(self, rhs: Var<'t>) -> Var<'t> {
        let (a, b) = (self.value(), rhs.value());
        let (out, d_lhs, d_rhs) = pick(a, b, a < b, b < a);
        self.binary(rhs, out, d_lhs, d_rhs)
    }
}

/// The value and partials of a selection between `a` and `b`, shared by max
/// and min: `a` if it wins, `b` if it wins, half each on a tie, NaN if the
/// comparison is undecided because an operand is NaN.
fn pick(a: f64, b: f64, a_wins: bool, b_wins: bool) -> (f64, f64, f64) {
    if a_wins {
        (a, 1.0, 0.0)
    } else if b_wins {
        (b, 0.0, 1.0)
    } else if a == b {
        (a, 0.5, 0.5)
    } else {
        (f64::NAN, f64::NAN, f64::NAN)
    }
}

impl Tape {
    /// Σ xᵢ as one node. ∂(Σ xᵢ)/∂xᵢ = 1 for each operand.
    ///
    /// The empty sum is a constant 0.
    ///
    /// # Panics
    ///
    /// Panics if an operand belongs to another tape.
    pub fn sum<'t>(&'t self, terms: &[Var<'t>]) -> Var<'t> {
        let mut nodes = self.nodes_mut();
        let mut value = 0.0;
        for &term in terms {
            self.check_owns(term);
            value += nodes.values[term.index()];
            nodes.push_edge(term.index, 1.0);
        }
        self.finish_node(&mut nodes, value)
    }

    /// Σ cᵢ·xᵢ with constant coefficients, as one node.
    /// ∂(Σ cᵢxᵢ)/∂xᵢ = cᵢ.
    ///
    /// # Panics
    ///
    /// Panics if the two slices differ in length or an operand belongs to
    /// another tape.
    pub fn linear<'t>(&'t self, coefficients: &[f64], terms: &[Var<'t>]) -> Var<'t> {
        assert_eq!(
            coefficients.len(),
            terms.len(),
            "Tape::linear needs one coefficient per term"
        );
        let mut nodes = self.nodes_mut();
        let mut value = 0.0;
        for (&c, &term) in coefficients.iter().zip(terms) {
            self.check_owns(term);
            value += c * nodes.values[term.index()];
            nodes.push_edge(term.index, c);
        }
        self.finish_node(&mut nodes, value)
    }

    /// The dot product Σ xᵢ·yᵢ of two lists of variables, as one node.
    /// ∂/∂xᵢ = yᵢ and ∂/∂yᵢ = xᵢ.
    ///
    /// # Panics
    ///
    /// Panics if the two slices differ in length or an operand belongs to
    /// another tape.
    pub fn dot<'t>(&'t self, xs: &[Var<'t>], ys: &[Var<'t>]) -> Var<'t> {
        assert_eq!(xs.len(), ys.len(), "Tape::dot needs lists of equal length");
        let mut nodes = self.nodes_mut();
        let mut value = 0.0;
        for (&x, &y) in xs.iter().zip(ys) {
            self.check_owns(x);
            self.check_owns(y);
            let (x_value, y_value) = (nodes.values[x.index()], nodes.values[y.index()]);
            value += x_value * y_value;

            // ∂(xᵢyᵢ)/∂xᵢ = yᵢ
            nodes.push_edge(x.index, y_value);

            // ∂(xᵢyᵢ)/∂yᵢ = xᵢ
            nodes.push_edge(y.index, x_value);
        }
        self.finish_node(&mut nodes, value)
    }
}
