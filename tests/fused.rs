//! The fused operations (`Tape::affine`, `Tape::affine_constant` and
//! `Tape::squared_error`) against numbers computed another way:
//!
//! - small layers worked out by hand, with values chosen so that every
//!   product and sum is exact in binary, so the expected numbers are exact;
//! - the same functions built from the tape's general operations
//!   (`dot` or `linear` plus the bias, and ½ e·e for the squared error),
//!   which sum in the order the fused docs promise: values and gradients
//!   must agree to the last bit;
//! - central finite differences, which know nothing of the tape;
//! - a fresh recording, for a replayed tape.
//!
//! A fused layer takes its parameters as a `Block`, consecutive nodes by
//! construction, so it has one path only. Handles that are not one block
//! are `nn`'s to deal with: it records such a layer unit by unit with the
//! general operations of the second formulation. So the file also checks
//! `Tape::block`, which tells the two kinds of handles apart, against the
//! order the handles were recorded in, and `nn`'s two paths against each
//! other, bit for bit, with the tape's length showing which path ran.

use nn::Layer;
use proptest::collection::vec;
use proptest::prelude::*;
use tape::{Block, Gradients, Tape, Var, check_gradient};

/// Cases per property: enough to meet every shape of a small network, few
/// enough that the file runs well under a second in a debug build.
const CASES: u32 = 128;

/// The mismatch [`tape::GradientCheck::error`] may reach for the sigmoid
/// network of `gradient_matches_finite_differences`, whose derivatives are
/// all small on these domains. Measured with the tape correct, the worst
/// over 10⁵ cases was 4e-11, rounding in the difference quotient; a wrong
/// partial is off by far more than the 250-fold margin.
const FINITE_DIFFERENCE_TOLERANCE: f64 = 1e-8;

/// Replays per recording in `replay_equals_a_fresh_recording_each_time`:
/// more than one, so that a value left over from the replay before is met.
const REPLAYS: std::ops::RangeInclusive<usize> = 2..=4;

/// The value of the unrelated variables a [`Layout`] records between
/// handles; any number will do, since nothing reads them.
const UNRELATED: f64 = 7.0;

/// The layer sizes of the `nn` network whose two paths are compared.
const SIZES: [usize; 3] = [12, 3, 2];

/// Its parameters: 3·(12 + 1) + 2·(3 + 1).
const PARAMETERS_OF_SIZES: usize = 47;

// Exact comparison.

/// Numbers that are equal only when equal to the last bit (so 0 ≠ -0 and
/// NaN = NaN), but that print as numbers when they are not.
#[derive(Debug)]
struct Exactly(Vec<f64>);

impl PartialEq for Exactly {
    fn eq(&self, other: &Exactly) -> bool {
        let bits = |values: &[f64]| values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        bits(&self.0) == bits(&other.0)
    }
}

/// The value of each node.
fn values(vars: &[Var<'_>]) -> Vec<f64> {
    vars.iter().map(|var| var.value()).collect()
}

/// The derivative of the swept output towards each node.
fn gradient(grads: &Gradients, vars: &[Var<'_>]) -> Vec<f64> {
    vars.iter().map(|&var| grads.wrt(var)).collect()
}

/// The position of each node on its tape.
fn indices(vars: &[Var<'_>]) -> Vec<usize> {
    vars.iter().map(|var| var.index()).collect()
}

/// The handles of a block's nodes, in order.
fn handles(block: Block<'_>) -> Vec<Var<'_>> {
    block.iter().collect()
}

// The two formulations.

/// How a layer and the cost are recorded.
#[derive(Clone, Copy, Debug)]
enum Formulation {
    /// With the fused operations under test.
    Fused,
    /// With `dot` or `linear` plus the bias, and ½ e·e: the oracle.
    Elementary,
}

/// A layer's inputs: nodes of the tape, or constants.
#[derive(Clone, Copy)]
enum LayerInputs<'a, 't> {
    Variable(&'a [Var<'t>]),
    Constant(&'a [f64]),
}

/// z_j = Σ_i w_ji·x_i + b_j for every unit j whose weights and bias are the
/// next n + 1 `parameters`.
fn layer<'t>(
    tape: &'t Tape,
    formulation: Formulation,
    parameters: Block<'t>,
    inputs: LayerInputs<'_, 't>,
) -> Vec<Var<'t>> {
    let mut z = Vec::new();
    match (formulation, inputs) {
        (Formulation::Fused, LayerInputs::Variable(x)) => tape.affine(parameters, x, &mut z),
        (Formulation::Fused, LayerInputs::Constant(x)) => {
            tape.affine_constant(parameters, x, &mut z);
        }
        (Formulation::Elementary, LayerInputs::Variable(x)) => {
            let n = x.len();
            let parameters = handles(parameters);
            let units = parameters.chunks_exact(n + 1);
            z.extend(units.map(|unit| tape.dot(&unit[..n], x) + unit[n]));
        }
        (Formulation::Elementary, LayerInputs::Constant(x)) => {
            let n = x.len();
            let parameters = handles(parameters);
            let units = parameters.chunks_exact(n + 1);
            z.extend(units.map(|unit| tape.linear(x, &unit[..n]) + unit[n]));
        }
    }
    z
}

/// What the network's outputs are reduced to.
#[derive(Clone, Copy, Debug)]
enum Cost {
    /// Σ_j z_j, which passes an adjoint of 1 to every output.
    Sum,
    /// ½ Σ_j (z_j - t_j)².
    SquaredError,
}

fn cost<'t>(
    tape: &'t Tape,
    formulation: Formulation,
    cost: Cost,
    outputs: &[Var<'t>],
    targets: &[f64],
) -> Var<'t> {
    match (cost, formulation) {
        (Cost::Sum, _) => tape.sum(outputs),
        (Cost::SquaredError, Formulation::Fused) => tape.squared_error(outputs, targets),
        (Cost::SquaredError, Formulation::Elementary) => {
            let errors: Vec<_> = outputs.iter().zip(targets).map(|(&a, &t)| a - t).collect();
            0.5 * tape.dot(&errors, &errors)
        }
    }
}

// A two-layer network.

/// Where a two-layer network is evaluated: n inputs x, the first layer's
/// parameters (n + 1 a hidden unit), the second's (one per hidden unit and
/// a bias, for each output) and one target per output.
#[derive(Clone, Debug)]
struct TwoLayers {
    inputs: Vec<f64>,
    first: Vec<f64>,
    second: Vec<f64>,
    targets: Vec<f64>,
}

impl TwoLayers {
    fn hidden(&self) -> usize {
        self.first.len() / (self.inputs.len() + 1)
    }

    fn outputs(&self) -> usize {
        self.targets.len()
    }

    /// The values [`Tape::replay`] takes, in the order [`record`] records
    /// the inputs.
    fn replay_inputs(&self, inputs: Inputs) -> Vec<f64> {
        let x = match inputs {
            Inputs::Variable => &self.inputs[..],
            Inputs::Constant => &[],
        };
        [x, &self.first, &self.second].concat()
    }
}

/// Whether the first layer's inputs are variables or constants (the
/// second layer's, the hidden activations, are always variables).
#[derive(Clone, Copy, Debug)]
enum Inputs {
    Variable,
    Constant,
}

/// How to record a network.
#[derive(Clone, Debug)]
struct Recipe {
    inputs: Inputs,
    cost: Cost,
    formulation: Formulation,
}

/// A recording of the network: the handles of its variables and every
/// intermediate.
struct Recorded<'t> {
    inputs: Vec<Var<'t>>,
    first: Block<'t>,
    second: Block<'t>,
    hidden: Vec<Var<'t>>,
    activations: Vec<Var<'t>>,
    outputs: Vec<Var<'t>>,
    cost: Var<'t>,
    /// The nodes each layer added to the tape.
    layer_nodes: [usize; 2],
}

