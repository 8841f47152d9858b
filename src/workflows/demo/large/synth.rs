//! Each report's story (its review outcome, texts and dates), derived from its index alone so
//! that the report and event passes agree without keeping a million reports in memory.

use super::words::{PROBLEMS, WORK};
use crate::rules::schedule::Period;
use crate::rules::vocabulary::{Assessment, ReportStatus, ReviewState};
use chrono::{Duration, NaiveDate};

/// A stable 64-bit mix of a seed and an index, so the report and event passes agree.
fn mix(seed: u64, i: u64) -> u64 {
    let mut z = seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// How a report's review went.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Outcome {
    Draft,
    Submitted,
    Returned,
    Accepted,
    /// Returned once, corrected, then accepted.
    Reaccepted,
}

impl Outcome {
    fn pick(r: u64, open_period: bool) -> Outcome {
        if open_period {
            return if r.is_multiple_of(5) {
                Outcome::Submitted
            } else {
                Outcome::Draft
            };
        }
        match r % 100 {
            0..=1 => Outcome::Draft,
            2..=5 => Outcome::Submitted,
            6..=8 => Outcome::Returned,
            9..=18 => Outcome::Reaccepted,
            _ => Outcome::Accepted,
        }
    }

    pub(super) fn state(self) -> ReviewState {
        match self {
            Outcome::Draft => ReviewState::Draft,
            Outcome::Submitted => ReviewState::Submitted,
            Outcome::Returned => ReviewState::Returned,
            Outcome::Accepted | Outcome::Reaccepted => ReviewState::Accepted,
        }
    }

    pub(super) fn version(self) -> i32 {
        match self {
            Outcome::Draft => 1,
            Outcome::Submitted => 2,
            Outcome::Returned | Outcome::Accepted => 3,
            Outcome::Reaccepted => 6,
        }
    }
}

/// Everything about one report, derived from its index alone.
pub(super) struct Synth {
    pub(super) outcome: Outcome,
    pub(super) status: ReportStatus,
    pub(super) assessment: Assessment,
    pub(super) work_done: String,
    pub(super) problems: &'static str,
    pub(super) created: NaiveDate,
    pub(super) first_submitted: NaiveDate,
    pub(super) returned: NaiveDate,
    pub(super) submitted: NaiveDate,
    pub(super) reviewed: NaiveDate,
}

pub(super) fn synth(i: u64, period: &Period, open_period: bool) -> Synth {
    let r = mix(2025, i);
    let outcome = Outcome::pick(r, open_period);
    let status = [
        ReportStatus::InProgress,
        ReportStatus::InProgress,
        ReportStatus::Done,
        ReportStatus::Behind,
        ReportStatus::NotStarted,
    ][(r >> 8) as usize % 5];
    let assessment = match (status, (r >> 12) % 3) {
        (ReportStatus::Behind, 0) => Assessment::OffTrack,
        (ReportStatus::Behind, _) => Assessment::AtRisk,
        (_, 0) if (r >> 14).is_multiple_of(4) => Assessment::AtRisk,
        _ => Assessment::OnTrack,
    };
    let work_done = format!(
        "{},共涉及{}项工作。",
        WORK[(r >> 16) as usize % WORK.len()],
        1 + (r >> 20) % 90
    );
    let day = |d: u64| Duration::days(d as i64);
    let created = period.end - day(5 + (r >> 28) % 20);
    // Most arrive in the days before the due date; about one in eight late.
    let first_submitted = period.due - day(8) + day((r >> 32) % 10);
    let returned = first_submitted + day(1 + (r >> 36) % 3);
    let submitted = if outcome == Outcome::Reaccepted {
        returned + day(2 + (r >> 40) % 4)
    } else {
        first_submitted
    };
    let reviewed = submitted + day(1 + (r >> 44) % 5);
    Synth {
        outcome,
        status,
        assessment,
        work_done,
        problems: if status == ReportStatus::Behind {
            PROBLEMS
        } else {
            ""
        },
        created,
        first_submitted,
        returned,
        submitted,
        reviewed,
    }
}

pub(super) fn at(d: NaiveDate, hour: u64) -> String {
    format!("{d} {:02}:{:02}:00+08", 9 + hour % 9, (hour * 7) % 60)
}
