//! The elementary functions, as methods of [`Var`], and the operations over
//! many operands, as methods of [`Tape`].
//!
//! Each records one node through its rule in `rules.rs`, where the value and
//! the derivative stand together with their formula. The docs here state the
//! convention wherever the maths leaves a choice (a kink, a tie, a point
//! outside the domain), and any limit of `f64` that a caller may meet.
//!
//! Values are those of the `f64` functions, signed zeros included. A signed
//! zero input is read as the limit from its own side where the function is
//! defined on both sides (1/x and xⁿ at -0 follow IEEE's signs), and as
//! plain 0 where the function lives on one side only (√ and ln, whose
//! derivative at either zero is +∞).

use crate::rules::{self, Op};
use crate::{Tape, Var};

impl<'t> Var<'t> {
    /// eˣ. d/dx eˣ = eˣ.
    ///
    /// Value and derivative overflow to +∞ above x ≈ 709.78 and underflow
    /// to 0 below x ≈ -745.13, exactly where eˣ leaves the range of `f64`.
    #[inline]
    pub fn exp(self) -> Var<'t> {
        self.tape().unary(Op::Exp, self)
    }

    /// The natural logarithm ln x. d/dx ln x = 1/x.
    ///
    /// At x = ±0 the value is -∞ and the derivative +∞ (for -0 too, the
    /// limit from inside the domain). Below 0, -∞ included, both are NaN.
    /// For 0 < x < 1/`f64::MAX` ≈ 5.6e-309 (subnormals) the true 1/x is
    /// beyond `f64::MAX` and the derivative is +∞.
    #[inline]
    pub fn ln(self) -> Var<'t> {
        self.tape().unary(Op::Ln, self)
    }

    /// √x. d/dx √x = 1/(2√x).
    ///
    /// At x = ±0 the derivative is +∞ and the value the zero itself (√-0 is
    /// -0 in IEEE arithmetic); below 0 value and derivative are NaN.
    #[inline]
    pub fn sqrt(self) -> Var<'t> {
        self.tape().unary(Op::Sqrt, self)
    }

    /// xⁿ for an integer n. d/dx xⁿ = n·xⁿ⁻¹.
    ///
    /// For n = 0 the value is 1 and the derivative 0 for every x, 0, ∞ and
    /// NaN included (the formula would compute 0·0⁻¹ = 0·∞ = NaN at 0).
    /// Negative bases are fine: (-2)³ = -8 with derivative 12. At x = ±0
    /// with n < 0 value and derivative are infinite with the signs of the
    /// limit from the zero's side: x⁻¹ is -∞ at -0, its derivative -∞ at
    /// both zeros.
    ///
    /// The value is `f64::powi`'s, repeated multiplication, which for n < 0
    /// divides 1 by x⁻ⁿ: where x⁻ⁿ overflows but xⁿ would be a subnormal it
    /// gives 0 (2⁻¹⁰³⁰ ≈ 8.7e-311 comes out as 0). [`Var::powf`] computes
    /// such powers exactly, at several times the cost.
    #[inline]
    pub fn powi(self, n: i32) -> Var<'t> {
        self.tape().unary(Op::Powi(n), self)
    }

    /// xᶜ for a constant real exponent c. d/dx xᶜ = c·xᶜ⁻¹.
    ///
    /// The conventions are those of the base in [`Var::pow`]: for c = 0 the
    /// derivative is 0 everywhere; a negative base with an integer exponent
    /// is fine, with a non-integer one value and derivative are NaN, as
    /// `f64::powf` gives; with c = ±∞, a power that tends to 0 has
    /// derivative 0.
    #[inline]
    pub fn powf(self, c: f64) -> Var<'t> {
        self.tape().unary(Op::Powf(c), self)
    }

    /// xʸ with both base and exponent on the tape.
    ///
    /// ∂(xʸ)/∂x = y·xʸ⁻¹ and ∂(xʸ)/∂y = xʸ·ln x.
    ///
    /// The value is `f64::powf`'s, so x⁰ = 1 and 1ʸ = 1 even for a NaN
    /// operand. Conventions for the partials:
    ///
    /// - towards x: 0 for y = 0 (x⁰ = 1 is constant, at x = 0 too); 0 where
    ///   y = ±∞ makes xʸ⁻¹ vanish (0.5^∞); at a subnormal x with y near 0,
    ///   where xʸ⁻¹ overflows, it is computed as y·xʸ/x and stays finite
    ///   (at x = y = 1e-320 it is xˣ ≈ 1);
    /// - towards y at a zero base: 0 for y > 0, where 0ʸ is the constant 0,
    ///   and -∞ for y ≤ 0 (the limit of xʸ·ln x as x → 0⁺; at y = 0 both
    ///   difference quotients of 0ʸ tend to -∞ as well);
    /// - towards y at a negative base: NaN, as xʸ is not a real function of
    ///   y there, even where the value exists ((-2)² = 4).
    ///
    /// # Panics
    ///
    /// Panics if `exponent` belongs to another tape.
    #[inline]
    pub fn pow(self, exponent: Var<'t>) -> Var<'t> {
        self.tape().binary(Op::Pow, self, exponent)
    }

    /// sin x. d/dx sin x = cos x.
    #[inline]
    pub fn sin(self) -> Var<'t> {
        self.tape().unary(Op::Sin, self)
    }

    /// cos x. d/dx cos x = -sin x.
    #[inline]
    pub fn cos(self) -> Var<'t> {
        self.tape().unary(Op::Cos, self)
    }

    /// tanh x. d/dx tanh x = 1 - tanh² x, computed so that it does not
    /// round to 0 in the tails while the true value is a normal number
    /// (tanh'(354) ≈ 1.32e-307); it underflows to 0 beyond |x| ≈ 373.
    #[inline]
    pub fn tanh(self) -> Var<'t> {
        self.tape().unary(Op::Tanh, self)
    }

    /// The logistic sigmoid σ(x) = 1/(1 + e⁻ˣ). σ'(x) = σ(x)·(1 - σ(x)).
    ///
    /// Computed from e^(-|x|), so that neither value nor derivative
    /// overflows or turns NaN for any x, ±∞ included, and the derivative
    /// keeps its relative accuracy far into both tails (σ'(-90) ≈ 8.19e-40,
    /// not 0); both underflow to 0 only below x ≈ -745, as e^x does.
    #[inline]
    pub fn sigmoid(self) -> Var<'t> {
        self.tape().unary(Op::Sigmoid, self)
    }

    /// The softplus ln(1 + eˣ), a smooth rectifier. Its derivative is the
    /// sigmoid σ(x).
    ///
    /// Computed as max(x, 0) + ln(1 + e^(-|x|)), so that nothing overflows
    /// for any x and the value keeps its relative accuracy in the lower tail
    /// (softplus(-700) = e⁻⁷⁰⁰ ≈ 9.86e-305, not 0); the derivative is
    /// computed as [`Var::sigmoid`]'s value is. At +∞ the value is +∞ with
    /// derivative 1; at -∞ both are 0.
    ///
    /// # Examples
    ///
    /// softplus(0) = ln 2, with slope σ(0) = ½:
    ///
    /// ```
    /// use tape::Tape;
    ///
    /// let tape = Tape::new();
    /// let x = tape.var(0.0);
    /// let y = x.softplus();
    /// assert_eq!(y.value(), std::f64::consts::LN_2);
    /// assert_eq!(tape.backward(y).wrt(x), 0.5);
    /// ```
    #[inline]
    pub fn softplus(self) -> Var<'t> {
        self.tape().unary(Op::Softplus, self)
    }

    /// The rectifier max(x, 0). Its derivative is 1 for x > 0 and 0 for
    /// x ≤ 0: at the kink x = 0 (either zero) the convention is 0, and the
    /// value there is +0.
    ///
    /// A NaN input gives a NaN value and a NaN derivative.
    #[inline]
    pub fn relu(self) -> Var<'t> {
        self.tape().unary(Op::Relu, self)
    }

    /// |x|. Its derivative is the sign of x, and 0 at the kink x = 0
    /// (either zero).
    ///
    /// A NaN input gives a NaN value and a NaN derivative.
    #[inline]
    pub fn abs(self) -> Var<'t> {
        self.tape().unary(Op::Abs, self)
    }

    /// The larger of two values. The partial is 1 towards the larger operand
    /// and 0 towards the other; on a tie each operand gets ½, so that the
    /// sum of the partials is still 1 and neither gets the full gradient.
    /// A tie of 0 and -0 has the value 0 (as IEEE 754-2019's maximum).
    ///
    /// If either operand is NaN the value and both partials are NaN.
    ///
    /// # Panics
    ///
    /// Panics if `rhs` belongs to another tape.
    #[inline]
    pub fn max(self, rhs: Var<'t>) -> Var<'t> {
        self.tape().binary(Op::Max, self, rhs)
    }

    /// The smaller of two values, with the conventions of [`Var::max`]; a
    /// tie of 0 and -0 has the value -0.
    ///
    /// # Panics
    ///
    /// Panics if `rhs` belongs to another tape.
    #[inline]
    pub fn min(self, rhs: Var<'t>) -> Var<'t> {
        self.tape().binary(Op::Min, self, rhs)
    }
}

impl Tape {
    /// Σ xᵢ as one node. ∂(Σ xᵢ)/∂xᵢ = 1 for each operand.
    ///
    /// The empty sum is 0.
    ///
    /// # Panics
    ///
    /// Panics if an operand belongs to another tape.
    #[inline]
    pub fn sum<'t>(&'t self, terms: &[Var<'t>]) -> Var<'t> {
        self.weighted_sum(Op::Sum, None, terms)
    }

    /// Σ cᵢ·xᵢ with constant coefficients, as one node.
    /// ∂(Σ cᵢxᵢ)/∂xᵢ = cᵢ.
    ///
    /// # Panics
    ///
    /// Panics if the two slices differ in length or an operand belongs to
    /// another tape.
    #[inline]
    pub fn linear<'t>(&'t self, coefficients: &[f64], terms: &[Var<'t>]) -> Var<'t> {
        assert_eq!(
            coefficients.len(),
            terms.len(),
            "Tape::linear needs one coefficient per term"
        );
        self.weighted_sum(Op::Linear, Some(coefficients), terms)
    }

    /// The dot product Σ xᵢ·yᵢ of two lists of variables, as one node.
    /// ∂/∂xᵢ = yᵢ and ∂/∂yᵢ = xᵢ.
    ///
    /// # Panics
    ///
    /// Panics if the two slices differ in length or an operand belongs to
    /// another tape.
    #[inline]
    pub fn dot<'t>(&'t self, xs: &[Var<'t>], ys: &[Var<'t>]) -> Var<'t> {
        assert_eq!(xs.len(), ys.len(), "Tape::dot needs lists of equal length");
        self.dot_product(xs, ys)
    }

    /// ln Σᵢ e^xᵢ as one node: a smooth maximum, and the normaliser of a
    /// softmax. ∂/∂xᵢ = e^xᵢ / Σⱼ e^xⱼ, the softmax of the operands, which
    /// sums to 1.
    ///
    /// Computed around the largest operand m, as m + ln(1 + Σ e^(xᵢ-m)),
    /// so that value and partials are finite wherever the true ones are:
    /// at ±1e3 and far beyond. Conventions: the empty sum gives -∞; a NaN
    /// operand makes everything NaN; operands at +∞ share the gradient
    /// equally; if every operand is -∞, each gets 1/n.
    ///
    /// # Examples
    ///
    /// ```
    /// use tape::Tape;
    ///
    /// let tape = Tape::new();
    /// let x = [tape.var(1000.0), tape.var(1000.0)];
    /// let lse = tape.log_sum_exp(&x);
    /// assert_eq!(lse.value(), 1000.0 + 2.0_f64.ln());
    /// assert_eq!(tape.backward(lse).wrt(x[0]), 0.5);
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if an operand belongs to another tape.
    pub fn log_sum_exp<'t>(&'t self, terms: &[Var<'t>]) -> Var<'t> {
        for &term in terms {
            self.check_owns(term);
        }
        // SAFETY: no other reference to the storage is alive (see `nodes_mut`).
        let nodes = unsafe { self.nodes_mut() };
        let start = nodes.push_operands(terms);
        let value = rules::log_sum_exp_in_place(&mut nodes.partials[start..]);
        Var::new(self, nodes.push_many(Op::LogSumExp, start, value))
    }
}