impl Recorded<'_> {
    fn values(&self) -> Exactly {
        let layers = [&self.hidden, &self.activations, &self.outputs];
        let mut all: Vec<f64> = layers.iter().flat_map(|vars| values(vars)).collect();
        all.push(self.cost.value());
        Exactly(all)
    }

    /// The gradient towards every variable and intermediate.
    fn gradient(&self, grads: &Gradients) -> Exactly {
        let nodes = [
            &self.inputs,
            &handles(self.first),
            &handles(self.second),
            &self.hidden,
            &self.activations,
            &self.outputs,
        ];
        Exactly(
            nodes
                .iter()
                .flat_map(|vars| gradient(grads, vars))
                .collect(),
        )
    }
}

/// Records z¹ = W¹x + b¹, a = σ(z¹), z² = W²a + b² and the cost, with the
/// variable inputs (if any) first, then the first layer's parameters, then
/// the second's, each layer's as one block.
fn record<'t>(tape: &'t Tape, network: &TwoLayers, recipe: &Recipe) -> Recorded<'t> {
    let formulation = recipe.formulation;
    let inputs = match recipe.inputs {
        Inputs::Variable => handles(tape.vars(&network.inputs)),
        Inputs::Constant => Vec::new(),
    };
    let first = tape.vars(&network.first);
    let second = tape.vars(&network.second);

    let before = tape.len();
    let layer_inputs = match recipe.inputs {
        Inputs::Variable => LayerInputs::Variable(&inputs),
        Inputs::Constant => LayerInputs::Constant(&network.inputs),
    };
    let hidden = layer(tape, formulation, first, layer_inputs);
    let first_nodes = tape.len() - before;
    let activations: Vec<_> = hidden.iter().map(|z| z.sigmoid()).collect();

    let before = tape.len();
    let outputs = layer(
        tape,
        formulation,
        second,
        LayerInputs::Variable(&activations),
    );
    let second_nodes = tape.len() - before;
    let cost = cost(tape, formulation, recipe.cost, &outputs, &network.targets);
    Recorded {
        inputs,
        first,
        second,
        hidden,
        activations,
        outputs,
        cost,
        layer_nodes: [first_nodes, second_nodes],
    }
}

// Handles laid out on a tape, for `Tape::block` and `nn`'s two paths.

/// How a list of handles is recorded on a tape.
#[derive(Clone, Debug)]
enum Layout {
    /// Handle k recorded after `gaps[k]` unrelated variables: one block
    /// exactly when no gap falls between two handles (a gap before the
    /// first one does not).
    Gaps(Vec<usize>),
    /// Handle `order[0]` recorded first, then `order[1]` and so on: one
    /// block exactly when the order is the identity.
    Shuffled(Vec<usize>),
}

impl Layout {
    /// Whether handles laid out so are consecutive nodes in list order, by
    /// the layout alone: the oracle for `Tape::block`.
    fn is_one_block(&self) -> bool {
        match self {
            Layout::Gaps(gaps) => gaps.iter().skip(1).all(|&gap| gap == 0),
            Layout::Shuffled(order) => order.iter().enumerate().all(|(k, &slot)| k == slot),
        }
    }
}

