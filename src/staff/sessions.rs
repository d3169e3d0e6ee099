//! Signing in and console sessions. The session token lives only in the staff member's cookie;
//! the database keys the session by the token's SHA-256, and the CSRF token of every form is
//! derived from the session token (so it is stored nowhere either, and is worthless without the
//! cookie a page from another site cannot read). Sessions end after `session_idle_ms` unused and
//! `session_absolute_ms` after signing in, when the staff member signs out, and when the account
//! is disabled.

use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::accounts::{STAFF_COLUMNS, StaffRow, typed_account_name};
use super::{AuditAction, AuditEntry, StaffMember, StaffResult, StaffStore};
use crate::accounts::password;
use crate::text::hex;

/// A secret token: a session's, or the one a sign-in form is bound to. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(••••••)")
    }
}

impl SessionToken {
    /// 256 random bits, in hex.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(hex(&bytes))
    }

    /// A token presented by a client (a cookie's value); `None` when it cannot be one.
    pub fn presented(value: &str) -> Option<Self> {
        (value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Self(value.to_ascii_lowercase()))
    }

    /// The value for the cookie.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What is stored: the SHA-256 of the token.
    fn hash(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }

    /// The CSRF token of forms shown with this token.
    pub fn csrf(&self) -> String {
        csrf_token_for(&self.0)
    }
}

/// The CSRF token bound to a secret: a one-way function of it, so it tells nothing about the
/// secret, and a page that cannot read the secret cannot make it.
pub fn csrf_token_for(secret: &str) -> String {
    hex(&Sha256::digest(
        format!("helpbot-console-csrf\0{secret}").as_bytes(),
    ))
}

/// Whether a presented CSRF token is the expected one (compared in constant time).
pub fn csrf_matches(expected: &str, presented: &str) -> bool {
    !presented.is_empty() && bool::from(expected.as_bytes().ct_eq(presented.as_bytes()))
}

/// A signed-in staff member.
#[derive(Debug, Clone)]
pub struct StaffSession {
    pub member: StaffMember,
    /// The CSRF token every state-changing request of this session must carry.
    pub csrf: String,
    token_hash: String,
}

/// How a sign-in went.
#[derive(Debug)]
pub enum SignInOutcome {
    SignedIn {
        member: StaffMember,
        token: SessionToken,
    },
    /// A wrong name or password: which of the two is not said.
    WrongCredentials,
    /// Too many failures from this address or for this account: no sign-in, even with the
    /// right password, for this long.
    Locked { retry_after_ms: i64 },
    /// The right password for a disabled account.
    Disabled,
}

/// Verified against a name that is no account, so that such a name takes as long as a real one.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| password::hash("no such staff account, 1").unwrap_or_default());

#[derive(sqlx::FromRow)]
struct SessionRow {
    session_created_at: i64,
    session_last_seen_at: i64,
    #[sqlx(flatten)]
    staff: StaffRow,
}

