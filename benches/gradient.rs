//! The cost of a gradient: the tape against hand-written backpropagation.
//!
//! `cargo bench` runs criterion over every case, then prints a summary of
//! the ratios measured in the same run: tape/handwritten for the 12-3-2
//! network's full-batch gradient of C_T, and the same for a 64-32-10
//! network on generated 8×8 images.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use nn::{CostTape, Dataset, Image, Network};
use tape::{Gradients, Tape};

/// The hand-written δ backpropagation of the network, on plain `f64`
/// buffers allocated once: the baseline.
///
/// Parameters are in the network's order: per layer, per unit j, the
/// weights w^l_j1 … w^l_jn, then the bias b^l_j.
struct Handwritten {
    sizes: Vec<usize>,
    /// a^l for every layer, a^1 = x first.
    a: Vec<Vec<f64>>,
    /// δ^l for every layer after the input.
    delta: Vec<Vec<f64>>,
}

impl Handwritten {
    fn new(sizes: &[usize]) -> Handwritten {
        Handwritten {
            sizes: sizes.to_vec(),
            a: sizes.iter().map(|&n| vec![0.0; n]).collect(),
            delta: sizes[1..].iter().map(|&n| vec![0.0; n]).collect(),
        }
    }

    /// C_T, with ∂C_T/∂p written into `gradient`.
    fn cost_gradient(&mut self, parameters: &[f64], data: &Dataset, gradient: &mut [f64]) -> f64 {
        gradient.fill(0.0);
        let layers = self.sizes.len() - 1;
        let mut cost = 0.0;
        for image in data.images() {
            // Forward: z^l_j = Σ_i w^l_ji a^(l-1)_i + b^l_j, a^l_j = σ(z^l_j).
            self.a[0].copy_from_slice(image.pixels());
            let mut offset = 0;
            for l in 0..layers {
                let (inputs, rest) = self.a.split_at_mut(l + 1);
                let (input, output) = (&inputs[l], &mut rest[0]);
                for (j, a) in output.iter_mut().enumerate() {
                    let unit = &parameters[offset + j * (input.len() + 1)..];
                    let mut z = unit[input.len()];
                    for (w, x) in unit.iter().zip(input) {
                        z += w * x;
                    }
                    *a = 1.0 / (1.0 + (-z).exp());
                }
                offset += output.len() * (input.len() + 1);
            }

            // δ^L_j = (a^L_j - t_j)·σ'(z^L_j), and C_k = ½ Σ_j (t_j - a^L_j)².
            let output = &self.a[layers];
            for (j, (delta, &a)) in self.delta[layers - 1].iter_mut().zip(output).enumerate() {
                let t = if j == image.label() { 1.0 } else { 0.0 };
                cost += 0.5 * (t - a) * (t - a);
                *delta = (a - t) * a * (1.0 - a);
            }

            // Backward, layer by layer: ∂C_k/∂w^l_ji = δ^l_j a^(l-1)_i,
            // ∂C_k/∂b^l_j = δ^l_j, δ^(l-1)_i = (Σ_j δ^l_j w^l_ji)·σ'(z^(l-1)_i).
            for l in (0..layers).rev() {
                offset -= self.sizes[l + 1] * (self.sizes[l] + 1);
                let input = &self.a[l];
                let stride = input.len() + 1;
                let (lower, upper) = self.delta.split_at_mut(l);
                let delta = &upper[0];
                for (j, &d) in delta.iter().enumerate() {
                    let unit = &mut gradient[offset + j * stride..offset + (j + 1) * stride];
                    for (g, x) in unit.iter_mut().zip(input) {
                        *g += d * x;
                    }
                    unit[input.len()] += d;
                }
                if l > 0 {
                    for (i, back) in lower[l - 1].iter_mut().enumerate() {
                        let mut sum = 0.0;
                        for (j, &d) in delta.iter().enumerate() {
                            sum += d * parameters[offset + j * stride + i];
                        }
                        let a = input[i];
                        *back = sum * a * (1.0 - a);
                    }
                }
            }
            debug_assert_eq!(offset, 0);
        }
        cost
    }
}

/// A network with its data and the buffers both methods reuse.
struct Case {
    name: &'static str,
    network: Network,
    data: Dataset,
    parameters: Vec<f64>,
}

impl Case {
    fn digits() -> Case {
        let network = Network::new(&[12, 3, 2], 1);
        let parameters = network.parameters().values().copied().collect();
        Case {
            name: "12-3-2",
            network,
            data: Dataset::builtin(),
            parameters,
        }
    }

    /// A 64-32-10 network on 8×8 images of ten classes: pixels from a
    /// fixed linear congruential sequence, labels cycling through 0 … 9.
    fn larger() -> Case {
        let network = Network::new(&[64, 32, 10], 2);
        let mut state = 12345_u64;
        let images = (0..64)
            .map(|k| {
                let pixels = (0..64)
                    .map(|_| {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                        f64::from((state >> 63) as u32)
                    })
                    .collect();
                Image::new(pixels, k % 10)
            })
            .collect();
        let parameters = network.parameters().values().copied().collect();
        Case {
            name: "64-32-10",
            network,
            data: Dataset::new(images),
            parameters,
        }
    }
}

/// The tape path as a user trains with it: record, sweep, read, clear.
struct TapePath {
    tape: Tape,
    grads: Gradients,
    gradient: Vec<f64>,
}

impl TapePath {
    fn new() -> TapePath {
        TapePath {
            tape: Tape::new(),
            grads: Gradients::new(),
            gradient: Vec::new(),
        }
    }

    fn run(&mut self, case: &Case) -> f64 {
        case.network.cost_gradient_into(
            &case.data,
            &mut self.tape,
            &mut self.grads,
            &mut self.gradient,
        )
    }
}

fn network_benches(c: &mut Criterion) {
    for case in [Case::digits(), Case::larger()] {
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

/// Records a chain of `n` binary operations and sweeps it.
fn chain(tape: &mut Tape, grads: &mut Gradients, n: usize) -> f64 {
    tape.clear();
    let x = tape.var(1.0);
    let mut y = x;
    for _ in 0..n {
        y = y * 0.999_999 + x;
    }
    tape.backward_into(y, grads);
    grads.wrt(x)
}

fn scaling_benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("chain (record and sweep)");
    group.sample_size(10);
    let mut tape = Tape::new();
    let mut grads = Gradients::new();
    for n in [1_000, 100_000, 10_000_000] {
        group.throughput(criterion::Throughput::Elements(n as u64));
        group.bench_function(format!("{n} nodes"), |b| {
            b.iter(|| chain(&mut tape, &mut grads, black_box(n)))
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
    for case in [Case::digits(), Case::larger()] {
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
            "  {:<9} handwritten {:>9.2?}   tape {:>9.2?} ({:.2}×)   tape-replay {:>9.2?} ({:.2}×)",
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
        chain(&mut tape, &mut grads, 0);
        tape.clear();
        let x = tape.var(1.5);
        let mut y = tape.var(0.5);
        for _ in 0..OPERATIONS {
            y = y * x;
        }
        tape.backward_into(y, &mut grads);
        let bytes = tape.memory_used() + grads.as_slice().len() * size_of::<f64>();
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
