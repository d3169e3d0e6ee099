//! The embedded account store: accounts, codes, reviews and requests in helpbot's own database
//! (SQLite or PostgreSQL), enforcing every rule of the account service. Every query is bound;
//! every multi-step change that must not half-happen runs in one transaction.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use async_trait::async_trait;
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};

use super::identity::{IdNumber, Mobile};
use super::limits::{self, DAY_MS, HOUR_MS, Limit, MINUTE_MS, Verdict};
use super::notify::{Channel, Notification, Notifier};
use super::password;
use super::photo::check_photo;
use super::records::{RecordKind, find_records};
use super::{
    AccountError, AccountResult, AccountState, AccountStore, AccountSummary, Activation,
    AssistRequest, CodePurpose, CodeTicket, Decision, LogEntry, NewAccount, PhotoSide, RecordClaim,
    RegistrationState, Requester, Review, ReviewPhoto, ReviewStatus, Session, StaffDecision,
};
use crate::store::{Database, StoreError};
use crate::text::normalize;

/// Where the store gets the time: the system clock, or a hand-moved one in tests.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
}

#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        crate::store::now_ms()
    }
}

/// A clock that only moves when told to (tests of daily caps and expiry).
#[derive(Debug)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(now_ms: i64) -> Self {
        Self(AtomicI64::new(now_ms))
    }

    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A code is valid for one day.
pub const CODE_VALIDITY_MS: i64 = DAY_MS;
/// Wrong tries before a code is dead.
pub const CODE_TRIES: i64 = 5;
/// One code a minute and ten a day to the same number or address.
pub const CODE_LIMITS: [Limit; 2] = [
    Limit::per_window(1, MINUTE_MS),
    Limit::per_window(10, DAY_MS),
];
/// 操作过于频繁: more sensitive operations than this in 10 minutes lock them for 2 hours.
pub const SENSITIVE_LIMIT: Limit = Limit::locking(5, 10 * MINUTE_MS, 2 * HOUR_MS);

// Limits on who asks. Each is below the limit on the account (or ID number) it protects, so a
// stranger working from one conversation or one address is locked out before the owner is.

/// Codes a conversation may have sent in 10 minutes.
pub const CODE_SENDS_PER_CONVERSATION: Limit = Limit::per_window(3, 10 * MINUTE_MS);
/// Codes one address may have sent in 10 minutes (below [`SENSITIVE_LIMIT`]).
pub const CODE_SENDS_PER_ORIGIN: Limit = Limit::per_window(4, 10 * MINUTE_MS);
/// Name + ID number look-ups (找回用户名): five from a conversation lock it for 2 hours.
pub const FIND_PER_CONVERSATION: Limit = Limit::locking(5, 10 * MINUTE_MS, 2 * HOUR_MS);
/// Name + ID number look-ups from one address (a school's network shares one).
pub const FIND_PER_ORIGIN: Limit = Limit::locking(20, 10 * MINUTE_MS, 2 * HOUR_MS);
/// Wrong names for one ID number from anywhere: the per-ID ceiling a stranger cannot reach
/// cheaply, which locks finding that ID number's accounts for 2 hours.
pub const FIND_FAILURES_PER_ID: Limit = Limit::locking(30, 10 * MINUTE_MS, 2 * HOUR_MS);
/// Registration-state look-ups (what the form shows for an ID number).
pub const STATE_LOOKUPS_PER_CONVERSATION: Limit = Limit::per_window(10, 10 * MINUTE_MS);
pub const STATE_LOOKUPS_PER_ORIGIN: Limit = Limit::per_window(60, 10 * MINUTE_MS);
/// Wrong passwords from one conversation before it may not sign in for 2 hours.
pub const SIGN_IN_FAILURES_PER_CONVERSATION: Limit = Limit::locking(5, 10 * MINUTE_MS, 2 * HOUR_MS);
/// Wrong passwords from one address before it may not sign in for 2 hours.
pub const SIGN_IN_FAILURES_PER_ORIGIN: Limit = Limit::locking(20, 10 * MINUTE_MS, 2 * HOUR_MS);
/// Wrong passwords for one account from anywhere before signing in to it is locked: only a
/// stranger with many addresses reaches it.
pub const SIGN_IN_FAILURE_LIMIT: Limit = Limit::locking(30, 10 * MINUTE_MS, 2 * HOUR_MS);
/// How long a conversation stays signed in.
pub const SIGN_IN_VALIDITY_MS: i64 = 2 * HOUR_MS;
/// How long a verified reset or registration code may still be used for its one change.
pub const VERIFIED_CODE_USE_MS: i64 = 30 * MINUTE_MS;
/// Photo uploads: 3 a day, 5 in total.
pub const PHOTO_LIMITS: [Limit; 2] = [Limit::per_window(3, DAY_MS), Limit::in_total(5)];
/// Classmate-assist requests: 5 a day.
pub const ASSIST_LIMIT: Limit = Limit::per_window(5, DAY_MS);
/// Student record checks: 3 per account that tries.
pub const RECORD_ATTEMPTS: i64 = 3;
/// Student record checks per ID number, by all its accounts together.
pub const RECORD_ATTEMPTS_PER_ID: u32 = 10;

