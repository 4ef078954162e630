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
//! parameters of one unit are contiguous. Writing the bias as the weight of a
//! constant input 1 then makes z^l_j a single dot product, recorded as one
//! n-ary node on the tape.

use tape::{Tape, Var};

use crate::Vars;

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

    /// The parameters of unit j (0-based): its weights, then its bias.
    fn unit_parameters<'p, 't>(&self, parameters: &'p [Var<'t>], j: usize) -> &'p [Var<'t>] {
        let start = self.offset + j * (self.inputs + 1);
        &parameters[start..start + self.inputs + 1]
    }

    /// The activations a^l of this layer when its inputs are given as plain
    /// numbers (the pixels of an image): inputs that are not variables
    /// become the constant coefficients of one linear node per unit.
    ///
    /// `inputs_and_one` holds the inputs followed by a 1 for the bias.
    pub(crate) fn forward_from_constants<'t>(
        &self,
        tape: &'t Tape,
        parameters: &[Var<'t>],
        inputs_and_one: &[f64],
        activations: &mut Vars<'t>,
    ) {
        debug_assert_eq!(inputs_and_one.len(), self.inputs + 1);
        activations.clear();
        for j in 0..self.units {
            let z = tape.linear(inputs_and_one, self.unit_parameters(parameters, j));
            activations.push(z.sigmoid());
        }
    }

    /// The activations a^l of this layer from the activations of layer l - 1,
    /// followed by a constant 1 for the bias.
    pub(crate) fn forward<'t>(
        &self,
        tape: &'t Tape,
        parameters: &[Var<'t>],
        inputs_and_one: &[Var<'t>],
        activations: &mut Vars<'t>,
    ) {
        debug_assert_eq!(inputs_and_one.len(), self.inputs + 1);
        activations.clear();
        for j in 0..self.units {
            let z = tape.dot(self.unit_parameters(parameters, j), inputs_and_one);
            activations.push(z.sigmoid());
        }
    }
}
