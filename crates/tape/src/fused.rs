//! Fused operations: the shapes a neural network is made of, each recorded
//! as one node per result rather than as a node per scalar operation.
//!
//! # Affine layers
//!
//! z_j = Σ_i w_ji·x_i + b_j for every unit j of a layer is the operation a
//! network spends its time on, and the one where a tape of general nodes
//! pays most for its generality. Recorded as
//! dot products, every unit would store an edge (a parent and a partial)
//! for each of its weights and for each input, although
//!
//! - its weights and bias are consecutive nodes, a [`Block`], so that the
//!   first one and a count say where all of them are;
//! - the partials towards the weights, ∂z_j/∂w_ji = x_i, are the same for
//!   every unit of the layer;
//! - the partials towards the inputs, ∂z_j/∂x_i = w_ji, are the values of
//!   the weight nodes, which the tape holds already.
//!
//! So a layer stores its inputs once, in the shared edge lists (their
//! values, and their nodes when they are variables), and each unit is one
//! node that points at them and at its first weight. The sweep and replay
//! read the partials from there. Each z_j is still a node of its own, with
//! its own value and adjoint: nothing about the tape stops being scalar.
//!
//! # Squared error
//!
//! C = ½ Σ_i (x_i - t_i)² against constant targets t is one node whose
//! partials are the errors x_i - t_i. The targets are kept after the edges
//! in the shared lists, so that replay can compute the errors anew.

use crate::rules::{Op, SUM_START};
use crate::tape::{AFFINE, Affine, MAX_NODES, Node, Nodes, SINK};
use crate::{Block, Tape, Var};

impl Tape {
    /// Records z_j = Σᵢ w_jᵢ·xᵢ + b_j for the units j = 1 … m of a layer, one
    /// node each, and appends them to `outputs` in order.
    ///
    /// `parameters` holds, unit after unit, the weights w_j1 … w_jn and then
    /// the bias b_j: m·(n + 1) nodes for n `inputs`, as [`Tape::vars`]
    /// records them. The partials are ∂z_j/∂w_jᵢ = xᵢ, ∂z_j/∂b_j = 1 and
    /// ∂z_j/∂xᵢ = w_jᵢ.
    ///
    /// The value is summed in the order w_j1·x_1 + … + w_jn·x_n + b_j, so it
    /// is the same number [`Tape::dot`] of the weights and the inputs, plus
    /// the bias, gives.
    ///
    /// # Examples
    ///
    /// Two units over two inputs: z_1 = 1·x_1 + 2·x_2 + 3 and
    /// z_2 = 4·x_1 + 5·x_2 + 6.
    ///
    /// ```
    /// use tape::Tape;
    ///
    /// let tape = Tape::new();
    /// let parameters = tape.vars(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    /// let x = [tape.var(0.5), tape.var(-1.0)];
    /// let mut z = Vec::new();
    /// tape.affine(parameters, &x, &mut z);
    /// assert_eq!(z[0].value(), 0.5 - 2.0 + 3.0);
    /// assert_eq!(z[1].value(), 2.0 - 5.0 + 6.0);
    ///
    /// let grads = tape.backward(z[1]);
    /// let w = |i| parameters.get(i).unwrap();
    /// assert_eq!(grads.wrt(w(3)), 0.5); // ∂z_2/∂w_21 = x_1
    /// assert_eq!(grads.wrt(w(5)), 1.0); // ∂z_2/∂b_2 = 1
    /// assert_eq!(grads.wrt(x[1]), 5.0); // ∂z_2/∂x_2 = w_22
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `parameters` does not hold n + 1 nodes per unit, or if the
    /// block or an input belongs to another tape.
    #[inline]
    pub fn affine<'t>(
        &'t self,
        parameters: Block<'t>,
        inputs: &[Var<'t>],
        outputs: &mut impl Extend<Var<'t>>,
    ) {
        self.check_layer(parameters, inputs.len());
        for &input in inputs {
            self.check_owns(input);
        }
        // SAFETY: no other reference to the storage is alive (see `nodes_mut`).
        let nodes = unsafe { self.nodes_mut() };
        // The inputs' values are the partials towards the weights.
        let start = nodes.push_operands(inputs);
        let units = record_units(nodes, parameters, start, inputs.len(), true);
        outputs.extend(units.map(|index| Var::new(self, index)));
    }

