//! The stored account as the embedded store reads it: the row, how it is shown to others
//! (masked), the look-ups every feature starts from, and the account log it writes.

use super::EmbeddedAccountStore;
use crate::accounts::{AccountError, AccountResult, AccountState, AccountSummary};
use crate::store::StoreError;

/// A yes/no column. Both backends store it as BIGINT 0 or 1 (SQLite has no boolean type, and
/// the `Any` driver decodes a bool only from a boolean column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Flag(pub(super) bool);

impl From<i64> for Flag {
    fn from(stored: i64) -> Self {
        Flag(stored != 0)
    }
}

impl TryFrom<String> for AccountState {
    type Error = StoreError;

    fn try_from(stored: String) -> Result<Self, Self::Error> {
        AccountState::parse(&stored)
    }
}

/// A stored account (never leaves the embedded store unmasked).
#[derive(sqlx::FromRow)]
pub(super) struct AccountRow {
    pub(super) id: String,
    pub(super) username: String,
    pub(super) password_hash: String,
    pub(super) real_name: String,
    pub(super) id_number: String,
    pub(super) mobile: Option<String>,
    #[sqlx(try_from = "i64")]
    pub(super) mobile_bound: Flag,
    pub(super) email: Option<String>,
    #[sqlx(try_from = "i64")]
    pub(super) email_activated: Flag,
    #[sqlx(try_from = "String")]
    pub(super) state: AccountState,
    pub(super) session_epoch: i64,
    pub(super) created_at: i64,
}

/// The columns of [`AccountRow`].
pub(super) const ACCOUNT_COLUMNS: &str = "id, username, password_hash, real_name, id_number, \
     mobile, mobile_bound, email, email_activated, state, session_epoch, created_at";

impl AccountRow {
    pub(super) fn summary(&self) -> AccountSummary {
        AccountSummary {
            id: self.id.clone(),
            masked_username: mask_username(&self.username),
            state: self.state,
            masked_mobile: self
                .mobile
                .as_deref()
                .map(|m| crate::pii::mask(m).into_owned()),
            mobile_bound: self.mobile_bound.0,
            created_at: self.created_at,
        }
    }
}

/// "zhangsan2019" → "z**********9": enough to recognise one's own account, not to sign in.
pub fn mask_username(username: &str) -> String {
    let chars: Vec<char> = username.chars().collect();
    match chars.len() {
        0 => String::new(),
        1 | 2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// "张三" → "张*", "欧阳娜娜" → "欧***": a reviewer can compare it with the card in a photo.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => format!("{first}{}", "*".repeat(chars.count().max(1))),
    }
}

impl EmbeddedAccountStore {
    pub(super) async fn account_row(&self, account_id: &str) -> AccountResult<AccountRow> {
        let row: Option<AccountRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"
        )))
        .bind(account_id)
        .fetch_optional(self.db.pool())
        .await?;
        row.ok_or(AccountError::UnknownAccount)
    }

    pub(super) async fn account_by(
        &self,
        column: &'static str,
        value: &str,
    ) -> AccountResult<Option<AccountRow>> {
        let sql = match column {
            "username" => "username",
            "mobile" => "mobile",
            _ => "email",
        };
        let row: Option<AccountRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE {sql} = $1"
        )))
        .bind(value)
        .fetch_optional(self.db.pool())
        .await?;
        Ok(row)
    }

    /// One account, masked.
    pub(super) async fn account(&self, account_id: &str) -> AccountResult<AccountSummary> {
        Ok(self.account_row(account_id).await?.summary())
    }

    /// The account, when it waits for verification.
    pub(super) async fn pending_account(&self, account_id: &str) -> AccountResult<AccountRow> {
        let account = self.account_row(account_id).await?;
        if account.state != AccountState::PendingVerification {
            return Err(AccountError::NotPendingVerification);
        }
        Ok(account)
    }

    pub(super) async fn log_event(
        &self,
        account_id: &str,
        event: &str,
        channel: &str,
        success: bool,
    ) -> AccountResult<()> {
        sqlx::query(
            "INSERT INTO account_log (id, account_id, at, event, channel, success) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(account_id)
        .bind(self.now())
        .bind(event)
        .bind(channel)
        .bind(i64::from(success))
        .execute(self.db.pool())
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_masked() {
        assert_eq!(mask_username("zhangsan2019"), "z**********9");
        assert_eq!(mask_username("ab"), "a*");
    }

    #[test]
    fn names_keep_their_first_character_only() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("李"), "李*");
        assert_eq!(mask_name(""), "");
    }
}
