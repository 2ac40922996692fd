//! P1 and P4 of BENCHMARKS.md: what a call costs through the generated client
//! and through the facade, next to raw reqwest + serde, against one local
//! server; and what 1,000 concurrent calls on an expired token cost.
//!
//! Variants are interleaved round by round in one process, so that drift on
//! a noisy machine hits all of them alike; each round yields one mean per
//! variant, and the report gives the median, min and max of those means.
//!
//! `cargo bench --bench request_cost` (add `-- --quick` for a short run; CI
//! runs `cargo test --bench request_cost -- --quick` as a smoke check).

// The open-file limit helper the tests use (P4 opens 1,000 connections).
#[path = "../tests/common/fd_limit.rs"]
mod fd_limit;
use fd_limit::raise_open_file_limit;

use accounting_sync::{monite, Auth, RetryPolicy, Settings};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::future::Future;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ENTITY: &str = "9d2b4c8f-2087-4738-ba91-7359683c49a4";
const RECORD: &str = "0e4d3c1b-6a5f-4e2d-9c8b-7a6f5e4d3c2b";

/// One synced record of about 2 KB (the fixture with a larger `errors` map).
fn record_json(i: usize) -> serde_json::Value {
    let mut r: serde_json::Value = serde_json::from_str(include_str!("../tests/fixtures/monite/synced_record.json")).unwrap();
    let errors: serde_json::Map<String, serde_json::Value> =
        (0..30).map(|k| (format!("line_{k}"), serde_json::json!(format!("tax code missing on line {k} of document {i}")))).collect();
    r["errors"] = serde_json::Value::Object(errors);
    r
}

fn http_response(body: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// A minimal keep-alive HTTP/1.1 server with two canned answers, so that the
/// client's cost is not hidden behind a heavy server. Also serves a token.
fn start_server() -> String {
    let one = http_response(&record_json(0).to_string());
    let list_body = serde_json::json!({"data": (0..1000).map(record_json).collect::<Vec<_>>()}).to_string();
    let list = http_response(&list_body);
    let token = http_response(r#"{"access_token":"bench-token","expires_in":3600,"token_type":"Bearer"}"#);
    println!("payloads: one record {} B, list of 1,000 {} B", record_json(0).to_string().len(), list_body.len());
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            // A deep accept queue: P4 opens 1,000 connections at once.
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
            let listener = socket.listen(4096).unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                let (one, list, token) = (one.clone(), list.clone(), token.clone());
                tokio::spawn(async move {
                    let mut buf = Vec::with_capacity(4096);
                    let mut chunk = [0u8; 4096];
                    loop {
                        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                            match socket.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                            continue;
                        };
                        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                        let body_len = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                            .unwrap_or(0);
                        while buf.len() < end + 4 + body_len {
                            match socket.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                        }
                        let answer = if head.starts_with("post /v1/auth/token") {
                            TOKEN_REQUESTS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            &token
                        } else if head.starts_with("get /v1/accounting_synced_records?") {
                            &list
                        } else {
                            &one
                        };
                        if socket.write_all(answer).await.is_err() {
                            return;
                        }
                        buf.drain(..end + 4 + body_len);
                    }
                });
            }
        });
    });
    format!("http://{}", addr_rx.recv().unwrap())
}

