//! `cargo xtask contract [UPSTREAM_DIR]`: the generated clients against the
//! vendors' own documents, served by Stoplight Prism.
//!
//! Installs `@stoplight/prism-cli` (pinned) into `target/prism` when it is not
//! there, starts `prism mock` on 127.0.0.1 on a free port for each document
//! (Rebilly and Monite from UPSTREAM_DIR, `$UPSTREAM_SPECS` or
//! `../shared/specs-upstream`; Layer from our own `specs/layer/openapi.json`,
//! its open enums stated as `anyOf`: see `open_enums_as_any_of`),
//! waits until each answers, runs `tests/contract.rs`, and stops every mock
//! afterwards, also when the tests fail. What the harness does about Prism's
//! limits is written at the top of `tests/contract.rs`.

use anyhow::{bail, Context, Result};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Prism release the contract is checked with.
pub const PRISM: &str = "@stoplight/prism-cli@5.16.0";

/// A running mock; dropping it stops its whole process group.
pub struct Mock {
    name: &'static str,
    child: Child,
    pub url: String,
    log: PathBuf,
}

impl Drop for Mock {
    fn drop(&mut self) {
        // `--` so that the negative id names the process group, not an option.
        let group = format!("-{}", self.child.id());
        let signal = |sig: &str| Command::new("kill").args([sig, "--", &group]).stderr(Stdio::null()).status();
        let _ = signal("-TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = signal("-KILL");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Installs Prism under `dir` unless it is there; returns its executable.
pub fn install(dir: &Path) -> Result<PathBuf> {
    let bin = dir.join("node_modules/.bin/prism");
    if bin.exists() {
        return Ok(bin);
    }
    std::fs::create_dir_all(dir)?;
    println!("installing {PRISM} into {}", dir.display());
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix"])
        .arg(dir)
        .arg(PRISM)
        .status()
        .context("cannot run npm (Node.js and npm are needed for the contract tests)")?;
    if !status.success() || !bin.exists() {
        bail!("npm install {PRISM} failed");
    }
    Ok(bin)
}

pub fn start(name: &'static str, prism: &Path, document: &Path, logs: &Path) -> Result<Mock> {
    if !document.is_file() {
        bail!("{name}: no document at {}", document.display());
    }
    let port = free_port()?;
    let log = logs.join(format!("{name}.log"));
    let out = std::fs::File::create(&log)?;
    let child = Command::new(prism)
        .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
        .arg(document)
        .stdout(out.try_clone()?)
        .stderr(out)
        .process_group(0)
        .spawn()
        .with_context(|| format!("cannot start {}", prism.display()))?;
    Ok(Mock { name, child, url: format!("http://127.0.0.1:{port}"), log })
}

/// Waits until the mock answers HTTP (any status).
pub fn wait_ready(mock: &mut Mock, limit: Duration) -> Result<()> {
    let started = Instant::now();
    let addr = mock.url.trim_start_matches("http://").to_string();
    while started.elapsed() < limit {
        if let Some(status) = mock.child.try_wait()? {
            let log = std::fs::read_to_string(&mock.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(15).collect::<Vec<_>>().into_iter().rev().collect();
            bail!("{}: prism exited ({status}):\n{}", mock.name, tail.join("\n"));
        }
        if let Ok(mut s) = TcpStream::connect(&addr) {
            s.set_read_timeout(Some(Duration::from_secs(5)))?;
            let _ = s.write_all(b"GET /__ready HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
            let mut buf = [0u8; 12];
            if s.read(&mut buf).is_ok_and(|n| n > 0 && buf.starts_with(b"HTTP/1.1")) {
                return Ok(());
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    bail!("{}: prism did not answer within {limit:?} (log: {})", mock.name, mock.log.display())
}

/// The vendors' documents: the first argument, `$UPSTREAM_SPECS`, or
/// `../shared/specs-upstream`.
pub fn upstream_dir(root: &Path, args: &[String]) -> PathBuf {
    args.iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("UPSTREAM_SPECS").map(PathBuf::from))
        .unwrap_or_else(|| root.join("../shared/specs-upstream"))
}

/// The normalizer writes an open enum as `oneOf: [<X>Known, string]`, the
/// shape typify turns into `Known(..) | Unknown(String)`; a listed value
/// matches both members, which a literal validator such as Prism rejects
/// under `oneOf`. The copy of our Layer document Prism serves says `anyOf`,
/// which is what the generated type accepts.
fn open_enums_as_any_of(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            if crate::normalize::open_enums::is_open(m) {
                let members = m.remove("oneOf").expect("checked");
                m.insert("anyOf".into(), members);
            }
            m.values_mut().for_each(open_enums_as_any_of);
        }
        Value::Array(a) => a.iter_mut().for_each(open_enums_as_any_of),
        _ => {}
    }
}

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let upstream = upstream_dir(root, args);
    let rebilly = upstream.join("rebilly/openapi.yaml");
    let monite = upstream.join("monite/openapi.json");
    for doc in [&rebilly, &monite] {
        if !doc.is_file() {
            bail!("the vendor document {} is missing: pass the specs-upstream folder as an argument or in UPSTREAM_SPECS", doc.display());
        }
    }
    let dir = root.join("target/prism");
    let prism = install(&dir)?;
    let layer = dir.join("layer-served.json");
    let mut ours: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(root.join("specs/layer/openapi.json"))?)?;
    open_enums_as_any_of(&mut ours);
    std::fs::write(&layer, serde_json::to_string_pretty(&ours)?)?;
    let mut mocks =
        vec![start("rebilly", &prism, &rebilly, &dir)?, start("monite", &prism, &monite, &dir)?, start("layer", &prism, &layer, &dir)?];
    for m in &mut mocks {
        wait_ready(m, Duration::from_secs(180))?;
        println!("{}: prism mock on {}", m.name, m.url);
    }
    let status = Command::new("cargo")
        .current_dir(root)
        .args(["test", "--locked", "--test", "contract", "--", "--ignored"])
        .env("PRISM_REBILLY", &mocks[0].url)
        .env("PRISM_MONITE", &mocks[1].url)
        .env("PRISM_LAYER", &mocks[2].url)
        .status()?;
    let groups: Vec<u32> = mocks.iter().map(|m| m.child.id()).collect();
    drop(mocks);
    for group in groups {
        let alive = Command::new("kill").args(["-0", "--", &format!("-{group}")]).stderr(Stdio::null()).status()?.success();
        if alive {
            bail!("a prism process of group {group} is still running after the mocks were stopped");
        }
    }
    if !status.success() {
        bail!("contract tests failed (Prism logs in {})", dir.display());
    }
    Ok(())
}
