//! Support staff: their accounts (`helpbot staff add`, `list`, `disable`), console sessions, the
//! sign-in lockout and the audit log of everything staff do. Channels (the console) and commands
//! use it; it stands beside the account store, on the database, and knows no channel.
//!
//! Secrets stay out of storage: a password is kept as an argon2 hash (the students' rules of
//! `accounts::password`), a session as the SHA-256 of its token, and the CSRF token is derived
//! from the session token when needed, never stored. A staff account's name signs in and is
//! never shown to students; its display name is what students will see.

mod accounts;
mod audit;
mod lockout;
mod sessions;

use std::sync::Arc;

use crate::accounts::embedded::Clock;
use crate::accounts::password::Weakness;
use crate::config::ConsoleConfig;
use crate::store::{Database, StoreError};

pub use audit::{AuditAction, AuditEntry, AuditRecord};
pub use sessions::{SessionToken, SignInOutcome, StaffSession, csrf_matches, csrf_token_for};

/// What a staff member may do in the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Takes conversations and reviews photos.
    Agent,
    /// An agent who also sees the staff overview, the supervisor view and the editors' pages.
    Supervisor,
    /// Looks after the help content: sees what the assistant fails at and prepares knowledge
    /// changes; not the agents' desk (the queue, conversations, reviews, tickets).
    Editor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Editor => "editor",
        }
    }

    /// Whether the agents' desk is theirs: the queue, conversations, photo reviews, tickets.
    pub fn works_the_desk(self) -> bool {
        matches!(self, Role::Agent | Role::Supervisor)
    }

    /// Whether the editors' pages are theirs: what fails, answers rated 没用, knowledge changes.
    pub fn edits_content(self) -> bool {
        matches!(self, Role::Editor | Role::Supervisor)
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "agent" => Ok(Role::Agent),
            "supervisor" => Ok(Role::Supervisor),
            "editor" => Ok(Role::Editor),
            other => Err(format!(
                "unknown role `{other}` (agent, supervisor or editor)"
            )),
        }
    }
}

/// A staff account as the console and commands see it (no password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: String,
    /// Signs in; shown to staff only, never to students.
    pub name: String,
    /// What students see of the staff member.
    pub display_name: String,
    pub role: Role,
    pub enabled: bool,
    pub created_at: i64,
    pub last_sign_in_at: Option<i64>,
}

/// Session lifetimes and the lockout, from `[console]`.
#[derive(Debug, Clone, Copy)]
pub struct StaffSettings {
    pub session_idle_ms: i64,
    pub session_absolute_ms: i64,
    pub failures_per_address: u32,
    pub failures_per_account: u32,
    pub lockout_ms: i64,
}

