//! `train`: trains the 12-3-2 sigmoid network to tell a 0 from a 1, with
//! every gradient taken by the `tape` crate's reverse sweep.
//!
//! It prints the learning curve (C_T every so many epochs), the final C_T,
//! the training accuracy, and the images with their labels and predictions.
//! Every failure (a bad option, a bad file, a cost that is no longer finite)
//! is one line on standard error and a non-zero exit.

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use nn::{Dataset, HEIGHT, Network, Recording, Trainer, WIDTH};

/// The layer sizes of the network this command trains.
const SIZES: [usize; 3] = [12, 3, 2];

/// Writes one line of the report to an [`Output`].
macro_rules! say {
    ($out:expr) => {
        $out.line(format_args!(""))
    };
    ($out:expr, $($arg:tt)*) => {
        $out.line(format_args!($($arg)*))
    };
}

/// How many images are drawn side by side.
const IMAGES_PER_ROW: usize = 8;

/// Train the 12-3-2 sigmoid network to tell a 0 from a 1 on 4×3 images,
/// by full-batch gradient descent on C_T with gradients from the tape.
#[derive(Debug, Parser)]
#[command(name = "train", version)]
struct Options {
    /// Number of epochs (full-batch gradient steps), 0 or more.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 300,
        allow_hyphen_values = true,
        value_parser = parse_count
    )]
    epochs: usize,

    /// Learning rate η, a finite number > 0.
    #[arg(
        long,
        value_name = "X",
        default_value_t = 0.5,
        allow_hyphen_values = true
    )]
    eta: f64,

    /// Momentum μ, in [0, 1).
    #[arg(
        long,
        value_name = "X",
        default_value_t = 0.9,
        allow_hyphen_values = true
    )]
    momentum: f64,

    /// Seed of the random initial parameters.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1,
        allow_hyphen_values = true
    )]
    seed: u64,

    /// Training set (data-file format); the built-in 64 images by default.
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,

    /// A second set, evaluated after training.
    #[arg(long, value_name = "FILE")]
    test: Option<PathBuf>,

    /// Initial parameters (parameter-file format) instead of random ones.
    #[arg(long, value_name = "FILE")]
    init: Option<PathBuf>,

    /// Where to save the trained parameters.
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,

    /// Record the cost once and replay the tape at every step, instead of
    /// recording it anew (same numbers, faster).
    #[arg(long)]
    replay: bool,
}