/// Records one variable per value as `layout` says, and returns their
/// handles in the order of `values`, and the unrelated variables.
fn record_handles<'t>(
    tape: &'t Tape,
    values: &[f64],
    layout: &Layout,
) -> (Vec<Var<'t>>, Vec<Var<'t>>) {
    let mut unrelated = Vec::new();
    let handles = match layout {
        Layout::Gaps(gaps) => {
            let mut handles = Vec::with_capacity(values.len());
            for (&value, &gap) in values.iter().zip(gaps) {
                unrelated.extend((0..gap).map(|_| tape.var(UNRELATED)));
                handles.push(tape.var(value));
            }
            handles
        }
        Layout::Shuffled(order) => {
            let mut slots = vec![None; values.len()];
            for &k in order {
                slots[k] = Some(tape.var(values[k]));
            }
            let slots = slots.into_iter();
            slots.map(|slot| slot.expect("a permutation")).collect()
        }
    };
    (handles, unrelated)
}

// Strategies.

/// A network of the given shape, with parameters and inputs of the size a
/// network meets and targets in the sigmoid's range.
fn shaped(inputs: usize, hidden: usize, outputs: usize) -> impl Strategy<Value = TwoLayers> {
    let value = -2.0..2.0;
    (
        vec(value.clone(), inputs),
        vec(value.clone(), hidden * (inputs + 1)),
        vec(value, outputs * (hidden + 1)),
        vec(0.0..1.0, outputs),
    )
        .prop_map(|(inputs, first, second, targets)| TwoLayers {
            inputs,
            first,
            second,
            targets,
        })
}

/// A network of up to `max_inputs` inputs and `max_units` units a layer.
fn network(max_inputs: usize, max_units: usize) -> impl Strategy<Value = TwoLayers> {
    (1..=max_inputs, 1..=max_units, 1..=max_units)
        .prop_flat_map(|(inputs, hidden, outputs)| shaped(inputs, hidden, outputs))
}

fn input_kind() -> impl Strategy<Value = Inputs> {
    prop_oneof![Just(Inputs::Variable), Just(Inputs::Constant)]
}

fn cost_kind() -> impl Strategy<Value = Cost> {
    prop_oneof![Just(Cost::Sum), Just(Cost::SquaredError)]
}

/// A network and a few more points of the same shape to replay it at.
fn network_and_replays() -> impl Strategy<Value = (TwoLayers, Vec<TwoLayers>)> {
    (1..=8usize, 1..=6usize, 1..=6usize).prop_flat_map(|(inputs, hidden, outputs)| {
        let later = vec(shaped(inputs, hidden, outputs), REPLAYS);
        (shaped(inputs, hidden, outputs), later)
    })
}

/// A layout of `n` handles: mostly with no gap before a handle, so that
/// lists with no gap inside come up too, or in a shuffled order.
fn layout(n: usize) -> impl Strategy<Value = Layout> {
    let gap = prop_oneof![3 => Just(0usize), 1 => 1..=2usize];
    let identity: Vec<usize> = (0..n).collect();
    prop_oneof![
        vec(gap, n).prop_map(Layout::Gaps),
        Just(identity).prop_shuffle().prop_map(Layout::Shuffled),
    ]
}

/// Up to 12 values and a layout for them.
fn values_and_layout() -> impl Strategy<Value = (Vec<f64>, Layout)> {
    (0..=12usize).prop_flat_map(|n| (vec(-2.0..2.0, n), layout(n)))
}

// Small layers by hand.

/// The inputs of the hand-worked layer.
const X: [f64; 3] = [0.5, -1.0, 2.0];

/// Its parameters, unit after unit: w_11, w_12, w_13, b_1, then unit 2.
const PARAMETERS: [f64; 8] = [1.0, 2.0, -3.0, 0.25, -0.5, 4.0, 1.5, -1.0];

/// z_1 = 1·0.5 + 2·(-1) + (-3)·2 + 0.25 = 0.5 - 2 - 6 + 0.25 = -7.25;
/// z_2 = (-0.5)·0.5 + 4·(-1) + 1.5·2 - 1 = -0.25 - 4 + 3 - 1 = -2.25.
const Z: [f64; 2] = [-7.25, -2.25];

/// Row j: ∂z_j/∂(w_j1, w_j2, w_j3, b_j) = (x_1, x_2, x_3, 1), and exactly
/// 0 towards the other unit's parameters, which z_j does not read.
const PARAMETER_PARTIALS: [[f64; 8]; 2] = [
    [0.5, -1.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.5, -1.0, 2.0, 1.0],
];

/// Row j: ∂z_j/∂x_i = w_ji.
const INPUT_PARTIALS: [[f64; 3]; 2] = [[1.0, 2.0, -3.0], [-0.5, 4.0, 1.5]];

/// Records the hand-worked layer and checks values and partials against
/// the tables above, and that the layer is one node a unit.
fn check_hand_layer(inputs: Inputs) {
    let tape = Tape::new();
    let x = match inputs {
        Inputs::Variable => handles(tape.vars(&X)),
        Inputs::Constant => Vec::new(),
    };
    let w = tape.vars(&PARAMETERS);

    let before = tape.len();
    let layer_inputs = match inputs {
        Inputs::Variable => LayerInputs::Variable(&x),
        Inputs::Constant => LayerInputs::Constant(&X),
    };
    let z = layer(&tape, Formulation::Fused, w, layer_inputs);
    assert_eq!(tape.len() - before, 2, "nodes recorded for {inputs:?}");
    assert_eq!(Exactly(values(&z)), Exactly(Z.to_vec()), "z for {inputs:?}");

    for (j, &z_j) in z.iter().enumerate() {
        let grads = tape.backward(z_j);
        let expected = PARAMETER_PARTIALS[j].to_vec();
        assert_eq!(
            Exactly(gradient(&grads, &handles(w))),
            Exactly(expected),
            "∂z_{}/∂w",
            j + 1
        );
        if let Inputs::Variable = inputs {
            let expected = INPUT_PARTIALS[j].to_vec();
            assert_eq!(
                Exactly(gradient(&grads, &x)),
                Exactly(expected),
                "∂z_{}/∂x",
                j + 1
            );
        }
    }
}

