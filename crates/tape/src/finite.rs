//! Finding where a computation stopped being finite.
//!
//! A NaN or an infinity spreads: every node computed from one is NaN or
//! infinite too, so by the time the output shows it, the node that made it
//! is long buried. Because the tape is in creation order, the first node
//! whose value is not finite is the one that made it, and its operands are
//! all finite: the report names that node, its operation and the values it
//! was computed from. Adjoints spread the other way, from the output back,
//! so the first adjoint to go bad is the one with the highest index.

use std::fmt;

use crate::rules::Op;
use crate::tape::{AFFINE, KIND, MANY, Nodes, SINK};
use crate::{Gradients, Tape};

/// How many operands a [`NonFinite`] report lists; the rest are counted.
const LISTED_OPERANDS: usize = 8;

/// Which number of a node is not finite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NonFiniteKind {
    /// The node's value, computed when it was recorded (or replayed).
    Value,
    /// The node's adjoint, the derivative of the output with respect to
    /// it, computed by the reverse sweep.
    Adjoint,
}

/// The first node of a tape whose value or adjoint is NaN or infinite, as
/// [`Tape::first_non_finite`] finds it.
#[derive(Clone, Debug, PartialEq)]
pub struct NonFinite {
    /// The node's position, as [`Var::index`](crate::Var::index) gives it.
    pub index: usize,
    /// The node's operation ("sigmoid", "dot", "input", …), if the tape
    /// keeps operations (a tape made with [`Tape::with_replay`] does), or
    /// else its shape ("two operands", "many operands", "affine", "leaf").
    pub operation: &'static str,
    /// Which of its numbers is not finite.
    pub kind: NonFiniteKind,
    /// The node's value.
    pub value: f64,
    /// The node's adjoint, if gradients were given: 0 for a node the
    /// output does not depend on, as [`Gradients::wrt`] says.
    pub adjoint: Option<f64>,
    /// The first operands (up to 8), as positions and values.
    pub operands: Vec<(usize, f64)>,
    /// How many operands the node has in all.
    pub operand_count: usize,
}

/// Numbers are written as `{:?}` writes them, which switches to an exponent
/// for the very large and the very small: 1e-320 rather than 320 digits.
impl fmt::Display for NonFinite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let number = match self.kind {
            NonFiniteKind::Value => "value",
            NonFiniteKind::Adjoint => "adjoint",
        };
        let shown = match self.kind {
            NonFiniteKind::Value => self.value,
            NonFiniteKind::Adjoint => self.adjoint.unwrap_or(f64::NAN),
        };
        write!(
            f,
            "node {} ({}) has {number} {shown:?}",
            self.index, self.operation
        )?;
        if self.kind == NonFiniteKind::Adjoint {
            write!(f, " (its value is {:?})", self.value)?;
        }
        if self.operand_count > 0 {
            f.write_str(", from")?;
            for (k, (index, value)) in self.operands.iter().enumerate() {
                let comma = if k == 0 { "" } else { "," };
                write!(f, "{comma} node {index} = {value:?}")?;
            }
            let more = self.operand_count - self.operands.len();
            if more > 0 {
                write!(f, " and {more} more")?;
            }
        }
        Ok(())
    }
}

