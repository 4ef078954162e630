//! The cost of a gradient: the tape against hand-written backpropagation.
//!
//! `cargo bench` runs criterion over every case, then prints a summary of
//! the ratios measured in the same run: tape/handwritten for the 12-3-2
//! network's full-batch gradient of C_T, and the same for a 64-32-10
//! network on generated 8×8 images.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use nn::CostTape;
use tape::{Gradients, Tape};

mod common;
use common::{Case, Handwritten, TapePath};

fn network_benches(c: &mut Criterion) {
    for case in Case::all() {
        let mut group = c.benchmark_group(format!("gradient {}", case.name));
        let mut handwritten = Handwritten::new(&case.network.sizes());
        let mut gradient = vec![0.0; case.parameters.len()];
        group.bench_function("handwritten", |b| {
            b.iter(|| {
                handwritten.cost_gradient(black_box(&case.parameters), &case.data, &mut gradient)
            })
        });
        let mut path = TapePath::new();
        group.bench_function("tape", |b| b.iter(|| path.run(black_box(&case))));
        let mut replay = CostTape::record(&case.network, &case.data);
        group.bench_function("tape-replay", |b| {
            b.iter(|| replay.cost_gradient_into(black_box(&case.network), &mut gradient))
        });
        group.finish();
    }
}

fn operation_benches(c: &mut Criterion) {
    const OPERATIONS: usize = 1000;
    let mut group = c.benchmark_group("per operation (1000 binary ops)");
    let mut tape = Tape::new();
    group.bench_function("record", |b| {
        b.iter(|| {
            tape.clear();
            let x = tape.var(1.5);
            let mut y = tape.var(0.5);
            for _ in 0..OPERATIONS {
                y = y * x;
            }
            black_box(y.value())
        })
    });
    let mut grads = Gradients::new();
    group.bench_function("sweep", |b| {
        tape.clear();
        let x = tape.var(1.5);
        let mut y = tape.var(0.5);
        for _ in 0..OPERATIONS {
            y = y * x;
        }
        b.iter(|| {
            tape.backward_into(y, &mut grads);
            black_box(grads.wrt(x))
        })
    });
    group.finish();
}

/// Records a chain of `n` nodes, each a multiplication of the one before,
/// and sweeps it.
fn chain(tape: &mut Tape, grads: &mut Gradients, n: usize) -> f64 {
    tape.clear();
    let x = tape.var(1.0);
    let mut y = x;
    for _ in 1..n {
        y = y * 0.999_999;
    }
    tape.backward_into(y, grads);
    grads.wrt(x)
}

/// Records a random graph of `n` nodes, each the sum or difference of two
/// earlier nodes drawn at random (so that values neither vanish into slow
/// subnormals nor overflow), and sweeps it from the last node.
fn random_graph(tape: &mut Tape, grads: &mut Gradients, n: usize) -> f64 {
    tape.clear();
    let x = tape.var(0.5);
    let mut y = x;
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for k in 1..n {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let (i, j) = ((state >> 33) as usize % k, (state >> 13) as usize % k);
        let (a, b) = (
            tape.node(i).expect("recorded"),
            tape.node(j).expect("recorded"),
        );
        y = if state & 1 == 0 { a + b } else { a - b };
    }
    tape.backward_into(y, grads);
    grads.wrt(x)
}

fn scaling_benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("scaling (record and sweep)");
    group.sample_size(10);
    let mut tape = Tape::new();
    let mut grads = Gradients::new();
    for n in [1_000, 100_000, 10_000_000] {
        group.throughput(criterion::Throughput::Elements(n as u64));
        group.bench_function(format!("chain of {n} nodes"), |b| {
            b.iter(|| chain(&mut tape, &mut grads, black_box(n)))
        });
        group.bench_function(format!("random graph of {n} nodes"), |b| {
            b.iter(|| random_graph(&mut tape, &mut grads, black_box(n)))
        });
    }
    group.finish();
}

/// The fastest of `rounds` timings of `iterations` calls, per call: on a
/// shared machine the minimum is the figure least disturbed by others.
fn fastest(rounds: usize, iterations: usize, mut f: impl FnMut()) -> Duration {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iterations {
                f();
            }
            start.elapsed() / iterations as u32
        })
        .min()
        .expect("at least one round")
}

/// Measures, in this run, the ratios the README quotes.
fn summary() {
    println!();
    println!("summary (fastest of 20 rounds, per full-batch gradient of C_T):");
    for case in Case::all() {
        let mut handwritten = Handwritten::new(&case.network.sizes());
        let mut gradient = vec![0.0; case.parameters.len()];
        let mut path = TapePath::new();

        // The two must agree before their times mean anything.
        let cost = handwritten.cost_gradient(&case.parameters, &case.data, &mut gradient);
        let tape_cost = path.run(&case);
        assert!(
            (cost - tape_cost).abs() <= 1e-9 * cost.abs(),
            "{cost} vs {tape_cost}"
        );

        let iterations = 200;
        let base = fastest(20, iterations, || {
            black_box(handwritten.cost_gradient(
                black_box(&case.parameters),
                &case.data,
                &mut gradient,
            ));
        });
        let taped = fastest(20, iterations, || {
            black_box(path.run(black_box(&case)));
        });
        let mut replay = CostTape::record(&case.network, &case.data);
        let mut replay_gradient = Vec::new();
        let replayed = fastest(20, iterations, || {
            black_box(replay.cost_gradient_into(black_box(&case.network), &mut replay_gradient));
        });
        let ratio = |d: Duration| d.as_secs_f64() / base.as_secs_f64();
        println!(
            "  {:<9} handwritten {:>9.2?}   tape {:>9.2?} ({:.2}×)   \
             tape-replay {:>9.2?} ({:.2}×)",
            case.name,
            base,
            taped,
            ratio(taped),
            replayed,
            ratio(replayed)
        );
    }
}

/// Tape memory per recorded binary operation, value and adjoint included,
/// measured on a chain of a million multiplications.
fn bytes_per_node() {
    const OPERATIONS: usize = 1_000_000;
    for (name, mut tape) in [
        ("Tape::new", Tape::new()),
        ("Tape::with_replay", Tape::with_replay()),
    ] {
        let mut grads = Gradients::new();
        tape.clear();
        let x = tape.var(1.5);
        let mut y = tape.var(0.5);
        for _ in 0..OPERATIONS {
            y = y * x;
        }
        tape.backward_into(y, &mut grads);
        let bytes = tape.memory_used() + size_of_val(grads.as_slice());
        println!(
            "  bytes per node ({name}): {:.2} (a million binary operations, value and adjoint \
             included)",
            bytes as f64 / tape.len() as f64
        );
    }
}

criterion_group!(benches, network_benches, operation_benches, scaling_benches);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    summary();
    bytes_per_node();
}