#[test]
fn hand_worked_layer_over_variable_inputs() {
    check_hand_layer(Inputs::Variable);
}

#[test]
fn hand_worked_layer_over_constant_inputs() {
    check_hand_layer(Inputs::Constant);
}

#[test]
fn an_input_twice_and_a_weight_as_an_input_collect_every_path() {
    let tape = Tape::new();

    // z = 2x + 3x + 1 at x = 0.5 is 3.5, and dz/dx = 2 + 3 = 5.
    let x = tape.var(0.5);
    let w = tape.vars(&[2.0, 3.0, 1.0]);
    let mut z = Vec::new();
    tape.affine(w, &[x, x], &mut z);
    assert_eq!(z[0].value(), 3.5);
    let grads = tape.backward(z[0]);
    assert_eq!(grads.wrt(x), 5.0);
    assert_eq!(gradient(&grads, &handles(w)), [0.5, 0.5, 1.0]);

    // z = w·w + b at w = 3, b = 1 is 10, and dz/dw = 2w = 6: x_1 = w
    // through the weight's edge and w_11 = 3 through the input's.
    let wb = tape.vars(&[3.0, 1.0]);
    let mut z = Vec::new();
    tape.affine(wb, &handles(wb)[..1], &mut z);
    assert_eq!(z[0].value(), 10.0);
    assert_eq!(gradient(&tape.backward(z[0]), &handles(wb)), [6.0, 1.0]);
}

#[test]
fn parameters_that_are_results_of_operations() {
    // p = 2v, recorded in a loop, are consecutive nodes, so they are a
    // block, and the layer is one unit's node.
    // z = 2·1·3 + 2·(-2)·0.25 + 2·0.5 = 6 - 1 + 1 = 6, and
    // ∂z/∂v = 2·(x_1, x_2, 1) = (6, 0.5, 2).
    let tape = Tape::new();
    let v = handles(tape.vars(&[1.0, -2.0, 0.5]));
    let p: Vec<_> = v.iter().map(|&v| v * 2.0).collect();
    let p = tape.block(&p).expect("products recorded one after another");
    let before = tape.len();
    let mut z = Vec::new();
    tape.affine_constant(p, &[3.0, 0.25], &mut z);
    assert_eq!(tape.len() - before, 1);
    assert_eq!(z[0].value(), 6.0);
    assert_eq!(gradient(&tape.backward(z[0]), &v), [6.0, 0.5, 2.0]);
}

#[test]
fn hand_worked_squared_error() {
    // C = ½((0.75 - 1)² + (0.5 - 0)² + (-1 - 0.5)²) = ½(0.0625 + 0.25 + 2.25)
    //   = 1.28125, and ∂C/∂a_i = a_i - t_i = (-0.25, 0.5, -1.5).
    let tape = Tape::new();
    let a = handles(tape.vars(&[0.75, 0.5, -1.0]));
    let cost = tape.squared_error(&a, &[1.0, 0.0, 0.5]);
    assert_eq!(cost.value(), 1.28125);
    assert_eq!(gradient(&tape.backward(cost), &a), [-0.25, 0.5, -1.5]);
}

// Against the elementary formulation, bit for bit.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn fused_network_equals_the_elementary_one_bit_for_bit(
        network in network(20, 10),
        inputs in input_kind(),
        cost in cost_kind(),
    ) {
        let fused_recipe = Recipe {
            inputs,
            cost,
            formulation: Formulation::Fused,
        };
        let elementary_recipe = Recipe {
            formulation: Formulation::Elementary,
            ..fused_recipe.clone()
        };
        let (fused_tape, elementary_tape) = (Tape::new(), Tape::new());
        let fused = record(&fused_tape, &network, &fused_recipe);
        let elementary = record(&elementary_tape, &network, &elementary_recipe);

        // One node a unit, against two for a dot product and the bias's
        // sum: the tapes were recorded by different code.
        prop_assert_eq!(fused.layer_nodes, [network.hidden(), network.outputs()]);
        let elementary_nodes = [2 * network.hidden(), 2 * network.outputs()];
        prop_assert_eq!(elementary.layer_nodes, elementary_nodes);
        prop_assert_eq!(fused.values(), elementary.values());
        let fused_grads = fused_tape.backward(fused.cost);
        let elementary_grads = elementary_tape.backward(elementary.cost);
        prop_assert_eq!(
            fused.gradient(&fused_grads),
            elementary.gradient(&elementary_grads)
        );
    }
}

