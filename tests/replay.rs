//! Replay: a tape recorded once and evaluated again at new inputs gives,
//! to the last bit, the numbers a fresh recording gives.

use nn::{CostTape, Dataset, Network, Recording, Trainer};
use proptest::prelude::*;
use tape::{ReplayError, Tape, Var};

/// The bits of every number, so that equality means equality to the last
/// bit (and NaN equals NaN).
fn bits(values: &[f64]) -> Vec<u64> {
    values.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn replayed_network_gradient_equals_a_fresh_recording_bit_for_bit() {
    let data = Dataset::builtin();
    let mut cost_tape = CostTape::record(&Network::new(&[12, 3, 2], 0), &data);
    for seed in 1..20 {
        let network = Network::new(&[12, 3, 2], seed);
        let replayed = cost_tape.cost_gradient(&network);
        let fresh = network.cost_gradient(&data);
        assert_eq!(replayed.cost.to_bits(), fresh.cost.to_bits(), "seed {seed}");
        assert_eq!(
            bits(&replayed.gradient),
            bits(&fresh.gradient),
            "seed {seed}"
        );
    }
}

#[test]
fn training_with_replay_ends_at_the_same_parameters_and_cost() {
    let data = Dataset::builtin();
    let mut plain_network = Network::new(&[12, 3, 2], 1);
    let mut replay_network = plain_network.clone();
    let mut plain = Trainer::new(0.5, 0.9).unwrap();
    let mut replaying = Trainer::new(0.5, 0.9)
        .unwrap()
        .with_recording(Recording::Replay);
    for _ in 0..300 {
        let a = plain.step(&mut plain_network, &data).unwrap();
        let b = replaying.step(&mut replay_network, &data).unwrap();
        assert_eq!(a.to_bits(), b.to_bits());
    }
    assert_eq!(plain_network, replay_network);
    assert_eq!(
        plain_network.cost(&data).to_bits(),
        replay_network.cost(&data).to_bits()
    );
}

#[test]
fn a_replaying_trainer_records_again_for_other_data() {
    // The second data set is the first one's ones only: replaying the first
    // recording would give the cost of 64 images, not 32.
    let data = Dataset::builtin();
    let ones = Dataset::new(data.images()[32..].to_vec());
    let network = Network::new(&[12, 3, 2], 4);
    let mut trainer = Trainer::new(0.1, 0.0)
        .unwrap()
        .with_recording(Recording::Replay);
    trainer.step(&mut network.clone(), &data).unwrap();
    let cost = trainer.step(&mut network.clone(), &ones).unwrap();
    assert_eq!(cost.to_bits(), network.cost(&ones).to_bits());
}

/// A function with every kinked operation, so that replay at other inputs
/// must pick other sides: relu, abs, max and min.
fn kinked<'t>(x: Var<'t>, y: Var<'t>) -> Var<'t> {
    x.relu() * y + x.abs() * 2.0 + x.max(y) - x.min(y) * 3.0 + (x * y).sigmoid()
}

/// The value and gradient of `kinked` from a fresh recording.
fn fresh(x: f64, y: f64) -> (f64, f64, f64) {
    let tape = Tape::new();
    let (vx, vy) = (tape.var(x), tape.var(y));
    let out = kinked(vx, vy);
    let grads = tape.backward(out);
    (out.value(), grads.wrt(vx), grads.wrt(vy))
}

proptest! {
    #[test]
    fn replay_takes_the_other_side_of_a_kink_as_a_recording_would(
        x0 in -3.0..3.0_f64, y0 in -3.0..3.0_f64, x1 in -3.0..3.0_f64, y1 in -3.0..3.0_f64,
    ) {
        let tape = Tape::with_replay();
        let (x, y) = (tape.var(x0), tape.var(y0));
        let out = kinked(x, y);
        tape.replay(&[x1, y1]).unwrap();
        let grads = tape.backward(out);
        let replayed = (out.value(), grads.wrt(x), grads.wrt(y));
        let expected = fresh(x1, y1);
        prop_assert_eq!(
            bits(&[replayed.0, replayed.1, replayed.2]),
            bits(&[expected.0, expected.1, expected.2]),
            "replayed {:?}, fresh {:?}", replayed, expected
        );
    }
}

#[test]
fn replay_refuses_what_it_cannot_do() {
    let plain = Tape::new();
    let _ = plain.var(1.0);
    assert_eq!(plain.replay(&[2.0]), Err(ReplayError::NotReplayable));

    let tape = Tape::with_replay();
    let x = tape.var(1.0);
    let _ = x * x;
    assert_eq!(
        tape.replay(&[1.0, 2.0]),
        Err(ReplayError::InputCount {
            expected: 1,
            found: 2
        })
    );

    // A custom node's partials came from the caller; replay cannot redo them.
    let _ = tape.custom(1.0, &[(x, 3.0)]);
    assert_eq!(tape.replay(&[2.0]), Err(ReplayError::Custom(2)));
    assert_eq!(x.value(), 1.0, "a refused replay changes nothing");
}

#[test]
fn replay_leaves_constants_and_updates_sums_and_dot_products() {
    // f = Σ(x, c) + x·c + dot([x, c], [x, x]) with c a constant 3:
    // at x = 2, f = 5 + 6 + (4 + 6) = 21 and df/dx = 1 + 3 + (2x + c) = 11.
    let tape = Tape::with_replay();
    let x = tape.var(5.0);
    let c = tape.constant(3.0);
    let f = tape.sum(&[x, c]) + x * c + tape.dot(&[x, c], &[x, x]);
    tape.replay(&[2.0]).unwrap();
    assert_eq!(c.value(), 3.0);
    assert_eq!(f.value(), 21.0);
    assert_eq!(tape.backward(f).wrt(x), 11.0);
}
