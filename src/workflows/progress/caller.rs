//! Who is asking (the caller of a workflow). What they may read of a report is decided in
//! `visible.rs`.

use crate::db::audit::Actor;
use crate::rules::access::Access;
use crate::rules::auth::Role;

/// Who is asking, and for which unit they may write.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub role: Role,
    pub unit_id: Option<i64>,
}

impl Caller {
    pub fn access(&self) -> Access {
        Access::new(self.role, self.unit_id)
    }

    /// Office staff, or the liaison of this unit.
    pub fn may_write_for(&self, unit_id: i64) -> bool {
        self.access().may_write_for(unit_id)
    }
}