// Against finite differences.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn gradient_matches_finite_differences(
        network in network(4, 3),
        inputs in input_kind(),
    ) {
        // The point is the variable inputs (if any), then each layer's
        // parameters: check_gradient records them one after another, so
        // the parameters are one block, which each layer takes a slice of.
        let n = network.inputs.len();
        let point = network.replay_inputs(inputs);
        let targets = &network.targets;
        let check = check_gradient(|tape, v| {
            let (x, parameters) = match inputs {
                Inputs::Variable => v.split_at(n),
                Inputs::Constant => (&[][..], v),
            };
            let parameters = tape.block(parameters).expect("inputs recorded in order");
            let split = network.first.len();
            let first = parameters.slice(0..split);
            let second = parameters.slice(split..parameters.len());
            let layer_inputs = match inputs {
                Inputs::Variable => LayerInputs::Variable(x),
                Inputs::Constant => LayerInputs::Constant(&network.inputs),
            };
            let z = layer(tape, Formulation::Fused, first, layer_inputs);
            let a: Vec<_> = z.iter().map(|z| z.sigmoid()).collect();
            let z = layer(tape, Formulation::Fused, second, LayerInputs::Variable(&a));
            let a: Vec<_> = z.iter().map(|z| z.sigmoid()).collect();
            tape.squared_error(&a, targets)
        }, &point);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }
}

// Replay against a fresh recording.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn replay_equals_a_fresh_recording_each_time(
        (network, later) in network_and_replays(),
        inputs in input_kind(),
    ) {
        let recipe = Recipe {
            inputs,
            cost: Cost::SquaredError,
            formulation: Formulation::Fused,
        };
        let tape = Tape::with_replay();
        let replayed = record(&tape, &network, &recipe);
        prop_assert_eq!(replayed.layer_nodes, [network.hidden(), network.outputs()]);

        for (round, mut next) in later.into_iter().enumerate() {
            // The targets, and constant inputs, are part of the recording.
            next.targets.clone_from(&network.targets);
            if let Inputs::Constant = inputs {
                next.inputs.clone_from(&network.inputs);
            }
            let replay = tape.replay(&next.replay_inputs(inputs));
            prop_assert!(replay.is_ok(), "round {}: {:?}", round, replay);
            let fresh_tape = Tape::new();
            let fresh = record(&fresh_tape, &next, &recipe);

            // The same code recorded both tapes, so node k is the same
            // operation on both: every value and adjoint must agree.
            let every_value = |tape: &Tape| {
                let nodes = (0..tape.len()).map(|k| tape.node(k).expect("a node"));
                Exactly(nodes.map(|node| node.value()).collect())
            };
            prop_assert_eq!(every_value(&tape), every_value(&fresh_tape), "round {}", round);
            let adjoints = Exactly(tape.backward(replayed.cost).as_slice().to_vec());
            let fresh_adjoints = Exactly(fresh_tape.backward(fresh.cost).as_slice().to_vec());
            prop_assert_eq!(adjoints, fresh_adjoints, "round {}", round);
        }
    }
}

#[test]
fn replay_refreshes_a_layer_after_a_layer_of_biases_only() {
    // A layer over no inputs pushes no shared edges, so the next layer's
    // inputs start where its (empty) inputs did. z = w·x + c, recorded at
    // x = 1 and replayed at x = 3 (w = 2, c = 0.5), must be 6.5 with
    // ∂z/∂w = x = 3, as a fresh recording gives.
    let record = |tape: &Tape, [x, b, w, c]: [f64; 4]| {
        let x = tape.var(x);
        let parameters = tape.vars(&[b, w, c]);
        let mut biases = Vec::new();
        tape.affine(parameters.slice(0..1), &[], &mut biases);
        let mut z = Vec::new();
        tape.affine(parameters.slice(1..3), &[x], &mut z);
        let grads = tape.backward(z[0]);
        let w = parameters.get(1).expect("the weight");
        vec![biases[0].value(), z[0].value(), grads.wrt(x), grads.wrt(w)]
    };
    let tape = Tape::with_replay();
    record(&tape, [1.0, -1.0, 2.0, 0.5]);
    tape.replay(&[3.0, -1.0, 2.0, 0.5])
        .expect("a replayable tape");
    let z = tape.node(tape.len() - 1).expect("the last unit");
    let grads = tape.backward(z);
    let x = tape.node(0).expect("the input");
    let w = tape.node(2).expect("the weight");
    let b = tape.node(tape.len() - 2).expect("the bias-only unit");
    let replayed = vec![b.value(), z.value(), grads.wrt(x), grads.wrt(w)];

    let fresh = record(&Tape::new(), [3.0, -1.0, 2.0, 0.5]);
    assert_eq!(fresh, [-1.0, 6.5, 2.0, 3.0]);
    assert_eq!(Exactly(replayed), Exactly(fresh));
}

// Misuse, and the empty cases.

#[test]
#[should_panic(expected = "an affine layer over 3 inputs needs 4 parameters per unit")]
fn affine_refuses_a_parameter_count_not_a_multiple_of_n_plus_1() {
    let tape = Tape::new();
    let x = handles(tape.vars(&X));
    let parameters = tape.vars(&[1.0; 5]);
    tape.affine(parameters, &x, &mut Vec::new());
}

#[test]
#[should_panic(expected = "an affine layer over 2 inputs needs 3 parameters per unit")]
fn affine_constant_refuses_a_parameter_count_not_a_multiple_of_n_plus_1() {
    let tape = Tape::new();
    let parameters = tape.vars(&[1.0; 4]);
    tape.affine_constant(parameters, &[1.0, 2.0], &mut Vec::new());
}

#[test]
#[should_panic(expected = "a Block of one tape was used in an operation on another tape")]
fn affine_refuses_parameters_of_another_tape() {
    // The right count for the inputs, so that only ownership is wrong.
    let (tape, other) = (Tape::new(), Tape::new());
    let x = handles(tape.vars(&[1.0, 2.0]));
    let parameters = other.vars(&[1.0; 3]);
    tape.affine(parameters, &x, &mut Vec::new());
}

