//! The values the account store takes and returns, shared by its student and staff sides and
//! by every implementation: account and review states, forms, tickets, sessions, decisions.

use serde::{Deserialize, Serialize};

use super::identity::{Email, IdNumber, Mobile};
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

/// Whose photo review it is, as staff see it before deciding: the account, its name and ID
/// number masked (enough to compare with the photos' card), and the other accounts with the same
/// ID number, which an approval deactivates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewSubject {
    pub review: Review,
    pub account: AccountSummary,
    /// The real name as registered with all but its first character masked (`张*`).
    pub masked_name: String,
    /// `1101**********002X`.
    pub masked_id_number: String,
    /// The other accounts registered with this ID number, oldest first.
    pub same_id_number: Vec<AccountSummary>,
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