/// The operation that 操作过于频繁 locks.
pub const OP_SENSITIVE: &str = "sensitive";
const OP_SIGN_IN: &str = "sign-in-failure";
const OP_CODE: &str = "code";
const OP_FIND: &str = "find-accounts";
const OP_FIND_FAILURE: &str = "find-accounts-failure";
const OP_STATE_LOOKUP: &str = "registration-state";
const OP_PHOTO: &str = "photo-upload";
const OP_ASSIST: &str = "classmate-assist";
const OP_RECORD: &str = "record-check";

/// The account service's SMS and e-mail (its own text, as the real service would send it).
const SMS_TEMPLATE: &str = "【学信网】您的校验码是 {code}，1 天内有效。请勿告诉他人。";
const EMAIL_SUBJECT: &str = "学信网账号校验码";
const EMAIL_TEMPLATE: &str =
    "您好：\n\n您的学信网账号校验码是 {code}，1 天内有效。\n如果不是您本人操作，请忽略这封邮件。\n";

pub struct EmbeddedAccountStore {
    db: Database,
    notifier: Arc<dyn Notifier>,
    clock: Arc<dyn Clock>,
}

/// A stored account (never leaves this module unmasked).
struct AccountRow {
    id: String,
    username: String,
    password_hash: String,
    real_name: String,
    id_number: String,
    mobile: Option<String>,
    mobile_bound: bool,
    email: Option<String>,
    email_activated: bool,
    state: AccountState,
    session_epoch: i64,
    created_at: i64,
}

type AccountTuple = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    Option<String>,
    i64,
    String,
    i64,
    i64,
);

const ACCOUNT_COLUMNS: &str = "id, username, password_hash, real_name, id_number, mobile, \
     mobile_bound, email, email_activated, state, session_epoch, created_at";

impl AccountRow {
    fn from_tuple(row: AccountTuple) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.0,
            username: row.1,
            password_hash: row.2,
            real_name: row.3,
            id_number: row.4,
            mobile: row.5,
            mobile_bound: row.6 != 0,
            email: row.7,
            email_activated: row.8 != 0,
            state: AccountState::parse(&row.9)?,
            session_epoch: row.10,
            created_at: row.11,
        })
    }

    fn summary(&self) -> AccountSummary {
        AccountSummary {
            id: self.id.clone(),
            masked_username: mask_username(&self.username),
            state: self.state,
            masked_mobile: self
                .mobile
                .as_deref()
                .map(|m| crate::pii::mask(m).into_owned()),
            mobile_bound: self.mobile_bound,
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

fn valid_username(username: &str) -> bool {
    let mut chars = username.chars();
    let count = username.chars().count();
    (4..=20).contains(&count)
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn new_code() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000))
}

fn code_hash(ticket_id: &str, code: &str) -> String {
    let digest = Sha256::digest(format!("{ticket_id}:{code}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Comparison of what a student typed with the registry: width, case and spaces do not matter.
fn same_text(typed: &str, stored: &str) -> bool {
    let fold = |s: &str| -> String {
        normalize(s)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    fold(typed) == fold(stored)
}

/// Which row, besides the account, a verification marks as decided in the same transaction.
enum Decided<'a> {
    /// A photo review approved by staff.
    Review { id: &'a str, staff: &'a str },
    /// A classmate request confirmed by the classmate.
    Assist { id: &'a str, classmate: &'a str },
    /// A route decided on the spot (student record).
    OnTheSpot { route: &'a str },
}

/// The two tables of codes: codes to an account's bound mobile or e-mail, and codes to a mobile
/// typed on the registration form. Both are checked the same way.
#[derive(Debug, Clone, Copy)]
enum CodeTable {
    Account,
    Registration,
}

impl CodeTable {
    fn select(self) -> &'static str {
        match self {
            CodeTable::Account => "SELECT code_hash, expires_at, used_at FROM codes WHERE id = $1",
            CodeTable::Registration => {
                "SELECT code_hash, expires_at, used_at FROM registration_codes WHERE id = $1"
            }
        }
    }

    fn count_try(self) -> &'static str {
        match self {
            CodeTable::Account => {
                "UPDATE codes SET attempts = attempts + 1 \
                 WHERE id = $1 AND attempts < $2 AND used_at IS NULL"
            }
            CodeTable::Registration => {
                "UPDATE registration_codes SET attempts = attempts + 1 \
                 WHERE id = $1 AND attempts < $2 AND used_at IS NULL"
            }
        }
    }

    fn mark_used(self) -> &'static str {
        match self {
            CodeTable::Account => "UPDATE codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
            CodeTable::Registration => {
                "UPDATE registration_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL"
            }
        }
    }

    fn attempts(self) -> &'static str {
        match self {
            CodeTable::Account => "SELECT attempts FROM codes WHERE id = $1",
            CodeTable::Registration => "SELECT attempts FROM registration_codes WHERE id = $1",
        }
    }
}

/// The rate-limit subjects of who asks: the conversation, and the address when known.
fn requester_subjects(who: &Requester) -> Vec<String> {
    let mut subjects = vec![format!("conversation:{}", who.conversation)];
    if let Some(origin) = &who.origin {
        subjects.push(format!("origin:{origin}"));
    }
    subjects
}

