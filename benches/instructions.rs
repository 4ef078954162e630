//! The ratios of `gradient`, counted in instructions by valgrind's
//! callgrind instead of timed: counts do not drift with the load of a
//! shared machine.
//!
//! `cargo bench --bench instructions` runs this binary, which runs itself
//! under `valgrind --tool=callgrind` once per method and network, each time
//! with N gradients and with none, and divides the difference by N, so that
//! start-up and set-up cancel out.

use std::hint::black_box;
use std::process::Command;

use nn::CostTape;

mod common;
use common::{Case, Handwritten, TapePath};

const METHODS: [&str; 3] = ["handwritten", "tape", "tape-replay"];

/// Computes `iterations` gradients of one case by one method.
fn run(method: &str, case: &Case, iterations: usize) {
    let mut gradient = vec![0.0; case.parameters.len()];
    match method {
        "handwritten" => {
            let mut handwritten = Handwritten::new(&case.network.sizes());
            for _ in 0..iterations {
                black_box(handwritten.cost_gradient(
                    black_box(&case.parameters),
                    &case.data,
                    &mut gradient,
                ));
            }
        }
        "tape" => {
            let mut path = TapePath::new();
            for _ in 0..iterations {
                black_box(path.run(black_box(case)));
            }
        }
        "tape-replay" => {
            let mut replay = CostTape::record(&case.network, &case.data);
            for _ in 0..iterations {
                black_box(replay.cost_gradient_into(black_box(&case.network), &mut gradient));
            }
        }
        other => panic!("unknown method {other}"),
    }
}

/// The instructions callgrind counts for this binary running `method` on
/// `case` `iterations` times, or `None` if valgrind cannot be run.
fn count(method: &str, case: &str, iterations: usize) -> Option<u64> {
    let this = std::env::current_exe().ok()?;
    let output = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(this)
        .args(["--run", method, case, &iterations.to_string()])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    // callgrind reports "==pid== Collected : <instructions>" on stderr.
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .find_map(|line| line.split("Collected : ").nth(1))
        .and_then(|n| n.trim().parse().ok())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, method, case, iterations] = args.as_slice()
        && flag == "--run"
    {
        let case = Case::all()
            .into_iter()
            .find(|c| c.name == case)
            .expect("a case name");
        run(method, &case, iterations.parse().expect("a count"));
        return;
    }

    println!("instructions per full-batch gradient of C_T (callgrind):");
    for (case, iterations) in [("12-3-2", 50), ("64-32-10", 5)] {
        let mut counts = Vec::new();
        for method in METHODS {
            let (Some(with), Some(without)) =
                (count(method, case, iterations), count(method, case, 0))
            else {
                println!("  valgrind is not available: no instruction counts");
                return;
            };
            counts.push((with - without) / iterations as u64);
        }
        let base = counts[0] as f64;
        println!(
            "  {case:<9} handwritten {:>9}   tape {:>9} ({:.2}×)   tape-replay {:>9} ({:.2}×)",
            counts[0],
            counts[1],
            counts[1] as f64 / base,
            counts[2],
            counts[2] as f64 / base
        );
    }
}
