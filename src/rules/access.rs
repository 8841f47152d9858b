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

/// What one reader is shown of one report, or of one file attached to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportSight {
    /// 工作稿: the report as it stands, with the text saved and the files attached since its
    /// last submission.
    WorkingCopy,
    /// 报送版本: the last submitted version only, with that submission's date.
    Submitted,
    /// Nothing, as if it did not exist (404): never submitted, and not theirs to write.
    Absent,
    /// Refused (403): submitted, but not theirs to read.
    Refused,
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

    /// The unit a liaison or unit head acts for; `None` for every other role.
    pub fn own_unit(self) -> Option<i64> {
        match self.role {
            Role::Liaison | Role::UnitHead => self.unit_id,
            Role::Office | Role::Leader => None,
        }
    }

    /// Whose reports and unit figures one may read in lists, the summary, the editions and
    /// the exports: the office and leaders every unit's, a liaison their own unit's.
    pub fn scope(self) -> Scope {
        match (self.role, self.unit_id) {
            (Role::Office | Role::Leader, _) => Scope::All,
            (Role::Liaison | Role::UnitHead, Some(u)) => Scope::Unit(u),
            (Role::Liaison | Role::UnitHead, None) => Scope::Nothing,
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

    /// 工作稿: whether one sees the working copy of a unit's report — a draft, or the text
    /// saved and the files attached since its last submission. It is the unit's own until
    /// submitted: only those who may write for the unit (its liaisons; the office, which may
    /// file on its behalf) see it, and only on the report's own page and form. Every list,
    /// summary, export, task page, edition and API read shows everyone, these included, the
    /// last submitted version.
    pub fn may_read_working_copy(self, report_unit: i64) -> bool {
        self.may_write_for(report_unit)
    }

    /// What one sees of a report on its own page (`/reports/{id}`), `submitted` saying
    /// whether it has a submitted version: its writers the working copy; those who may read
    /// the report ([`Access::may_read_report`]) its last submitted version; a report never
    /// submitted does not exist for anyone else (未报送); a submitted one not theirs is
    /// refused.
    ///
    /// A file attached to a report is judged the same way, `submitted` then saying whether it
    /// went out with a submission: one attached since is part of the working copy, and does not
    /// exist for others.
    pub fn report_sight(
        self,
        report_unit: i64,
        lead_unit_ids: &[i64],
        submitted: bool,
    ) -> ReportSight {
        if self.may_read_working_copy(report_unit) {
            ReportSight::WorkingCopy
        } else if !submitted {
            ReportSight::Absent
        } else if self.may_read_report(report_unit, lead_unit_ids) {
            ReportSight::Submitted
        } else {
            ReportSight::Refused
        }
    }

    /// Write (draft, submit, attach) a unit's reports: the office for any unit, a liaison or
    /// unit head for their own; leaders write nothing.
    pub fn may_write_for(self, unit_id: i64) -> bool {
        match self.role {
            Role::Office => true,
            Role::Liaison | Role::UnitHead => self.unit_id == Some(unit_id),
            Role::Leader => false,
        }
    }

    /// 签发: approve a report of the unit for the office, or return it to the liaison — the
    /// unit's head only (the office files on a unit's behalf without it).
    pub fn may_sign_off_for(self, unit_id: i64) -> bool {
        self.role == Role::UnitHead && self.unit_id == Some(unit_id)
    }

    /// Whether a submission by this user goes to the unit's head first, where the unit has
    /// sign-off on: a liaison's does; a head's own, and the office's on the unit's behalf, go
    /// straight to the office.
    pub fn needs_sign_off(self) -> bool {
        self.role == Role::Liaison
    }

    /// 任务分解: add, change or remove a task's milestones — the office, or a unit leading the
    /// task (its liaisons and head).
    pub fn may_plan_milestones(self, lead_unit_ids: &[i64]) -> bool {
        self.office() || self.own_unit().is_some_and(|u| lead_unit_ids.contains(&u))
    }

    /// Mark a milestone of `unit_id` done (or open again): whoever may plan the task's
    /// milestones, and the unit that owns it.
    pub fn may_finish_milestone(self, unit_id: i64, lead_unit_ids: &[i64]) -> bool {
        self.may_plan_milestones(lead_unit_ids) || self.own_unit() == Some(unit_id)
    }

    /// Switch a unit's sign-off on or off: the office.
    pub fn may_set_sign_off(self) -> bool {
        self.office()
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
        self.role.of_a_unit() && self.unit_id == Some(unit_id)
    }

    /// Ask for an extension (延期申请) for a unit responsible on the task: that unit's liaison,
    /// or the office for it (a unit with no liaison asks by telephone).
    pub fn may_request_extension_for(self, unit_id: i64) -> bool {
        self.may_write_for(unit_id)
    }

    /// Approve or refuse an extension: the office.
    pub fn may_decide_extension(self) -> bool {
        self.office()
    }

    /// 领导批示: write an instruction on a task or a report — a leader's only write.
    pub fn may_write_instruction(self) -> bool {
        self.role == Role::Leader
    }

    /// Relay an instruction to units, send an answer back, close it (办结): the office.
    pub fn may_handle_instructions(self) -> bool {
        self.office()
    }

    /// Answer an instruction relayed to a unit: that unit's liaison, or the office for it.
    pub fn may_answer_instruction_for(self, unit_id: i64) -> bool {
        self.may_write_for(unit_id)
    }

    /// Read an instruction relayed to `units`: the office and leaders every one, a liaison
    /// those relayed to their unit (one not yet relayed is the office's and the leaders').
    pub fn may_read_instruction(self, units: &[i64]) -> bool {
        match self.role {
            Role::Office | Role::Leader => true,
            Role::Liaison | Role::UnitHead => self.unit_id.is_some_and(|u| units.contains(&u)),
        }
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

    /// 公文: number and issue the office's documents, set their series.
    pub fn may_issue_documents(self) -> bool {
        self.office()
    }

    /// Read a 通报 draft or issued 通报: it quotes every unit's accepted reports, so the
    /// office and leaders only (a liaison reads the edition's figures for their unit).
    pub fn may_read_bulletin(self) -> bool {
        matches!(self.role, Role::Office | Role::Leader)
    }

    /// Read a document addressed to units (督办单 to a task's units, 催办单 and 一览 to one
    /// unit): the office, leaders, and the liaisons of a unit it is addressed to.
    pub fn may_read_document_to(self, units: &[i64]) -> bool {
        match self.role {
            Role::Office | Role::Leader => true,
            Role::Liaison | Role::UnitHead => self.unit_id.is_some_and(|u| units.contains(&u)),
        }
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

    const HEAD: Access = Access {
        role: Role::UnitHead,
        unit_id: Some(7),
    };

    #[test]
    fn milestones_are_the_offices_and_the_lead_units_to_plan_and_their_owners_to_finish() {
        assert!(OFFICE.may_plan_milestones(&[]) && LIAISON.may_plan_milestones(&[7]));
        assert!(HEAD.may_plan_milestones(&[7]) && !LIAISON.may_plan_milestones(&[8]));
        assert!(!LEADER.may_plan_milestones(&[7]) && !UNITLESS.may_plan_milestones(&[7]));
        assert!(LIAISON.may_finish_milestone(7, &[8]) && !LIAISON.may_finish_milestone(8, &[9]));
        assert!(LIAISON.may_finish_milestone(8, &[7]) && !LEADER.may_finish_milestone(7, &[7]));
    }

    #[test]
    fn a_unit_head_does_what_its_liaisons_do_and_signs_off() {
        assert_eq!(HEAD.scope(), Scope::Unit(7));
        assert!(HEAD.may_write_for(7) && !HEAD.may_write_for(8));
        assert!(HEAD.may_acknowledge_urge(7) && HEAD.may_answer_instruction_for(7));
        assert!(HEAD.may_sign_off_for(7) && !HEAD.may_sign_off_for(8));
        for a in [OFFICE, LIAISON, LEADER, UNITLESS] {
            assert!(!a.may_sign_off_for(7), "{a:?}");
        }
        assert!(LIAISON.needs_sign_off() && !HEAD.needs_sign_off() && !OFFICE.needs_sign_off());
        assert!(!HEAD.may_review() && !HEAD.may_edit_plan() && !HEAD.may_set_sign_off());
        assert!(!HEAD.may_decide_extension() && !HEAD.may_handle_instructions());
        assert!(OFFICE.may_set_sign_off());
    }

    #[test]
    fn instructions_are_the_leaders_write_and_the_offices_to_handle() {
        assert!(LEADER.may_write_instruction());
        assert!(!OFFICE.may_write_instruction() && !LIAISON.may_write_instruction());
        assert!(OFFICE.may_handle_instructions());
        assert!(!LEADER.may_handle_instructions() && !LIAISON.may_handle_instructions());
        assert!(LIAISON.may_answer_instruction_for(7) && OFFICE.may_answer_instruction_for(7));
        assert!(!LIAISON.may_answer_instruction_for(3) && !LEADER.may_answer_instruction_for(7));
        assert!(LIAISON.may_read_instruction(&[3, 7]) && !LIAISON.may_read_instruction(&[3]));
        assert!(!LIAISON.may_read_instruction(&[]) && !UNITLESS.may_read_instruction(&[7]));
        assert!(LEADER.may_read_instruction(&[]) && OFFICE.may_read_instruction(&[]));
    }

    #[test]
    fn readers_of_documents() {
        assert!(OFFICE.may_issue_documents());
        assert!(!LEADER.may_issue_documents() && !LIAISON.may_issue_documents());
        assert!(OFFICE.may_read_bulletin() && LEADER.may_read_bulletin());
        assert!(!LIAISON.may_read_bulletin());
        assert!(LIAISON.may_read_document_to(&[3, 7]));
        assert!(!LIAISON.may_read_document_to(&[3]));
        assert!(!UNITLESS.may_read_document_to(&[7]));
        assert!(LEADER.may_read_document_to(&[]));
    }

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

    #[test]
    fn the_working_copy_is_the_writers_own() {
        // The unit's liaison and the office write for it; a leader and a lead unit's liaison
        // read it; another liaison does neither.
        assert!(LIAISON.may_read_working_copy(7) && OFFICE.may_read_working_copy(7));
        assert!(!LEADER.may_read_working_copy(7) && !LIAISON.may_read_working_copy(8));
        assert!(!UNITLESS.may_read_working_copy(7));
        for submitted in [true, false] {
            assert_eq!(
                LIAISON.report_sight(7, &[], submitted),
                ReportSight::WorkingCopy
            );
            assert_eq!(
                OFFICE.report_sight(8, &[], submitted),
                ReportSight::WorkingCopy
            );
        }
        assert_eq!(LEADER.report_sight(7, &[], true), ReportSight::Submitted);
        assert_eq!(LIAISON.report_sight(8, &[7], true), ReportSight::Submitted);
        assert_eq!(LIAISON.report_sight(8, &[9], true), ReportSight::Refused);
        assert_eq!(UNITLESS.report_sight(7, &[7], true), ReportSight::Refused);
    }

    #[test]
    fn a_report_never_submitted_does_not_exist_for_others() {
        // Not even for those who would read it once submitted, nor (404 rather than 403) for
        // those who could not.
        assert_eq!(LEADER.report_sight(7, &[], false), ReportSight::Absent);
        assert_eq!(LIAISON.report_sight(8, &[7], false), ReportSight::Absent);
        assert_eq!(LIAISON.report_sight(8, &[9], false), ReportSight::Absent);
        assert_eq!(UNITLESS.report_sight(7, &[], false), ReportSight::Absent);
    }
}
