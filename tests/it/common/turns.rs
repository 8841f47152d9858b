//! Turns for the suites that time what they do under load. Each was a test binary of its own,
//! and cargo runs test binaries one after another, so a fault test never ran beside a browser
//! test. In one binary they would: a test of one suite now waits while tests of another run.
//! Within the faults, the outage test runs alone (it times its failures) and the others
//! together, as before. Tests outside these suites are light and run beside any of them.

use std::sync::Mutex;
use tokio::sync::Notify;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    /// `faults::outage`: alone.
    Outage,
    /// The other fault tests: together.
    Faults,
    /// The browser tests (Chromium, ChromeDriver): together.
    Browser,
}

/// The suite whose tests run now, and how many of them.
static RUNNING: Mutex<(Option<Suite>, usize)> = Mutex::new((None, 0));
static FREED: Notify = Notify::const_new();

/// Held by a test for as long as it runs.
pub struct Turn;

impl Drop for Turn {
    fn drop(&mut self) {
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        running.1 -= 1;
        if running.1 == 0 {
            running.0 = None;
            FREED.notify_waiters();
        }
    }
}

/// Waits until no test of another suite runs (nor any other, for [`Suite::Outage`]).
pub async fn turn(suite: Suite) -> Turn {
    loop {
        // Made before looking, so that a turn freed in between still wakes us.
        let freed = FREED.notified();
        {
            let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
            let free = match running.0 {
                None => true,
                Some(now) => now == suite && suite != Suite::Outage,
            };
            if free {
                *running = (Some(suite), running.1 + 1);
                return Turn;
            }
        }
        freed.await;
    }
}
