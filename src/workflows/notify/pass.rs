//! 一轮: what a worker does each time round — the day's reminders when they are due, then the
//! outbox.

use super::{reminders, worker};

/// One pass of a worker: the day's reminders when they are due (once a day, from
/// [`crate::rules::reminders::HOUR`]; `today` fixes the day, as `DUBAN_TODAY` does), then the
/// outbox.
pub async fn run(
    pool: &sqlx::PgPool,
    channels: &worker::Channels,
    today: Option<chrono::NaiveDate>,
) -> sqlx::Result<(reminders::Run, worker::Pass)> {
    let now = chrono::Local::now().naive_local();
    let run = match crate::rules::reminders::day_to_remind(now, today) {
        Some(day) => reminders::run_for_day(pool, day).await?,
        None => reminders::Run::default(),
    };
    let sent = worker::run_once(pool, channels).await?;
    Ok((run, sent))
}
