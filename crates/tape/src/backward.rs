//! The reverse sweep, and the gradients it leaves behind.

use std::fmt;
use std::ops::Index;

use crate::tape::{AFFINE, KIND, MANY};
use crate::{Tape, Var};

/// The derivatives of one output with respect to every node of a tape, as
/// left by [`Tape::backward`]. Look one up with [`Gradients::wrt`] or by
/// indexing with the node's handle.
///
/// # Examples
///
/// ```
/// use tape::Tape;
///
/// let tape = Tape::new();
/// let x = tape.var(3.0);
/// let y = x * x; // dy/dx = 2x
/// let grads = tape.backward(y);
/// assert_eq!(grads[x], 6.0);
/// ```
#[derive(Clone, Default)]
pub struct Gradients {
    tape_id: u64,
    generation: u64,
    adjoints: Vec<f64>,
}

impl Gradients {
    /// An empty set of gradients, to be filled by [`Tape::backward_into`]
    /// and reused across training steps without reallocating.
    pub fn new() -> Gradients {
        Gradients::default()
    }

    /// The derivative of the output with respect to `var`.
    ///
    /// A node the output does not depend on, including any node recorded
    /// after the output, has derivative exactly 0.
    ///
    /// # Panics
    ///
    /// Panics if `var` belongs to another tape, or to the same tape after it
    /// was cleared: the gradients describe nodes that no longer exist.
    pub fn wrt(&self, var: Var<'_>) -> f64 {
        let tape = var.tape();
        assert!(
            tape.id() == self.tape_id && tape.generation() == self.generation,
            "Gradients::wrt was given a Var of another tape, or of a tape that \
             has been cleared since these gradients were taken"
        );
        self.adjoints
            .get(var.index as usize)
            .copied()
            .unwrap_or(0.0)
    }

    /// Whether these gradients were taken on `tape` as it is now.
    pub(crate) fn belongs_to(&self, tape: &Tape) -> bool {
        tape.id() == self.tape_id && tape.generation() == self.generation
    }

    /// The adjoints by internal node index, the sink's included.
    pub(crate) fn adjoints(&self) -> &[f64] {
        &self.adjoints
    }

    /// The adjoint of every node, in tape order (the node at
    /// [`Var::index`] `k` is entry `k`), up to and including the output.
    pub fn as_slice(&self) -> &[f64] {
        // Entry 0 is the tape's hidden sink node.
        self.adjoints.get(1..).unwrap_or(&[])
    }
}

impl<'t> Index<Var<'t>> for Gradients {
    type Output = f64;

    /// The same as [`Gradients::wrt`], including its panics.
    fn index(&self, var: Var<'t>) -> &f64 {
        // wrt does the checks; the zero for a node past the output needs a
        // place to live, hence the static.
        static ZERO: f64 = 0.0;
        self.wrt(var);
        self.adjoints.get(var.index as usize).unwrap_or(&ZERO)
    }
}

impl fmt::Debug for Gradients {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gradients")
            .field("tape_id", &self.tape_id)
            .field("adjoints", &self.adjoints)
            .finish()
    }
}

impl Tape {
    /// The derivative of `output` with respect to every node of the tape.
    ///
    /// A node whose derivative is 0 passes nothing on to its operands, even
    /// through an infinite local partial: a branch that does not affect the
    /// output never adds 0·∞ = NaN to the gradient.
    ///
    /// # Examples
    ///
    /// A node used twice receives both contributions: for y = x·x + x,
    /// dy/dx = 2x + 1.
    ///
    /// ```
    /// use tape::Tape;
    ///
    /// let tape = Tape::new();
    /// let x = tape.var(5.0);
    /// let y = x * x + x;
    /// assert_eq!(tape.backward(y).wrt(x), 11.0);
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `output` belongs to another tape.
    pub fn backward(&self, output: Var<'_>) -> Gradients {
        let mut grads = Gradients::new();
        self.backward_into(output, &mut grads);
        grads
    }

    /// Like [`Tape::backward`], but writes into `grads`, reusing its memory.
    ///
    /// # Panics
    ///
    /// Panics if `output` belongs to another tape.
    pub fn backward_into(&self, output: Var<'_>, grads: &mut Gradients) {
        self.check_owns(output);
        let nodes = self.nodes();
        let last = output.index as usize;

        grads.tape_id = self.id();
        grads.generation = self.generation();
        grads.adjoints.clear();
        grads.adjoints.resize(last + 1, 0.0);
        let adjoints = &mut grads.adjoints[..];

        // Every node was appended after its parents, so the tape is already a
        // topological order: by the time the loop reaches a node, every node
        // that uses it (all of which come later) has added its contribution.
        // Nodes after the output cannot reach it and are skipped.
        //
        // The chain rule then is one loop from the end: each node passes its
        // adjoint, times the local partial, to each parent. Contributions are
        // added, never assigned, so a node used by several others receives
        // the sum over all its paths to the output. Edges that a one-operand
        // node or a leaf does not use point at the sink with partial 0.
        let recorded = &nodes.nodes[..=last];
        adjoints[last] = 1.0;
        for index in (1..=last).rev() {
            // A node with adjoint 0 (one the output does not read, above all)
            // passes nothing on; skipping it keeps 0·∞ = NaN, from a partial
            // such as d√x/dx at 0, out of its parents' sums.
            let grad = adjoints[index];
            if grad == 0.0 {
                continue;
            }
            let node = recorded[index];
            match node.lhs & KIND {
                0 => {
                    let (lhs, rhs) = (node.lhs as usize, node.rhs as usize);
                    debug_assert!(lhs < index && rhs < index);
                    // SAFETY: parents are recorded before their node (the
                    // sink, 0, included), so `lhs, rhs < index < adjoints.len()`.
                    unsafe {
                        *adjoints.get_unchecked_mut(lhs) += grad * node.d_lhs;
                        *adjoints.get_unchecked_mut(rhs) += grad * node.d_rhs;
                    }
                }
                MANY => {
                    let start = (node.lhs & !KIND) as usize;
                    let edges = start..start + node.rhs as usize;
                    let parents = &nodes.parents[edges.clone()];
                    for (&parent, &partial) in parents.iter().zip(&nodes.partials[edges]) {
                        debug_assert!((parent as usize) < index);
                        // SAFETY: a parent was recorded before its node, so
                        // `parent < index < adjoints.len()`.
                        unsafe { *adjoints.get_unchecked_mut(parent as usize) += grad * partial };
                    }
                }
                _ => {
                    debug_assert_eq!(node.lhs & KIND, AFFINE);
                    let affine = nodes.affine[(node.lhs & !KIND) as usize];
                    let (first, n) = (affine.weights as usize, affine.count as usize);
                    let start = affine.inputs as usize;
                    let inputs = &nodes.partials[start..start + n];
                    // ∂z_j/∂w_ji = x_i, and ∂z_j/∂b_j = 1.
                    let weights = &mut adjoints[first..=first + n];
                    for (adjoint, &x) in weights.iter_mut().zip(inputs) {
                        *adjoint += grad * x;
                    }
                    weights[n] += grad;
                    // ∂z_j/∂x_i = w_ji, the value of the weight's node.
                    if affine.variable_inputs {
                        let parents = &nodes.parents[start..start + n];
                        for (&parent, w) in parents.iter().zip(&recorded[first..first + n]) {
                            adjoints[parent as usize] += grad * w.value;
                        }
                    }
                }
            }
        }
    }
}
