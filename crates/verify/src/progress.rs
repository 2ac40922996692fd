//! Progress of the long runs (corpus, sweep, bundle-check, bench-build: minutes
//! each): items done of how many, the current step, and a count inside a step
//! (crates compiled, operations called). On a terminal it is a bar on stderr
//! (indicatif); elsewhere (CI, a pipe) plain lines on stderr: one per step, and
//! a count at most every [`PLAIN_EVERY`], so a log shows where a run is
//! without a line per crate. The results stay on stdout, as before.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often a count inside a step is printed as a plain line.
pub const PLAIN_EVERY: Duration = Duration::from_secs(15);

/// The progress of one run; clones share it (a thread reading cargo's
/// output counts crates on a clone).
#[derive(Clone)]
pub struct Progress {
    inner: Arc<Inner>,
}

struct Inner {
    verb: String,
    total: u64,
    /// `None` when stderr is not a terminal: plain lines instead.
    bar: Option<ProgressBar>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    done: u64,
    step: String,
    last_plain: Option<Instant>,
}

impl Progress {
    /// A run of `verb` over `total` items of `unit` (documents, feature sets,
    /// steps).
    pub fn new(verb: &str, total: usize, unit: &str) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total as u64);
            let template = format!("{{prefix}} [{{bar:24}}] {{pos}}/{{len}} {unit} {{elapsed:>4}}  {{wide_msg}}");
            bar.set_style(ProgressStyle::with_template(&template).expect("a valid template").progress_chars("=> "));
            bar.set_prefix(verb.to_string());
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        });
        let inner = Inner { verb: verb.to_string(), total: total as u64, bar, state: Mutex::new(State::default()) };
        Progress { inner: Arc::new(inner) }
    }

    /// A progress that shows nothing (tests, and callers without a run).
    pub fn hidden() -> Progress {
        let inner = Inner { verb: String::new(), total: 0, bar: Some(ProgressBar::hidden()), state: Mutex::new(State::default()) };
        Progress { inner: Arc::new(inner) }
    }

    /// The current step, e.g. `monite/openapi.json: compiling`.
    pub fn step(&self, step: impl Into<String>) {
        let mut state = self.state();
        state.step = step.into();
        match &self.inner.bar {
            Some(bar) => bar.set_message(state.step.clone()),
            None => {
                eprintln!("{}", self.plain(&state, &state.step));
                state.last_plain = Some(Instant::now());
            }
        }
    }

    /// A count inside the current step (`done` of `of` when known): the bar
    /// shows each; plain lines at most every [`PLAIN_EVERY`].
    pub fn count(&self, done: usize, of: Option<usize>, unit: &str) {
        match of {
            Some(of) => self.count_text(&format!("{done}/{of} {unit}")),
            None => self.count_text(&format!("{done} {unit}")),
        }
    }

    /// [`Progress::count`] with the count written by the caller.
    fn count_text(&self, count: &str) {
        let mut state = self.state();
        let line = format!("{} ({count})", state.step);
        match &self.inner.bar {
            Some(bar) => bar.set_message(line),
            None => {
                if state.last_plain.is_none_or(|t| t.elapsed() >= PLAIN_EVERY) {
                    eprintln!("{}", self.plain(&state, &line));
                    state.last_plain = Some(Instant::now());
                }
            }
        }
    }

    /// A line on stderr that stays (above the bar on a terminal): what the
    /// maintainer should know about the run, not a result.
    pub fn note(&self, text: &str) {
        match &self.inner.bar {
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }

    /// One item done.
    pub fn item_done(&self) {
        let mut state = self.state();
        state.done += 1;
        if let Some(bar) = &self.inner.bar {
            bar.set_position(state.done);
        }
    }

    /// A handler of cargo's stdout (run with
    /// `--message-format=json-render-diagnostics`) that counts the crates
    /// built ([`crate_built`]) into the current step: every crate, and when
    /// `ours` is given, the workspace's own of that many (cargo does not say
    /// beforehand how many dependencies it will build).
    pub fn crate_counter(&self, ours: Option<usize>) -> impl FnMut(&str) + Send + 'static {
        let progress = self.clone();
        let (mut all, mut local) = (0, 0);
        move |line| {
            if !crate_built(line, false) {
                return;
            }
            all += 1;
            match ours {
                Some(of) => {
                    local += usize::from(crate_built(line, true));
                    progress.count_text(&format!("{local}/{of} own crates, {all} crates in all"));
                }
                None => progress.count(all, None, "crates"),
            }
        }
    }

    /// Prints `text` to stdout (a result) without tearing the bar.
    pub fn print(&self, text: &str) {
        match &self.inner.bar {
            Some(bar) => bar.suspend(|| print!("{text}")),
            None => print!("{text}"),
        }
    }

    /// Removes the bar (the run's result follows on stdout).
    pub fn finish(&self) {
        if let Some(bar) = &self.inner.bar {
            bar.finish_and_clear();
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock left nothing half-written that
        // matters for a progress line.
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn plain(&self, state: &State, what: &str) -> String {
        format!("{} [{}/{}] {what}", self.inner.verb, state.done, self.inner.total)
    }
}

/// Counts the crates a `cargo build --message-format=json-render-diagnostics`
/// reports built (or fresh) on stdout, one JSON message a line: what the
/// workspace's own crates (`path+file` ids) when `local_only`, every crate
/// otherwise: whether `line` reports one.
pub fn crate_built(line: &str, local_only: bool) -> bool {
    // Matching the text, not parsing: a message is one line of JSON with
    // "reason" first, and a build script's run is not a crate built.
    line.starts_with("{\"reason\":\"compiler-artifact\"")
        && (!local_only || line.contains("\"package_id\":\"path+file://"))
        && !line.contains("\"target\":{\"kind\":[\"custom-build\"]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crates_are_counted_from_cargo_messages() {
        let local = r#"{"reason":"compiler-artifact","package_id":"path+file:///t/corpus_x_split/corpus_x_a#0.0.0","manifest_path":"/t/a/Cargo.toml","target":{"kind":["lib"]}}"#;
        let registry = r#"{"reason":"compiler-artifact","package_id":"registry+https://github.com/rust-lang/crates.io-index#serde@1.0.0","target":{"kind":["lib"]}}"#;
        let script = r#"{"reason":"compiler-artifact","package_id":"registry+https://github.com/rust-lang/crates.io-index#serde@1.0.0","target":{"kind":["custom-build"]}}"#;
        let finished = r#"{"reason":"build-finished","success":true}"#;
        assert!(crate_built(local, true) && crate_built(registry, false));
        assert!(!crate_built(registry, true) && !crate_built(script, false) && !crate_built(finished, false));
    }

    #[test]
    fn a_hidden_progress_takes_every_call() {
        let p = Progress::hidden();
        p.step("a");
        p.count(1, Some(2), "crates");
        p.item_done();
        p.finish();
    }
}
