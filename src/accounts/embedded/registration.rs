//! Registration: what the form shows for an ID number, the SMS code that proves the typed
//! mobile, and the account itself (username, name, password strength, the uniqueness of
//! username, mobile and e-mail, and 我要重新注册 for an ID number already registered).

use super::account::mask_username;
use super::codes::{CodeTable, code_hash, new_code};
use super::{
    CODE_VALIDITY_MS, EmbeddedAccountStore, OP_STATE_LOOKUP, STATE_LOOKUPS_PER_CONVERSATION,
    STATE_LOOKUPS_PER_ORIGIN, VERIFIED_CODE_USE_MS,
};
use crate::accounts::identity::{IdNumber, Mobile};
use crate::accounts::notify::Channel;
use crate::accounts::password;
use crate::accounts::{
    AccountError, AccountResult, AccountState, AccountSummary, CodeTicket, NewAccount,
    RegistrationState, Requester,
};
use crate::store::StoreError;

fn valid_username(username: &str) -> bool {
    let mut chars = username.chars();
    let count = username.chars().count();
    (4..=20).contains(&count)
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl EmbeddedAccountStore {
    pub(super) async fn registration_state(
        &self,
        id_number: &IdNumber,
        who: &Requester,
    ) -> AccountResult<RegistrationState> {
        self.count_requester(
            who,
            OP_STATE_LOOKUP,
            STATE_LOOKUPS_PER_CONVERSATION,
            STATE_LOOKUPS_PER_ORIGIN,
        )
        .await?;
        self.id_number_state(id_number).await
    }

    pub(super) async fn send_registration_code(
        &self,
        mobile: &Mobile,
        who: &Requester,
    ) -> AccountResult<CodeTicket> {
        let now = self.now();
        self.limit_code_to(mobile.as_str(), who, now).await?;
        let code = new_code();
        let ticket = uuid::Uuid::new_v4().to_string();
        let expires_at = now + CODE_VALIDITY_MS;
        sqlx::query(
            "INSERT INTO registration_codes (id, holder, mobile, code_hash, attempts, expires_at, created_at) \
             VALUES ($1, $2, $3, $4, 0, $5, $6)",
        )
        .bind(&ticket)
        .bind(&who.conversation)
        .bind(mobile.as_str())
        .bind(code_hash(&ticket, &code))
        .bind(expires_at)
        .bind(now)
        .execute(self.db.pool())
        .await?;
        self.deliver_code(Channel::Sms, mobile.as_str(), &code)
            .await?;
        Ok(CodeTicket {
            masked_destination: mobile.masked(),
            expires_at,
        })
    }

    pub(super) async fn verify_registration_code(
        &self,
        mobile: &Mobile,
        code: &str,
        who: &Requester,
    ) -> AccountResult<()> {
        let ticket: Option<String> = sqlx::query_scalar(
            "SELECT id FROM registration_codes WHERE holder = $1 AND mobile = $2 \
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(&who.conversation)
        .bind(mobile.as_str())
        .fetch_optional(self.db.pool())
        .await?;
        let ticket = ticket.ok_or(AccountError::CodeUnknown)?;
        self.verify_code(CodeTable::Registration, &ticket, code)
            .await
    }

    pub(super) async fn register_with_verified_mobile(
        &self,
        form: NewAccount,
        who: &Requester,
    ) -> AccountResult<AccountSummary> {
        let verified: Option<String> = sqlx::query_scalar(
            "SELECT id FROM registration_codes WHERE holder = $1 AND mobile = $2 \
             AND used_at IS NOT NULL AND used_at > $3 AND spent_at IS NULL \
             ORDER BY used_at DESC LIMIT 1",
        )
        .bind(&who.conversation)
        .bind(form.mobile.as_str())
        .bind(self.now() - VERIFIED_CODE_USE_MS)
        .fetch_optional(self.db.pool())
        .await?;
        let verified = verified.ok_or(AccountError::MobileNotVerified)?;
        let account = self.register(form).await?;
        sqlx::query("UPDATE registration_codes SET spent_at = $1 WHERE id = $2")
            .bind(self.now())
            .bind(&verified)
            .execute(self.db.pool())
            .await?;
        Ok(account)
    }

    pub(super) async fn register(&self, form: NewAccount) -> AccountResult<AccountSummary> {
        let username = form.username.trim().to_string();
        if !valid_username(&username) {
            return Err(AccountError::InvalidUsername);
        }
        let real_name = form.real_name.trim().to_string();
        if real_name.is_empty() || real_name.chars().count() > 30 {
            return Err(AccountError::InvalidName);
        }
        password::check_strength(&form.password, &username).map_err(AccountError::WeakPassword)?;
        let state = match self.id_number_state(&form.id_number).await? {
            RegistrationState::PendingReview => return Err(AccountError::IdPendingReview),
            RegistrationState::Registered if !form.reregister => {
                return Err(AccountError::IdAlreadyRegistered);
            }
            RegistrationState::Registered => AccountState::PendingVerification,
            RegistrationState::Free => AccountState::Active,
        };
        self.check_unique(&username, &form).await?;
        let hash = password::hash(&form.password)
            .map_err(|e| StoreError::Malformed(format!("password hashing: {e}")))?;
        let id = uuid::Uuid::new_v4().to_string();
        let now = self.now();
        let mut tx = self.db.pool().begin().await?;
        let id_state = if state == AccountState::PendingVerification {
            "pending_review"
        } else {
            "registered"
        };
        // The state row first: it serialises registrations of the same ID number.
        sqlx::query(
            "INSERT INTO id_number_states (id_number, state, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id_number) DO UPDATE SET state = $2, updated_at = $3",
        )
        .bind(form.id_number.as_str())
        .bind(id_state)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO accounts (id, username, password_hash, real_name, id_type, id_number, mobile, \
             mobile_bound, email, email_activated, state, session_epoch, created_at) \
             VALUES ($1, $2, $3, $4, 'resident_id', $5, $6, $7, $8, 0, $9, 0, $10)",
        )
        .bind(&id)
        .bind(&username)
        .bind(&hash)
        .bind(&real_name)
        .bind(form.id_number.as_str())
        .bind(form.mobile.as_str())
        .bind(i64::from(state == AccountState::Active))
        .bind(form.email.as_ref().map(|e| e.as_str().to_string()))
        .bind(state.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => tx.commit().await?,
            Err(sqlx::Error::Database(db_error)) if db_error.is_unique_violation() => {
                tx.rollback().await?;
                // Someone took the username, mobile or e-mail meanwhile: say which.
                self.check_unique(&username, &form).await?;
                return Err(AccountError::UsernameTaken);
            }
            Err(other) => return Err(other.into()),
        }
        tracing::info!(account = %id, state = state.as_str(), id_number = %form.id_number, "account registered");
        self.account(&id).await
    }

    /// What the registration form shows for an ID number (no limit: for the store's own use).
    pub(super) async fn id_number_state(
        &self,
        id_number: &IdNumber,
    ) -> AccountResult<RegistrationState> {
        let state: Option<String> =
            sqlx::query_scalar("SELECT state FROM id_number_states WHERE id_number = $1")
                .bind(id_number.as_str())
                .fetch_optional(self.db.pool())
                .await?;
        if state.as_deref() == Some("pending_review") {
            return Ok(RegistrationState::PendingReview);
        }
        let active: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM accounts WHERE id_number = $1 AND state = 'active'",
        )
        .bind(id_number.as_str())
        .fetch_one(self.db.pool())
        .await?;
        Ok(if active > 0 {
            RegistrationState::Registered
        } else {
            RegistrationState::Free
        })
    }

    /// The username, mobile and e-mail of a form must be free; each taken one has its message.
    async fn check_unique(&self, username: &str, form: &NewAccount) -> AccountResult<()> {
        if self.account_by("username", username).await?.is_some() {
            return Err(AccountError::UsernameTaken);
        }
        if let Some(holder) = self.account_by("mobile", form.mobile.as_str()).await? {
            return Err(if holder.mobile_bound.0 {
                AccountError::MobileBoundByOther {
                    masked_username: mask_username(&holder.username),
                }
            } else {
                AccountError::MobileRegistered
            });
        }
        if let Some(email) = &form.email
            && self.account_by("email", email.as_str()).await?.is_some()
        {
            return Err(AccountError::EmailRegistered);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_checked() {
        assert!(valid_username("zhang_san"));
        assert!(!valid_username("1zhang"));
        assert!(!valid_username("abc"));
        assert!(!valid_username("zhang san"));
    }
}
