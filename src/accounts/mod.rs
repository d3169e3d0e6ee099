//! The account store: the account service's rules and the actions the bot may take for a
//! student. The rest of helpbot talks to it only through [`AccountStore`]; the embedded
//! implementation ([`embedded::EmbeddedAccountStore`]) keeps accounts in helpbot's own database,
//! and an adapter to a real upstream service can stand behind the same trait.

pub mod demo;
pub mod embedded;
pub mod identity;
pub mod limits;
pub mod notify;
pub mod password;
pub mod photo;
pub mod records;
pub mod senders;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use identity::{Email, IdNumber, Mobile};
use photo::PhotoError;

use crate::store::StoreError;

/// An account's life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    Active,
    /// Registered with 我要重新注册: usable only after one verification route passes.
    PendingVerification,
    /// 注销: another account with the same ID number was verified.
    Deactivated,
}

impl AccountState {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountState::Active => "active",
            AccountState::PendingVerification => "pending_verification",
            AccountState::Deactivated => "deactivated",
        }
    }

    pub fn parse(text: &str) -> Result<Self, StoreError> {
        match text {
            "active" => Ok(AccountState::Active),
            "pending_verification" => Ok(AccountState::PendingVerification),
            "deactivated" => Ok(AccountState::Deactivated),
            other => Err(StoreError::Malformed(format!("account state `{other}`"))),
        }
    }
}

/// What the registration form shows for an ID number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationState {
    /// No account uses it: registration goes ahead.
    Free,
    /// 证件号码已被注册: an active account uses it.
    Registered,
    /// 证件号码重复待审核，不能再次注册此证件号码: several accounts use it and a review is pending.
    PendingReview,
}

/// A registration form.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub password: String,
    pub real_name: String,
    pub id_number: IdNumber,
    pub mobile: Mobile,
    pub email: Option<Email>,
    /// 我要重新注册 ticked: register although the ID number is already registered.
    pub reregister: bool,
}

/// An account as others may see it: everything personal masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountSummary {
    pub id: String,
    pub masked_username: String,
    pub state: AccountState,
    pub masked_mobile: Option<String>,
    pub mobile_bound: bool,
    pub created_at: i64,
}

/// Why a code is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CodePurpose {
    FindUsername,
    ResetPassword,
}

impl CodePurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            CodePurpose::FindUsername => "find-username",
            CodePurpose::ResetPassword => "reset-password",
        }
    }
}

/// A code on its way. It is bound to the conversation that asked for it: only that conversation
/// can type it, so nothing about it needs to be kept in the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeTicket {
    pub masked_destination: String,
    pub expires_at: i64,
}

/// Who asks the store to act: the conversation, the channel it came through and, when the
/// channel knows it, the client's address. Proof (codes, sign-ins) is bound to the
/// conversation, and limits that protect an owner from strangers are counted here first, so
/// that a stranger locks themselves out before they can lock the owner out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requester {
    pub channel: String,
    pub conversation: String,
    pub origin: Option<String>,
}

impl Requester {
    pub fn new(channel: impl Into<String>, conversation: impl Into<String>) -> Self {
        Self {
            channel: channel.into(),
            conversation: conversation.into(),
            origin: None,
        }
    }

    /// The same requester seen from a client address (an IP).
    pub fn from_origin(mut self, origin: Option<String>) -> Self {
        self.origin = origin;
        self
    }
}

/// A signed-in user. Invalid once the password is reset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub account_id: String,
    pub epoch: i64,
}

/// A line of the login log (and other account events) the owner can read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    pub at: i64,
    pub event: String,
    pub channel: String,
    pub success: bool,
}

/// Where a staff review stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ReviewStatus {
    /// 待审核
    Pending,
    /// 审核失败, with the reason; the student may upload again.
    Rejected { reason: String },
    /// 通过
    Approved,
}

/// A photo review of a re-registered account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    pub id: String,
    pub account_id: String,
    pub status: ReviewStatus,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

/// What staff decide about a photo review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffDecision {
    Approve,
    Reject { reason: String },
}

/// Which side of the ID card a photo shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PhotoSide {
    Front,
    Back,
}

impl PhotoSide {
    pub fn as_str(self) -> &'static str {
        match self {
            PhotoSide::Front => "front",
            PhotoSide::Back => "back",
        }
    }
}

/// What a student states for route 4 (提供学籍或学历信息).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordClaim {
    Current {
        school: String,
        student_number: String,
        enrolment_year: i64,
        level: String,
    },
    Graduate {
        school: String,
        certificate_number: String,
        graduation_year: i64,
        level: String,
    },
}

/// The result of a passed verification: the account is active and these others (masked
/// usernames) were deactivated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Activation {
    pub account_id: String,
    pub deactivated: Vec<String>,
}

/// One uploaded photo of a review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewPhoto {
    /// `front` or `back`.
    pub side: String,
    /// `jpeg`, `png` or `gif`, from the content.
    pub format: String,
    pub content: Vec<u8>,
}

