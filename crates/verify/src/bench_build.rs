//! `cargo xtask bench-build`: what building accounting-sync costs, per API
//! feature (P2 of BENCHMARKS.md).
//!
//! For each feature set, in a target directory of its own:
//! 1. a cold build (every dependency too), wall time and peak memory of the
//!    biggest process (`/usr/bin/time`, when the machine has it);
//! 2. the crate alone, dependencies already built: `cargo clean -p` then build;
//! 3. build.rs alone: the compiled build script run directly, median of 5.
//!
//! `--no-default-features` is the floor: the same dependencies, nothing
//! generated.

use crate::measure::{cargo_with_peak, peak_kib};
use crate::progress::Progress;
use crate::scratch::JSON_MESSAGES;
use anyhow::{bail, Context, Result};
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The feature sets measured: none (the floor), each API alone, all of
/// them, named as in BENCHMARKS.md.
fn feature_sets(root: &Path) -> Result<Vec<(String, Vec<String>)>> {
    let apis = spec_files::Specs::of_workspace(root).api_names().map_err(anyhow::Error::msg)?;
    let mut sets = vec![("floor (no API)".to_string(), Vec::new())];
    sets.extend(apis.iter().map(|api| (api.clone(), vec![api.clone()])));
    sets.push((format!("all {}", apis.len()), apis));
    Ok(sets)
}

struct Timed {
    wall: Duration,
    peak_kib: Option<u64>,
}

/// Runs `cargo build` for the library with `features`, timed, counting the
/// crates it builds into `progress`.
fn cargo_build(root: &Path, target: &Path, features: &[String], progress: &Progress) -> Result<Timed> {
    std::fs::create_dir_all(target)?;
    let report = target.join("time.txt");
    let mut cmd = cargo_with_peak(&report);
    cmd.current_dir(root).args(["build", "--quiet", "--locked", "-p", "accounting-sync", "--lib", "--no-default-features"]);
    if !features.is_empty() {
        cmd.arg("--features").arg(features.join(","));
    }
    cmd.arg(JSON_MESSAGES).env("CARGO_TARGET_DIR", target).stdout(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().context("cannot run cargo")?;
    let mut count = progress.crate_counter(None);
    std::io::BufReader::new(child.stdout.take().expect("piped")).lines().map_while(Result::ok).for_each(|line| count(&line));
    let status = child.wait()?;
    let wall = started.elapsed();
    if !status.success() {
        bail!("cargo build failed for {features:?}");
    }
    Ok(Timed { wall, peak_kib: peak_kib(&report) })
}

/// Runs the compiled build script of `target` directly, as cargo would.
fn build_script_alone(root: &Path, target: &Path, features: &[String]) -> Result<Option<Duration>> {
    let build_dir = target.join("debug/build");
    let script = std::fs::read_dir(&build_dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("accounting-sync-")))
        .map(|p| p.join("build-script-build"))
        .find(|p| p.exists());
    let Some(script) = script else { return Ok(None) };
    let out = tempdir(target)?;
    let mut times = Vec::new();
    for _ in 0..5 {
        let mut cmd = Command::new(&script);
        cmd.current_dir(root).env("OUT_DIR", &out).env("CARGO_MANIFEST_DIR", root);
        for f in features {
            cmd.env(format!("CARGO_FEATURE_{}", f.to_uppercase()), "1");
        }
        let started = Instant::now();
        let output = cmd.output()?;
        times.push(started.elapsed());
        if !output.status.success() {
            bail!("build script failed: {}", String::from_utf8_lossy(&output.stderr));
        }
    }
    times.sort();
    Ok(Some(times[times.len() / 2]))
}

fn tempdir(target: &Path) -> Result<std::path::PathBuf> {
    let dir = target.join("bench-out");
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("n/a".into(), |k| format!("{:.0} MiB", k as f64 / 1024.0))
}

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let keep = args.iter().any(|a| a == "--keep");
    println!("{:<16} {:>10} {:>10} {:>12} {:>12} {:>12}", "features", "cold", "cold peak", "crate alone", "crate peak", "build.rs");
    let sets = feature_sets(root)?;
    let progress = Progress::new("bench-build", sets.len(), "feature sets");
    for (name, features) in sets {
        let target = root.join("target/bench-build").join(name.split(' ').next().unwrap_or(&name));
        if target.exists() {
            std::fs::remove_dir_all(&target)?;
        }
        progress.step(format!("{name}: cold build"));
        let cold = cargo_build(root, &target, &features, &progress)?;
        let clean = Command::new("cargo")
            .current_dir(root)
            .args(["clean", "--quiet", "-p", "accounting-sync"])
            .env("CARGO_TARGET_DIR", &target)
            .status()?;
        if !clean.success() {
            bail!("cargo clean failed");
        }
        progress.step(format!("{name}: the crate alone"));
        let alone = cargo_build(root, &target, &features, &progress)?;
        progress.step(format!("{name}: build.rs alone, 5 runs"));
        let script = build_script_alone(root, &target, &features)?;
        progress.print(&format!(
            "{name:<16} {:>9.1}s {:>10} {:>11.1}s {:>12} {:>12}\n",
            cold.wall.as_secs_f64(),
            mib(cold.peak_kib),
            alone.wall.as_secs_f64(),
            mib(alone.peak_kib),
            script.map_or("n/a".into(), |d| format!("{:.2}s", d.as_secs_f64())),
        ));
        if !keep {
            std::fs::remove_dir_all(&target)?;
        }
        progress.item_done();
    }
    progress.finish();
    Ok(())
}
