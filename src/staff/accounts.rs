//! Staff accounts: added and disabled from the command line, listed for supervisors. Names are
//! kept in lower case, so `Li.Ming` and `li.ming` are one account.

use super::{AuditAction, AuditEntry, Role, StaffError, StaffMember, StaffResult, StaffStore};
use crate::accounts::password;

/// A stored staff account.
#[derive(sqlx::FromRow)]
pub(super) struct StaffRow {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) display_name: String,
    pub(super) role: String,
    pub(super) password_hash: String,
    pub(super) enabled: i64,
    pub(super) created_at: i64,
    pub(super) last_sign_in_at: Option<i64>,
}

/// The columns of [`StaffRow`], for a table aliased `s`.
pub(super) const STAFF_COLUMNS: &str = "s.id, s.name, s.display_name, s.role, s.password_hash, \
     s.enabled, s.created_at, s.last_sign_in_at";

impl StaffRow {
    pub(super) fn member(&self) -> StaffResult<StaffMember> {
        Ok(StaffMember {
            id: self.id.clone(),
            name: self.name.clone(),
            display_name: self.display_name.clone(),
            role: self.role.parse().map_err(StaffError::Malformed)?,
            enabled: self.enabled != 0,
            created_at: self.created_at,
            last_sign_in_at: self.last_sign_in_at,
        })
    }
}

/// The stored form of an account name, or why it cannot be one.
fn account_name(name: &str) -> StaffResult<String> {
    let name = name.trim().to_ascii_lowercase();
    let fits = (2..=32).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if fits {
        Ok(name)
    } else {
        Err(StaffError::InvalidName)
    }
}

fn display_name(name: &str) -> StaffResult<String> {
    let name = name.trim();
    let length = name.chars().count();
    if (1..=40).contains(&length) && !name.chars().any(char::is_control) {
        Ok(name.to_string())
    } else {
        Err(StaffError::InvalidDisplayName)
    }
}

impl StaffStore {
    /// Adds a staff account (enabled) and records it in the audit log as done from the command
    /// line. The password follows the students' strength rules and is kept only as a hash.
    pub async fn add(
        &self,
        name: &str,
        display: &str,
        role: Role,
        new_password: &str,
    ) -> StaffResult<StaffMember> {
        let name = account_name(name)?;
        let display = display_name(display)?;
        password::check_strength(new_password, &name).map_err(StaffError::WeakPassword)?;
        if self.row_by_name(&name).await?.is_some() {
            return Err(StaffError::NameTaken(name));
        }
        let hash =
            password::hash(new_password).map_err(|err| StaffError::Hashing(err.to_string()))?;
        let member = StaffMember {
            id: uuid::Uuid::new_v4().to_string(),
            name,
            display_name: display,
            role,
            enabled: true,
            created_at: self.now(),
            last_sign_in_at: None,
        };
        let inserted = sqlx::query(
            "INSERT INTO staff_accounts (id, name, display_name, role, password_hash, enabled, \
             created_at) VALUES ($1, $2, $3, $4, $5, 1, $6)",
        )
        .bind(&member.id)
        .bind(&member.name)
        .bind(&member.display_name)
        .bind(role.as_str())
        .bind(&hash)
        .bind(member.created_at)
        .execute(self.db.pool())
        .await;
        match inserted {
            Ok(_) => {}
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                return Err(StaffError::NameTaken(member.name));
            }
            Err(error) => return Err(error.into()),
        }
        let detail = format!("{} ({})", member.name, role.as_str());
        self.audit(AuditEntry {
            detail: Some(&detail),
            ..AuditEntry::new(None, AuditAction::StaffAdded)
        })
        .await?;
        Ok(member)
    }

    /// Every staff account, by name.
    pub async fn list(&self) -> StaffResult<Vec<StaffMember>> {
        let rows: Vec<StaffRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {STAFF_COLUMNS} FROM staff_accounts s ORDER BY s.name"
        )))
        .fetch_all(self.db.pool())
        .await?;
        rows.iter().map(StaffRow::member).collect()
    }

    /// Disables an account: it cannot sign in any more, and its sessions end at once.
    pub async fn disable(&self, name: &str) -> StaffResult<StaffMember> {
        let stored = account_name(name)?;
        let row = self
            .row_by_name(&stored)
            .await?
            .ok_or_else(|| StaffError::UnknownName(stored.clone()))?;
        let mut tx = self.db.pool().begin().await?;
        sqlx::query("UPDATE staff_accounts SET enabled = 0 WHERE id = $1")
            .bind(&row.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1")
            .bind(&row.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.audit(AuditEntry {
            detail: Some(&row.name),
            ..AuditEntry::new(None, AuditAction::StaffDisabled)
        })
        .await?;
        Ok(StaffMember {
            enabled: false,
            ..row.member()?
        })
    }

    pub(super) async fn row_by_name(&self, name: &str) -> StaffResult<Option<StaffRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {STAFF_COLUMNS} FROM staff_accounts s WHERE s.name = $1"
        )))
        .bind(name)
        .fetch_optional(self.db.pool())
        .await?)
    }
}

/// The stored form of a name typed at sign-in; `None` when it cannot be an account name (then
/// it is not looked up, nor kept anywhere: it may be a password typed into the wrong box).
pub(super) fn typed_account_name(name: &str) -> Option<String> {
    account_name(name).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_folded_and_checked() {
        assert_eq!(account_name(" Li.Ming ").ok().as_deref(), Some("li.ming"));
        assert!(account_name("a").is_err());
        assert!(account_name("li ming").is_err());
        assert!(account_name("李明").is_err());
        assert!(account_name(&"x".repeat(33)).is_err());
    }

    #[test]
    fn display_names_are_free_text_without_control_characters() {
        assert_eq!(display_name(" 小王 ").ok().as_deref(), Some("小王"));
        assert!(display_name("").is_err());
        assert!(display_name("a\nb").is_err());
        assert!(display_name(&"字".repeat(41)).is_err());
        // Markup is allowed here: every view escapes it.
        assert!(display_name("<b>王</b>").is_ok());
    }
}