impl EmbeddedAccountStore {
    pub fn new(db: Database, notifier: Arc<dyn Notifier>, clock: Arc<dyn Clock>) -> Self {
        Self {
            db,
            notifier,
            clock,
        }
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    async fn account_row(&self, account_id: &str) -> AccountResult<AccountRow> {
        let row: Option<AccountTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"
        )))
        .bind(account_id)
        .fetch_optional(self.db.pool())
        .await?;
        row.map(AccountRow::from_tuple)
            .transpose()?
            .ok_or(AccountError::UnknownAccount)
    }

    async fn account_by(
        &self,
        column: &'static str,
        value: &str,
    ) -> AccountResult<Option<AccountRow>> {
        let sql = match column {
            "username" => "username",
            "mobile" => "mobile",
            _ => "email",
        };
        let row: Option<AccountTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE {sql} = $1"
        )))
        .bind(value)
        .fetch_optional(self.db.pool())
        .await?;
        Ok(row.map(AccountRow::from_tuple).transpose()?)
    }

    async fn log_event(
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

    /// Counts an operation for who asks, conversation first, then address. A locking limit
    /// refuses as 操作过于频繁; a plain one as too many look-ups.
    async fn count_requester(
        &self,
        who: &Requester,
        operation: &str,
        per_conversation: Limit,
        per_origin: Limit,
    ) -> AccountResult<()> {
        let now = self.now();
        for (subject, limit) in requester_subjects(who)
            .into_iter()
            .zip([per_conversation, per_origin])
        {
            if let Verdict::Refused { retry_after_ms, .. } =
                limits::try_count(&self.db, &subject, operation, limit, now).await?
            {
                let retry_after_ms =
                    retry_after_ms.unwrap_or(limit.lock_ms.unwrap_or(limit.window_ms));
                return Err(if limit.lock_ms.is_some() {
                    AccountError::TooFrequent { retry_after_ms }
                } else {
                    AccountError::LookupsTooFrequent { retry_after_ms }
                });
            }
        }
        Ok(())
    }

    /// The limits on sending a code to a destination: per conversation and address first, then
    /// the destination's resend interval and daily cap.
    async fn limit_code_to(
        &self,
        destination: &str,
        who: &Requester,
        now: i64,
    ) -> AccountResult<()> {
        // Who asks is checked first but counted only for a code that is really sent: asking
        // again too soon costs nothing.
        for (subject, limit) in requester_subjects(who)
            .into_iter()
            .zip([CODE_SENDS_PER_CONVERSATION, CODE_SENDS_PER_ORIGIN])
        {
            let since = now.saturating_sub(limit.window_ms);
            let sent = limits::count_since(&self.db, &subject, OP_CODE, since).await?;
            if sent >= i64::from(limit.max) {
                return Err(AccountError::LookupsTooFrequent {
                    retry_after_ms: limit.window_ms,
                });
            }
        }
        match limits::try_count_all(&self.db, destination, OP_CODE, &CODE_LIMITS, now).await? {
            Verdict::Allowed => {}
            Verdict::Refused {
                limit: 0,
                retry_after_ms,
                ..
            } => {
                return Err(AccountError::ResendTooSoon {
                    retry_after_ms: retry_after_ms.unwrap_or(MINUTE_MS),
                });
            }
            Verdict::Refused { .. } => return Err(AccountError::CodeDailyCap),
        }
        self.count_requester(
            who,
            OP_CODE,
            CODE_SENDS_PER_CONVERSATION,
            CODE_SENDS_PER_ORIGIN,
        )
        .await
    }

    /// Sends a code as the account service would word it.
    async fn deliver_code(&self, via: Channel, destination: &str, code: &str) -> AccountResult<()> {
        self.notifier
            .send(&Notification {
                channel: via,
                destination: destination.to_string(),
                subject: (via == Channel::Email).then(|| EMAIL_SUBJECT.to_string()),
                body: match via {
                    Channel::Sms => SMS_TEMPLATE,
                    Channel::Email => EMAIL_TEMPLATE,
                }
                .replace("{code}", code),
            })
            .await
            .map_err(|e| StoreError::Malformed(format!("notifier: {e}")))?;
        Ok(())
    }

    /// Refuses as 操作过于频繁 while who asks is locked out of an operation.
    async fn requester_unlocked(&self, who: &Requester, operation: &str) -> AccountResult<()> {
        let now = self.now();
        for subject in requester_subjects(who) {
            if let Some(until) = limits::locked_until(&self.db, &subject, operation, now).await? {
                return Err(AccountError::TooFrequent {
                    retry_after_ms: until - now,
                });
            }
        }
        Ok(())
    }

    /// Counts a sensitive operation on an account; refused as 操作过于频繁 when over the limit.
    async fn count_sensitive(
        &self,
        subject: &str,
        operation: &str,
        limit: Limit,
    ) -> AccountResult<()> {
        match limits::try_count(&self.db, subject, operation, limit, self.now()).await? {
            Verdict::Allowed => Ok(()),
            Verdict::Refused { retry_after_ms, .. } => Err(AccountError::TooFrequent {
                retry_after_ms: retry_after_ms.unwrap_or(limit.lock_ms.unwrap_or(0)),
            }),
        }
    }

    /// Checks the code `who` typed against the newest code of a purpose sent for them
    /// (`CodeUnknown` when none was); the account it was sent for on success.
    async fn verify_code_of(
        &self,
        who: &Requester,
        purpose: CodePurpose,
        code: &str,
    ) -> AccountResult<String> {
        let newest: Option<(String, String)> = sqlx::query_as(
            "SELECT id, account_id FROM codes WHERE holder = $1 AND purpose = $2 \
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(&who.conversation)
        .bind(purpose.as_str())
        .fetch_optional(self.db.pool())
        .await?;
        let (ticket, account_id) = newest.ok_or(AccountError::CodeUnknown)?;
        self.verify_code(CodeTable::Account, &ticket, code).await?;
        Ok(account_id)
    }

    /// Checks a code of a ticket in one of the code tables (tries counted, used once).
    async fn verify_code(
        &self,
        table: CodeTable,
        ticket_id: &str,
        code: &str,
    ) -> AccountResult<()> {
        let row: Option<(String, i64, Option<i64>)> = sqlx::query_as(table.select())
            .bind(ticket_id)
            .fetch_optional(self.db.pool())
            .await?;
        let Some((stored_hash, expires_at, used_at)) = row else {
            return Err(AccountError::CodeUnknown);
        };
        if used_at.is_some() {
            return Err(AccountError::CodeDead);
        }
        if expires_at <= self.now() {
            return Err(AccountError::CodeExpired);
        }
        // Counting the try first and atomically: parallel guesses cannot exceed the tries.
        let counted = sqlx::query(table.count_try())
            .bind(ticket_id)
            .bind(CODE_TRIES)
            .execute(self.db.pool())
            .await?;
        if counted.rows_affected() == 0 {
            return Err(AccountError::CodeDead);
        }
        let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let typed = normalize(&typed);
        if code_hash(ticket_id, &typed) == stored_hash {
            let used = sqlx::query(table.mark_used())
                .bind(self.now())
                .bind(ticket_id)
                .execute(self.db.pool())
                .await?;
            if used.rows_affected() == 1 {
                return Ok(());
            }
            return Err(AccountError::CodeDead);
        }
        let attempts: i64 = sqlx::query_scalar(table.attempts())
            .bind(ticket_id)
            .fetch_one(self.db.pool())
            .await?;
        let remaining = CODE_TRIES - attempts;
        if remaining <= 0 {
            Err(AccountError::CodeDead)
        } else {
            Err(AccountError::CodeWrong { remaining })
        }
    }

    /// Verification passed: in ONE transaction the account becomes active, every other account
    /// with its ID number is deactivated, the ID number is registered again and the deciding row
    /// is marked. Parallel verifications of the same ID number are serialised by locking its
    /// state row first; the second finds the account no longer pending.
    async fn activate(&self, account_id: &str, decided: Decided<'_>) -> AccountResult<Activation> {
        let now = self.now();
        let mut tx = self.db.pool().begin().await?;
        // Writing first: SQLite takes its write lock before anything is read (no stale
        // snapshot to upgrade), PostgreSQL locks the ID number's state row.
        sqlx::query(
            "INSERT INTO id_number_states (id_number, state, updated_at) \
             SELECT id_number, 'pending_review', $1 FROM accounts WHERE id = $2 \
             ON CONFLICT (id_number) DO UPDATE SET updated_at = $1",
        )
        .bind(now)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        let id_number: Option<String> =
            sqlx::query_scalar("SELECT id_number FROM accounts WHERE id = $1")
                .bind(account_id)
                .fetch_optional(&mut *tx)
                .await?;
        let id_number = id_number.ok_or(AccountError::UnknownAccount)?;
        let activated = sqlx::query(
            "UPDATE accounts SET state = 'active', mobile_bound = 1 \
             WHERE id = $1 AND state = 'pending_verification'",
        )
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        if activated.rows_affected() != 1 {
            tx.rollback().await?;
            return Err(AccountError::NotPendingVerification);
        }
        let route = match decided {
            Decided::Review { id, staff } => {
                mark_decided(
                    &mut tx,
                    "UPDATE verifications SET status = 'approved', decided_at = $1, decided_by = $2 \
                     WHERE id = $3 AND status = 'pending'",
                    now,
                    staff,
                    id,
                )
                .await?;
                None
            }
            Decided::Assist { id, classmate } => {
                mark_decided(
                    &mut tx,
                    "UPDATE classmate_requests SET status = 'confirmed', decided_at = $1 \
                     WHERE classmate_account_id = $2 AND id = $3 AND status = 'pending'",
                    now,
                    classmate,
                    id,
                )
                .await?;
                Some("classmate")
            }
            Decided::OnTheSpot { route } => Some(route),
        };
        if let Some(route) = route {
            sqlx::query(
                "INSERT INTO verifications (id, account_id, route, status, created_at, decided_at) \
                 VALUES ($1, $2, $3, 'approved', $4, $4)",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(account_id)
            .bind(route)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let others: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, username FROM accounts \
             WHERE id_number = $1 AND id <> $2 AND state <> 'deactivated' ORDER BY created_at",
        )
        .bind(&id_number)
        .bind(account_id)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE accounts SET state = 'deactivated', deactivated_at = $1 \
             WHERE id_number = $2 AND id <> $3 AND state <> 'deactivated'",
        )
        .bind(now)
        .bind(&id_number)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        // Another route won: a photo review still waiting for staff is settled too.
        sqlx::query(
            "UPDATE verifications SET status = 'approved', decided_at = $1, \
             decided_by = 'another route' WHERE account_id = $2 AND status = 'pending'",
        )
        .bind(now)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE id_number_states SET state = 'registered', updated_at = $1 WHERE id_number = $2")
            .bind(now)
            .bind(&id_number)
            .execute(&mut *tx)
            .await?;
        for (event_account, event) in std::iter::once((account_id, "activated"))
            .chain(others.iter().map(|(id, _)| (id.as_str(), "deactivated")))
        {
            sqlx::query(
                "INSERT INTO account_log (id, account_id, at, event, channel, success) \
                 VALUES ($1, $2, $3, $4, 'verification', 1)",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(event_account)
            .bind(now)
            .bind(event)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        let deactivated = others.iter().map(|(_, u)| mask_username(u)).collect();
        tracing::info!(
            account = account_id,
            deactivated = others.len(),
            "account verified"
        );
        Ok(Activation {
            account_id: account_id.to_string(),
            deactivated,
        })
    }

    async fn pending_account(&self, account_id: &str) -> AccountResult<AccountRow> {
        let account = self.account_row(account_id).await?;
        if account.state != AccountState::PendingVerification {
            return Err(AccountError::NotPendingVerification);
        }
        Ok(account)
    }

    async fn valid_session(&self, session: &Session) -> AccountResult<AccountRow> {
        let account = self.account_row(&session.account_id).await?;
        if account.session_epoch != session.epoch || account.state == AccountState::Deactivated {
            return Err(AccountError::SessionExpired);
        }
        Ok(account)
    }

    /// What the registration form shows for an ID number (no limit: for the store's own use).
    async fn id_number_state(&self, id_number: &IdNumber) -> AccountResult<RegistrationState> {
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

    fn review_from(row: (String, String, String, Option<String>, i64, Option<i64>)) -> Review {
        let (id, account_id, status, reason, created_at, decided_at) = row;
        let status = match status.as_str() {
            "approved" => ReviewStatus::Approved,
            "rejected" => ReviewStatus::Rejected {
                reason: reason.unwrap_or_default(),
            },
            _ => ReviewStatus::Pending,
        };
        Review {
            id,
            account_id,
            status,
            created_at,
            decided_at,
        }
    }
}

async fn mark_decided(
    tx: &mut Transaction<'static, Any>,
    sql: &'static str,
    now: i64,
    by: &str,
    id: &str,
) -> AccountResult<()> {
    let marked = sqlx::query(sql)
        .bind(now)
        .bind(by)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    if marked.rows_affected() != 1 {
        return Err(AccountError::ReviewAlreadyDecided);
    }
    Ok(())
}

#[async_trait]
impl AccountStore for EmbeddedAccountStore {
    async fn registration_state(
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

    async fn send_registration_code(
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

    async fn verify_registration_code(
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

    async fn register_with_verified_mobile(
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

    async fn register(&self, form: NewAccount) -> AccountResult<AccountSummary> {
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

    async fn sign_in(
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

    async fn session_of(&self, who: &Requester) -> AccountResult<Option<Session>> {
        let row: Option<(String, i64, i64)> = sqlx::query_as(
            "SELECT account_id, epoch, expires_at FROM conversation_sign_ins WHERE holder = $1",
        )
        .bind(&who.conversation)
        .fetch_optional(self.db.pool())
        .await?;
        let Some((account_id, epoch, expires_at)) = row else {
            return Ok(None);
        };
        if expires_at <= self.now() {
            return Ok(None);
        }
        let session = Session { account_id, epoch };
        Ok(self.session_valid(&session).await?.then_some(session))
    }

    async fn session_valid(&self, session: &Session) -> AccountResult<bool> {
        match self.valid_session(session).await {
            Ok(_) => Ok(true),
            Err(AccountError::SessionExpired | AccountError::UnknownAccount) => Ok(false),
            Err(other) => Err(other),
        }
    }

    async fn account_log(&self, session: &Session, limit: i64) -> AccountResult<Vec<LogEntry>> {
        let account = self.valid_session(session).await?;
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT at, event, channel, success FROM account_log WHERE account_id = $1 \
             ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(&account.id)
        .bind(limit.clamp(1, 500))
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(at, event, channel, success)| LogEntry {
                at,
                event,
                channel,
                success: success != 0,
            })
            .collect())
    }

    async fn find_accounts(
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
        let rows: Vec<AccountTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id_number = $1 AND real_name = $2 \
             ORDER BY created_at"
        )))
        .bind(id_number.as_str())
        .bind(real_name.trim())
        .fetch_all(self.db.pool())
        .await?;
        let accounts: Vec<AccountSummary> = rows
            .into_iter()
            .map(|row| AccountRow::from_tuple(row).map(|a| a.summary()))
            .collect::<Result<_, _>>()?;
        if accounts.is_empty() {
            // A wrong name: also counted for the ID number, whose ceiling only many
            // conversations and addresses together reach.
            self.count_sensitive(id_number.as_str(), OP_FIND_FAILURE, FIND_FAILURES_PER_ID)
                .await?;
            return Err(AccountError::NoMatchingAccount);
        }
        Ok(accounts)
    }

    async fn send_code(
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
                (Some(mobile), true) => mobile.clone(),
                _ => return Err(AccountError::NoBoundMobile),
            },
            Channel::Email => match (&account.email, account.email_activated) {
                (Some(email), true) => email.clone(),
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

    async fn reveal_username(&self, code: &str, who: &Requester) -> AccountResult<String> {
        let account_id = self
            .verify_code_of(who, CodePurpose::FindUsername, code)
            .await?;
        let account = self.account_row(&account_id).await?;
        self.log_event(&account.id, "find-username", "code", true)
            .await?;
        Ok(account.username)
    }

    async fn verify_reset_code(&self, code: &str, who: &Requester) -> AccountResult<()> {
        self.verify_code_of(who, CodePurpose::ResetPassword, code)
            .await
            .map(|_| ())
    }

    async fn reset_password(&self, new_password: &str, who: &Requester) -> AccountResult<()> {
        let verified: Option<(String, String)> = sqlx::query_as(
            "SELECT id, account_id FROM codes WHERE holder = $1 AND purpose = $2 \
             AND used_at IS NOT NULL AND used_at > $3 AND spent_at IS NULL \
             ORDER BY used_at DESC LIMIT 1",
        )
        .bind(&who.conversation)
        .bind(CodePurpose::ResetPassword.as_str())
        .bind(self.now() - VERIFIED_CODE_USE_MS)
        .fetch_optional(self.db.pool())
        .await?;
        let (ticket, account_id) = verified.ok_or(AccountError::CodeUnknown)?;
        let account = self.account_row(&account_id).await?;
        // A weak password is refused before the verified code is spent.
        password::check_strength(new_password, &account.username)
            .map_err(AccountError::WeakPassword)?;
        let spent =
            sqlx::query("UPDATE codes SET spent_at = $1 WHERE id = $2 AND spent_at IS NULL")
                .bind(self.now())
                .bind(&ticket)
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

    async fn operation_locked_for(&self, account_id: &str) -> AccountResult<Option<i64>> {
        let now = self.now();
        let mut longest: Option<i64> = None;
        for operation in [OP_SENSITIVE, OP_SIGN_IN] {
            if let Some(until) = limits::locked_until(&self.db, account_id, operation, now).await? {
                longest = Some(longest.map_or(until - now, |l: i64| l.max(until - now)));
            }
        }
        Ok(longest)
    }

    async fn submit_photos(
        &self,
        account_id: &str,
        front: &[u8],
        back: &[u8],
    ) -> AccountResult<Review> {
        let account = self.pending_account(account_id).await?;
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM verifications \
             WHERE account_id = $1 AND route = 'photo' AND status = 'pending'",
        )
        .bind(account_id)
        .fetch_one(self.db.pool())
        .await?;
        if pending > 0 {
            return Err(AccountError::ReviewPending);
        }
        let front_photo = check_photo(front).map_err(|error| AccountError::Photo {
            side: PhotoSide::Front,
            error,
        })?;
        let back_photo = check_photo(back).map_err(|error| AccountError::Photo {
            side: PhotoSide::Back,
            error,
        })?;
        let now = self.now();
        match limits::try_count_all(&self.db, &account.id, OP_PHOTO, &PHOTO_LIMITS, now).await? {
            Verdict::Allowed => {}
            Verdict::Refused {
                limit: 0,
                retry_after_ms,
                ..
            } => {
                return Err(AccountError::PhotoDailyLimit {
                    retry_after_ms: retry_after_ms.unwrap_or(DAY_MS),
                });
            }
            Verdict::Refused { .. } => return Err(AccountError::PhotoTotalLimit),
        }
        let review_id = uuid::Uuid::new_v4().to_string();
        let mut tx = self.db.pool().begin().await?;
        // Serialises submissions of one account, so two at once cannot both start a review.
        sqlx::query(
            "INSERT INTO rate_locks (subject, operation, locked_until) VALUES ($1, 'photo-submit', 0) \
             ON CONFLICT (subject, operation) DO UPDATE SET locked_until = 0",
        )
        .bind(&account.id)
        .execute(&mut *tx)
        .await?;
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM verifications \
             WHERE account_id = $1 AND route = 'photo' AND status = 'pending'",
        )
        .bind(&account.id)
        .fetch_one(&mut *tx)
        .await?;
        if pending > 0 {
            return Err(AccountError::ReviewPending);
        }
        sqlx::query(
            "INSERT INTO verifications (id, account_id, route, status, created_at) \
             VALUES ($1, $2, 'photo', 'pending', $3)",
        )
        .bind(&review_id)
        .bind(&account.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        for (side, photo, bytes) in [
            (PhotoSide::Front, front_photo, front),
            (PhotoSide::Back, back_photo, back),
        ] {
            sqlx::query(
                "INSERT INTO photos (id, verification_id, side, format, size, content, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(&review_id)
            .bind(side.as_str())
            .bind(photo.format.extension())
            .bind(bytes.len() as i64)
            .bind(bytes.to_vec())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Review {
            id: review_id,
            account_id: account.id,
            status: ReviewStatus::Pending,
            created_at: now,
            decided_at: None,
        })
    }

    async fn review_status(&self, account_id: &str) -> AccountResult<Option<Review>> {
        let row = sqlx::query_as(
            "SELECT id, account_id, status, reason, created_at, decided_at FROM verifications \
             WHERE account_id = $1 AND route = 'photo' \
             ORDER BY created_at DESC, CASE status WHEN 'pending' THEN 0 ELSE 1 END, \
             decided_at DESC, id DESC LIMIT 1",
        )
        .bind(account_id)
        .fetch_optional(self.db.pool())
        .await?;
        Ok(row.map(Self::review_from))
    }

    async fn pending_reviews(&self, limit: i64) -> AccountResult<Vec<Review>> {
        let rows = sqlx::query_as(
            "SELECT id, account_id, status, reason, created_at, decided_at FROM verifications \
             WHERE route = 'photo' AND status = 'pending' ORDER BY created_at, id LIMIT $1",
        )
        .bind(limit.clamp(1, 500))
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows.into_iter().map(Self::review_from).collect())
    }

    async fn review_photos(&self, review_id: &str) -> AccountResult<Vec<ReviewPhoto>> {
        let rows: Vec<(String, String, Vec<u8>)> = sqlx::query_as(
            "SELECT p.side, p.format, p.content FROM photos p \
             JOIN verifications v ON v.id = p.verification_id \
             WHERE p.verification_id = $1 AND v.route = 'photo' ORDER BY p.side DESC, p.created_at",
        )
        .bind(review_id)
        .fetch_all(self.db.pool())
        .await?;
        if rows.is_empty() {
            return Err(AccountError::ReviewNotFound);
        }
        Ok(rows
            .into_iter()
            .map(|(side, format, content)| ReviewPhoto {
                side,
                format,
                content,
            })
            .collect())
    }

    async fn decide_review(
        &self,
        review_id: &str,
        staff: &str,
        decision: StaffDecision,
    ) -> AccountResult<Decision> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT account_id, status FROM verifications WHERE id = $1 AND route = 'photo'",
        )
        .bind(review_id)
        .fetch_optional(self.db.pool())
        .await?;
        let (account_id, status) = row.ok_or(AccountError::ReviewNotFound)?;
        if status != "pending" {
            return Err(AccountError::ReviewAlreadyDecided);
        }
        match decision {
            StaffDecision::Approve => {
                let activation = self
                    .activate(
                        &account_id,
                        Decided::Review {
                            id: review_id,
                            staff,
                        },
                    )
                    .await?;
                Ok(Decision {
                    account_id,
                    activation: Some(activation),
                })
            }
            StaffDecision::Reject { reason } => {
                let reason = reason.trim();
                if reason.is_empty() {
                    return Err(AccountError::ReasonMissing);
                }
                let rejected = sqlx::query(
                    "UPDATE verifications SET status = 'rejected', reason = $1, decided_at = $2, \
                     decided_by = $3 WHERE id = $4 AND status = 'pending'",
                )
                .bind(reason)
                .bind(self.now())
                .bind(staff)
                .bind(review_id)
                .execute(self.db.pool())
                .await?;
                if rejected.rows_affected() != 1 {
                    return Err(AccountError::ReviewAlreadyDecided);
                }
                Ok(Decision {
                    account_id,
                    activation: None,
                })
            }
        }
    }

    async fn request_classmate_assist(
        &self,
        account_id: &str,
        classmate_name: &str,
        classmate_mobile: &Mobile,
        own_mobile: &Mobile,
    ) -> AccountResult<String> {
        let account = self.pending_account(account_id).await?;
        if account.mobile.as_deref() != Some(own_mobile.as_str()) {
            return Err(AccountError::OwnMobileMismatch);
        }
        let classmate = self
            .account_by("mobile", classmate_mobile.as_str())
            .await?
            .filter(|c| c.state == AccountState::Active && c.real_name == classmate_name.trim())
            .ok_or(AccountError::ClassmateNotFound)?;
        if classmate.id == account.id || classmate.id_number == account.id_number {
            return Err(AccountError::ClassmateSelf);
        }
        if !classmate.mobile_bound {
            return Err(AccountError::ClassmateNotBound);
        }
        match limits::try_count(&self.db, &account.id, OP_ASSIST, ASSIST_LIMIT, self.now()).await? {
            Verdict::Allowed => {}
            Verdict::Refused { retry_after_ms, .. } => {
                return Err(AccountError::AssistDailyLimit {
                    retry_after_ms: retry_after_ms.unwrap_or(DAY_MS),
                });
            }
        }
        let request_id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO classmate_requests (id, requester_account_id, classmate_account_id, \
             classmate_name, requester_mobile, status, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6)",
        )
        .bind(&request_id)
        .bind(&account.id)
        .bind(&classmate.id)
        .bind(classmate_name.trim())
        .bind(own_mobile.as_str())
        .bind(self.now())
        .execute(self.db.pool())
        .await?;
        Ok(request_id)
    }

    async fn assist_requests(&self, session: &Session) -> AccountResult<Vec<AssistRequest>> {
        let classmate = self.valid_session(session).await?;
        let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT r.id, a.real_name, r.requester_mobile, r.created_at FROM classmate_requests r \
             JOIN accounts a ON a.id = r.requester_account_id \
             WHERE r.classmate_account_id = $1 AND r.status = 'pending' \
             AND a.state = 'pending_verification' ORDER BY r.created_at",
        )
        .bind(&classmate.id)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, mobile, created_at)| AssistRequest {
                id,
                requester_name: name,
                masked_requester_mobile: crate::pii::mask(&mobile).into_owned(),
                created_at,
            })
            .collect())
    }

    async fn answer_assist_request(
        &self,
        session: &Session,
        request_id: &str,
        confirm: bool,
    ) -> AccountResult<Decision> {
        let classmate = self.valid_session(session).await?;
        let requester: Option<String> = sqlx::query_scalar(
            "SELECT requester_account_id FROM classmate_requests \
             WHERE id = $1 AND classmate_account_id = $2 AND status = 'pending'",
        )
        .bind(request_id)
        .bind(&classmate.id)
        .fetch_optional(self.db.pool())
        .await?;
        let requester = requester.ok_or(AccountError::RequestNotFound)?;
        if confirm {
            let activation = self
                .activate(
                    &requester,
                    Decided::Assist {
                        id: request_id,
                        classmate: &classmate.id,
                    },
                )
                .await?;
            return Ok(Decision {
                account_id: requester,
                activation: Some(activation),
            });
        }
        let declined = sqlx::query(
            "UPDATE classmate_requests SET status = 'declined', decided_at = $1 \
             WHERE id = $2 AND classmate_account_id = $3 AND status = 'pending'",
        )
        .bind(self.now())
        .bind(request_id)
        .bind(&classmate.id)
        .execute(self.db.pool())
        .await?;
        if declined.rows_affected() != 1 {
            return Err(AccountError::RequestNotFound);
        }
        Ok(Decision {
            account_id: requester,
            activation: None,
        })
    }

    async fn verify_by_record(
        &self,
        account_id: &str,
        claim: RecordClaim,
    ) -> AccountResult<Activation> {
        let account = self.pending_account(account_id).await?;
        let now = self.now();
        // Counted per account that tries, then against the ID number's ceiling: another
        // account of the same ID number cannot use up this one's attempts.
        let id_subject = format!("id:{}", account.id_number);
        for (subject, limit) in [
            (account.id.as_str(), Limit::in_total(RECORD_ATTEMPTS as u32)),
            (id_subject.as_str(), Limit::in_total(RECORD_ATTEMPTS_PER_ID)),
        ] {
            if let Verdict::Refused { .. } =
                limits::try_count(&self.db, subject, OP_RECORD, limit, now).await?
            {
                return Err(AccountError::RecordAttemptsExhausted);
            }
        }
        let (kind, school, number, year, level) = match &claim {
            RecordClaim::Current {
                school,
                student_number,
                enrolment_year,
                level,
            } => (
                RecordKind::Current,
                school,
                student_number,
                *enrolment_year,
                level,
            ),
            RecordClaim::Graduate {
                school,
                certificate_number,
                graduation_year,
                level,
            } => (
                RecordKind::Graduate,
                school,
                certificate_number,
                *graduation_year,
                level,
            ),
        };
        let records = find_records(&self.db, &account.id_number).await?;
        let matches = records.iter().any(|record| {
            record.kind == kind
                && record.year == year
                && same_text(&record.real_name, &account.real_name)
                && same_text(school, &record.school)
                && same_text(number, &record.number)
                && same_text(level, &record.level)
        });
        if matches {
            return self
                .activate(&account.id, Decided::OnTheSpot { route: "record" })
                .await;
        }
        sqlx::query(
            "INSERT INTO verifications (id, account_id, route, status, reason, created_at, decided_at) \
             VALUES ($1, $2, 'record', 'failed', 'mismatch', $3, $3)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&account.id)
        .bind(now)
        .execute(self.db.pool())
        .await?;
        let used = limits::count_since(&self.db, &account.id, OP_RECORD, i64::MIN).await?;
        Err(AccountError::RecordMismatch {
            remaining: (RECORD_ATTEMPTS - used).max(0),
        })
    }

    async fn account(&self, account_id: &str) -> AccountResult<AccountSummary> {
        Ok(self.account_row(account_id).await?.summary())
    }
}

impl EmbeddedAccountStore {
    /// The username, mobile and e-mail of a form must be free; each taken one has its message.
    async fn check_unique(&self, username: &str, form: &NewAccount) -> AccountResult<()> {
        if self.account_by("username", username).await?.is_some() {
            return Err(AccountError::UsernameTaken);
        }
        if let Some(holder) = self.account_by("mobile", form.mobile.as_str()).await? {
            return Err(if holder.mobile_bound {
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
    fn usernames_are_masked_and_checked() {
        assert_eq!(mask_username("zhangsan2019"), "z**********9");
        assert_eq!(mask_username("ab"), "a*");
        assert!(valid_username("zhang_san"));
        assert!(!valid_username("1zhang"));
        assert!(!valid_username("abc"));
        assert!(!valid_username("zhang san"));
    }

    #[test]
    fn registry_comparison_ignores_width_case_and_spaces() {
        assert!(same_text(" 北京大学 ", "北京大学"));
        assert!(same_text("ＡＢ１２３", "ab123"));
        assert!(!same_text("北京大学", "清华大学"));
    }
}
