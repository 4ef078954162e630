//! One layer of sigmoid units.
//!
//! A layer l with n inputs and m units computes, for j = 1 … m,
//!
//! ```text
//! z^l_j = Σ_i w^l_ji · a^(l-1)_i + b^l_j
//! a^l_j = σ(z^l_j)
//! ```
//!
//! The layer owns no numbers: its parameters live in the network's list, in
//! the order w^l_j1 … w^l_jn, b^l_j for each unit j in turn, so that the
//! parameters of one unit are contiguous, and the parameters of a layer are
//! just what [`Tape::affine`] takes: the layer's z^l is recorded as one node
//! per unit that shares the layer's inputs a^(l-1) with the other units.
//! Parameters that are not one block of nodes (the caller's own handles)
//! are recorded unit by unit as a dot product plus the bias instead: the
//! same numbers, as more nodes.

use tape::{Tape, Var};

use crate::Vars;
use crate::network::Recorded;

/// The shape of one layer and the place of its parameters in the network's
/// parameter list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    number: usize,
    inputs: usize,
    units: usize,
    offset: usize,
}

impl Layer {
    /// A layer numbered `number` (2 for the first layer after the input, as
    /// in w^2_ji), with `inputs` inputs and `units` units, whose parameters
    /// start at `offset` in the network's list.
    pub(crate) fn new(number: usize, inputs: usize, units: usize, offset: usize) -> Layer {
        Layer {
            number,
            inputs,
            units,
            offset,
        }
    }

    /// The layer's number l, counted from the input layer, which is 1.
    pub fn number(&self) -> usize {
        self.number
    }

    /// The number of inputs, the units of layer l - 1.
    pub fn inputs(&self) -> usize {
        self.inputs
    }

    /// The number of units.
    pub fn units(&self) -> usize {
        self.units
    }

    /// How many parameters the layer has: a weight per input and a bias, for
    /// each unit.
    pub fn parameter_count(&self) -> usize {
        self.units * (self.inputs + 1)
    }

    /// The parameter names of the layer in list order, 1-based as in the
    /// maths: `w2[1][1]` … `w2[1][12]`, `b2[1]`, `w2[2][1]`, …
    pub(crate) fn parameter_names(&self) -> impl Iterator<Item = String> + '_ {
        let l = self.number;
        (1..=self.units).flat_map(move |j| {
            (1..=self.inputs)
                .map(move |i| format!("w{l}[{j}][{i}]"))
                .chain(std::iter::once(format!("b{l}[{j}]")))
        })
    }

    /// Where the layer's parameters sit in the network's list.
    fn range(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + self.parameter_count()
    }

    /// The activations a^l of this layer when its inputs are given as plain
    /// numbers (the pixels of an image): inputs that are not variables
    /// become constants of the layer's nodes.
    pub(crate) fn forward_from_constants<'t>(
        &self,
        tape: &'t Tape,
        parameters: Recorded<'_, 't>,
        inputs: &[f64],
        activations: &mut Vars<'t>,
    ) {
        debug_assert_eq!(inputs.len(), self.inputs);
        activations.clear();
        match parameters {
            Recorded::Block(block) => {
                tape.affine_constant(block.slice(self.range()), inputs, activations);
            }
            Recorded::Handles(handles) => {
                for unit in handles[self.range()].chunks_exact(self.inputs + 1) {
                    let z = tape.linear(inputs, &unit[..self.inputs]) + unit[self.inputs];
                    activations.extend(std::iter::once(z));
                }
            }
        }
        activations.sigmoid_in_place();
    }

    /// The activations a^l of this layer from the activations of layer l - 1.
    pub(crate) fn forward<'t>(
        &self,
        tape: &'t Tape,
        parameters: Recorded<'_, 't>,
        inputs: &[Var<'t>],
        activations: &mut Vars<'t>,
    ) {
        debug_assert_eq!(inputs.len(), self.inputs);
        activations.clear();
        match parameters {
            Recorded::Block(block) => tape.affine(block.slice(self.range()), inputs, activations),
            Recorded::Handles(handles) => {
                for unit in handles[self.range()].chunks_exact(self.inputs + 1) {
                    let z = tape.dot(&unit[..self.inputs], inputs) + unit[self.inputs];
                    activations.extend(std::iter::once(z));
                }
            }
        }
        activations.sigmoid_in_place();
    }
}
