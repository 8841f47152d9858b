//! 办理时限 and 报送周期: deadlines of every kind and the reporting periods they imply.
//! Pure functions on dates; the database stores the choices, these compute from them.

mod deadline;
mod focus;
mod naming;
mod period;
mod year_end;

pub use deadline::{Checkpoint, Deadline, DeadlineKind, parse_checkpoints};
pub use focus::{FOCUS_LEAD_DAYS, focus_of_cycle, in_focus};
pub use naming::{period_label, point_label, prose_date};
pub use period::{Cycle, Period, periods_between};
pub use year_end::year_over;
