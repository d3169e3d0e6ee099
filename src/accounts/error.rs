//! What the account store refuses, each refusal with the fluent message that tells the user.

use super::password;
use super::photo::PhotoError;
use super::types::PhotoSide;
use crate::store::StoreError;

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
