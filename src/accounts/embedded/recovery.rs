//! Finding a forgotten username and resetting a password: the accounts of a name and ID
//! number (masked), a code to the account's bound mobile or activated e-mail, the username once
//! the code is verified, and one new password per verified reset code.

use super::account::{ACCOUNT_COLUMNS, AccountRow, Flag};
use super::codes::{IssuedCode, code_hash, new_code};
use super::{
    CODE_VALIDITY_MS, EmbeddedAccountStore, FIND_FAILURES_PER_ID, FIND_PER_CONVERSATION,
    FIND_PER_ORIGIN, OP_FIND, OP_FIND_FAILURE, OP_SENSITIVE, SENSITIVE_LIMIT, VERIFIED_CODE_USE_MS,
};
use crate::accounts::identity::IdNumber;
use crate::accounts::limits;
use crate::accounts::notify::Channel;
use crate::accounts::password;
use crate::accounts::{
    AccountError, AccountResult, AccountState, AccountSummary, CodePurpose, CodeTicket, Requester,
};
use crate::store::StoreError;

impl EmbeddedAccountStore {
    pub(super) async fn find_accounts(
        &self,
        real_name: &str,
        id_number: &IdNumber,
        who: &Requester,
    ) -> AccountResult<Vec<AccountSummary>> {
        let now = self.now();
        if let Some(until) =
            limits::locked_until(&self.db, id_number.as_str(), OP_FIND_FAILURE, now).await?
        {
            return Err(AccountError::TooFrequent {
                retry_after_ms: until - now,
            });
        }
        self.count_requester(who, OP_FIND, FIND_PER_CONVERSATION, FIND_PER_ORIGIN)
            .await?;
        let rows: Vec<AccountRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id_number = $1 AND real_name = $2 \
             ORDER BY created_at"
        )))
        .bind(id_number.as_str())
        .bind(real_name.trim())
        .fetch_all(self.db.pool())
        .await?;
        let accounts: Vec<AccountSummary> = rows.iter().map(AccountRow::summary).collect();
        if accounts.is_empty() {
            // A wrong name: also counted for the ID number, whose ceiling only many
            // conversations and addresses together reach.
            self.count_sensitive(id_number.as_str(), OP_FIND_FAILURE, FIND_FAILURES_PER_ID)
                .await?;
            return Err(AccountError::NoMatchingAccount);
        }
        Ok(accounts)
    }

    pub(super) async fn send_code(
        &self,
        account_id: &str,
        purpose: CodePurpose,
        via: Channel,
        who: &Requester,
    ) -> AccountResult<CodeTicket> {
        let account = self.account_row(account_id).await?;
        if account.state == AccountState::Deactivated {
            return Err(AccountError::AccountDeactivated);
        }
        let destination = match via {
            Channel::Sms => match (&account.mobile, account.mobile_bound) {
                (Some(mobile), Flag(true)) => mobile.clone(),
                _ => return Err(AccountError::NoBoundMobile),
            },
            Channel::Email => match (&account.email, account.email_activated) {
                (Some(email), Flag(true)) => email.clone(),
                _ => return Err(AccountError::NoBoundEmail),
            },
        };
        let now = self.now();
        if let Some(until) = limits::locked_until(&self.db, &account.id, OP_SENSITIVE, now).await? {
            return Err(AccountError::TooFrequent {
                retry_after_ms: until - now,
            });
        }
        self.limit_code_to(&destination, who, now).await?;
        self.count_sensitive(&account.id, OP_SENSITIVE, SENSITIVE_LIMIT)
            .await?;
        let code = new_code();
        let ticket = uuid::Uuid::new_v4().to_string();
        let expires_at = now + CODE_VALIDITY_MS;
        sqlx::query(
            "INSERT INTO codes (id, account_id, channel, purpose, code_hash, attempts, expires_at, \
             created_at, holder) VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8)",
        )
        .bind(&ticket)
        .bind(&account.id)
        .bind(via.as_str())
        .bind(purpose.as_str())
        .bind(code_hash(&ticket, &code))
        .bind(expires_at)
        .bind(now)
        .bind(&who.conversation)
        .execute(self.db.pool())
        .await?;
        self.deliver_code(via, &destination, &code).await?;
        Ok(CodeTicket {
            masked_destination: crate::pii::mask(&destination).into_owned(),
            expires_at,
        })
    }

    pub(super) async fn reveal_username(
        &self,
        code: &str,
        who: &Requester,
    ) -> AccountResult<String> {
        let account_id = self
            .verify_code_of(who, CodePurpose::FindUsername, code)
            .await?;
        let account = self.account_row(&account_id).await?;
        self.log_event(&account.id, "find-username", "code", true)
            .await?;
        Ok(account.username)
    }

    pub(super) async fn verify_reset_code(&self, code: &str, who: &Requester) -> AccountResult<()> {
        self.verify_code_of(who, CodePurpose::ResetPassword, code)
            .await
            .map(|_| ())
    }

    pub(super) async fn reset_password(
        &self,
        new_password: &str,
        who: &Requester,
    ) -> AccountResult<()> {
        let verified: Option<IssuedCode> = sqlx::query_as(
            "SELECT id, account_id FROM codes WHERE holder = $1 AND purpose = $2 \
             AND used_at IS NOT NULL AND used_at > $3 AND spent_at IS NULL \
             ORDER BY used_at DESC LIMIT 1",
        )
        .bind(&who.conversation)
        .bind(CodePurpose::ResetPassword.as_str())
        .bind(self.now() - VERIFIED_CODE_USE_MS)
        .fetch_optional(self.db.pool())
        .await?;
        let verified = verified.ok_or(AccountError::CodeUnknown)?;
        let account = self.account_row(&verified.account_id).await?;
        // A weak password is refused before the verified code is spent.
        password::check_strength(new_password, &account.username)
            .map_err(AccountError::WeakPassword)?;
        let spent =
            sqlx::query("UPDATE codes SET spent_at = $1 WHERE id = $2 AND spent_at IS NULL")
                .bind(self.now())
                .bind(&verified.id)
                .execute(self.db.pool())
                .await?;
        if spent.rows_affected() != 1 {
            return Err(AccountError::CodeDead);
        }
        let hash = password::hash(new_password)
            .map_err(|e| StoreError::Malformed(format!("password hashing: {e}")))?;
        sqlx::query(
            "UPDATE accounts SET password_hash = $1, session_epoch = session_epoch + 1 WHERE id = $2",
        )
        .bind(hash)
        .bind(&account.id)
        .execute(self.db.pool())
        .await?;
        self.log_event(&account.id, "password-reset", "code", true)
            .await?;
        tracing::info!(account = %account.id, "password reset");
        Ok(())
    }
}
