//! Measuring a build: wall time and peak memory, of the biggest process
//! (`/usr/bin/time`) or of a whole process group sampled from /proc.

use anyhow::Result;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// `cargo`, run under `/usr/bin/time` when the machine has it, which writes
/// the biggest process's peak memory to `report` (read it with [`peak_kib`]).
pub fn cargo_with_peak(report: &Path) -> Command {
    let _ = std::fs::remove_file(report);
    if Path::new("/usr/bin/time").exists() {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "%M", "-o"]).arg(report).arg("cargo");
        c
    } else {
        Command::new("cargo")
    }
}

/// The peak memory (KiB) [`cargo_with_peak`] recorded, if it could.
pub fn peak_kib(report: &Path) -> Option<u64> {
    std::fs::read_to_string(report).ok().and_then(|t| t.trim().lines().last()?.parse().ok())
}

/// What [`run_sampled`] saw.
pub struct Sampled {
    pub success: bool,
    pub wall: Duration,
    /// The largest sum of resident memory over the whole process group at
    /// one sampling instant (every rustc cargo runs at once), KiB.
    pub peak_kib: u64,
    pub stderr: String,
}

/// Resident memory (KiB) of the processes in group `group`, from /proc.
fn group_rss_kib(group: u32) -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else { return 0 };
    let mut pages = 0;
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // Fields after the command's closing parenthesis: state, ppid, pgrp, … rss is the 22nd.
        let Some((_, rest)) = stat.rsplit_once(')') else { continue };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.get(2).and_then(|g| g.parse::<u32>().ok()) == Some(group) {
            pages += fields.get(21).and_then(|r| r.parse::<u64>().ok()).unwrap_or(0);
        }
    }
    pages * 4
}

/// Runs `cmd` in a process group of its own, sampling the group's summed
/// resident memory every 100 ms; each line it writes to stdout goes to
/// `on_stdout` (cargo's JSON messages, for the progress).
pub fn run_sampled(cmd: &mut Command, mut on_stdout: impl FnMut(&str) + Send + 'static) -> Result<Sampled> {
    use std::io::BufRead;
    use std::os::unix::process::CommandExt;
    let started = Instant::now();
    let mut child = cmd.process_group(0).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn()?;
    let group = child.id();
    let mut pipe = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut pipe, &mut text);
        text
    });
    let out = std::io::BufReader::new(child.stdout.take().expect("piped"));
    let out_reader = std::thread::spawn(move || out.lines().map_while(Result::ok).for_each(|line| on_stdout(&line)));
    let mut peak_kib = 0;
    let status = loop {
        peak_kib = peak_kib.max(group_rss_kib(group));
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = out_reader.join();
    Ok(Sampled { success: status.success(), wall: started.elapsed(), peak_kib, stderr: reader.join().unwrap_or_default() })
}
