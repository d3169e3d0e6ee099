//! The embedded account store: accounts, codes, reviews and requests in helpbot's own database
//! (SQLite or PostgreSQL), enforcing every rule of the account service. Every query is bound;
//! every multi-step change that must not half-happen runs in one transaction.
//!
//! One file per feature: registration.rs, sign_in.rs, recovery.rs (find the username, reset the
//! password), review.rs (route 2, photos and the staff review), assist.rs (route 3),
//! record_check.rs (route 4), activation.rs (what a passed route does); and what they share:
//! account.rs (the stored account), codes.rs, throttle.rs (limits on who asks), clock.rs. The
//! limits themselves are the constants below, in one place.

mod account;
mod activation;
mod assist;
mod clock;
mod codes;
mod record_check;
mod recovery;
mod registration;
mod review;
mod sign_in;
mod throttle;

use std::sync::Arc;

use async_trait::async_trait;

use super::identity::{IdNumber, Mobile};
use super::limits::{DAY_MS, HOUR_MS, Limit, MINUTE_MS};
use super::notify::{Channel, Notifier};
use super::{
    AccountResult, AccountSummary, Activation, AssistRequest, CodePurpose, CodeTicket, Decision,
    LogEntry, NewAccount, RecordClaim, RegistrationState, Requester, Review, ReviewPhoto,
    ReviewSubject, Session, StaffAccounts, StaffDecision, StudentAccounts,
};
use crate::store::Database;

pub use account::{mask_name, mask_username};
pub use clock::{Clock, ManualClock, SystemClock};

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
pub(super) const OP_SIGN_IN: &str = "sign-in-failure";
pub(super) const OP_CODE: &str = "code";
pub(super) const OP_FIND: &str = "find-accounts";
pub(super) const OP_FIND_FAILURE: &str = "find-accounts-failure";
pub(super) const OP_STATE_LOOKUP: &str = "registration-state";
pub(super) const OP_PHOTO: &str = "photo-upload";
pub(super) const OP_ASSIST: &str = "classmate-assist";
pub(super) const OP_RECORD: &str = "record-check";

pub struct EmbeddedAccountStore {
    db: Database,
    notifier: Arc<dyn Notifier>,
    clock: Arc<dyn Clock>,
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
}

// The two sides of the store. Each method runs the inherent method of the same name in its
// feature's file: `Self::name` finds an inherent method before a trait's.

#[async_trait]
impl StudentAccounts for EmbeddedAccountStore {
    async fn registration_state(
        &self,
        id_number: &IdNumber,
        who: &Requester,
    ) -> AccountResult<RegistrationState> {
        Self::registration_state(self, id_number, who).await
    }

    async fn send_registration_code(
        &self,
        mobile: &Mobile,
        who: &Requester,
    ) -> AccountResult<CodeTicket> {
        Self::send_registration_code(self, mobile, who).await
    }

    async fn verify_registration_code(
        &self,
        mobile: &Mobile,
        code: &str,
        who: &Requester,
    ) -> AccountResult<()> {
        Self::verify_registration_code(self, mobile, code, who).await
    }

    async fn register_with_verified_mobile(
        &self,
        form: NewAccount,
        who: &Requester,
    ) -> AccountResult<AccountSummary> {
        Self::register_with_verified_mobile(self, form, who).await
    }

    async fn sign_in(
        &self,
        username: &str,
        password: &str,
        who: &Requester,
    ) -> AccountResult<Session> {
        Self::sign_in(self, username, password, who).await
    }

    async fn session_of(&self, who: &Requester) -> AccountResult<Option<Session>> {
        Self::session_of(self, who).await
    }

    async fn session_valid(&self, session: &Session) -> AccountResult<bool> {
        Self::session_valid(self, session).await
    }

    async fn account_log(&self, session: &Session, limit: i64) -> AccountResult<Vec<LogEntry>> {
        Self::account_log(self, session, limit).await
    }

    async fn find_accounts(
        &self,
        real_name: &str,
        id_number: &IdNumber,
        who: &Requester,
    ) -> AccountResult<Vec<AccountSummary>> {
        Self::find_accounts(self, real_name, id_number, who).await
    }

    async fn send_code(
        &self,
        account_id: &str,
        purpose: CodePurpose,
        via: Channel,
        who: &Requester,
    ) -> AccountResult<CodeTicket> {
        Self::send_code(self, account_id, purpose, via, who).await
    }

    async fn reveal_username(&self, code: &str, who: &Requester) -> AccountResult<String> {
        Self::reveal_username(self, code, who).await
    }

    async fn verify_reset_code(&self, code: &str, who: &Requester) -> AccountResult<()> {
        Self::verify_reset_code(self, code, who).await
    }

    async fn reset_password(&self, new_password: &str, who: &Requester) -> AccountResult<()> {
        Self::reset_password(self, new_password, who).await
    }

    async fn operation_locked_for(&self, account_id: &str) -> AccountResult<Option<i64>> {
        Self::operation_locked_for(self, account_id).await
    }

    async fn submit_photos(
        &self,
        account_id: &str,
        front: &[u8],
        back: &[u8],
    ) -> AccountResult<Review> {
        Self::submit_photos(self, account_id, front, back).await
    }

    async fn review_status(&self, account_id: &str) -> AccountResult<Option<Review>> {
        Self::review_status(self, account_id).await
    }

    async fn request_classmate_assist(
        &self,
        account_id: &str,
        classmate_name: &str,
        classmate_mobile: &Mobile,
        own_mobile: &Mobile,
    ) -> AccountResult<String> {
        Self::request_classmate_assist(
            self,
            account_id,
            classmate_name,
            classmate_mobile,
            own_mobile,
        )
        .await
    }

    async fn assist_requests(&self, session: &Session) -> AccountResult<Vec<AssistRequest>> {
        Self::assist_requests(self, session).await
    }

    async fn answer_assist_request(
        &self,
        session: &Session,
        request_id: &str,
        confirm: bool,
    ) -> AccountResult<Decision> {
        Self::answer_assist_request(self, session, request_id, confirm).await
    }

    async fn verify_by_record(
        &self,
        account_id: &str,
        claim: RecordClaim,
    ) -> AccountResult<Activation> {
        Self::verify_by_record(self, account_id, claim).await
    }
}

#[async_trait]
impl StaffAccounts for EmbeddedAccountStore {
    async fn pending_reviews(&self, limit: i64) -> AccountResult<Vec<Review>> {
        Self::pending_reviews(self, limit).await
    }

    async fn review_photos(&self, review_id: &str) -> AccountResult<Vec<ReviewPhoto>> {
        Self::review_photos(self, review_id).await
    }

    async fn review_subject(&self, review_id: &str) -> AccountResult<ReviewSubject> {
        Self::review_subject(self, review_id).await
    }

    async fn decide_review(
        &self,
        review_id: &str,
        staff: &str,
        decision: StaffDecision,
    ) -> AccountResult<Decision> {
        Self::decide_review(self, review_id, staff, decision).await
    }

    async fn account(&self, account_id: &str) -> AccountResult<AccountSummary> {
        Self::account(self, account_id).await
    }

    async fn register(&self, form: NewAccount) -> AccountResult<AccountSummary> {
        Self::register(self, form).await
    }
}