#[test]
#[should_panic(expected = "a Var of one tape was used in an operation on another tape")]
fn a_block_refuses_one_handle_of_another_tape() {
    // Where a list of handles becomes a block, before any layer sees it.
    let (tape, other) = (Tape::new(), Tape::new());
    let parameters = [tape.var(1.0), other.var(1.0), tape.var(1.0)];
    let _ = tape.block(&parameters);
}

#[test]
#[should_panic(expected = "a Block of one tape was used in an operation on another tape")]
fn affine_constant_refuses_parameters_of_another_tape() {
    let (tape, other) = (Tape::new(), Tape::new());
    let parameters = other.vars(&[1.0; 3]);
    tape.affine_constant(parameters, &[1.0, 2.0], &mut Vec::new());
}

#[test]
#[should_panic(expected = "a Var of one tape was used in an operation on another tape")]
fn affine_refuses_an_input_of_another_tape() {
    let (tape, other) = (Tape::new(), Tape::new());
    let x = [tape.var(1.0), other.var(2.0)];
    let parameters = tape.vars(&[1.0; 3]);
    tape.affine(parameters, &x, &mut Vec::new());
}

#[test]
#[should_panic(expected = "Tape::squared_error needs one target per output")]
fn squared_error_refuses_targets_of_the_wrong_length() {
    let tape = Tape::new();
    let a = handles(tape.vars(&[0.5, 0.25]));
    tape.squared_error(&a, &[1.0]);
}

#[test]
#[should_panic(expected = "a Var of one tape was used in an operation on another tape")]
fn squared_error_refuses_an_output_of_another_tape() {
    let (tape, other) = (Tape::new(), Tape::new());
    let a = [tape.var(0.5), other.var(0.25)];
    tape.squared_error(&a, &[1.0, 0.0]);
}

#[test]
fn a_layer_of_no_units_records_nothing() {
    let tape = Tape::new();
    let x = handles(tape.vars(&X));
    let none = tape.vars(&[]);
    let before = tape.len();
    let mut z = Vec::new();
    tape.affine(none, &x, &mut z);
    tape.affine(none, &[], &mut z);
    tape.affine_constant(none, &X, &mut z);
    tape.affine_constant(none, &[], &mut z);
    assert!(z.is_empty(), "{z:?}");
    assert_eq!(tape.len(), before);
}

#[test]
fn a_layer_over_no_inputs_is_its_biases() {
    // z_j = b_j, so ∂z_j/∂b_k is 1 for k = j and 0 otherwise, one node a
    // unit for each of the two layers.
    let biases = [0.75, -1.5];
    let tape = Tape::new();
    let b = tape.vars(&biases);
    let before = tape.len();
    let mut z = Vec::new();
    tape.affine(b, &[], &mut z);
    tape.affine_constant(b, &[], &mut z);
    assert_eq!(tape.len() - before, 4);
    assert_eq!(Exactly(values(&z)), Exactly([biases, biases].concat()));
    for (j, &z_j) in z.iter().enumerate() {
        let mut expected = vec![0.0; 2];
        expected[j % 2] = 1.0;
        let got = gradient(&tape.backward(z_j), &handles(b));
        assert_eq!(Exactly(got), Exactly(expected), "z_{j}");
    }
}

// Nodes the output does not read.

#[test]
fn gradient_towards_unread_nodes_is_exactly_zero() {
    // The cost reads the first unit only; unit 2's parameters, a variable
    // recorded before the layer and one recorded after the cost are not on
    // any path to it. Exactly(+0), not merely a small number.
    let tape = Tape::new();
    let x = handles(tape.vars(&X));
    let before = tape.var(1.5);
    let w = tape.vars(&PARAMETERS);
    let mut z = Vec::new();
    tape.affine(w, &x, &mut z);
    let cost = tape.squared_error(&z[..1], &[0.5]);
    let after = tape.var(2.5);
    let grads = tape.backward(cost);

    let unread = [&handles(w.slice(4..8))[..], &[before, after]].concat();
    let expected = vec![0.0; unread.len()];
    assert_eq!(Exactly(gradient(&grads, &unread)), Exactly(expected));
    assert_eq!(grads.wrt(z[1]).to_bits(), 0.0_f64.to_bits());

    // And the unit it does read: ∂C/∂z_1 = z_1 - t = -7.25 - 0.5 = -7.75.
    assert_eq!(grads.wrt(z[0]), -7.75);
}

// Blocks on their own.

#[test]
fn vars_of_no_values_is_an_empty_block() {
    // After the three inputs, at node 3, and recording nothing.
    let tape = Tape::new();
    let _ = tape.vars(&X);
    let empty = tape.vars(&[]);
    assert_eq!(tape.len(), 3);
    assert!(empty.is_empty());
    assert_eq!(empty.len(), 0);
    assert!(empty.get(0).is_none());
    assert_eq!(empty.iter().len(), 0);
    assert_eq!(format!("{empty:?}"), "Block(nodes 3..3)");
    assert!(tape.block(&[]).is_some_and(Block::is_empty));
}