fn main() -> ExitCode {
    let options = match Options::try_parse() {
        Ok(options) => options,
        Err(error) if !error.use_stderr() => {
            // --help and --version: print in full, succeed.
            print!("{error}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            // clap's own message runs to several lines of usage; the first
            // says what is wrong.
            let message = error.to_string();
            let first = message.lines().next().unwrap_or("invalid arguments");
            eprintln!("train: {}", first.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("train: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Trains and reports; every error comes back as the one line to print.
fn run(options: &Options) -> Result<(), String> {
    let out = &mut Output::new();
    let recording = if options.replay {
        Recording::Replay
    } else {
        Recording::EveryStep
    };
    let mut trainer = Trainer::new(options.eta, options.momentum)
        .map_err(|e| e.to_string())?
        .with_recording(recording);
    let (data, data_name) = match &options.data {
        Some(path) => (read_data(path)?, path.display().to_string()),
        None => (Dataset::builtin(), "the built-in set".to_string()),
    };
    let test = options.test.as_deref().map(read_data).transpose()?;
    let mut network = match &options.init {
        Some(path) => read_parameters(path)?,
        None => Network::new(&SIZES, options.seed),
    };
    // A save that would fail is found now, not after the training.
    if let Some(path) = &options.save {
        check_save_target(path)?;
    }

    say!(
        out,
        "Training the 12-3-2 network ({} parameters) on {} image{} of {data_name}",
        network.parameters().len(),
        data.images().len(),
        if data.images().len() == 1 { "" } else { "s" }
    );
    say!(
        out,
        "η = {}, μ = {}, {} epoch{}, {}, {}",
        short(options.eta),
        short(options.momentum),
        options.epochs,
        if options.epochs == 1 { "" } else { "s" },
        if options.replay {
            "recorded once and replayed"
        } else {
            "recorded every epoch"
        },
        match &options.init {
            Some(path) => format!("initial parameters from {}", path.display()),
            None => format!("seed {}", options.seed),
        }
    );
    say!(out);
    say!(out, "{:>8}  {:>14}", "epoch", "C_T");

    let every = (options.epochs / 10).max(1);
    let start = Instant::now();
    let mut failure = None;
    for epoch in 0..options.epochs {
        match trainer.step(&mut network, &data) {
            Ok(cost) if epoch % every == 0 => say!(out, "{epoch:>8}  {cost:>14.10}"),
            Ok(_) => {}
            Err(error) => {
                failure = Some(error);
                break;
            }
        }
    }
    let elapsed = start.elapsed();

    // The cost at the final parameters, after the last update.
    let cost = network.cost(&data);
    let done = trainer.epochs();
    say!(out, "{done:>8}  {cost:>14.10}");
    say!(out);
    say!(
        out,
        "final C_T = {cost:.12e} after {done} epoch{} ({:.1} ms)",
        if done == 1 { "" } else { "s" },
        ms(elapsed)
    );

    // Save before the long report, so that nothing the report meets (a
    // closed pipe, a full disk) can lose the trained network.
    if let Some(path) = &options.save {
        save_parameters(path, &network)?;
        say!(out, "saved the parameters to {}", path.display());
    }
    report(out, "training", &network, &data, false);
    if let Some(test) = &test {
        report(out, "test", &network, test, true);
    }

    if let Some(error) = failure {
        return Err(error.to_string());
    }
    match out.error.take() {
        Some(error) => Err(format!("cannot write to standard output: {error}")),
        None => Ok(()),
    }
}

/// A count such as the number of epochs: a whole number, 0 or more. Said
/// so, rather than as the parser's "invalid digit found in string".
fn parse_count(text: &str) -> Result<usize, String> {
    text.trim()
        .parse()
        .map_err(|_| "expected a whole number, 0 or more".to_owned())
}

/// A number as a person would write it: 0.5 as 0.5, but 1e300 as 1e300
/// rather than its 301 digits.
fn short(x: f64) -> String {
    if x != 0.0 && !(1e-4..1e6).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

fn ms(duration: std::time::Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// Prints the accuracy on `data`, and draws its images (only the ones the
/// network gets wrong if `wrong_only`).
fn report(out: &mut Output, what: &str, network: &Network, data: &Dataset, wrong_only: bool) {
    let predictions: Vec<usize> = data
        .images()
        .iter()
        .map(|image| network.predict(image.pixels()))
        .collect();
    let correct = data
        .images()
        .iter()
        .zip(&predictions)
        .filter(|(image, p)| image.label() == **p)
        .count();
    let total = data.images().len();
    say!(out);
    say!(
        out,
        "{what} accuracy: {correct}/{total} = {:.1}%",
        100.0 * correct as f64 / total as f64
    );

    let shown: Vec<(usize, usize)> = data
        .images()
        .iter()
        .zip(&predictions)
        .enumerate()
        .filter(|(_, (image, p))| !wrong_only || image.label() != **p)
        .map(|(k, (_, &p))| (k, p))
        .collect();
    if shown.is_empty() {
        return;
    }
    say!(
        out,
        "{}",
        if wrong_only {
            "the images it gets wrong (label→prediction, # black, . white):"
        } else {
            "the images (label→prediction, # black, . white; ! marks a mistake):"
        }
    );
    for row in shown.chunks(IMAGES_PER_ROW) {
        let mut lines = vec![String::new(); HEIGHT + 1];
        for &(k, prediction) in row {
            let image = &data.images()[k];
            let mark = if image.label() == prediction {
                ' '
            } else {
                '!'
            };
            lines[0].push_str(&format!("{}→{}{mark}  ", image.label(), prediction));
            for (r, line) in lines[1..].iter_mut().enumerate() {
                for c in 0..WIDTH {
                    let black = image.pixels()[r * WIDTH + c] > 0.5;
                    line.push(if black { '#' } else { '.' });
                }
                line.push_str("   ");
            }
        }
        say!(out);
        for line in lines {
            say!(out, "  {}", line.trim_end());
        }
    }
}

/// Opens a file to be read line by line: the parsers stream it, so a file
/// of any size costs memory only for what it holds (see `nn::MAX_IMAGES`
/// and `nn::MAX_LINE_BYTES`).
fn open(path: &Path) -> Result<BufReader<File>, String> {
    let file = File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(BufReader::new(file))
}

/// Reads a data file; a failure, a read failing halfway included, names
/// the path and the line.
fn read_data(path: &Path) -> Result<Dataset, String> {
    Dataset::read(open(path)?).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads a parameter file; a failure names the path and the line.
fn read_parameters(path: &Path) -> Result<Network, String> {
    Network::from_parameter_reader(&SIZES, open(path)?)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Refuses, before any training, a save target that cannot work: a
/// directory, a path in a folder that does not exist, a folder that cannot
/// be written.
fn check_save_target(path: &Path) -> Result<(), String> {
    let fail = |why: &dyn std::fmt::Display| format!("cannot save to {}: {why}", path.display());
    if path.is_dir() {
        return Err(fail(&"it is a directory"));
    }
    let target = resolve(path).map_err(|e| fail(&e))?;
    if target.exists() && !target.is_file() {
        // A device or a pipe is written in place; nothing to probe.
        return Ok(());
    }
    // The save replaces the file by renaming a new one over it, which a
    // directory one may write to allows even for a file one may not: ask
    // the file itself, so that a read-only file stays as it is.
    if target.exists() {
        std::fs::OpenOptions::new()
            .write(true)
            .open(&target)
            .map_err(|e| fail(&e))?;
    }
    let temporary = temporary_beside(&target);
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .map_err(|e| fail(&e))?;
    std::fs::remove_file(&temporary).map_err(|e| fail(&e))
}

/// Writes the parameter file.
///
/// A regular file (or a new one) is written whole to a temporary file
/// beside it, which then takes its place with the old file's permissions,
/// so that a failed write never leaves half a file. A symbolic link is
/// followed and its target replaced; a device or a pipe is written in
/// place.
fn save_parameters(path: &Path, network: &Network) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("cannot save to {}: {e}", path.display());
    let text = network.to_parameter_text();
    let target = resolve(path).map_err(fail)?;
    let existing = std::fs::metadata(&target).ok();
    if existing.as_ref().is_some_and(|m| !m.is_file()) {
        return std::fs::write(&target, text).map_err(fail);
    }

    let temporary = temporary_beside(&target);
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        if let Some(metadata) = &existing {
            file.set_permissions(metadata.permissions())?;
        }
        std::fs::rename(&temporary, &target)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.map_err(fail)
}

/// The file a path names, through any symbolic links; the path itself if
/// nothing exists there yet.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_symlink() => std::fs::canonicalize(path),
        _ => Ok(path.to_path_buf()),
    }
}

/// A temporary name in the folder of `target`, unique to this process.
fn temporary_beside(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "parameters".into(), |n| n.to_string_lossy().into_owned());
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    folder.join(format!(".{name}.{}.tmp", std::process::id()))
}

/// Standard output for the report. A line that cannot be written (a closed
/// pipe, a full disk) is not fatal on the spot: the error is kept, later
/// lines are skipped, and training and saving go on; the command then fails
/// with the error.
struct Output {
    stdout: std::io::StdoutLock<'static>,
    error: Option<std::io::Error>,
}

impl Output {
    fn new() -> Output {
        Output {
            stdout: std::io::stdout().lock(),
            error: None,
        }
    }

    fn line(&mut self, args: std::fmt::Arguments<'_>) {
        if self.error.is_none()
            && let Err(error) = writeln!(self.stdout, "{args}")
        {
            self.error = Some(error);
        }
    }
}
