//! The connection loop: HTTP/1.1 over TCP, with bounds on what clients can hold.
//!
//! Every connection must send a request's headers within `Config::header_read_timeout` (default
//! [`HEADER_READ_TIMEOUT`]; it also closes idle keep-alive connections), in at most
//! [`MAX_HEADER_BYTES`]. At most `Config::max_connections` connections (default
//! [`MAX_CONNECTIONS`]) are open at once. When a new one arrives past that, the connection that
//! has waited longest without a request in flight (one trickling its headers, or an idle
//! keep-alive one) is closed to make room, so that a flood of slow connections cannot keep
//! readers out; only when every connection has a request in flight is the new one answered
//! `503 Service Unavailable` with `Retry-After` and closed. A flood is shed, not served, and its
//! memory is given back when it ends.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, Response};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::AbortHandle;

use crate::{Error, Shared, follow, router};

/// The default number of connections open at once.
pub const MAX_CONNECTIONS: u32 = 1024;
/// How long a client has to send a request's headers, counted from the connection's start or
/// from the previous response (so it also bounds idle keep-alive connections).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The most bytes of request line and headers a client may send (hyper's read buffer); longer
/// headers are answered 431.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;
/// How many refused connections may be waiting for their 503 to be sent at once; past it a
/// connection is closed without one.
const MAX_SHEDDING: usize = 256;
/// How long a graceful shutdown waits for the requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
/// File descriptors kept for the store, the index and the logs, beyond connections.
const RESERVED_DESCRIPTORS: u64 = 256;

const SHED_BODY: &str =
    "The archive is answering as many readers as it can. Please try again in a moment.\n";

/// Serves until `shutdown` resolves, then finishes the requests in flight (for up to 30 s).
pub async fn serve(
    listener: TcpListener,
    archive: Shared,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    let addr = listener.local_addr().map_or_else(|_| "?".to_string(), |a| a.to_string());
    let connections = Arc::new(Connections::new(connection_budget(archive.config.max_connections)));
    let shedding = Arc::new(Semaphore::new(MAX_SHEDDING));
    let service = TowerToHyperService::new(router(archive.clone()));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(archive.config.header_read_timeout)
        .max_buf_size(MAX_HEADER_BYTES)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    let follower = tokio::spawn(follow(archive.clone(), Duration::from_secs(1)));
    tokio::pin!(shutdown);
    let mut warned_descriptors = false;
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            // A connection that failed before we took it is its client's business.
            Err(error) if is_connection_error(&error) => continue,
            // Out of descriptors (or another resource): wait a moment rather than spin.
            Err(error) => {
                if !warned_descriptors {
                    tracing::error!(%error, "cannot accept connections; retrying");
                    warned_descriptors = true;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        warned_descriptors = false;
        let Some((id, activity)) = connections.admit() else {
            shed(stream, &shedding);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let tracked = Tracked { service: service.clone(), activity, peer };
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), tracked));
        let registry = connections.clone();
        let task = tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
            registry.leave(id);
        });
        connections.started(id, task.abort_handle());
    }
    follower.abort();
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("requests still in flight after {} s; stopping", SHUTDOWN_GRACE.as_secs());
        }
    }
    tracing::debug!(%addr, "stopped serving");
    Ok(())
}

/// What a connection is doing: how many of its requests are in flight (from the handler's call
/// until the response body is sent), and since when it has had none.
struct Activity {
    in_flight: AtomicUsize,
    /// Milliseconds since the server's start when the connection last became idle.
    idle_since: AtomicU64,
    epoch: Instant,
}

impl Activity {
    fn now(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }
}

/// Marks a request in flight for as long as it lives (it lives in the response body).
struct InFlight(Arc<Activity>);

