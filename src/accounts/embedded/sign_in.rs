//! Signing in and what it proves: the password check (wrong passwords counted for who asks
//! before the account), the sign-in a conversation holds for 2 hours, sessions that a password
//! reset ends, the owner's login log, and how long 操作过于频繁 still locks an account.

use super::account::{AccountRow, Flag};
use super::{
    EmbeddedAccountStore, OP_SENSITIVE, OP_SIGN_IN, SIGN_IN_FAILURE_LIMIT,
    SIGN_IN_FAILURES_PER_CONVERSATION, SIGN_IN_FAILURES_PER_ORIGIN, SIGN_IN_VALIDITY_MS,
};
use crate::accounts::limits;
use crate::accounts::password;
use crate::accounts::{AccountError, AccountResult, AccountState, LogEntry, Requester, Session};

/// The sign-in a conversation holds.
#[derive(sqlx::FromRow)]
struct ConversationSignIn {
    account_id: String,
    epoch: i64,
    expires_at: i64,
}

/// A line of the account log as stored.
#[derive(sqlx::FromRow)]
struct LogRow {
    at: i64,
    event: String,
    channel: String,
    #[sqlx(try_from = "i64")]
    success: Flag,
}

impl EmbeddedAccountStore {
    pub(super) async fn sign_in(
        &self,
        username: &str,
        password: &str,
        who: &Requester,
    ) -> AccountResult<Session> {
        self.requester_unlocked(who, OP_SIGN_IN).await?;
        let account = self
            .account_by("username", username.trim())
            .await?
            .ok_or(AccountError::WrongCredentials)?;
        let now = self.now();
        if let Some(until) = limits::locked_until(&self.db, &account.id, OP_SIGN_IN, now).await? {
            return Err(AccountError::TooFrequent {
                retry_after_ms: until - now,
            });
        }
        let channel = who.channel.as_str();
        if account.state == AccountState::Deactivated {
            self.log_event(&account.id, "sign-in", channel, false)
                .await?;
            return Err(AccountError::AccountDeactivated);
        }
        if !password::verify(password, &account.password_hash) {
            self.log_event(&account.id, "sign-in", channel, false)
                .await?;
            // Who asks is counted (and locked) first: from one conversation or one address, a
            // stranger is stopped before the owner's account is locked.
            self.count_requester(
                who,
                OP_SIGN_IN,
                SIGN_IN_FAILURES_PER_CONVERSATION,
                SIGN_IN_FAILURES_PER_ORIGIN,
            )
            .await?;
            self.count_sensitive(&account.id, OP_SIGN_IN, SIGN_IN_FAILURE_LIMIT)
                .await?;
            return Err(AccountError::WrongCredentials);
        }
        self.log_event(&account.id, "sign-in", channel, true)
            .await?;
        sqlx::query(
            "INSERT INTO conversation_sign_ins (holder, account_id, epoch, signed_in_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (holder) DO UPDATE SET account_id = $2, epoch = $3, signed_in_at = $4, \
             expires_at = $5",
        )
        .bind(&who.conversation)
        .bind(&account.id)
        .bind(account.session_epoch)
        .bind(now)
        .bind(now + SIGN_IN_VALIDITY_MS)
        .execute(self.db.pool())
        .await?;
        Ok(Session {
            account_id: account.id,
            epoch: account.session_epoch,
        })
    }

    pub(super) async fn session_of(&self, who: &Requester) -> AccountResult<Option<Session>> {
        let signed_in: Option<ConversationSignIn> = sqlx::query_as(
            "SELECT account_id, epoch, expires_at FROM conversation_sign_ins WHERE holder = $1",
        )
        .bind(&who.conversation)
        .fetch_optional(self.db.pool())
        .await?;
        let Some(signed_in) = signed_in else {
            return Ok(None);
        };
        if signed_in.expires_at <= self.now() {
            return Ok(None);
        }
        let session = Session {
            account_id: signed_in.account_id,
            epoch: signed_in.epoch,
        };
        Ok(self.session_valid(&session).await?.then_some(session))
    }

    pub(super) async fn session_valid(&self, session: &Session) -> AccountResult<bool> {
        match self.valid_session(session).await {
            Ok(_) => Ok(true),
            Err(AccountError::SessionExpired | AccountError::UnknownAccount) => Ok(false),
            Err(other) => Err(other),
        }
    }

    pub(super) async fn valid_session(&self, session: &Session) -> AccountResult<AccountRow> {
        let account = self.account_row(&session.account_id).await?;
        if account.session_epoch != session.epoch || account.state == AccountState::Deactivated {
            return Err(AccountError::SessionExpired);
        }
        Ok(account)
    }

    pub(super) async fn account_log(
        &self,
        session: &Session,
        limit: i64,
    ) -> AccountResult<Vec<LogEntry>> {
        let account = self.valid_session(session).await?;
        let rows: Vec<LogRow> = sqlx::query_as(
            "SELECT at, event, channel, success FROM account_log WHERE account_id = $1 \
             ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(&account.id)
        .bind(limit.clamp(1, 500))
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| LogEntry {
                at: row.at,
                event: row.event,
                channel: row.channel,
                success: row.success.0,
            })
            .collect())
    }

    pub(super) async fn operation_locked_for(
        &self,
        account_id: &str,
    ) -> AccountResult<Option<i64>> {
        let now = self.now();
        let mut longest: Option<i64> = None;
        for operation in [OP_SENSITIVE, OP_SIGN_IN] {
            if let Some(until) = limits::locked_until(&self.db, account_id, operation, now).await? {
                longest = Some(longest.map_or(until - now, |l: i64| l.max(until - now)));
            }
        }
        Ok(longest)
    }
}
