//! The `train` command, run as a user runs it: its output on success, and
//! one line on standard error with a non-zero exit on every failure.

use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::TempDir;

/// The fewest significant digits the final C_T must be printed with.
const MIN_SIGNIFICANT_DIGITS: usize = 10;

/// Runs `train` with `args` from the workspace root (so that
/// `data/test.txt` resolves).
fn train(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_train"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the train binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// The text of the `final C_T = … after` line between `= ` and ` after`.
fn final_cost(out: &str) -> &str {
    let line = out
        .lines()
        .find(|line| line.starts_with("final C_T = "))
        .unwrap_or_else(|| panic!("no final C_T line in\n{out}"));
    let value = &line["final C_T = ".len()..];
    value.split(" after").next().unwrap()
}

/// Significant digits of a number written as `d.ddd…e±x` or `ddd.ddd`.
fn significant_digits(number: &str) -> usize {
    let mantissa = number.split(['e', 'E']).next().unwrap();
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').len()
}

/// Checks a failed run: a non-zero exit, exactly one line on standard
/// error, and no panic. Returns that line.
fn assert_fails_with_one_line(args: &[&str]) -> String {
    let output = train(args);
    let err = stderr(&output);
    assert!(
        !output.status.success(),
        "{args:?} succeeded; stderr {err:?}"
    );
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: stderr is {err:?}");
    assert!(err.ends_with('\n'), "{args:?}: stderr is {err:?}");
    assert!(err.starts_with("train: "), "{args:?}: stderr is {err:?}");
    err
}

#[test]
fn a_default_run_learns_the_builtin_set() {
    let output = train(&[]);
    let out = stdout(&output);
    assert!(output.status.success(), "stderr: {}", stderr(&output));
    assert_eq!(stderr(&output), "");
    assert!(out.contains("training accuracy: 64/64"), "{out}");
    let cost = final_cost(&out);
    assert!(
        significant_digits(cost) >= MIN_SIGNIFICANT_DIGITS,
        "final C_T {cost:?} has {} significant digits",
        significant_digits(cost)
    );
    let value: f64 = cost.parse().expect("the final C_T is a number");
    assert!(value.is_finite() && value > 0.0, "{value}");
    assert!(out.contains("after 300 epochs"), "{out}");
}

#[test]
fn help_lists_every_option() {
    let output = train(&["--help"]);
    let out = stdout(&output);
    assert!(output.status.success(), "stderr: {}", stderr(&output));
    for option in [
        "--epochs",
        "--eta",
        "--momentum",
        "--seed",
        "--data",
        "--test",
        "--init",
        "--save",
        "--help",
    ] {
        assert!(
            out.contains(option),
            "--help does not list {option}:\n{out}"
        );
    }
}

#[test]
fn bad_options_fail_with_one_line() {
    let cases: &[&[&str]] = &[
        &["--bogus"],
        &["extra-argument"],
        &["--eta", "0"],
        &["--eta", "-1"],
        &["--eta", "nan"],
        &["--eta", "inf"],
        &["--eta", "fast"],
        &["--momentum", "1"],
        &["--momentum", "-0.5"],
        &["--epochs", "-3"],
        &["--epochs", "1.5"],
        &["--seed", "-1"],
        &["--eta"],
    ];
    for args in cases {
        assert_fails_with_one_line(args);
    }
    let err = assert_fails_with_one_line(&["--eta", "0"]);
    assert!(err.contains("learning rate"), "{err}");
    let err = assert_fails_with_one_line(&["--momentum", "1"]);
    assert!(err.contains("momentum"), "{err}");
    let err = assert_fails_with_one_line(&["--epochs", "-3"]);
    assert!(
        err.contains("'-3'") && err.contains("a whole number, 0 or more"),
        "{err}"
    );
}

#[test]
fn bad_files_fail_with_one_line() {
    let dir = TempDir::new("bad-files");
    let missing = dir.path().join("missing.txt");
    let missing = missing.to_str().unwrap();
    let err = assert_fails_with_one_line(&["--data", missing]);
    assert!(err.contains("missing.txt"), "{err}");

    let bad = dir.file(
        "bad.txt",
        b"# a data file\n0 111 101 101 111\n1 010 010 0x0 010\n",
    );
    let err = assert_fails_with_one_line(&["--data", bad.to_str().unwrap()]);
    assert!(err.contains("bad.txt") && err.contains("line 3"), "{err}");

    let binary = dir.file("binary.txt", b"0 111 101 101 111\n\xff\xfe\n");
    let err = assert_fails_with_one_line(&["--data", binary.to_str().unwrap()]);
    assert!(err.contains("line 2"), "{err}");

    let err = assert_fails_with_one_line(&["--test", bad.to_str().unwrap()]);
    assert!(err.contains("line 3"), "{err}");

    let params = dir.file("params.txt", b"w2[1][1] 0.5\nw2[1][1] 0.5\n");
    let err = assert_fails_with_one_line(&["--init", params.to_str().unwrap()]);
    assert!(err.contains("line 2") && err.contains("w2[1][1]"), "{err}");

    let err = assert_fails_with_one_line(&["--init", missing]);
    assert!(err.contains("missing.txt"), "{err}");
}

#[test]
fn an_overflowing_step_fails_with_one_line() {
    // η = 1e308 pushes a parameter past f64::MAX within a few steps.
    let err = assert_fails_with_one_line(&["--eta", "1e308", "--epochs", "20"]);
    assert!(err.contains("non-finite"), "{err}");
}

#[test]
fn saved_parameters_load_back_to_the_same_cost() {
    let dir = TempDir::new("save-init");
    let saved = dir.path().join("trained.txt");
    let saved = saved.to_str().unwrap();

    let first = train(&["--epochs", "40", "--seed", "3", "--save", saved]);
    assert!(first.status.success(), "stderr: {}", stderr(&first));
    let first_out = stdout(&first);
    assert!(Path::new(saved).exists());
    assert!(!Path::new(&format!("{saved}.tmp")).exists());

    let second = train(&["--init", saved, "--epochs", "0"]);
    assert!(second.status.success(), "stderr: {}", stderr(&second));
    let second_out = stdout(&second);
    assert_eq!(final_cost(&first_out), final_cost(&second_out));
    assert!(second_out.contains("after 0 epochs"), "{second_out}");
}

#[test]
fn a_test_set_is_evaluated() {
    let output = train(&["--test", "data/test.txt"]);
    let out = stdout(&output);
    assert!(output.status.success(), "stderr: {}", stderr(&output));
    let line = out
        .lines()
        .find(|line| line.starts_with("test accuracy: "))
        .unwrap_or_else(|| panic!("no test accuracy line in\n{out}"));
    // 12 images in data/test.txt.
    assert!(line.contains("/12 = "), "{line}");
}

#[test]
fn a_data_file_replaces_the_builtin_set() {
    let dir = TempDir::new("data");
    let data = dir.file("two.txt", b"0 111 101 101 111\n1 010 010 010 010\n");
    let output = train(&["--data", data.to_str().unwrap(), "--epochs", "200"]);
    let out = stdout(&output);
    assert!(output.status.success(), "stderr: {}", stderr(&output));
    assert!(out.contains("on 2 images"), "{out}");
    assert!(out.contains("training accuracy: 2/2"), "{out}");
}

#[test]
fn an_impossible_save_fails_before_training() {
    let dir = TempDir::new("save-dir");
    let folder = dir.path().to_str().unwrap();
    let missing = dir.path().join("no-such-folder").join("p.txt");

    for target in [folder, missing.to_str().unwrap()] {
        let output = train(&["--save", target]);
        assert!(!output.status.success());
        assert!(
            stderr(&output).starts_with("train: cannot save to "),
            "{}",
            stderr(&output)
        );
        // Refused before the first epoch: no learning curve was printed.
        assert!(stdout(&output).is_empty(), "{}", stdout(&output));
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn a_save_keeps_a_symbolic_link_and_the_permissions() {
    use std::os::unix::fs::PermissionsExt;

    let dir = TempDir::new("save-link");
    let real = dir.file("real.txt", b"old\n");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    let link = dir.path().join("link.txt");
    std::os::unix::fs::symlink(&real, &link).unwrap();

    let output = train(&["--epochs", "3", "--save", link.to_str().unwrap()]);
    assert!(output.status.success(), "stderr: {}", stderr(&output));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let saved = std::fs::read_to_string(&real).unwrap();
    assert!(saved.contains("w2[1][1] "), "{saved}");
    let mode = std::fs::metadata(&real).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_closed_standard_output_still_saves_and_fails_with_one_line() {
    use std::process::Stdio;

    let dir = TempDir::new("save-pipe");
    let saved = dir.path().join("p.txt");
    let mut child = Command::new(env!("CARGO_BIN_EXE_train"))
        .args(["--save", saved.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the read end at once: every write to stdout fails.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();

    assert!(!output.status.success());
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("cannot write to standard output"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(std::fs::read_to_string(&saved).unwrap().contains("b3[2] "));
}

#[test]
fn a_file_that_cannot_be_read_fails_with_its_path() {
    // A directory opens on Unix, and fails at the first read: an I/O
    // error halfway, as a failing disk would give.
    let dir = TempDir::new("read-fails");
    let folder = dir.path().to_str().unwrap();
    for option in ["--data", "--test", "--init"] {
        let err = assert_fails_with_one_line(&[option, folder]);
        assert!(
            err.starts_with(&format!("train: {folder}: line 1: cannot read: ")),
            "{option}: {err}"
        );
    }
}

#[test]
fn an_over_long_line_fails_with_its_path_and_number() {
    let dir = TempDir::new("long-line");
    let long = format!("0 111 101 101 111\n1 {}\n", "0".repeat(1_000_000));
    let data = dir.file("long.txt", long.as_bytes());
    let data = data.to_str().unwrap();
    let err = assert_fails_with_one_line(&["--data", data]);
    assert_eq!(
        err,
        format!(
            "train: {data}: line 2: longer than {} bytes before any comment\n",
            nn::MAX_LINE_BYTES
        )
    );

    // A comment as long is read past.
    let commented = format!(
        "0 111 101 101 111\n1 010 010 010 010 # {}\n",
        "-".repeat(1_000_000)
    );
    let data = dir.file("commented.txt", commented.as_bytes());
    let output = train(&["--data", data.to_str().unwrap(), "--epochs", "1"]);
    assert!(output.status.success(), "stderr: {}", stderr(&output));
    assert!(stdout(&output).contains("on 2 images"));
}

#[test]
fn a_data_file_past_the_image_cap_fails_before_training() {
    let dir = TempDir::new("image-cap");
    let images = "1 010 010 010 010\n".repeat(nn::MAX_IMAGES + 1);
    let data = dir.file("many.txt", images.as_bytes());
    let data = data.to_str().unwrap();
    let output = train(&["--data", data]);
    assert!(!output.status.success());
    assert_eq!(
        stderr(&output),
        format!(
            "train: {data}: line {}: more than {} images, the most a data file may hold\n",
            nn::MAX_IMAGES + 1,
            nn::MAX_IMAGES
        )
    );
    assert!(stdout(&output).is_empty(), "{}", stdout(&output));
}

#[test]
fn a_read_only_parameter_file_is_not_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("read-only");
    let kept = dir.file("kept.txt", b"old\n");
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o444)).unwrap();
    let save = ["--epochs", "3", "--save", kept.to_str().unwrap()];
    // A privileged user (root, as CI may run) may write any file; run the
    // command as user nobody then, in a folder anyone may write to, so that
    // only the file's own permission stands in the way of the save.
    let privileged = std::fs::OpenOptions::new().write(true).open(&kept).is_ok();
    let output = if privileged {
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let nobody = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_train"))
            .args(save)
            .current_dir(dir.path())
            .output();
        match nobody {
            Ok(output) => output,
            // No way to give up the privilege here: nothing to test.
            Err(_) => return,
        }
    } else {
        train(&save)
    };
    let err = stderr(&output);
    assert!(!output.status.success(), "the save succeeded: {err}");
    assert!(
        err.starts_with("train: cannot save to") && err.contains("kept.txt"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(std::fs::read(&kept).unwrap(), b"old\n");
}