impl InFlight {
    fn new(activity: Arc<Activity>) -> InFlight {
        activity.in_flight.fetch_add(1, Ordering::AcqRel);
        InFlight(activity)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.idle_since.store(self.0.now(), Ordering::Release);
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The router as hyper calls it, keeping its connection's [`Activity`] up to date.
#[derive(Clone)]
struct Tracked {
    service: TowerToHyperService<axum::Router>,
    activity: Arc<Activity>,
    /// The client's address: the audit log and the sign-in limits read it.
    peer: std::net::SocketAddr,
}

impl hyper::service::Service<Request<Incoming>> for Tracked {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

    fn call(&self, mut request: Request<Incoming>) -> Self::Future {
        request.extensions_mut().insert(crate::auth::ClientAddr(self.peer));
        let in_flight = InFlight::new(self.activity.clone());
        let response = self.service.call(request);
        Box::pin(async move {
            let response = response.await?;
            // The mark goes when hyper drops the body: sent, or the connection gone.
            Ok(response.map(|body| {
                Body::new(body.map_frame(move |frame| {
                    let _in_flight = &in_flight;
                    frame
                }))
            }))
        })
    }
}

/// The open connections, oldest first.
struct Connections {
    max: usize,
    next_id: AtomicU64,
    epoch: Instant,
    open: Mutex<BTreeMap<u64, Open>>,
}

struct Open {
    activity: Arc<Activity>,
    /// Set once the connection's task runs.
    abort: Option<AbortHandle>,
}

impl Connections {
    fn new(max: usize) -> Connections {
        Connections {
            max,
            next_id: AtomicU64::new(0),
            epoch: Instant::now(),
            open: Mutex::new(BTreeMap::new()),
        }
    }

    /// A place for a new connection: a free one, or the one of the connection idle the longest,
    /// which is closed. `None` when every connection has a request in flight.
    fn admit(&self) -> Option<(u64, Arc<Activity>)> {
        let mut open = self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if open.len() >= self.max {
            let idlest = open
                .iter()
                .filter(|(_, o)| {
                    o.abort.is_some() && o.activity.in_flight.load(Ordering::Acquire) == 0
                })
                .min_by_key(|(_, o)| o.activity.idle_since.load(Ordering::Acquire))
                .map(|(id, _)| *id)?;
            if let Some(evicted) = open.remove(&idlest)
                && let Some(abort) = evicted.abort
            {
                abort.abort();
            }
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let activity = Arc::new(Activity {
            in_flight: AtomicUsize::new(0),
            idle_since: AtomicU64::new(self.epoch.elapsed().as_millis() as u64),
            epoch: self.epoch,
        });
        open.insert(id, Open { activity: activity.clone(), abort: None });
        Some((id, activity))
    }

    fn started(&self, id: u64, abort: AbortHandle) {
        let mut open = self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // A connection that has already ended (or was evicted) has nothing to keep.
        if let Some(entry) = open.get_mut(&id) {
            entry.abort = Some(abort);
        }
    }

    fn leave(&self, id: u64) {
        self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(&id);
    }
}

/// Answers a connection over the limit with a 503 and closes it, in the background and
/// bounded; past [`MAX_SHEDDING`] it is closed at once.
fn shed(mut stream: TcpStream, shedding: &Arc<Semaphore>) {
    let Ok(permit) = shedding.clone().try_acquire_owned() else { return };
    tokio::spawn(async move {
        let response = format!(
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{SHED_BODY}",
            SHED_BODY.len()
        );
        let answer = async {
            stream.write_all(response.as_bytes()).await?;
            stream.shutdown().await?;
            // Read what the client sent until it closes, so that closing does not reset the
            // connection before the client has read the answer.
            let mut sink = [0u8; 1024];
            while stream.read(&mut sink).await? > 0 {}
            Ok::<(), std::io::Error>(())
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), answer).await;
        drop(permit);
    });
}

fn is_connection_error(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

/// The connections we can serve: as asked, but within the process's file-descriptor limit
/// (read from `/proc/self/limits` where there is one), keeping some for everything else.
fn connection_budget(asked: u32) -> usize {
    let asked = asked.max(1) as usize;
    let Some(limit) = descriptor_limit() else { return asked };
    let fits = limit.saturating_sub(RESERVED_DESCRIPTORS).max(16) as usize;
    if fits < asked {
        tracing::warn!(
            asked,
            serving = fits,
            "the file-descriptor limit ({limit}) allows fewer connections than asked; raise it (ulimit -n) to serve more"
        );
        return fits;
    }
    asked
}

fn descriptor_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}