/// Token requests the server has answered.
static TOKEN_REQUESTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// What a careful hand-written client would decode into.
#[derive(Deserialize)]
#[allow(dead_code)]
struct RawRecord {
    id: uuid::Uuid,
    created_at: chrono::DateTime<chrono::Utc>,
    updated_at: chrono::DateTime<chrono::Utc>,
    last_pulled_at: chrono::DateTime<chrono::Utc>,
    object_type: RawObjectType,
    sync_status: RawSyncStatus,
    #[serde(default)]
    errors: serde_json::Map<String, serde_json::Value>,
    object_id: Option<uuid::Uuid>,
    object_updated_at: Option<chrono::DateTime<chrono::Utc>>,
    platform: Option<String>,
    platform_object_id: Option<String>,
    platform_updated_at: Option<chrono::DateTime<chrono::Utc>>,
    provider: Option<String>,
    provider_object_id: Option<String>,
    provider_updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawObjectType {
    Product,
    Customer,
    Vendor,
    Receivable,
    Bill,
    PaymentRecord,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawSyncStatus {
    Pending,
    Error,
    Done,
}

#[derive(Deserialize)]
struct RawList {
    data: Vec<RawRecord>,
}

struct Raw {
    http: reqwest::Client,
    base: String,
}

impl Raw {
    fn get(&self, url: String) -> reqwest::RequestBuilder {
        self.http.get(url).header("x-monite-version", "2024-05-25").header("x-monite-entity-id", ENTITY).bearer_auth("bench-token")
    }
    async fn one(&self) -> RawRecord {
        self.get(format!("{}/v1/accounting_synced_records/{RECORD}", self.base)).send().await.unwrap().json().await.unwrap()
    }
    async fn list(&self) -> usize {
        let url = format!("{}/v1/accounting_synced_records?object_type=receivable", self.base);
        self.get(url).send().await.unwrap().json::<RawList>().await.unwrap().data.len()
    }
}

async fn generated_one(c: &monite::Client) {
    let r = c.get_accounting_synced_records_id().synced_record_id(RECORD.parse::<uuid::Uuid>().unwrap()).send().await;
    std::hint::black_box(r.unwrap());
}

async fn generated_list(c: &monite::Client) {
    let r = c.get_accounting_synced_records().object_type(monite::types::ObjectMatchTypes::Receivable).send().await;
    assert_eq!(r.unwrap().data.len(), 1000);
}

/// Mean time of `n` sequential calls.
async fn mean<F: Future<Output = ()>>(n: u32, mut call: impl FnMut() -> F) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        call().await;
    }
    start.elapsed() / n
}

struct Stats {
    samples: BTreeMap<&'static str, Vec<Duration>>,
}

impl Stats {
    fn add(&mut self, name: &'static str, d: Duration) {
        self.samples.entry(name).or_default().push(d);
    }
    fn median(&self, name: &str) -> Duration {
        let mut v = self.samples[name].clone();
        v.sort();
        v[v.len() / 2]
    }
    fn print(&self, title: &str, order: &[&'static str]) {
        println!("\n{title}");
        println!("  {:<34} {:>12} {:>12} {:>12} {:>8}", "variant", "median", "min", "max", "/ a");
        let base = self.median(order[0]).as_secs_f64();
        for name in order {
            let v = &self.samples[name];
            let (min, max) = (v.iter().min().unwrap(), v.iter().max().unwrap());
            let median = self.median(name);
            println!("  {name:<34} {:>12.1?} {:>12.1?} {:>12.1?} {:>8.3}", median, min, max, median.as_secs_f64() / base);
        }
    }
}

fn main() {
    raise_open_file_limit();
    // The raw variant's reqwest client is built before any of ours, and
    // with the `rustls` feature reqwest has no crypto provider of its own.
    #[cfg(feature = "rustls")]
    accounting_sync::install_crypto_provider();
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 5 } else { 31 };
    let base = start_server();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        // The same timeouts as the generated clients' defaults: a careful
        // hand-written client sets them too.
        let defaults = Settings::default();
        let http = reqwest::Client::builder().connect_timeout(defaults.connect_timeout).timeout(defaults.request_timeout).build().unwrap();
        let raw = Raw { http, base: base.clone() };
        let entity = ENTITY.parse().unwrap();
        let custom = || monite::Environment::Custom(format!("{base}/v1"));
        let no_retry = Settings { retry: RetryPolicy::none(), ..Settings::default() };
        let generated = monite::Client::with_settings(custom(), Auth::None, &no_retry).unwrap().for_entity(entity);
        let facade = monite::Client::with_environment(custom(), Auth::bearer("bench-token")).unwrap().for_entity(entity);
        let sink = || tracing_subscriber::fmt().with_max_level(tracing::Level::INFO).with_writer(std::io::sink).finish();