impl Tape {
    /// The first node whose value is NaN or infinite, in creation order;
    /// or, if every value is finite and `grads` are given, the first node
    /// whose adjoint is, in the order the sweep computed them (from the
    /// output back). `None` if every number is finite.
    ///
    /// Run it after a result turned out non-finite, to see where that
    /// started. It reads the tape once and changes nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// use tape::{NonFiniteKind, Tape};
    ///
    /// let tape = Tape::with_replay();
    /// let x = tape.var(0.0);
    /// let y = tape.var(2.0);
    /// let f = (y / x).sin(); // y/x = ∞ and sin ∞ = NaN
    /// let bad = tape.first_non_finite(None).expect("y/x is infinite");
    /// assert_eq!(bad.index, 2);
    /// assert_eq!(bad.operation, "div");
    /// assert_eq!(bad.kind, NonFiniteKind::Value);
    /// assert_eq!(bad.operands, [(1, 2.0), (0, 0.0)]);
    /// assert!(f.value().is_nan());
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `grads` were taken on another tape, or on this one before
    /// it was cleared.
    pub fn first_non_finite(&self, grads: Option<&Gradients>) -> Option<NonFinite> {
        let nodes = self.nodes();
        let adjoints = grads.map(|grads| {
            assert!(
                grads.belongs_to(self),
                "Tape::first_non_finite was given the gradients of another tape, or of this \
                 tape before it was cleared"
            );
            grads.adjoints()
        });
        let adjoint = |index: usize| adjoints.map(|a| a.get(index).copied().unwrap_or(0.0));

        let by_value = (1..nodes.nodes.len()).find(|&i| !nodes.nodes[i].value.is_finite());
        let (index, kind) = match by_value {
            Some(index) => (index, NonFiniteKind::Value),
            None => {
                let adjoints = adjoints?;
                let index = (1..adjoints.len())
                    .rev()
                    .find(|&i| !adjoints[i].is_finite())?;
                (index, NonFiniteKind::Adjoint)
            }
        };

        let operands = operands(nodes, index);
        Some(NonFinite {
            index: index - 1,
            operation: operation(nodes, index),
            kind,
            value: nodes.nodes[index].value,
            adjoint: adjoint(index),
            operand_count: operands.len(),
            operands: operands
                .into_iter()
                .take(LISTED_OPERANDS)
                .map(|parent| (parent as usize - 1, nodes.nodes[parent as usize].value))
                .collect(),
        })
    }
}

/// The operands of node `index`, in the order its rule takes them.
fn operands(nodes: &Nodes, index: usize) -> Vec<u32> {
    let node = nodes.nodes[index];
    match node.lhs & KIND {
        0 => [node.lhs, node.rhs]
            .into_iter()
            .filter(|&parent| parent != SINK)
            .collect(),
        MANY => {
            let start = (node.lhs & !KIND) as usize;
            nodes.parents[start..start + node.rhs as usize].to_vec()
        }
        _ => {
            debug_assert_eq!(node.lhs & KIND, AFFINE);
            let unit = nodes.affine[(node.lhs & !KIND) as usize];
            let weights = unit.weights..=unit.weights + unit.count;
            let start = unit.inputs as usize;
            let inputs = &nodes.parents[start..start + unit.count as usize];
            let inputs = inputs.iter().copied().filter(|_| unit.variable_inputs);
            weights.chain(inputs).collect()
        }
    }
}

/// The name of node `index`'s operation, or of its shape when the tape
/// keeps no operations.
fn operation(nodes: &Nodes, index: usize) -> &'static str {
    if let Some(ops) = &nodes.ops {
        return ops[index].name();
    }
    let node = nodes.nodes[index];
    match node.lhs & KIND {
        0 if node.lhs == SINK => "leaf",
        0 if node.rhs == SINK => "one operand",
        0 => "two operands",
        MANY => "many operands",
        _ => "affine",
    }
}

impl Op {
    /// The operation's name, as the methods that record it are called.
    fn name(self) -> &'static str {
        match self {
            Op::Input => "input",
            Op::Constant => "constant",
            Op::Add | Op::AddConst(_) => "add",
            Op::Sub | Op::SubConst(_) | Op::ConstSub(_) => "sub",
            Op::Mul | Op::MulConst(_) => "mul",
            Op::Div | Op::DivConst(_) | Op::ConstDiv(_) => "div",
            Op::Neg => "neg",
            Op::Exp => "exp",
            Op::Ln => "ln",
            Op::Sqrt => "sqrt",
            Op::Powi(_) => "powi",
            Op::Powf(_) => "powf",
            Op::Pow => "pow",
            Op::Sin => "sin",
            Op::Cos => "cos",
            Op::Tanh => "tanh",
            Op::Sigmoid => "sigmoid",
            Op::Softplus => "softplus",
            Op::Relu => "relu",
            Op::Abs => "abs",
            Op::Max => "max",
            Op::Min => "min",
            Op::Sum => "sum",
            Op::Linear => "linear",
            Op::Dot => "dot",
            Op::Affine => "affine",
            Op::SquaredError => "squared_error",
            Op::LogSumExp => "log_sum_exp",
            Op::Custom => "custom",
        }
    }
}
