//! Files of a million lines and lines of a million characters, read from
//! disk with the peak of the heap measured: the readers keep the images
//! (or the network) and one capped line, never the file.
//!
//! A counting global allocator keeps, per thread, the bytes live and the
//! most ever live, so that tests running side by side do not see each
//! other's allocations. It is in a test binary of its own because a binary
//! has only one global allocator.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use common::TempDir;
use nn::{DataErrorKind, Dataset, Image, MAX_IMAGES, MAX_LINE_BYTES, Network, PIXELS};

/// The system allocator, keeping each thread's live and peak bytes.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

/// Adds `bytes` (negative when freed) to this thread's live bytes.
fn count(bytes: isize) {
    let live = LIVE.with(|live| {
        live.set(live.get() + bytes);
        live.get()
    });
    PEAK.with(|peak| peak.set(peak.get().max(live)));
}

// SAFETY: every call is passed on to the system allocator unchanged; the
// counters are thread-local cells with const initialisers, which allocate
// nothing themselves.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        // SAFETY: `ptr` came from `alloc` above, which is `System.alloc`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Counted as the worst case, a move: the new block is live before
        // the old one is freed.
        count(new_size as isize);
        count(-(layout.size() as isize));
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What a piece of work did to this thread's heap.
#[derive(Debug)]
struct Heap {
    /// The most bytes live at once during the work, beyond those live
    /// before it.
    peak: usize,
    /// The bytes still live after it: what its result holds.
    kept: usize,
}

impl Heap {
    /// The peak less what the result keeps: buffers used on the way.
    fn transient(&self) -> usize {
        self.peak - self.kept
    }
}

/// Runs `work` and measures this thread's heap while it runs.
fn measure<T>(work: impl FnOnce() -> T) -> (T, Heap) {
    let before = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(before));
    let result = work();
    let heap = Heap {
        peak: (PEAK.with(Cell::get) - before) as usize,
        kept: (LIVE.with(Cell::get) - before) as usize,
    };
    (result, heap)
}

/// The most a reader may use beyond what its result keeps: the 8 KiB of a
/// `BufReader`, a line buffer of at most twice `MAX_LINE_BYTES` (a `Vec`
/// grows by doubling), and room to spare. The files below are a thousand
/// times larger, so reading one whole would break it at once.
const TRANSIENT_BOUND: usize = 8 * 1024 + 2 * MAX_LINE_BYTES + 32 * 1024;

/// The heap a data set of `images` images takes at most: each image's
/// pixels (PIXELS f64s), and the list of images grown by doubling, so at
/// most the next power of two of them.
fn dataset_bound(images: usize) -> usize {
    images * PIXELS * size_of::<f64>() + images.next_power_of_two() * size_of::<Image>()
}

/// A million, the count of lines and of characters.
const MILLION: usize = 1_000_000;

/// Writes a file of `blocks` copies of `block`, returning its size.
fn write_repeated(path: &Path, block: &str, blocks: usize) -> u64 {
    let mut file = BufWriter::new(File::create(path).unwrap());
    for _ in 0..blocks {
        file.write_all(block.as_bytes()).unwrap();
    }
    file.flush().unwrap();
    std::fs::metadata(path).unwrap().len()
}

/// Reads a data file as the `train` command does: opened, in a
/// `BufReader`, streamed.
fn read_data(path: &Path) -> Result<Dataset, nn::DataError> {
    Dataset::read(BufReader::new(File::open(path).unwrap()))
}

#[test]
fn the_counter_sees_a_megabyte() {
    // Without this the bounds below could pass by counting nothing.
    let ((), heap) = measure(|| {
        let block = std::hint::black_box(vec![0_u8; 1 << 20]);
        drop(block);
    });
    assert!(heap.peak >= 1 << 20, "{heap:?}");
    assert_eq!(heap.kept, 0);
}

#[test]
fn a_million_line_data_file_at_the_image_cap_is_read_in_bounded_memory() {
    // Ten lines a block, the last an image: 10^6 lines, 10^5 images, which
    // is MAX_IMAGES exactly, so the file is accepted.
    let block = concat!(
        "# a comment long enough that the file is far larger than the bound\n",
        "\n",
        "  # an indented comment with CRLF\r\n",
        "\t\t\n",
        "#\n",
        "# ünïcödé in a comment\n",
        "   \r\n",
        "# 0 111 101 101 111 (a commented-out image)\n",
        "\n",
        "0 111 101 101 111  # a zero\n",
    );
    assert_eq!(MAX_IMAGES, MILLION / 10);
    let dir = TempDir::new("million-lines-at-cap");
    let path = dir.join("data.txt");
    let size = write_repeated(&path, block, MILLION / 10);

    let (data, heap) = measure(|| read_data(&path));
    let data = data.unwrap();
    assert_eq!(data.images().len(), MAX_IMAGES);
    assert_eq!(data.images()[0].line(), 10);
    assert_eq!(data.images()[MAX_IMAGES - 1].line(), MILLION);

    println!("{size} bytes, {heap:?}");
    assert!(heap.kept <= dataset_bound(MAX_IMAGES), "{heap:?}");
    assert!(heap.transient() <= TRANSIENT_BOUND, "{heap:?}");
    assert!(size as usize > 100 * TRANSIENT_BOUND, "{size}");
}

