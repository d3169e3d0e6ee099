//! The account store: the account service's rules and the actions the bot may take on it. It has
//! two sides: [`StudentAccounts`], what students' actions may do (the dialog engine holds only
//! this), and [`StaffAccounts`], what only staff do (the photo review queue and its decisions).
//! [`AccountStore`] is both, for the assistant that serves students and staff. The embedded
//! implementation ([`embedded::EmbeddedAccountStore`]) keeps accounts in helpbot's own
//! database, and an adapter to a real upstream service can stand behind the same traits.

pub mod demo;
pub mod embedded;
mod error;
pub mod identity;
pub mod limits;
pub mod notify;
pub mod password;
pub mod photo;
pub mod records;
pub mod senders;
mod staff;
mod student;
mod types;

pub use error::{AccountError, AccountResult};
pub use staff::StaffAccounts;
pub use student::StudentAccounts;
pub use types::{
    AccountState, AccountSummary, Activation, AssistRequest, CodePurpose, CodeTicket, Decision,
    LogEntry, NewAccount, PhotoSide, RecordClaim, RegistrationState, Requester, Review,
    ReviewPhoto, ReviewStatus, ReviewSubject, Session, StaffDecision,
};

/// The whole account service, students' side and staff's: what the assistant holds. Anything
/// that implements both sides is one.
pub trait AccountStore: StudentAccounts + StaffAccounts {}

impl<T: StudentAccounts + StaffAccounts + ?Sized> AccountStore for T {}
