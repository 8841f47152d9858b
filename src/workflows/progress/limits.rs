//! Limits on what a caller may send (字数、项数), checked before anything is written.

/// Characters in each text of a report (工作进展及成效、存在问题、下一步计划); the Excel round
/// trip holds its cells to the same limit.
pub use crate::rules::vocabulary::MAX_TEXT_CHARS as MAX_TEXT;
/// Coordination requests (需协调事项) on one report.
pub const MAX_COORDINATION: usize = 20;
/// Characters in one coordination request.
pub const MAX_COORDINATION_CHARS: usize = 500;
/// Characters in the reason a report is returned (退回理由).
pub const MAX_REASON_CHARS: usize = 1000;
/// Characters in an urge's message (催办内容).
pub const MAX_URGE_CHARS: usize = 1000;