/// What a staff review or a classmate's answer decided, and whose account it was about (so the
/// student can be told).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub account_id: String,
    /// The activation, when the decision verified the account.
    pub activation: Option<Activation>,
}

/// A classmate-assist request as the classmate sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssistRequest {
    pub id: String,
    pub requester_name: String,
    pub masked_requester_mobile: String,
    pub created_at: i64,
}

/// Everything an action can refuse, each with the fluent message that explains it.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("username must be 4-20 letters, digits or underscores, starting with a letter")]
    InvalidUsername,
    #[error("username is taken")]
    UsernameTaken,
    #[error("the real name is missing or too long")]
    InvalidName,
    #[error("weak password: {0}")]
    WeakPassword(password::Weakness),
    #[error("证件号码重复待审核，不能再次注册此证件号码")]
    IdPendingReview,
    #[error("证件号码已被注册")]
    IdAlreadyRegistered,
    #[error("该手机号已经注册，可直接登录")]
    MobileRegistered,
    #[error("该邮箱已经注册，可直接登录")]
    EmailRegistered,
    #[error("the mobile number is bound by account {masked_username}")]
    MobileBoundByOther { masked_username: String },
    #[error("no such account")]
    UnknownAccount,
    #[error("no account matches this name and ID number")]
    NoMatchingAccount,
    #[error("the account has no bound mobile number")]
    NoBoundMobile,
    #[error("the account has no activated e-mail address")]
    NoBoundEmail,
    #[error("操作过于频繁，操作被禁止 for {retry_after_ms} ms")]
    TooFrequent { retry_after_ms: i64 },
    #[error("a new code can be sent in {retry_after_ms} ms")]
    ResendTooSoon { retry_after_ms: i64 },
    #[error("today's codes for this number are used up")]
    CodeDailyCap,
    #[error("wrong code, {remaining} tries left")]
    CodeWrong { remaining: i64 },
    #[error("the code has expired")]
    CodeExpired,
    #[error("the code was tried too often and no longer works")]
    CodeDead,
    #[error("no such code")]
    CodeUnknown,
    #[error("wrong username or password")]
    WrongCredentials,
    #[error("the account is deactivated")]
    AccountDeactivated,
    #[error("the session is no longer valid")]
    SessionExpired,
    #[error("the account needs no verification")]
    NotPendingVerification,
    #[error("{side:?} photo: {error}")]
    Photo { side: PhotoSide, error: PhotoError },
    #[error("3 photo uploads a day")]
    PhotoDailyLimit { retry_after_ms: i64 },
    #[error("5 photo uploads in total")]
    PhotoTotalLimit,
    #[error("a photo review is already waiting")]
    ReviewPending,
    #[error("no such review")]
    ReviewNotFound,
    #[error("the review was already decided")]
    ReviewAlreadyDecided,
    #[error("a rejection needs a reason")]
    ReasonMissing,
    #[error("no classmate with this name and mobile number")]
    ClassmateNotFound,
    #[error("the classmate has not bound their mobile number")]
    ClassmateNotBound,
    #[error("a student cannot assist themselves")]
    ClassmateSelf,
    #[error("the stated own mobile number is not the account's")]
    OwnMobileMismatch,
    #[error("5 classmate requests a day")]
    AssistDailyLimit { retry_after_ms: i64 },
    #[error("no such request")]
    RequestNotFound,
    #[error("the record does not match, {remaining} attempts left")]
    RecordMismatch { remaining: i64 },
    #[error("no record-check attempts left for this ID number")]
    RecordAttemptsExhausted,
    #[error("too many look-ups from this conversation or address, retry in {retry_after_ms} ms")]
    LookupsTooFrequent { retry_after_ms: i64 },
    #[error("the mobile number was not verified with a code in this conversation")]
    MobileNotVerified,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for AccountError {
    fn from(err: sqlx::Error) -> Self {
        AccountError::Store(StoreError::from(err))
    }
}

