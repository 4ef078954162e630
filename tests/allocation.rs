//! Memory behaviour of training, counted rather than timed: after the first
//! epoch a training step allocates nothing, and a 10^7-node chain records,
//! sweeps and drops without recursion.
//!
//! A counting global allocator tallies allocations per thread, so tests
//! running side by side do not see each other's.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use nn::{Dataset, Network, Recording, Trainer};
use tape::{Gradients, Tape};

/// The system allocator, counting the allocations of each thread.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is passed on to the system allocator unchanged; the
// count is a thread-local cell with a const initialiser, which allocates
// nothing itself.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above, which is `System.alloc`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Allocations made by this thread so far.
fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

/// Trains for `epochs` after a first epoch, and returns how many
/// allocations those later epochs made.
fn allocations_after_first_epoch(recording: Recording, epochs: usize) -> usize {
    let data = Dataset::builtin();
    let mut network = Network::new(&[12, 3, 2], 1);
    let mut trainer = Trainer::new(0.5, 0.9).unwrap().with_recording(recording);
    trainer.step(&mut network, &data).unwrap();

    let before = allocations();
    for _ in 0..epochs {
        trainer.step(&mut network, &data).unwrap();
    }
    allocations() - before
}

#[test]
fn the_counter_sees_allocations() {
    // Without this the tests below could pass by counting nothing.
    let before = allocations();
    let boxed = std::hint::black_box(Box::new(7_u64));
    assert_eq!(allocations() - before, 1);
    drop(boxed);
}

#[test]
fn recording_every_epoch_allocates_nothing_after_the_first() {
    assert_eq!(allocations_after_first_epoch(Recording::EveryStep, 100), 0);
}

#[test]
fn replaying_allocates_nothing_after_the_first_epoch() {
    assert_eq!(allocations_after_first_epoch(Recording::Replay, 100), 0);
}

#[test]
fn tape_memory_stays_flat_over_ten_thousand_steps() {
    let data = Dataset::builtin();
    let network = Network::new(&[12, 3, 2], 3);
    let mut tape = Tape::new();
    let mut grads = Gradients::new();
    let mut gradient = Vec::new();
    network.cost_gradient_into(&data, &mut tape, &mut grads, &mut gradient);
    let used = tape.memory_used();

    let before = allocations();
    for _ in 0..10_000 {
        network.cost_gradient_into(&data, &mut tape, &mut grads, &mut gradient);
    }
    assert_eq!(allocations() - before, 0);
    assert_eq!(tape.memory_used(), used);
}

#[test]
fn a_chain_of_ten_million_nodes_records_sweeps_and_drops() {
    // y_n = c^n·x, so dy_n/dx = c^n, a product the sweep forms one factor
    // at a time, in the same order as this loop.
    const NODES: usize = 10_000_000;
    const C: f64 = 1.000_000_01;
    let tape = Tape::new();
    let x = tape.var(1.0);
    let mut y = x;
    let mut expected = 1.0;
    for _ in 1..NODES {
        y = y * C;
        expected *= C;
    }
    assert_eq!(tape.len(), NODES);
    let grads = tape.backward(y);
    assert_eq!(grads.wrt(x), expected);
    drop(grads);
    drop(tape);
}
