//! Accepting and keeping HTTP/1.1 connections, with the limits `axum::serve` lacks: a client
//! must send its request head within the header timeout (from connecting, or from its first
//! byte after an answer), a kept-alive connection idle for the idle timeout is closed, and at
//! most `max_connections` are open at once (further ones wait in the kernel's backlog). On
//! shutdown the listener closes at once and open connections finish their requests in flight.

use super::server::Shutdown;
use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// The connection limits (`DUBAN_HEADER_TIMEOUT_SECS`, `DUBAN_IDLE_TIMEOUT_SECS`,
/// `DUBAN_MAX_CONNECTIONS`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

/// Serves `app` on `listener` until `shutdown`, then waits for the open connections to finish
/// what they are doing (the caller bounds that wait).
pub async fn serve(listener: TcpListener, app: Router, limits: Limits, shutdown: Shutdown) {
    let places = Arc::new(Semaphore::new(limits.max_connections));
    let mut open = JoinSet::new();
    loop {
        // A place first: while none is free, connections wait in the kernel's backlog.
        let place = tokio::select! {
            place = places.clone().acquire_owned() => place.expect("the semaphore is never closed"),
            () = shutdown.clone().wait() => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = shutdown.clone().wait() => break,
        };
        let (app, shutdown) = (app.clone(), shutdown.clone());
        open.spawn(async move {
            connection(stream, peer, app, limits, shutdown).await;
            drop(place);
        });
        while open.try_join_next().is_some() {}
    }
    // No new connections from here on: the port refuses them.
    drop(listener);
    while open.join_next().await.is_some() {}
}

/// One connection, until the client closes it, a limit cuts it, or shutdown drains it.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: Limits,
    shutdown: Shutdown,
) {
    let _ = stream.set_nodelay(true);
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched {
        inner: stream,
        activity: activity.clone(),
    });
    let service = {
        let activity = activity.clone();
        hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            // The head is in: from here the request timeout of the web layer applies.
            let in_flight = activity.request_started();
            req.extensions_mut().insert(ConnectInfo(peer));
            let app = app.clone();
            async move {
                let res = tower::ServiceExt::oneshot(app, req).await;
                drop(in_flight);
                res
            }
        })
    };
    let mut http = hyper::server::conn::http1::Builder::new();
    // The watchdog below times heads and idleness; hyper's own header timer would restart the
    // moment an answer is written and so cut kept-alive connections at the header timeout.
    http.timer(TokioTimer::new())
        .header_read_timeout(None)
        .keep_alive(true);
    let conn = http.serve_connection(io, service);
    tokio::pin!(conn);
    let mut draining = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, %peer, "connection ended with an error");
                }
                return;
            }
            () = shutdown.clone().wait(), if !draining => {
                draining = true;
                conn.as_mut().graceful_shutdown();
            }
            cut = activity.watchdog(limits) => {
                tracing::debug!(%peer, ?cut, "connection closed");
                return;
            }
        }
    }
}

/// Why a connection was closed by the server.
#[derive(Debug)]
enum Cut {
    /// The request head did not arrive whole within the header timeout.
    SlowHead,
    /// Nothing happened for the idle timeout between requests.
    Idle,
}

/// What a connection did last, in milliseconds since it was opened.
struct Activity {
    opened: Instant,
    /// The last byte read or written.
    last: AtomicU64,
    /// Since when a request head is awaited: the connection's opening, or the first byte after
    /// an answer; [`NO_HEAD`] while none is.
    head_since: AtomicU64,
    /// Requests whose head is in and whose answer is not yet begun.
    in_flight: AtomicUsize,
}

const NO_HEAD: u64 = u64::MAX;

impl Activity {
    fn new() -> Activity {
        Activity {
            opened: Instant::now(),
            last: AtomicU64::new(0),
            head_since: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
        }
    }

    fn now(&self) -> u64 {
        self.opened.elapsed().as_millis() as u64
    }

    fn bytes_read(&self) {
        let now = self.now();
        self.last.store(now, Ordering::Relaxed);
        if self.in_flight.load(Ordering::Acquire) == 0 {
            // The first byte of a head (or of a body the handler left unread).
            let _ =
                self.head_since
                    .compare_exchange(NO_HEAD, now, Ordering::AcqRel, Ordering::Relaxed);
        }
    }

    fn bytes_written(&self) {
        self.last.store(self.now(), Ordering::Relaxed);
    }

    fn request_started(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.head_since.store(NO_HEAD, Ordering::Release);
        InFlight(self.clone())
    }

    /// Resolves when the connection is to be cut.
    async fn watchdog(&self, limits: Limits) -> Cut {
        let header = limits.header_timeout.as_millis() as u64;
        let idle = limits.idle_timeout.as_millis() as u64;
        loop {
            let now = self.now();
            let wait = if self.in_flight.load(Ordering::Acquire) > 0 {
                // A request is being handled; the web layer's timeout bounds it.
                header
            } else {
                let head_since = self.head_since.load(Ordering::Acquire);
                let (deadline, cut) = if head_since != NO_HEAD {
                    (head_since + header, Cut::SlowHead)
                } else {
                    (self.last.load(Ordering::Relaxed) + idle, Cut::Idle)
                };
                if now >= deadline {
                    return cut;
                }
                deadline - now
            };
            tokio::time::sleep(Duration::from_millis(wait.max(10))).await;
        }
    }
}

/// Held while a request is handled; dropped when its answer begins (or the request is dropped).
struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.last.store(self.0.now(), Ordering::Relaxed);
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The socket, noting its reads and writes in the connection's [`Activity`].
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.bytes_read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.bytes_written();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.bytes_written();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