impl AccountError {
    /// The fluent message id (in `locales/*/accounts.ftl`) that tells the user what happened.
    pub fn message_id(&self) -> &'static str {
        match self {
            AccountError::InvalidUsername => "account-invalid-username",
            AccountError::UsernameTaken => "account-username-taken",
            AccountError::InvalidName => "account-invalid-name",
            AccountError::WeakPassword(weakness) => weakness.message_id(),
            AccountError::IdPendingReview => "account-id-pending-review",
            AccountError::IdAlreadyRegistered => "account-id-registered",
            AccountError::MobileRegistered => "account-mobile-registered",
            AccountError::EmailRegistered => "account-email-registered",
            AccountError::MobileBoundByOther { .. } => "account-mobile-bound-by-other",
            AccountError::UnknownAccount => "account-unknown",
            AccountError::NoMatchingAccount => "account-no-match",
            AccountError::NoBoundMobile => "account-no-bound-mobile",
            AccountError::NoBoundEmail => "account-no-bound-email",
            AccountError::TooFrequent { .. } => "account-too-frequent",
            AccountError::ResendTooSoon { .. } => "code-resend-too-soon",
            AccountError::CodeDailyCap => "code-daily-cap",
            AccountError::CodeWrong { .. } => "code-wrong",
            AccountError::CodeExpired => "code-expired",
            AccountError::CodeDead => "code-dead",
            AccountError::CodeUnknown => "code-unknown",
            AccountError::WrongCredentials => "account-wrong-credentials",
            AccountError::AccountDeactivated => "account-deactivated",
            AccountError::SessionExpired => "account-session-expired",
            AccountError::NotPendingVerification => "verify-not-pending",
            AccountError::Photo { error, .. } => error.message_id(),
            AccountError::PhotoDailyLimit { .. } => "photo-daily-limit",
            AccountError::PhotoTotalLimit => "photo-total-limit",
            AccountError::ReviewPending => "review-pending",
            AccountError::ReviewNotFound => "review-not-found",
            AccountError::ReviewAlreadyDecided => "review-already-decided",
            AccountError::ReasonMissing => "review-reason-missing",
            AccountError::ClassmateNotFound => "assist-classmate-not-found",
            AccountError::ClassmateNotBound => "assist-classmate-not-bound",
            AccountError::ClassmateSelf => "assist-self",
            AccountError::OwnMobileMismatch => "assist-own-mobile-mismatch",
            AccountError::AssistDailyLimit { .. } => "assist-daily-limit",
            AccountError::RequestNotFound => "assist-request-not-found",
            AccountError::RecordMismatch { .. } => "record-mismatch",
            AccountError::RecordAttemptsExhausted => "record-attempts-exhausted",
            AccountError::LookupsTooFrequent { .. } => "account-lookups-too-frequent",
            AccountError::MobileNotVerified => "account-mobile-not-verified",
            AccountError::Store(_) => "internal-error",
        }
    }
}

impl AccountError {
    /// The variables of [`Self::message_id`]'s message (minutes, tries left, …).
    pub fn message_args(&self) -> Vec<(&'static str, fluent_bundle::FluentValue<'static>)> {
        let minutes = |ms: i64| ((ms + MINUTE - 1) / MINUTE).max(1);
        match self {
            AccountError::TooFrequent { retry_after_ms }
            | AccountError::LookupsTooFrequent { retry_after_ms } => {
                vec![("minutes", minutes(*retry_after_ms).into())]
            }
            AccountError::ResendTooSoon { retry_after_ms } => {
                vec![("seconds", ((retry_after_ms + 999) / 1000).max(1).into())]
            }
            AccountError::PhotoDailyLimit { retry_after_ms }
            | AccountError::AssistDailyLimit { retry_after_ms } => {
                vec![("hours", ((retry_after_ms + HOUR - 1) / HOUR).max(1).into())]
            }
            AccountError::CodeWrong { remaining } | AccountError::RecordMismatch { remaining } => {
                vec![("remaining", (*remaining).into())]
            }
            AccountError::MobileBoundByOther { masked_username } => {
                vec![("username", masked_username.clone().into())]
            }
            AccountError::Photo { side, error } => {
                let mut args = vec![("side", side.as_str().into())];
                args.extend(error.message_args());
                args
            }
            _ => Vec::new(),
        }
    }
}

const MINUTE: i64 = 60 * 1000;
const HOUR: i64 = 60 * MINUTE;

pub type AccountResult<T> = Result<T, AccountError>;

/// The actions helpbot may take on the account service. Every method enforces the service's
/// rules (`shared/spec/account-rules.md`) itself; callers never check them first.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// The ID number's state as the registration form would show it (look-ups are limited per
    /// conversation and per address).
    async fn registration_state(
        &self,
        id_number: &IdNumber,
        who: &Requester,
    ) -> AccountResult<RegistrationState>;

    /// Registers an account whose mobile the caller has proven by other means (demo data,
    /// staff). With `reregister` and an ID number already registered, the new account waits for
    /// verification; refused while the ID number is 重复待审核.
    async fn register(&self, form: NewAccount) -> AccountResult<AccountSummary>;

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

    /// Registers like [`AccountStore::register`], only with a mobile that `who` verified with
    /// a registration code (the code is spent); refused with `MobileNotVerified` otherwise.
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

    /// Photo reviews waiting for staff, oldest first.
    async fn pending_reviews(&self, limit: i64) -> AccountResult<Vec<Review>>;

    /// The photos of a review, for staff to look at: front first.
    async fn review_photos(&self, review_id: &str) -> AccountResult<Vec<ReviewPhoto>>;

    /// A staff decision on a photo review; approval activates the account.
    async fn decide_review(
        &self,
        review_id: &str,
        staff: &str,
        decision: StaffDecision,
    ) -> AccountResult<Decision>;

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

    /// One account, masked.
    async fn account(&self, account_id: &str) -> AccountResult<AccountSummary>;
}
