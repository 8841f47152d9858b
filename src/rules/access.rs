//! 权限: who may read and do what, by role and unit, in one place. Pages, their templates'
//! flags, the JSON API, the exports, the summary and the editions all ask here, and the route
//! guards too; the authorization matrix test checks every route against it. A new role is a
//! variant of [`Role`] and its answers in this file.

use super::auth::Role;

/// Whose unit-owned rows (reports, a unit's line of the summary, its compliance row) one may
/// read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every unit's.
    All,
    /// One unit's only (a liaison's own).
    Unit(i64),
    /// None at all (a liaison whose account has no unit).
    Nothing,
}

impl Scope {
    pub fn includes(self, unit_id: i64) -> bool {
        match self {
            Scope::All => true,
            Scope::Unit(u) => u == unit_id,
            Scope::Nothing => false,
        }
    }

    /// Keeps the rows of `items` this scope includes.
    pub fn retain<T>(self, items: &mut Vec<T>, unit_of: impl Fn(&T) -> i64) {
        if self != Scope::All {
            items.retain(|t| self.includes(unit_of(t)));
        }
    }
}

/// A user as the policy sees them: a role, and for a liaison their unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    pub role: Role,
    pub unit_id: Option<i64>,
}

impl Access {
    pub fn new(role: Role, unit_id: Option<i64>) -> Access {
        Access { role, unit_id }
    }

    fn office(self) -> bool {
        self.role == Role::Office
    }

    /// The unit a liaison acts for; `None` for every other role.
    pub fn own_unit(self) -> Option<i64> {
        match self.role {
            Role::Liaison => self.unit_id,
            Role::Office | Role::Leader => None,
        }
    }

    /// Whose reports and unit figures one may read in lists, the summary, the editions and
    /// the exports: the office and leaders every unit's, a liaison their own unit's.
    pub fn scope(self) -> Scope {
        match (self.role, self.unit_id) {
            (Role::Office | Role::Leader, _) => Scope::All,
            (Role::Liaison, Some(u)) => Scope::Unit(u),
            (Role::Liaison, None) => Scope::Nothing,
        }
    }

    /// Whose reports of one task one may read: a liaison of one of the task's lead units
    /// (牵头单位) reads all of them, since the lead consolidates its co-units' reports.
    pub fn task_report_scope(self, lead_unit_ids: &[i64]) -> Scope {
        match self.scope() {
            Scope::Unit(u) if lead_unit_ids.contains(&u) => Scope::All,
            s => s,
        }
    }

    /// Whether one may read one report of a unit on a task with these lead units.
    pub fn may_read_report(self, report_unit: i64, lead_unit_ids: &[i64]) -> bool {
        self.task_report_scope(lead_unit_ids).includes(report_unit)
    }

    /// Write (draft, submit, attach) a unit's reports: the office for any unit, a liaison for
    /// their own; leaders write nothing.
    pub fn may_write_for(self, unit_id: i64) -> bool {
        match self.role {
            Role::Office => true,
            Role::Liaison => self.unit_id == Some(unit_id),
            Role::Leader => false,
        }
    }

    /// Accept or return a submitted report (采纳、退回).
    pub fn may_review(self) -> bool {
        self.office()
    }

    /// Answer or close a coordination request (需协调事项).
    pub fn may_answer(self) -> bool {
        self.office()
    }

    /// Urge a unit (催办).
    pub fn may_urge(self) -> bool {
        self.office()
    }

    /// Acknowledge an urge sent to one's own unit.
    pub fn may_acknowledge_urge(self, unit_id: i64) -> bool {
        self.role == Role::Liaison && self.unit_id == Some(unit_id)
    }

    /// Change the plan: assignments, deadlines, cycles, units, closing and reopening tasks.
    pub fn may_edit_plan(self) -> bool {
        self.office()
    }

    /// Issue a numbered 督办通报.
    pub fn may_issue_editions(self) -> bool {
        self.office()
    }

    /// Enter the office's route group (plan changes, review, urging, editions, accounts):
    /// whoever may do any of them; each handler still asks for its own right.
    pub fn may_run_the_office(self) -> bool {
        self.may_edit_plan() || self.may_review() || self.may_urge() || self.may_administer()
    }

    /// Manage accounts and read the audit log.
    pub fn may_administer(self) -> bool {
        self.office()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFICE: Access = Access {
        role: Role::Office,
        unit_id: None,
    };
    const LEADER: Access = Access {
        role: Role::Leader,
        unit_id: None,
    };
    const LIAISON: Access = Access {
        role: Role::Liaison,
        unit_id: Some(7),
    };
    const UNITLESS: Access = Access {
        role: Role::Liaison,
        unit_id: None,
    };

    #[test]
    fn readers_of_unit_rows() {
        assert_eq!(OFFICE.scope(), Scope::All);
        assert_eq!(LEADER.scope(), Scope::All);
        assert_eq!(LIAISON.scope(), Scope::Unit(7));
        assert_eq!(UNITLESS.scope(), Scope::Nothing);
        assert!(LIAISON.scope().includes(7) && !LIAISON.scope().includes(8));
        assert!(!UNITLESS.scope().includes(7));
        let mut rows = vec![7, 8, 7, 9];
        LIAISON.scope().retain(&mut rows, |u| *u);
        assert_eq!(rows, [7, 7]);
    }

    #[test]
    fn a_lead_units_liaison_reads_the_co_units_reports_of_that_task_only() {
        assert!(LIAISON.may_read_report(8, &[7]));
        assert!(!LIAISON.may_read_report(8, &[9]));
        assert!(LIAISON.may_read_report(7, &[9]));
        assert!(!UNITLESS.may_read_report(7, &[7]));
        assert!(LEADER.may_read_report(8, &[]));
    }

    #[test]
    fn who_writes_and_who_steers() {
        assert!(OFFICE.may_write_for(8) && LIAISON.may_write_for(7));
        assert!(!LIAISON.may_write_for(8) && !LEADER.may_write_for(7));
        for a in [LIAISON, LEADER, UNITLESS] {
            assert!(!a.may_review() && !a.may_answer() && !a.may_urge());
            assert!(!a.may_edit_plan() && !a.may_issue_editions() && !a.may_administer());
        }
        assert!(OFFICE.may_review() && OFFICE.may_urge() && OFFICE.may_administer());
        assert!(LIAISON.may_acknowledge_urge(7) && !OFFICE.may_acknowledge_urge(7));
        assert_eq!(LIAISON.own_unit(), Some(7));
        assert_eq!(OFFICE.own_unit(), None);
    }
}
