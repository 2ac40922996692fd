//! The hostile_* test files' shared parts: the clients of the three APIs
//! against one base URL, one call of each, and raw TCP servers for a server
//! that must misbehave below HTTP.

use accounting_sync::{layer, monite, rebilly, Auth, ClientCredentials, Error, RetryPolicy, Settings};
use serde_json::json;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const ENTITY: &str = "9d2b4c8f-2087-4738-ba91-7359683c49a4";
pub const RECORD: &str = "0e4d3c1b-6a5f-4e2d-9c8b-7a6f5e4d3c2b";
pub const BUSINESS: &str = "c1a7b7d6-1d1e-4a5c-9f43-3f1c0c6b9f10";
/// A secret with the characters that change under JSON and URL encoding.
pub const SECRET: &str = "s3cr\"et\\key+/=&0123456789";
pub const API_KEY: &str = "sk_live_api-key-0123456789";

pub type Call = Pin<Box<dyn Future<Output = Result<(), Error>> + Send>>;

pub fn settings() -> Settings {
    Settings {
        retry: RetryPolicy { base_delay: Duration::from_millis(5), max_delay: Duration::from_millis(50), ..RetryPolicy::default() },
        ..Settings::default()
    }
}

pub fn rebilly_client(base: &str, auth: Auth, settings: &Settings) -> rebilly::Client {
    rebilly::Client::with_base_url(base, auth, settings).unwrap()
}

pub fn layer_credentials(base: &str) -> Auth {
    Auth::ClientCredentials(ClientCredentials::new("layer-id", SECRET).with_scope("scope").with_token_url(format!("{base}/oauth2/token")))
}

pub fn layer_client(base: &str, auth: Auth, settings: &Settings) -> layer::Client {
    layer::Client::with_settings(layer::Environment::Custom(base.into()), auth, settings).unwrap()
}

pub fn monite_client(base: &str, auth: Auth, settings: &Settings) -> monite::Client {
    monite::Client::with_settings(monite::Environment::Custom(format!("{base}/v1")), auth, settings)
        .unwrap()
        .for_entity(ENTITY.parse().unwrap())
}

pub fn rebilly_get(c: &rebilly::Client) -> Call {
    let c = c.clone();
    Box::pin(async move {
        c.get_external_identifier()
            .resource(rebilly::types::ExternalIdentifierResource::Customers)
            .resource_id("cus_1")
            .service(rebilly::types::ExternalIdentifierService::QuickbooksOnline)
            .send()
            .await?;
        Ok(())
    })
}

pub fn rebilly_put(c: &rebilly::Client) -> Call {
    let c = c.clone();
    Box::pin(async move {
        c.put_external_identifier()
            .resource(rebilly::types::ExternalIdentifierResource::Customers)
            .resource_id("cus_1")
            .service(rebilly::types::ExternalIdentifierService::QuickbooksOnline)
            .body(rebilly::types::ExternalIdentifier::builder().external_identifier("qbo-1"))
            .send()
            .await?;
        Ok(())
    })
}

pub fn layer_get(c: &layer::Client) -> Call {
    let c = c.clone();
    Box::pin(async move {
        c.business_quickbooks_connection_status_get().business_id(BUSINESS).send().await?;
        Ok(())
    })
}

pub fn monite_get(c: &monite::Client) -> Call {
    let c = c.clone();
    Box::pin(async move {
        c.get_accounting_synced_records_id().synced_record_id(RECORD.parse::<uuid::Uuid>().unwrap()).send().await?;
        Ok(())
    })
}

pub fn monite_push(c: &monite::Client) -> Call {
    let c = c.clone();
    Box::pin(async move {
        c.post_accounting_synced_records_id_push().synced_record_id(RECORD.parse::<uuid::Uuid>().unwrap()).send().await?;
        Ok(())
    })
}

pub fn token_body(token: &str) -> serde_json::Value {
    json!({"access_token": token, "expires_in": 3600, "token_type": "Bearer"})
}

/// A server that answers each connection by `answer(request bytes)`; `None`
/// closes the connection without a word. Counts connections.
pub struct RawServer {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
}

impl RawServer {
    pub async fn start(answer: impl Fn(&[u8]) -> Option<Vec<u8>> + Send + Sync + 'static) -> Self {
        Self::start_on("127.0.0.1:0", answer).await
    }

    pub async fn start_on(bind: &str, answer: impl Fn(&[u8]) -> Option<Vec<u8>> + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind(bind).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let count = connections.clone();
        let answer = Arc::new(answer);
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else { return };
                count.fetch_add(1, Ordering::SeqCst);
                let answer = answer.clone();
                tokio::spawn(async move {
                    let request = read_request(&mut socket).await;
                    if let Some(bytes) = answer(&request) {
                        let _ = socket.write_all(&bytes).await;
                        let _ = socket.shutdown().await;
                    }
                });
            }
        });
        RawServer { addr, connections }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Reads one request: the head and, when it says so, a body.
pub async fn read_request(socket: &mut TcpStream) -> Vec<u8> {
    let mut seen = Vec::new();
    let mut buf = vec![0u8; 16384];
    loop {
        if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&seen[..end]).to_ascii_lowercase();
            let length = head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse::<usize>().ok());
            if seen.len() >= end + 4 + length.unwrap_or(0) {
                return seen;
            }
        }
        match tokio::time::timeout(Duration::from_secs(5), socket.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => seen.extend_from_slice(&buf[..n]),
            _ => return seen,
        }
    }
}

pub fn http_response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// A server that accepts connections and never answers.
pub async fn silent_server() -> RawServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    RawServer { addr, connections }
}
