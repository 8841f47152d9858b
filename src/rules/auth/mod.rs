//! Accounts' building blocks: roles, login names, the password policy and hashing, API
//! tokens. Pure functions and newtypes; the database side is in `db::users`, the workflows
//! in `accounts`.

mod password;
mod strength;
mod token;

pub use password::{
    PasswordError, hash_password, new_one_time_password, new_one_time_password_for,
    validate_password, verify_password, verify_password_off_thread,
};
pub use token::{ApiToken, hash_token};

use serde::{Deserialize, Serialize};

/// The key under which a session records who signed in (`web::auth::SessionUser`); the
/// database side reads it to end a user's sessions.
pub const SESSION_USER_KEY: &str = "user";

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "user_role", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 办公室: owns the plan, may do everything.
    Office,
    /// 联络员: belongs to one unit; reads the plan, writes only for that unit.
    Liaison,
    /// 领导: reads everything, writes nothing.
    Leader,
    /// 单位负责人: belongs to one unit like a liaison and may do what its liaisons do; where
    /// the office switched sign-off on for the unit, signs off its liaisons' reports before
    /// they reach the office.
    #[sqlx(rename = "unit_head")]
    #[serde(rename = "unit_head")]
    UnitHead,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Office, Role::Liaison, Role::UnitHead, Role::Leader];

    pub fn parse(s: &str) -> Option<Role> {
        match s.trim() {
            "office" => Some(Role::Office),
            "liaison" => Some(Role::Liaison),
            "leader" => Some(Role::Leader),
            "unit_head" => Some(Role::UnitHead),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Office => "office",
            Role::Liaison => "liaison",
            Role::Leader => "leader",
            Role::UnitHead => "unit_head",
        }
    }

    /// Whether the role belongs to one unit (a liaison, a unit head).
    pub fn of_a_unit(self) -> bool {
        matches!(self, Role::Liaison | Role::UnitHead)
    }

    /// The role's name in the interface.
    pub fn label(self) -> &'static str {
        match self {
            Role::Office => "办公室",
            Role::Liaison => "联络员",
            Role::Leader => "领导",
            Role::UnitHead => "单位负责人",
        }
    }
}

/// 登录名: 2–64 characters of `a-z 0-9 . _ -`, starting with a letter or digit; stored in
/// lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login(String);

impl Login {
    pub fn parse(raw: &str) -> Result<Login, &'static str> {
        let s = raw.trim().to_lowercase();
        let len = s.chars().count();
        if !(2..=64).contains(&len) {
            return Err("登录名长度应为 2 至 64 个字符");
        }
        let ok_first = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        let ok_rest = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if !ok_first || !ok_rest {
            return Err("登录名只能包含英文字母、数字和 . _ -，且以字母或数字开头");
        }
        Ok(Login(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 姓名: the name shown in the interface.
pub fn parse_display_name(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("请填写姓名");
    }
    if s.chars().count() > 100 {
        return Err("姓名不能超过 100 个字");
    }
    if s.chars().any(char::is_control) {
        return Err("姓名中不能有控制字符");
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_normalised_and_checked() {
        assert_eq!(Login::parse(" Zhang.San ").unwrap().as_str(), "zhang.san");
        for bad in ["", "a", "-abc", "张三", "a b", "a/b", &"x".repeat(65)] {
            assert!(Login::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn display_names() {
        assert_eq!(parse_display_name("  张三 ").unwrap(), "张三");
        assert!(parse_display_name("   ").is_err());
        assert!(parse_display_name("a\u{0}b").is_err());
    }
}
