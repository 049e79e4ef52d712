//! The time the server works with. Handlers read it from [`Config::clock`](crate::Config), never
//! from the system themselves, so that a test can set the day (citations' access dates, the page
//! cache's day, OAI-PMH response dates and the CMIF header all depend on it).

use std::fmt;
use std::sync::Arc;

use time::{Date, OffsetDateTime};

/// Where the current time comes from.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> OffsetDateTime + Send + Sync>);

impl Clock {
    /// The system's clock, in UTC.
    pub fn system() -> Clock {
        Clock(Arc::new(OffsetDateTime::now_utc))
    }

    /// A clock that always says `at` (for tests).
    pub fn fixed(at: OffsetDateTime) -> Clock {
        Clock(Arc::new(move || at))
    }

    /// A clock that reads the time from `now` (for tests whose day turns).
    pub fn from_fn(now: impl Fn() -> OffsetDateTime + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now))
    }

    /// The current time.
    pub fn now(&self) -> OffsetDateTime {
        (self.0)()
    }

    /// Today's date (UTC).
    pub fn today(&self) -> Date {
        self.now().date()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Clock({})", self.now())
    }
}
