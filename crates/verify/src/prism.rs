//! Stoplight Prism, installed pinned with npm and run as a mock server on
//! loopback: one process group per mock, stopped (and checked gone) on drop.

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
    /// What it serves, in messages (and `PRISM_<NAME>` for the tests).
    pub name: String,
    child: Child,
    /// `http://127.0.0.1:<port>`.
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
    crate::npm::install(dir, PRISM, "prism")
}

/// Starts `prism mock` for `document` on a free loopback port.
pub fn start(name: &str, prism: &Path, document: &Path, logs: &Path) -> Result<Mock> {
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
    Ok(Mock { name: name.to_string(), child, url: format!("http://127.0.0.1:{port}"), log })
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

/// Starts a mock for each `(name, document)`, all at once, and waits until
/// every one answers (Prism takes up to a minute on a large document):
/// what the contract tests and both sweeps serve their documents with.
pub fn serve_all(prism: &Path, documents: &[(String, PathBuf)], logs: &Path) -> Result<Vec<Mock>> {
    let mut mocks = documents.iter().map(|(name, document)| start(name, prism, document, logs)).collect::<Result<Vec<_>>>()?;
    for mock in &mut mocks {
        wait_ready(mock, READY_WITHIN)?;
    }
    Ok(mocks)
}

/// How long a mock may take to answer its first request.
const READY_WITHIN: Duration = Duration::from_secs(180);

/// Stops every mock and checks that no process of theirs is left.
pub fn stop_all(mocks: Vec<Mock>) -> Result<()> {
    let groups: Vec<u32> = mocks.iter().map(|m| m.child.id()).collect();
    drop(mocks);
    for group in groups {
        let alive = Command::new("kill").args(["-0", "--", &format!("-{group}")]).stderr(Stdio::null()).status()?.success();
        if alive {
            bail!("a prism process of group {group} is still running after the mocks were stopped");
        }
    }
    Ok(())
}