#[test]
fn a_million_line_data_file_past_the_image_cap_is_refused_in_bounded_memory() {
    // 10^6 images: refused at the first past the cap, having held no more
    // than the cap's worth.
    let dir = TempDir::new("million-images");
    let path = dir.join("data.txt");
    let size = write_repeated(&path, "1 010 010 010 010\n", MILLION);

    let (error, heap) = measure(|| read_data(&path).unwrap_err());
    assert_eq!(error.line(), Some(MAX_IMAGES + 1));
    assert_eq!(error.kind(), &DataErrorKind::TooManyImages);

    println!("{size} bytes, {heap:?}");
    assert_eq!(heap.kept, 0, "{heap:?}");
    assert!(
        heap.peak <= dataset_bound(MAX_IMAGES) + TRANSIENT_BOUND,
        "{heap:?}"
    );
}

#[test]
fn a_million_character_line_is_read_in_bounded_memory() {
    let dir = TempDir::new("million-characters");
    let path = dir.join("data.txt");
    let images = "0 111 101 101 111\n1 010 010 010 010\n";

    // A comment of 10^6 characters: accepted.
    std::fs::write(&path, format!("{images}# {}\n", "x".repeat(MILLION))).unwrap();
    let (data, heap) = measure(|| read_data(&path));
    assert_eq!(data.unwrap().images().len(), 2);
    println!("comment: {heap:?}");
    assert!(heap.peak <= TRANSIENT_BOUND + dataset_bound(2), "{heap:?}");

    // Content of 10^6 characters: refused on its line.
    std::fs::write(&path, format!("{images}0 {}\n", "1".repeat(MILLION))).unwrap();
    let (error, heap) = measure(|| read_data(&path).unwrap_err());
    assert_eq!(
        (error.line(), error.kind()),
        (Some(3), &DataErrorKind::LineTooLong)
    );
    println!("content: {heap:?}");
    assert!(heap.peak <= TRANSIENT_BOUND, "{heap:?}");

    // The same in a parameter file, after the first parameter.
    let sizes = [12, 3, 2];
    let text = Network::new(&sizes, 4).to_parameter_text();
    let (first, rest) = text.split_at(text.find('\n').unwrap() + 1);
    let path = dir.join("parameters.txt");
    let read = |contents: String| {
        std::fs::write(&path, contents).unwrap();
        measure(|| {
            Network::from_parameter_reader(&sizes, BufReader::new(File::open(&path).unwrap()))
        })
    };
    let (network, heap) = read(format!("{first}# {}\n{rest}", "x".repeat(MILLION)));
    assert!(network.is_ok(), "{network:?}");
    println!("parameter comment: {heap:?}");
    assert!(heap.transient() <= TRANSIENT_BOUND, "{heap:?}");

    let (error, heap) = read(format!("{first}b2[1] {}\n{rest}", "1".repeat(MILLION)));
    let error = error.unwrap_err();
    assert_eq!(
        (error.line(), error.kind()),
        (Some(2), &nn::ParameterErrorKind::LineTooLong)
    );
    println!("parameter content: {heap:?}");
    assert!(heap.peak <= TRANSIENT_BOUND, "{heap:?}");
}

#[test]
fn a_million_line_parameter_file_is_read_in_bounded_memory() {
    // The 47 parameters, each after 21,000 or so lines of comments and
    // blank lines, then comments up to 10^6 lines in all.
    let sizes = [12, 3, 2];
    let network = Network::new(&sizes, 8);
    let per_parameter = MILLION / network.parameters().len();
    let filler = "# comment\n\n".repeat((per_parameter - 1) / 2);
    let dir = TempDir::new("million-parameter-lines");
    let path = dir.join("parameters.txt");
    let mut file = BufWriter::new(File::create(&path).unwrap());
    let mut lines = 0;
    for (name, value) in network.parameters() {
        writeln!(file, "{filler}{name} {value}").unwrap();
        lines += filler.matches('\n').count() + 1;
    }
    while lines < MILLION {
        file.write_all(b"#\n").unwrap();
        lines += 1;
    }
    file.flush().unwrap();
    drop(file);

    let (loaded, heap) = measure(|| {
        Network::from_parameter_reader(&sizes, BufReader::new(File::open(&path).unwrap()))
    });
    assert_eq!(loaded.unwrap(), network);
    assert_eq!(lines, MILLION);
    println!("{lines} lines, {heap:?}");
    assert!(heap.transient() <= TRANSIENT_BOUND, "{heap:?}");
}
