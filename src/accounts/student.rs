//! What students' actions may ask of the account store: registration, signing in, codes,
//! username and password recovery, and the verification routes a student starts (photos,
//! a classmate's assist, the records registry). The dialog engine holds only this side, so no
//! dialog can reach a staff decision.

use async_trait::async_trait;

use super::identity::{IdNumber, Mobile};
use super::notify;
use super::{
    AccountResult, AccountSummary, Activation, AssistRequest, CodePurpose, CodeTicket, Decision,
    LogEntry, NewAccount, RecordClaim, RegistrationState, Requester, Review, Session,
};

/// The actions helpbot may take on the account service for a student. Every method enforces
/// the service's rules (`shared/spec/account-rules.md`) itself; callers never check them first.
#[async_trait]
pub trait StudentAccounts: Send + Sync {
    /// The ID number's state as the registration form would show it (look-ups are limited per
    /// conversation and per address).
    async fn registration_state(
        &self,
        id_number: &IdNumber,
        who: &Requester,
    ) -> AccountResult<RegistrationState>;

    /// Sends a registration code to a mobile typed on the registration form, bound to `who`.
    async fn send_registration_code(
        &self,
        mobile: &Mobile,
        who: &Requester,
    ) -> AccountResult<CodeTicket>;

    /// Checks the registration code `who` typed for that mobile.
    async fn verify_registration_code(
        &self,
        mobile: &Mobile,
        code: &str,
        who: &Requester,
    ) -> AccountResult<()>;

    /// Registers like [`super::StaffAccounts::register`], only with a mobile that `who`
    /// verified with a registration code (the code is spent); refused with `MobileNotVerified`
    /// otherwise.
    async fn register_with_verified_mobile(
        &self,
        form: NewAccount,
        who: &Requester,
    ) -> AccountResult<AccountSummary>;

    /// Signs `who` in (written to the login log either way). Wrong passwords are counted for
    /// the conversation and the address before the account, so a stranger is locked out first.
    async fn sign_in(
        &self,
        username: &str,
        password: &str,
        who: &Requester,
    ) -> AccountResult<Session>;

    /// The account `who` signed in to, while that sign-in is valid.
    async fn session_of(&self, who: &Requester) -> AccountResult<Option<Session>>;

    /// Whether a session is still valid (a password reset ends older sessions).
    async fn session_valid(&self, session: &Session) -> AccountResult<bool>;

    /// The owner's login log, newest first.
    async fn account_log(&self, session: &Session, limit: i64) -> AccountResult<Vec<LogEntry>>;

    /// The accounts registered with this name and ID number, masked. Look-ups are limited per
    /// conversation and per address; wrong names also count towards a per-ID-number ceiling.
    async fn find_accounts(
        &self,
        real_name: &str,
        id_number: &IdNumber,
        who: &Requester,
    ) -> AccountResult<Vec<AccountSummary>>;

    /// Sends a code to the account's bound mobile or activated e-mail (resend interval, daily
    /// cap, valid 1 day), bound to `who`.
    async fn send_code(
        &self,
        account_id: &str,
        purpose: CodePurpose,
        via: notify::Channel,
        who: &Requester,
    ) -> AccountResult<CodeTicket>;

    /// The username, once the find-username code sent to `who` is verified.
    async fn reveal_username(&self, code: &str, who: &Requester) -> AccountResult<String>;

    /// Checks the reset code sent to `who`; once verified, `who` may set one new password.
    async fn verify_reset_code(&self, code: &str, who: &Requester) -> AccountResult<()>;

    /// Sets a new password with the reset code `who` verified; older sessions end.
    async fn reset_password(&self, new_password: &str, who: &Requester) -> AccountResult<()>;

    /// When a locked operation (操作过于频繁) unlocks for the account, in ms from now.
    async fn operation_locked_for(&self, account_id: &str) -> AccountResult<Option<i64>>;

    /// Route 2: front and back handheld ID photos for staff review.
    async fn submit_photos(
        &self,
        account_id: &str,
        front: &[u8],
        back: &[u8],
    ) -> AccountResult<Review>;

    /// The latest photo review of the account.
    async fn review_status(&self, account_id: &str) -> AccountResult<Option<Review>>;

    /// Route 3: asks a classmate (mobile-bound) to confirm the student's identity.
    async fn request_classmate_assist(
        &self,
        account_id: &str,
        classmate_name: &str,
        classmate_mobile: &Mobile,
        own_mobile: &Mobile,
    ) -> AccountResult<String>;

    /// The requests waiting for the signed-in classmate.
    async fn assist_requests(&self, session: &Session) -> AccountResult<Vec<AssistRequest>>;

    /// The classmate confirms (activating the requester) or declines.
    async fn answer_assist_request(
        &self,
        session: &Session,
        request_id: &str,
        confirm: bool,
    ) -> AccountResult<Decision>;

    /// Route 4: student status or degree information checked against the registry (3 attempts
    /// per account, and a ceiling per ID number).
    async fn verify_by_record(
        &self,
        account_id: &str,
        claim: RecordClaim,
    ) -> AccountResult<Activation>;
}
