//! The connection loop: HTTP/1.1 over TCP, with bounds on what clients can hold.
//!
//! Every connection must send a request's headers within `Config::header_read_timeout` (default
//! [`HEADER_READ_TIMEOUT`]; it also
//! closes idle keep-alive connections), in at most [`MAX_HEADER_BYTES`]. At most
//! `Config::max_connections` connections (default [`MAX_CONNECTIONS`]) are served at once; past
//! that a new connection is answered `503 Service Unavailable` with `Retry-After` and closed, so
//! that a flood of connections is shed instead of taking the file descriptors and memory that
//! the readers already connected need.

use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use crate::{Error, Shared, follow, router};

/// The default number of connections served at once.
pub const MAX_CONNECTIONS: u32 = 1024;
/// How long a client has to send a request's headers, counted from the connection's start or
/// from the previous response (so it also bounds idle keep-alive connections).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The most bytes of request line and headers a client may send (hyper's read buffer); longer
/// headers are answered 431.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;
/// How many shed connections may be waiting for their 503 to be sent at once; past it a
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
    let max_connections = connection_budget(archive.config.max_connections);
    let connections = Arc::new(Semaphore::new(max_connections));
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
        let (stream, _peer) = match accepted {
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
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            shed(stream, &shedding);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let connection =
            graceful.watch(builder.serve_connection(TokioIo::new(stream), service.clone()));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
            drop(permit);
        });
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