        // `-- --profile raw|generated|facade`: only that variant, for a
        // profiler (valgrind --tool=callgrind counts instructions).
        if let Some(which) = std::env::args().skip_while(|a| a != "--profile").nth(1) {
            for _ in 0..2000 {
                match which.as_str() {
                    "raw" => drop(std::hint::black_box(raw.one().await)),
                    "generated" => generated_one(&generated).await,
                    "none" => {}
                    _ => generated_one(&facade).await,
                }
            }
            return;
        }
        // Warm up connections and allocators.
        for _ in 0..50 {
            raw.one().await;
            generated_one(&generated).await;
            generated_one(&facade).await;
        }
        let mut one = Stats { samples: BTreeMap::new() };
        let mut list = Stats { samples: BTreeMap::new() };
        for round in 0..rounds {
            // A different order each round: no variant always runs right
            // after the heavy list calls, or first.
            let mut order = [0usize, 1, 2, 3];
            fastrand::Rng::with_seed(round as u64).shuffle(&mut order);
            for variant in order {
                match variant {
                    0 => one.add(
                        "a raw reqwest + serde",
                        mean(300, || async {
                            std::hint::black_box(raw.one().await);
                        })
                        .await,
                    ),
                    1 => one.add("b generated client", mean(300, || generated_one(&generated)).await),
                    2 => one.add("c facade (auth, retry), no tracing", mean(300, || generated_one(&facade)).await),
                    _ => {
                        let _t = tracing::subscriber::set_default(sink());
                        one.add("c facade, tracing on", mean(300, || generated_one(&facade)).await);
                    }
                }
            }
            for variant in order {
                match variant {
                    0 => list.add("a raw reqwest + serde", mean(4, || async { assert_eq!(raw.list().await, 1000) }).await),
                    1 => list.add("b generated client", mean(4, || generated_list(&generated)).await),
                    2 => list.add("c facade (auth, retry), no tracing", mean(4, || generated_list(&facade)).await),
                    _ => {
                        let _t = tracing::subscriber::set_default(sink());
                        list.add("c facade, tracing on", mean(4, || generated_list(&facade)).await);
                    }
                }
            }
        }
        let order = ["a raw reqwest + serde", "b generated client", "c facade (auth, retry), no tracing", "c facade, tracing on"];
        one.print(&format!("P1 one record (~2 KB), {rounds} rounds x 300 calls"), &order);
        list.print(&format!("P1 list of 1,000 records, {rounds} rounds x 4 calls"), &order);

        // P4: 1,000 concurrent calls, each client starting with no token.
        let mut p4 = Stats { samples: BTreeMap::new() };
        for round in 0..rounds.min(11) {
            // Alternate which batch goes first: both open 1,000 connections.
            for cold_first in [round % 2 == 0, round % 2 == 1] {
                if cold_first {
                    let cold = monite::Client::with_environment(custom(), monite::client_credentials("bench", "secret"))
                        .unwrap()
                        .for_entity(entity);
                    let before = TOKEN_REQUESTS.load(std::sync::atomic::Ordering::SeqCst);
                    let start = Instant::now();
                    futures::future::join_all((0..1000).map(|_| generated_one(&cold))).await;
                    p4.add("expired token (one fetch)", start.elapsed());
                    let fetched = TOKEN_REQUESTS.load(std::sync::atomic::Ordering::SeqCst) - before;
                    assert_eq!(fetched, 1, "1,000 concurrent calls on an expired token made {fetched} token requests");
                } else {
                    let warm = monite::Client::with_environment(custom(), Auth::bearer("bench-token")).unwrap().for_entity(entity);
                    let start = Instant::now();
                    futures::future::join_all((0..1000).map(|_| generated_one(&warm))).await;
                    p4.add("static token", start.elapsed());
                }
            }
        }
        println!("  token requests per batch of 1,000 calls on an expired token: 1 (checked every round)");
        p4.print("P4 1,000 concurrent calls (whole batch)", &["static token", "expired token (one fetch)"]);
    });
}