impl From<&ConsoleConfig> for StaffSettings {
    fn from(config: &ConsoleConfig) -> Self {
        let ms = |seconds: u64| i64::try_from(seconds.saturating_mul(1000)).unwrap_or(i64::MAX);
        Self {
            session_idle_ms: ms(config.session_idle_seconds),
            session_absolute_ms: ms(config.session_absolute_seconds),
            failures_per_address: config.lockout_failures_per_address.max(1),
            failures_per_account: config.lockout_failures_per_account.max(1),
            lockout_ms: ms(config.lockout_seconds),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("a staff account name is 2 to 32 letters, digits, '.', '_' or '-'")]
    InvalidName,
    #[error("a display name is 1 to 40 characters, without control characters")]
    InvalidDisplayName,
    #[error("a staff account named `{0}` exists already")]
    NameTaken(String),
    #[error("no staff account is named `{0}`")]
    UnknownName(String),
    #[error("the password is too weak: {0}")]
    WeakPassword(Weakness),
    #[error("password hashing failed: {0}")]
    Hashing(String),
    #[error("stored staff data is malformed: {0}")]
    Malformed(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for StaffError {
    fn from(err: sqlx::Error) -> Self {
        StaffError::Store(StoreError::from(err))
    }
}

pub type StaffResult<T> = Result<T, StaffError>;

/// The staff side of helpbot's database: accounts, sessions, lockout, audit log.
#[derive(Clone)]
pub struct StaffStore {
    db: Database,
    settings: StaffSettings,
    clock: Arc<dyn Clock>,
}

impl StaffStore {
    pub fn new(db: Database, settings: StaffSettings, clock: Arc<dyn Clock>) -> Self {
        Self {
            db,
            settings,
            clock,
        }
    }

    pub fn settings(&self) -> StaffSettings {
        self.settings
    }

    fn now(&self) -> i64 {
        self.clock.now_ms()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::embedded::ManualClock;

    const PASSWORD: &str = "Agent-pass-2024";

    async fn store(settings: StaffSettings) -> (StaffStore, Arc<ManualClock>) {
        let db = Database::connect("sqlite::memory:")
            .await
            .expect("database");
        let clock = Arc::new(ManualClock::new(1_700_000_000_000));
        (StaffStore::new(db, settings, clock.clone()), clock)
    }

    fn settings() -> StaffSettings {
        StaffSettings {
            session_idle_ms: 60_000,
            session_absolute_ms: 600_000,
            failures_per_address: 100,
            failures_per_account: 3,
            lockout_ms: 900_000,
        }
    }

    async fn signed_in(staff: &StaffStore, address: &str) -> SessionToken {
        match staff
            .sign_in("li", PASSWORD, address)
            .await
            .expect("sign in")
        {
            SignInOutcome::SignedIn { token, .. } => token,
            other => panic!("not signed in: {other:?}"),
        }
    }

    #[tokio::test]
    async fn an_account_locked_by_failures_refuses_the_right_password_until_the_lock_ends() {
        let (staff, clock) = store(settings()).await;
        staff
            .add("li", "小李", Role::Agent, PASSWORD)
            .await
            .expect("added");
        for (try_number, address) in [(1, "10.0.0.1"), (2, "10.0.0.2")] {
            let outcome = staff
                .sign_in("li", "Wrong-1234", address)
                .await
                .expect("try");
            assert!(
                matches!(outcome, SignInOutcome::WrongCredentials),
                "{try_number}"
            );
        }
        let third = staff
            .sign_in("li", "Wrong-1234", "10.0.0.3")
            .await
            .expect("try");
        assert!(matches!(
            third,
            SignInOutcome::Locked {
                retry_after_ms: 900_000
            }
        ));
        clock.advance(899_000);
        let right = staff
            .sign_in("li", PASSWORD, "10.0.0.4")
            .await
            .expect("try");
        assert!(
            matches!(
                right,
                SignInOutcome::Locked {
                    retry_after_ms: 1_000
                }
            ),
            "{right:?}"
        );
        clock.advance(1_001);
        signed_in(&staff, "10.0.0.4").await;
    }

    #[tokio::test]
    async fn sessions_end_when_idle_after_their_lifetime_and_when_disabled() {
        let (staff, clock) = store(settings()).await;
        staff
            .add("li", "小李", Role::Agent, PASSWORD)
            .await
            .expect("added");
        let token = signed_in(&staff, "10.0.0.1").await;
        let session = staff.session(&token).await.expect("session").expect("live");
        assert_eq!(session.csrf, token.csrf());
        clock.advance(60_001);
        assert!(
            staff.session(&token).await.expect("session").is_none(),
            "idle"
        );

        let token = signed_in(&staff, "10.0.0.1").await;
        for _ in 0..10 {
            clock.advance(59_000);
            assert!(staff.session(&token).await.expect("session").is_some());
        }
        clock.advance(59_000);
        assert!(
            staff.session(&token).await.expect("session").is_none(),
            "absolute"
        );

        let token = signed_in(&staff, "10.0.0.1").await;
        staff.disable("LI").await.expect("disabled");
        assert!(staff.session(&token).await.expect("session").is_none());
        let again = staff
            .sign_in("li", PASSWORD, "10.0.0.1")
            .await
            .expect("try");
        assert!(matches!(again, SignInOutcome::Disabled));
        let listed = staff.list().await.expect("list");
        assert!(!listed[0].enabled && listed[0].last_sign_in_at.is_some());
    }

    #[tokio::test]
    async fn names_that_are_no_account_are_counted_for_the_address_only() {
        let (staff, _) = store(StaffSettings {
            failures_per_address: 2,
            ..settings()
        })
        .await;
        staff
            .add("li", "小李", Role::Agent, PASSWORD)
            .await
            .expect("added");
        let first = staff.sign_in("nobody", "x", "10.0.0.9").await.expect("try");
        assert!(matches!(first, SignInOutcome::WrongCredentials));
        let second = staff
            .sign_in("My password!", "x", "10.0.0.9")
            .await
            .expect("try");
        assert!(matches!(second, SignInOutcome::Locked { .. }));
        // Locked here, not elsewhere.
        let here = staff
            .sign_in("li", PASSWORD, "10.0.0.9")
            .await
            .expect("try");
        assert!(matches!(here, SignInOutcome::Locked { .. }));
        signed_in(&staff, "10.0.0.10").await;
        let kept: Vec<String> = sqlx::query_scalar("SELECT subject FROM rate_events")
            .fetch_all(staff.db.pool())
            .await
            .expect("counted");
        assert!(
            kept.iter()
                .all(|s| !s.contains("nobody") && !s.contains("password"))
        );
    }
}