#[test]
fn a_block_yields_its_handles_in_order() {
    // One variable before the block, so its nodes are 1 … 5.
    let tape = Tape::new();
    let _ = tape.var(UNRELATED);
    let values = [0.5, -1.0, 2.0, 0.25, 4.0];
    let block = tape.vars(&values);
    assert_eq!(block.len(), values.len());
    assert!(!block.is_empty());
    assert!(std::ptr::eq(block.tape(), &tape));

    let iter = block.iter();
    assert_eq!(iter.len(), 5);
    let yielded: Vec<_> = iter.collect();
    assert_eq!(indices(&yielded), [1, 2, 3, 4, 5]);
    assert_eq!(Exactly(self::values(&yielded)), Exactly(values.to_vec()));
    for (k, var) in yielded.iter().enumerate() {
        let got = block.get(k).map(|v| (v.index(), v.value().to_bits()));
        assert_eq!(got, Some((var.index(), var.value().to_bits())), "node {k}");
    }
}

#[test]
fn get_past_the_end_of_a_block_is_none() {
    let tape = Tape::new();
    let block = tape.vars(&[1.0, 2.0]);
    let _ = tape.var(UNRELATED);
    // Node 2 is on the tape, but not in the block.
    assert!(block.get(1).is_some());
    assert!(block.get(2).is_none());
    assert!(block.get(usize::MAX).is_none());
}

#[test]
fn debug_prints_the_nodes_as_the_caller_counts_them() {
    // Node k is the k-th recorded, from 0, as `Var::index` says.
    let tape = Tape::new();
    let x = tape.var(1.0);
    let block = tape.vars(&[2.0, 3.0, 4.0]);
    assert_eq!(x.index(), 0);
    assert_eq!(block.get(0).map(Var::index), Some(1));
    assert_eq!(format!("{block:?}"), "Block(nodes 1..4)");
    assert_eq!(format!("{:?}", block.slice(1..2)), "Block(nodes 2..3)");
}

#[test]
fn a_slice_is_the_block_of_its_handles() {
    let tape = Tape::new();
    let _ = tape.var(UNRELATED);
    let values = [0.5, -1.0, 2.0, 0.25, 4.0];
    let block = tape.vars(&values);
    let all = handles(block);

    let middle = block.slice(1..4);
    assert_eq!(middle.len(), 3);
    assert_eq!(tape.block(&all[1..4]), Some(middle));
    assert_eq!(indices(&handles(middle)), [2, 3, 4]);
    assert_eq!(
        Exactly(self::values(&handles(middle))),
        Exactly(values[1..4].to_vec())
    );
    assert_eq!(block.slice(0..5), block);

    // Empty slices, at either end.
    for (range, printed) in [(0..0, "Block(nodes 1..1)"), (5..5, "Block(nodes 6..6)")] {
        let empty = block.slice(range);
        assert!(empty.is_empty());
        assert_eq!(format!("{empty:?}"), printed);
    }
}

#[test]
#[should_panic(expected = "nodes 3..6 of a block of 5 nodes")]
fn a_slice_past_the_end_of_a_block_panics() {
    let tape = Tape::new();
    let _ = tape.vars(&[1.0; 5]).slice(3..6);
}

#[test]
#[should_panic(expected = "nodes 3..2 of a block of 5 nodes")]
fn a_slice_that_ends_before_it_starts_panics() {
    let tape = Tape::new();
    let (start, end) = (3, 2);
    let _ = tape.vars(&[1.0; 5]).slice(start..end);
}

#[test]
fn blocks_of_two_tapes_differ_even_at_the_same_nodes() {
    let (tape, other) = (Tape::new(), Tape::new());
    let (block, twin) = (tape.vars(&X), other.vars(&X));
    assert_eq!(format!("{block:?}"), format!("{twin:?}"));
    assert_ne!(block, twin);
    assert_ne!(block, block.slice(0..2));
}

// `Tape::block` against the order the handles were recorded in.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn block_is_found_exactly_for_handles_in_a_row(
        (values, layout) in values_and_layout(),
        before in 0..3usize,
    ) {
        let tape = Tape::new();
        for _ in 0..before {
            tape.var(UNRELATED);
        }
        let (handles, _) = record_handles(&tape, &values, &layout);
        let block = tape.block(&handles);
        prop_assert_eq!(block.is_some(), layout.is_one_block(), "{:?}", block);
        if let Some(block) = block {
            prop_assert_eq!(block.len(), handles.len());
            let found = self::handles(block);
            prop_assert_eq!(indices(&found), indices(&handles));
            prop_assert_eq!(Exactly(self::values(&found)), Exactly(values));
        }
    }

    #[test]
    fn the_handles_of_vars_are_the_same_block(
        values in vec(-2.0..2.0, 0..=12),
        before in 0..3usize,
    ) {
        let tape = Tape::new();
        for _ in 0..before {
            tape.var(UNRELATED);
        }
        let block = tape.vars(&values);
        let all = handles(block);
        prop_assert_eq!(tape.block(&all), Some(block));

        // Every run of them, too, as the slice of the block. (An empty
        // list is a block, but one at the end of the tape.)
        for start in 0..all.len() {
            for end in start + 1..=all.len() {
                prop_assert_eq!(tape.block(&all[start..end]), Some(block.slice(start..end)));
            }
        }
    }
}

// `nn`'s two paths: a block of parameters, and handles that are not one.

/// One image through `nn::Network::record_forward` and its cost C_k.
struct ImageCost {
    /// a^L and C_k.
    values: Exactly,
    /// ∂C_k/∂p for every parameter, in the network's order.
    gradient: Exactly,
    /// ∂C_k towards each unrelated variable.
    unrelated: Exactly,
    /// The nodes the forward pass added to the tape.
    forward_nodes: usize,
}

