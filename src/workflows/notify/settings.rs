//! 通知设置: a user's own e-mail address and, per kind of event they can receive, how e-mail
//! of it comes (none, at once, or in the daily digest; the inbox always receives).

use crate::db;
use crate::rules::auth::Role;
use crate::rules::notices::{Mode, NoticeKind, check_email};
use sqlx::PgPool;
use std::collections::HashMap;

/// A user's settings as they stand: the address and a mode for each kind their role receives
/// (the kind's default where they have not chosen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub email: Option<String>,
    pub modes: Vec<(NoticeKind, Mode)>,
}

pub async fn load(pool: &PgPool, user_id: i64, role: Role) -> sqlx::Result<Settings> {
    let email = db::users::email(pool, user_id).await?;
    let chosen: HashMap<String, String> = db::notices::prefs(pool, user_id)
        .await?
        .into_iter()
        .collect();
    let modes = NoticeKind::for_role(role)
        .into_iter()
        .map(|k| {
            let mode = chosen
                .get(k.as_str())
                .and_then(|m| Mode::parse(m))
                .unwrap_or(k.default_mode());
            (k, mode)
        })
        .collect();
    Ok(Settings { email, modes })
}

/// Why settings were not saved: a message per field (the field is the kind's name, or `email`).
#[derive(Debug)]
pub enum SettingsError {
    Fields(Vec<(&'static str, String)>),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for SettingsError {
    fn from(e: sqlx::Error) -> Self {
        SettingsError::Db(e)
    }
}

/// Saves what was sent: `email` (`None`: unchanged; empty: removed) and a mode for any of the
/// role's kinds in `modes` (a kind not sent is left as it is). Nothing is saved when a field is
/// wrong.
pub async fn save(
    pool: &PgPool,
    user_id: i64,
    role: Role,
    email: Option<&str>,
    modes: &HashMap<String, String>,
) -> Result<(), SettingsError> {
    let mut errors = Vec::new();
    let email = match email.map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(raw) => match check_email(raw) {
            Ok(v) => Some(Some(v)),
            Err(m) => {
                errors.push(("email", m));
                None
            }
        },
    };
    let mut chosen = Vec::new();
    for kind in NoticeKind::for_role(role) {
        let Some(raw) = modes.get(kind.as_str()) else {
            continue;
        };
        match Mode::parse(raw.trim()) {
            Some(m) => chosen.push((kind.as_str(), m.as_str())),
            None => errors.push((
                kind.as_str(),
                "请选择不发邮件、立即发送或每日汇总".to_string(),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(SettingsError::Fields(errors));
    }
    let mut tx = pool.begin().await?;
    if let Some(email) = email {
        db::users::set_email(&mut *tx, user_id, email.as_deref()).await?;
    }
    db::notices::set_prefs(&mut *tx, user_id, &chosen).await?;
    tx.commit().await?;
    Ok(())
}
