//! The units (成员单位) of every provincial leading group, and the accounts: office staff,
//! leaders, then liaisons spread over the units.

use super::words::{DEPARTMENTS, PROVINCES};
use super::{LargeScale, STAFF, Unit, directory};
use crate::db::{self, bulk::Copier};
use sqlx::PgConnection;

/// The units written, and which of them belong to each provincial group (by index).
pub(super) struct Members {
    pub(super) units: Vec<Unit>,
    pub(super) by_issuer: Vec<Vec<usize>>,
}

/// Writes the units: each provincial leading group has its own member directory.
pub(super) async fn write_units(
    conn: &mut PgConnection,
    scale: &LargeScale,
) -> anyhow::Result<(Members, u64)> {
    let issuers = scale.issuers();
    let first_unit = db::bulk::reserve_ids(conn, "units", scale.units as i64).await?;
    let mut units: Vec<Unit> = Vec::with_capacity(scale.units);
    let mut by_issuer: Vec<Vec<usize>> = vec![Vec::new(); issuers];
    let mut c = Copier::start(
        conn,
        "units (id, directory, short_name, full_name, sort_order)",
    )
    .await?;
    for k in 0..scale.units {
        let issuer = k % issuers;
        let n = by_issuer[issuer].len();
        let dept = DEPARTMENTS[n % DEPARTMENTS.len()];
        let short = match n / DEPARTMENTS.len() {
            0 => dept.to_string(),
            round => format!("{dept}{}", round + 1),
        };
        let id = first_unit + k as i64;
        c.field(id)
            .field(directory(issuer))
            .field(&short)
            .field(format!("{}{short}", PROVINCES[issuer % PROVINCES.len()]))
            .field(n + 1);
        c.end_row().await?;
        by_issuer[issuer].push(k);
        units.push(Unit { id, short });
    }
    let written = c.finish().await?;
    Ok((Members { units, by_issuer }, written))
}

/// The accounts written; their ids run on from `first` in the order of [`login_of`].
#[derive(Clone, Copy)]
pub(super) struct Accounts {
    first: i64,
}

impl Accounts {
    /// `large-office`, who reviews every report.
    pub(super) fn office_id(self) -> i64 {
        self.first
    }

    /// The first liaison of unit k (id and login): user STAFF + k.
    pub(super) fn liaison_of(self, k: usize) -> (i64, String) {
        (self.first + (STAFF + k) as i64, login_of(STAFF + k))
    }
}

/// The login of the i-th account.
fn login_of(i: usize) -> String {
    match i {
        0 => "large-office".to_string(),
        1 => "large-leader".to_string(),
        i if i < STAFF => format!("large-office-{i}"),
        i => format!("large-u{i:05}"),
    }
}

/// Writes the users: office staff and leaders, then liaisons spread over the units, all with
/// the one password `hash`.
pub(super) async fn write_users(
    conn: &mut PgConnection,
    scale: &LargeScale,
    units: &[Unit],
    hash: &str,
) -> anyhow::Result<(Accounts, u64)> {
    let first_user = db::bulk::reserve_ids(conn, "users", scale.users as i64).await?;
    let mut c = Copier::start(
        conn,
        "users (id, login, display_name, role, unit_id, password_hash)",
    )
    .await?;
    for i in 0..scale.users {
        let (role, unit, name) = match i {
            1 => ("leader", None, "合成·领导".to_string()),
            i if i < STAFF => ("office", None, format!("合成·办公室{i}")),
            i => {
                let k = (i - STAFF) % scale.units;
                let n = (i - STAFF) / scale.units + 1;
                let name = format!("合成·{}联络员{n}", units[k].short);
                ("liaison", Some(units[k].id), name)
            }
        };
        c.field(first_user + i as i64)
            .field(login_of(i))
            .field(name)
            .field(role)
            .opt(unit)
            .field(hash);
        c.end_row().await?;
    }
    let written = c.finish().await?;
    Ok((Accounts { first: first_user }, written))
}

#[cfg(test)]
mod tests {
    /// The synthetic accounts bypass the workflows (one hash for all): their password must
    /// still pass the policy.
    #[test]
    fn the_one_password_passes_the_policy_for_every_kind_of_login() {
        for i in [0, 1, 2, super::STAFF + 10] {
            let login = super::login_of(i);
            assert_eq!(
                crate::rules::auth::validate_password(&login, &login, super::super::LARGE_PASSWORD),
                Ok(()),
                "{login}"
            );
        }
    }
}