/// Records `image` through `network` with its parameters laid out as
/// `layout` says, or (for `None`) as `Network::record_parameters` records
/// them, and passed to the network in its own order either way.
fn image_cost(network: &nn::Network, image: &nn::Image, layout: Option<&Layout>) -> ImageCost {
    let tape = Tape::new();
    let (parameters, unrelated) = match layout {
        None => (network.record_parameters(&tape).to_vec(), Vec::new()),
        Some(layout) => {
            let values: Vec<f64> = network.parameters().values().copied().collect();
            record_handles(&tape, &values, layout)
        }
    };

    let before = tape.len();
    let outputs = network.record_forward(&tape, &parameters, image.pixels());
    let forward_nodes = tape.len() - before;
    let cost = nn::record_image_cost(&tape, &outputs, image.label());
    let grads = tape.backward(cost);

    let mut values = self::values(&outputs);
    values.push(cost.value());
    ImageCost {
        values: Exactly(values),
        gradient: Exactly(gradient(&grads, &parameters)),
        unrelated: Exactly(gradient(&grads, &unrelated)),
        forward_nodes,
    }
}

/// The units of every layer after the input layer.
fn units(network: &nn::Network) -> usize {
    network.layers().iter().map(Layer::units).sum()
}

/// The nodes `nn` records for a forward pass: z and σ(z) a unit from a
/// block; a dot product (or linear combination), the bias's sum and σ a
/// unit from other handles.
fn forward_nodes(network: &nn::Network, one_block: bool) -> usize {
    if one_block {
        2 * units(network)
    } else {
        3 * units(network)
    }
}

/// A layout of the network's parameters in which no two are consecutive.
fn interleaved() -> Layout {
    Layout::Gaps(vec![1; PARAMETERS_OF_SIZES])
}

/// A layout of the network's parameters from the last to the first.
fn reversed() -> Layout {
    Layout::Shuffled((0..PARAMETERS_OF_SIZES).rev().collect())
}

/// Checks that `nn` gives the same numbers, bit for bit, with the
/// parameters laid out as `layout` says as with them in one block.
fn check_image_against_the_block(
    network: &nn::Network,
    image: &nn::Image,
    layout: &Layout,
) -> Result<(), TestCaseError> {
    let block = image_cost(network, image, None);
    let laid_out = image_cost(network, image, Some(layout));

    // Both paths ran: the block's one node a unit, and the other's.
    prop_assert_eq!(block.forward_nodes, forward_nodes(network, true));
    let expected = forward_nodes(network, layout.is_one_block());
    prop_assert_eq!(laid_out.forward_nodes, expected, "{:?}", layout);

    prop_assert_eq!(laid_out.values, block.values);
    prop_assert_eq!(laid_out.gradient, block.gradient);
    let zeros = vec![0.0; laid_out.unrelated.0.len()];
    prop_assert_eq!(laid_out.unrelated, Exactly(zeros));
    Ok(())
}

#[test]
fn the_network_has_the_parameters_the_layouts_are_made_for() {
    let network = nn::Network::new(&SIZES, 1);
    assert_eq!(network.parameters().len(), PARAMETERS_OF_SIZES);
}

#[test]
fn nn_records_interleaved_or_reversed_parameters_to_the_block_numbers() {
    let data = nn::Dataset::builtin();
    for seed in [1, 2, 3] {
        let network = nn::Network::new(&SIZES, seed);
        for image in data.images().iter().step_by(7) {
            for layout in [interleaved(), reversed()] {
                let checked = check_image_against_the_block(&network, image, &layout);
                assert!(
                    checked.is_ok(),
                    "seed {seed}, line {}: {checked:?}",
                    image.line()
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn nn_records_parameters_in_any_layout_to_the_block_numbers(
        seed in any::<u64>(),
        image in any::<prop::sample::Index>(),
        layout in layout(PARAMETERS_OF_SIZES),
    ) {
        let network = nn::Network::new(&SIZES, seed);
        let data = nn::Dataset::builtin();
        check_image_against_the_block(&network, image.get(data.images()), &layout)?;
    }
}

#[test]
fn nn_total_cost_is_the_same_from_parameters_that_are_no_block() {
    // C_T over the built-in set, recorded from the network's own block and
    // from the same values interleaved with unrelated variables.
    let data = nn::Dataset::builtin();
    let images = data.images().len();
    let network = nn::Network::new(&SIZES, 5);
    let values: Vec<f64> = network.parameters().values().copied().collect();

    let tape = Tape::new();
    let parameters = network.record_parameters(&tape);
    let before = tape.len();
    let total = nn::record_total_cost(&network, &tape, &parameters, &data);
    let block_nodes = tape.len() - before;
    let grads = tape.backward(total);
    let block_gradient = Exactly(gradient(&grads, &parameters));

    let apart = Tape::new();
    let (handles, unrelated) = record_handles(&apart, &values, &interleaved());
    let before = apart.len();
    let apart_total = nn::record_total_cost(&network, &apart, &handles, &data);
    let apart_nodes = apart.len() - before;
    let apart_grads = apart.backward(apart_total);

    // Each image: its forward pass and C_k; then C_T.
    let nodes = |one_block| images * (forward_nodes(&network, one_block) + 1) + 1;
    assert_eq!((block_nodes, apart_nodes), (nodes(true), nodes(false)));
    assert_eq!(total.value().to_bits(), apart_total.value().to_bits());
    assert_eq!(Exactly(gradient(&apart_grads, &handles)), block_gradient);
    let zeros = vec![0.0; unrelated.len()];
    assert_eq!(Exactly(gradient(&apart_grads, &unrelated)), Exactly(zeros));
}