    /// [`Tape::affine`] for inputs that are constants rather than variables,
    /// such as the pixels of an image: the layer has no edges towards them.
    ///
    /// ```
    /// use tape::Tape;
    ///
    /// let tape = Tape::new();
    /// let parameters = tape.vars(&[2.0, -1.0, 0.25]);
    /// let mut z = Vec::new();
    /// tape.affine_constant(parameters, &[3.0, 4.0], &mut z);
    /// assert_eq!(z[0].value(), 6.0 - 4.0 + 0.25);
    /// assert_eq!(tape.backward(z[0]).wrt(parameters.get(1).unwrap()), 4.0);
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `parameters` does not hold n + 1 nodes per unit, or if the
    /// block belongs to another tape.
    #[inline]
    pub fn affine_constant<'t>(
        &'t self,
        parameters: Block<'t>,
        inputs: &[f64],
        outputs: &mut impl Extend<Var<'t>>,
    ) {
        let n = inputs.len();
        self.check_layer(parameters, n);
        // SAFETY: no other reference to the storage is alive (see `nodes_mut`).
        let nodes = unsafe { self.nodes_mut() };
        let start = nodes.parents.len();
        // The parents stay in step with the partials; a constant's edge
        // would lead to the sink, and the sweep does not follow it.
        nodes.parents.resize(start + n, SINK);
        nodes.partials.extend_from_slice(inputs);
        let units = record_units(nodes, parameters, start, n, false);
        outputs.extend(units.map(|index| Var::new(self, index)));
    }

    /// Panics unless `parameters` lives on this tape and has n + 1 nodes a
    /// unit.
    #[inline]
    fn check_layer(&self, parameters: Block<'_>, n: usize) {
        assert!(
            std::ptr::eq(self, parameters.tape()),
            "a Block of one tape was used in an operation on another tape: \
             every operand of an operation must come from the same Tape"
        );
        assert!(
            parameters.len() % (n + 1) == 0,
            "an affine layer over {n} inputs needs {} parameters per unit (weights and a bias), \
             got {} in all",
            n + 1,
            parameters.len()
        );
    }

    /// Records ½ Σᵢ (xᵢ - tᵢ)², the squared error of `outputs` against
    /// constant `targets`, as one node. ∂/∂xᵢ = xᵢ - tᵢ.
    ///
    /// The errors are squared and summed in order and the sum then halved,
    /// the same number `0.5 * tape.dot(&errors, &errors)` gives.
    ///
    /// # Examples
    ///
    /// ```
    /// use tape::Tape;
    ///
    /// let tape = Tape::new();
    /// let a = [tape.var(0.75), tape.var(0.5)];
    /// let cost = tape.squared_error(&a, &[1.0, 0.0]);
    /// assert_eq!(cost.value(), 0.5 * (0.0625 + 0.25));
    /// let grads = tape.backward(cost);
    /// assert_eq!(grads.wrt(a[0]), -0.25);
    /// assert_eq!(grads.wrt(a[1]), 0.5);
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if the slices differ in length or an output belongs to
    /// another tape.
    #[inline]
    pub fn squared_error<'t>(&'t self, outputs: &[Var<'t>], targets: &[f64]) -> Var<'t> {
        assert_eq!(
            outputs.len(),
            targets.len(),
            "Tape::squared_error needs one target per output"
        );
        for &output in outputs {
            self.check_owns(output);
        }
        // SAFETY: no other reference to the storage is alive (see `nodes_mut`).
        let nodes = unsafe { self.nodes_mut() };
        let start = nodes.parents.len();
        nodes
            .parents
            .extend(outputs.iter().map(|output| output.index));
        let errors = outputs
            .iter()
            .zip(targets)
            .map(|(output, &t)| nodes.nodes[output.index as usize].value - t);
        nodes.partials.extend(errors);
        let value = half_sum_of_squares(&nodes.partials[start..]);
        let index = nodes.push_many(Op::SquaredError, start, value);
        // The targets follow the node's edges, for replay: data, not edges,
        // so their parents are the sink.
        nodes
            .parents
            .resize(nodes.parents.len() + targets.len(), SINK);
        nodes.partials.extend_from_slice(targets);
        Var::new(self, index)
    }
}

/// ½ Σ eᵢ², summed in order: the value of a squared-error node.
#[inline]
pub(crate) fn half_sum_of_squares(errors: &[f64]) -> f64 {
    let mut sum = 0.0;
    for &e in errors {
        sum += e * e;
    }
    0.5 * sum
}

/// Records one node per unit over the layer's inputs, stored from `start` in
/// the shared edge lists, and returns the nodes' indices.
fn record_units(
    nodes: &mut Nodes,
    parameters: Block<'_>,
    start: usize,
    n: usize,
    variable_inputs: bool,
) -> std::ops::Range<u32> {
    assert!(start < MAX_NODES, "a tape holds at most 2^30 shared edges");
    let first = nodes.nodes.len() as u32;
    let units = parameters.len() / (n + 1);
    for unit in 0..units {
        let affine = Affine {
            weights: parameters.first() + (unit * (n + 1)) as u32,
            inputs: start as u32,
            count: n as u32,
            variable_inputs,
        };
        let value = evaluate(&nodes.nodes, &nodes.partials, affine);
        let entry = nodes.affine.len();
        assert!(entry < MAX_NODES, "a tape holds at most 2^30 affine units");
        nodes.affine.push(affine);
        let node = Node {
            value,
            d_lhs: 0.0,
            d_rhs: 0.0,
            lhs: AFFINE | entry as u32,
            rhs: 0,
        };
        nodes.push(Op::Affine, node);
    }
    first..nodes.nodes.len() as u32
}

/// z_j = Σᵢ w_jᵢ·xᵢ + b_j, in that order, from the input values stored in
/// the shared partials: the rule recording and replay share.
#[inline]
pub(crate) fn evaluate(nodes: &[Node], partials: &[f64], affine: Affine) -> f64 {
    let n = affine.count as usize;
    let weights = &nodes[affine.weights as usize..][..=n];
    let inputs = &partials[affine.inputs as usize..][..n];
    // From -0, so that the value is the terms written out (see SUM_START).
    let mut sum = SUM_START;
    for (w, &x) in weights.iter().zip(inputs) {
        sum += w.value * x;
    }
    sum + weights[n].value
}