impl StaffStore {
    /// Signs in from `address` (the client's IP), under the lockout of `lockout.rs`. Every
    /// attempt is in the audit log; neither the password nor a name that is no account is kept.
    pub async fn sign_in(
        &self,
        name: &str,
        typed_password: &str,
        address: &str,
    ) -> StaffResult<SignInOutcome> {
        let row = match typed_account_name(name) {
            Some(name) => self.row_by_name(&name).await?,
            None => None,
        };
        let staff_id = row.as_ref().map(|row| row.id.clone());
        let entry = |action| AuditEntry {
            address: Some(address),
            ..AuditEntry::new(staff_id.as_deref(), action)
        };
        if let Some(retry_after_ms) = self.locked_for(address, staff_id.as_deref()).await? {
            self.audit(entry(AuditAction::SignInLocked)).await?;
            return Ok(SignInOutcome::Locked { retry_after_ms });
        }
        let stored_hash = row
            .as_ref()
            .map_or(DUMMY_HASH.as_str(), |row| row.password_hash.as_str());
        let right = password::verify(typed_password, stored_hash) && row.is_some();
        let Some(row) = row.filter(|_| right) else {
            self.audit(entry(AuditAction::SignInFailed)).await?;
            return Ok(
                match self.count_failure(address, staff_id.as_deref()).await? {
                    Some(retry_after_ms) => SignInOutcome::Locked { retry_after_ms },
                    None => SignInOutcome::WrongCredentials,
                },
            );
        };
        if row.enabled == 0 {
            self.audit(entry(AuditAction::SignInDisabled)).await?;
            return Ok(SignInOutcome::Disabled);
        }
        let token = SessionToken::generate();
        let now = self.now();
        let mut tx = self.db.pool().begin().await?;
        sqlx::query(
            "INSERT INTO staff_sessions (token_hash, staff_id, created_at, last_seen_at) \
             VALUES ($1, $2, $3, $3)",
        )
        .bind(token.hash())
        .bind(&row.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE staff_accounts SET last_sign_in_at = $1 WHERE id = $2")
            .bind(now)
            .bind(&row.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.forget_failures(&row.id).await?;
        self.audit(entry(AuditAction::SignIn)).await?;
        let member = StaffMember {
            last_sign_in_at: Some(now),
            ..row.member()?
        };
        Ok(SignInOutcome::SignedIn { member, token })
    }

    /// The live session of a presented token, which counts as used now. An expired session (or
    /// one of a disabled account) is ended and `None` returned.
    pub async fn session(&self, token: &SessionToken) -> StaffResult<Option<StaffSession>> {
        let token_hash = token.hash();
        let row: Option<SessionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT x.created_at AS session_created_at, x.last_seen_at AS session_last_seen_at, \
             {STAFF_COLUMNS} FROM staff_sessions x \
             JOIN staff_accounts s ON s.id = x.staff_id WHERE x.token_hash = $1"
        )))
        .bind(&token_hash)
        .fetch_optional(self.db.pool())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let now = self.now();
        let expired = now - row.session_last_seen_at > self.settings.session_idle_ms
            || now - row.session_created_at > self.settings.session_absolute_ms;
        if expired || row.staff.enabled == 0 {
            self.end_session(&token_hash).await?;
            return Ok(None);
        }
        sqlx::query("UPDATE staff_sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(&token_hash)
            .execute(self.db.pool())
            .await?;
        Ok(Some(StaffSession {
            member: row.staff.member()?,
            csrf: token.csrf(),
            token_hash,
        }))
    }

    /// Ends the session (signing out), in the audit log.
    pub async fn sign_out(&self, session: &StaffSession, address: &str) -> StaffResult<()> {
        self.end_session(&session.token_hash).await?;
        self.audit(AuditEntry {
            address: Some(address),
            ..AuditEntry::new(Some(&session.member.id), AuditAction::SignOut)
        })
        .await
    }

    async fn end_session(&self, token_hash: &str) -> StaffResult<()> {
        sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.db.pool())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_never_print_and_only_well_formed_ones_are_taken() {
        let token = SessionToken::generate();
        assert_eq!(token.expose().len(), 64);
        assert!(!format!("{token:?}").contains(token.expose()));
        assert_eq!(SessionToken::presented(token.expose()), Some(token.clone()));
        assert_eq!(SessionToken::presented("short"), None);
        assert_eq!(SessionToken::presented(&"g".repeat(64)), None);
        assert_ne!(token.hash(), token.expose());
    }

    #[test]
    fn csrf_tokens_are_bound_to_their_secret() {
        let one = SessionToken::generate();
        let other = SessionToken::generate();
        assert!(csrf_matches(&one.csrf(), &one.csrf()));
        assert!(!csrf_matches(&one.csrf(), &other.csrf()));
        assert!(!csrf_matches(&one.csrf(), ""));
        assert!(!one.csrf().contains(one.expose()));
    }
}
