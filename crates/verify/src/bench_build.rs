//! `cargo xtask bench-build`: what building accounting-sync costs, per API
//! feature (P2 of BENCHMARKS.md).
//!
//! For each feature set, in a target directory of its own:
//! 1. a cold build (every dependency too), wall time and peak memory: the
//!    largest sum of the resident memory of every process of the build at
//!    one sample (the API crates compile side by side);
//! 2. the crates alone, dependencies already built: `cargo clean -p` of
//!    accounting-sync and of each API's crates (`crates/<api>`, its model
//!    and its parts), then build;
//! 3. the model crates' build scripts (the generation) run directly, one
//!    after the other, median of 5 of their sum.
//!
//! `--no-default-features` is the floor: the same dependencies, nothing
//! generated.

use crate::measure::run_sampled;
use crate::progress::Progress;
use crate::scratch::JSON_MESSAGES;
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;
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
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root).args(["build", "--quiet", "--locked", "-p", "accounting-sync", "--lib", "--no-default-features"]);
    if !features.is_empty() {
        cmd.arg("--features").arg(features.join(","));
    }
    cmd.arg(JSON_MESSAGES).env("CARGO_TARGET_DIR", target);
    let mut count = progress.crate_counter(None);
    let run = run_sampled(&mut cmd, move |line| count(line)).context("cannot run cargo")?;
    if !run.success {
        bail!("cargo build failed for {features:?}: {}", run.stderr);
    }
    Ok(Timed { wall: run.wall, peak_kib: Some(run.peak_kib) })
}

/// The APIs among `features` (an API's feature is its name); each is the
/// crate `accounting-sync-<api>` in `crates/<api>`.
fn enabled_apis(root: &Path, features: &[String]) -> Result<Vec<String>> {
    let apis = spec_files::Specs::of_workspace(root).api_names().map_err(anyhow::Error::msg)?;
    Ok(apis.into_iter().filter(|api| features.contains(api)).collect())
}

/// Runs the compiled build scripts of the model crates in `target` directly,
/// as cargo would; the median of 5 runs of all of them.
fn build_scripts_alone(root: &Path, target: &Path, features: &[String]) -> Result<Option<Duration>> {
    let build_dir = target.join("debug/build");
    let mut scripts = Vec::new();
    for api in enabled_apis(root, features)? {
        let prefix = format!("accounting-sync-{api}-model-");
        let script = std::fs::read_dir(&build_dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&prefix)))
            .map(|p| p.join("build-script-build"))
            .find(|p| p.exists());
        let Some(script) = script else { return Ok(None) };
        scripts.push((root.join("crates").join(&api).join("model"), script));
    }
    if scripts.is_empty() {
        return Ok(None);
    }
    let out = tempdir(target)?;
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        for (dir, script) in &scripts {
            let mut cmd = Command::new(script);
            cmd.current_dir(dir).env("OUT_DIR", &out).env("CARGO_MANIFEST_DIR", dir);
            for f in features {
                cmd.env(format!("CARGO_FEATURE_{}", f.to_uppercase().replace('-', "_")), "1");
            }
            let output = cmd.output()?;
            if !output.status.success() {
                bail!("build script failed: {}", String::from_utf8_lossy(&output.stderr));
            }
        }
        times.push(started.elapsed());
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
    println!("{:<16} {:>10} {:>10} {:>12} {:>12} {:>12}", "features", "cold", "cold peak", "crates alone", "crates peak", "generation");
    let sets = feature_sets(root)?;
    let progress = Progress::new("bench-build", sets.len(), "feature sets");
    for (name, features) in sets {
        let target = root.join("target/bench-build").join(name.split(' ').next().unwrap_or(&name));
        if target.exists() {
            std::fs::remove_dir_all(&target)?;
        }
        progress.step(format!("{name}: cold build"));
        let cold = cargo_build(root, &target, &features, &progress)?;
        let mut clean = Command::new("cargo");
        clean.current_dir(root).args(["clean", "--quiet", "-p", "accounting-sync"]);
        for api in enabled_apis(root, &features)? {
            clean.args(["-p", &format!("accounting-sync-{api}"), "-p", &format!("accounting-sync-{api}-model")]);
            // The part crates (`crates/<api>/part-<n>`, written by `cargo xtask features`).
            for entry in std::fs::read_dir(root.join("crates").join(&api))?.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with("part-") {
                    clean.args(["-p", &format!("accounting-sync-{api}-{name}")]);
                }
            }
        }
        let clean = clean.env("CARGO_TARGET_DIR", &target).status()?;
        if !clean.success() {
            bail!("cargo clean failed");
        }
        progress.step(format!("{name}: the crate alone"));
        let alone = cargo_build(root, &target, &features, &progress)?;
        progress.step(format!("{name}: build.rs alone, 5 runs"));
        let script = build_scripts_alone(root, &target, &features)?;
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
