//! The actions a dialog step may call: thin calls to the [`AccountStore`], each with the
//! outcomes a dialog file branches on. An action reads and writes the conversation's slots; what
//! the store refused is said to the user with the store's own message.

use std::collections::BTreeMap;

use fluent_bundle::FluentValue;

use crate::accounts::identity::{IdNumber, Mobile};
use crate::accounts::notify::Channel;
use crate::accounts::{
    AccountError, AccountStore, CodePurpose, RecordClaim, RegistrationState, ReviewStatus, Session,
};

/// A conversation's collected values.
pub type Slots = BTreeMap<String, String>;

/// Every action with its outcomes.
const ACTIONS: &[(&str, &[&str])] = &[
    (
        "registration-state",
        &["free", "registered", "pending-review"],
    ),
    (
        "find-accounts",
        &["found", "no-match", "no-mobile", "too-frequent"],
    ),
    ("send-find-username-code", &["sent", "too-soon", "refused"]),
    ("send-reset-code", &["sent", "too-soon", "refused"]),
    ("reveal-username", &["ok", "wrong-code", "new-code"]),
    ("reset-password", &["ok", "wrong-code", "new-code", "weak"]),
    ("sign-in", &["ok", "wrong", "refused"]),
    (
        "verify-record-current",
        &["verified", "mismatch", "refused"],
    ),
    (
        "verify-record-graduate",
        &["verified", "mismatch", "refused"],
    ),
    ("submit-photos", &["submitted", "invalid-photo", "refused"]),
    (
        "review-status",
        &["none", "pending", "rejected", "approved"],
    ),
    ("request-assist", &["sent", "invalid", "refused"]),
    ("first-assist-request", &["found", "none"]),
    ("confirm-assist", &["done", "gone"]),
    ("decline-assist", &["done", "gone"]),
    ("lock-status", &["locked", "free"]),
    ("signed-in", &["yes", "no"]),
    ("has-account", &["yes", "no"]),
    ("register-again", &["ok", "refused"]),
];

/// Action names dialog files may use.
pub const NAMES: &[&str] = &[
    "registration-state",
    "find-accounts",
    "send-find-username-code",
    "send-reset-code",
    "reveal-username",
    "reset-password",
    "sign-in",
    "verify-record-current",
    "verify-record-graduate",
    "submit-photos",
    "review-status",
    "request-assist",
    "first-assist-request",
    "confirm-assist",
    "decline-assist",
    "lock-status",
    "signed-in",
    "has-account",
    "register-again",
];

/// The outcomes of an action (`None` for an unknown action).
pub fn outcomes(action: &str) -> Option<&'static [&'static str]> {
    ACTIONS
        .iter()
        .find(|(name, _)| *name == action)
        .map(|(_, outcomes)| *outcomes)
}

/// A message to say: id and arguments.
pub type Say = (String, Vec<(&'static str, FluentValue<'static>)>);

/// What an action did.
#[derive(Debug)]
pub struct ActionResult {
    pub outcome: &'static str,
    /// What the store said when it refused, spoken before the outcome's step.
    pub say: Option<Say>,
    /// What the rest of the service must know (which account the user proved to own, whose
    /// account a classmate just answered for).
    pub event: Option<ActionEvent>,
}

/// News from an action for the core, beyond the dialog's own branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionEvent {
    /// The user proved with the password that they own this account.
    SignedIn { account_id: String },
    /// A classmate answered the account's assist request.
    AssistAnswered { account_id: String, confirmed: bool },
}

fn outcome(outcome: &'static str) -> Result<ActionResult, AccountError> {
    Ok(ActionResult {
        outcome,
        say: None,
        event: None,
    })
}

fn outcome_with(outcome: &'static str, event: ActionEvent) -> Result<ActionResult, AccountError> {
    Ok(ActionResult {
        outcome,
        say: None,
        event: Some(event),
    })
}

/// A refusal the dialog branches on, explained with the store's message.
fn refused(outcome: &'static str, error: &AccountError) -> Result<ActionResult, AccountError> {
    Ok(ActionResult {
        outcome,
        say: Some((error.message_id().to_string(), error.message_args())),
        event: None,
    })
}

/// A slot the dialog file promised to fill before this action.
fn slot<'a>(slots: &'a Slots, name: &str) -> Result<&'a str, AccountError> {
    slots
        .get(name)
        .map(String::as_str)
        .ok_or(AccountError::Store(crate::store::StoreError::Malformed(
            format!("dialog slot `{name}` is empty"),
        )))
}

fn parse_slot<T, E>(
    slots: &Slots,
    name: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<T, AccountError> {
    parse(slot(slots, name)?).map_err(|_| {
        AccountError::Store(crate::store::StoreError::Malformed(format!(
            "dialog slot `{name}`"
        )))
    })
}

fn session(slots: &Slots) -> Result<Session, AccountError> {
    parse_slot(slots, "session", |v| serde_json::from_str::<Session>(v))
}

/// Whether an error is the store refusing (said to the user) rather than a failure.
fn is_refusal(error: &AccountError) -> bool {
    !matches!(error, AccountError::Store(_))
}

/// Runs an action. `Err` only for failures of the store itself.
pub async fn run(
    action: &str,
    store: &dyn AccountStore,
    slots: &mut Slots,
) -> Result<ActionResult, AccountError> {
    match action {
        "registration-state" => {
            let id = parse_slot(slots, "id_number", IdNumber::parse)?;
            outcome(match store.registration_state(&id).await? {
                RegistrationState::Free => "free",
                RegistrationState::Registered => "registered",
                RegistrationState::PendingReview => "pending-review",
            })
        }
        "find-accounts" => {
            let id = parse_slot(slots, "id_number", IdNumber::parse)?;
            match store.find_accounts(slot(slots, "real_name")?, &id).await {
                Ok(accounts) => {
                    slots.insert(
                        "usernames".into(),
                        accounts
                            .iter()
                            .map(|a| a.masked_username.as_str())
                            .collect::<Vec<_>>()
                            .join("、"),
                    );
                    match accounts.iter().find(|a| a.mobile_bound) {
                        Some(account) => {
                            slots.insert("account_id".into(), account.id.clone());
                            slots.insert(
                                "masked_mobile".into(),
                                account.masked_mobile.clone().unwrap_or_default(),
                            );
                            outcome("found")
                        }
                        None => outcome("no-mobile"),
                    }
                }
                Err(AccountError::NoMatchingAccount) => outcome("no-match"),
                Err(e @ AccountError::TooFrequent { .. }) => refused("too-frequent", &e),
                Err(e) => Err(e),
            }
        }
        "send-find-username-code" | "send-reset-code" => {
            let purpose = if action == "send-reset-code" {
                CodePurpose::ResetPassword
            } else {
                CodePurpose::FindUsername
            };
            match store
                .send_code(slot(slots, "account_id")?, purpose, Channel::Sms)
                .await
            {
                Ok(ticket) => {
                    slots.insert("ticket".into(), ticket.id);
                    slots.insert("masked_mobile".into(), ticket.masked_destination);
                    outcome("sent")
                }
                Err(e @ AccountError::ResendTooSoon { .. }) => refused("too-soon", &e),
                Err(e) if is_refusal(&e) => refused("refused", &e),
                Err(e) => Err(e),
            }
        }
        "reveal-username" => match store
            .reveal_username(slot(slots, "ticket")?, slot(slots, "code")?)
            .await
        {
            Ok(username) => {
                slots.insert("username".into(), username);
                outcome("ok")
            }
            Err(e @ AccountError::CodeWrong { .. }) => refused("wrong-code", &e),
            Err(e) if is_refusal(&e) => refused("new-code", &e),
            Err(e) => Err(e),
        },
        "reset-password" => match store
            .reset_password(
                slot(slots, "ticket")?,
                slot(slots, "code")?,
                slot(slots, "new_password")?,
            )
            .await
        {
            Ok(()) => {
                slots.remove("new_password");
                outcome("ok")
            }
            Err(e @ AccountError::WeakPassword(_)) => {
                slots.remove("new_password");
                refused("weak", &e)
            }
            Err(e @ AccountError::CodeWrong { .. }) => refused("wrong-code", &e),
            Err(e) if is_refusal(&e) => refused("new-code", &e),
            Err(e) => Err(e),
        },
        "sign-in" => {
            let result = store
                .sign_in(
                    slot(slots, "username")?,
                    slot(slots, "password")?,
                    "assistant",
                )
                .await;
            // The password is never kept in the conversation.
            slots.remove("password");
            match result {
                Ok(session) => {
                    slots.insert("account_id".into(), session.account_id.clone());
                    slots.insert(
                        "session".into(),
                        serde_json::to_string(&session).unwrap_or_default(),
                    );
                    outcome_with(
                        "ok",
                        ActionEvent::SignedIn {
                            account_id: session.account_id,
                        },
                    )
                }
                Err(e @ AccountError::WrongCredentials) => refused("wrong", &e),
                Err(e) if is_refusal(&e) => refused("refused", &e),
                Err(e) => Err(e),
            }
        }
        "verify-record-current" | "verify-record-graduate" => {
            let school = slot(slots, "school")?.to_string();
            let number = slot(slots, "number")?.to_string();
            let year = parse_slot(slots, "year", str::parse::<i64>)?;
            let level = slot(slots, "level")?.to_string();
            let claim = if action == "verify-record-current" {
                RecordClaim::Current {
                    school,
                    student_number: number,
                    enrolment_year: year,
                    level,
                }
            } else {
                RecordClaim::Graduate {
                    school,
                    certificate_number: number,
                    graduation_year: year,
                    level,
                }
            };
            match store
                .verify_by_record(slot(slots, "account_id")?, claim)
                .await
            {
                Ok(activation) => {
                    slots.insert("deactivated".into(), activation.deactivated.join("、"));
                    slots.insert(
                        "deactivated_count".into(),
                        activation.deactivated.len().to_string(),
                    );
                    outcome("verified")
                }
                Err(e @ AccountError::RecordMismatch { remaining }) if remaining > 0 => {
                    refused("mismatch", &e)
                }
                Err(e) if is_refusal(&e) => refused("refused", &e),
                Err(e) => Err(e),
            }
        }
        "submit-photos" => {
            let decode = |name: &str| -> Result<Vec<u8>, AccountError> {
                use base64::Engine;
                parse_slot(slots, name, |v| {
                    base64::engine::general_purpose::STANDARD.decode(v)
                })
            };
            let (front, back) = (decode("photo_front")?, decode("photo_back")?);
            let result = store
                .submit_photos(slot(slots, "account_id")?, &front, &back)
                .await;
            slots.remove("photo_front");
            slots.remove("photo_back");
            match result {
                Ok(_) => outcome("submitted"),
                Err(e @ AccountError::Photo { .. }) => refused("invalid-photo", &e),
                Err(e) if is_refusal(&e) => refused("refused", &e),
                Err(e) => Err(e),
            }
        }
        "review-status" => match store.review_status(slot(slots, "account_id")?).await? {
            None => outcome("none"),
            Some(review) => match review.status {
                ReviewStatus::Pending => outcome("pending"),
                ReviewStatus::Approved => outcome("approved"),
                ReviewStatus::Rejected { reason } => {
                    slots.insert("reason".into(), reason);
                    outcome("rejected")
                }
            },
        },
        "request-assist" => {
            let classmate_mobile = parse_slot(slots, "classmate_mobile", Mobile::parse)?;
            let own_mobile = parse_slot(slots, "own_mobile", Mobile::parse)?;
            match store
                .request_classmate_assist(
                    slot(slots, "account_id")?,
                    slot(slots, "classmate_name")?,
                    &classmate_mobile,
                    &own_mobile,
                )
                .await
            {
                Ok(_) => outcome("sent"),
                Err(
                    e @ (AccountError::ClassmateNotFound
                    | AccountError::ClassmateNotBound
                    | AccountError::ClassmateSelf
                    | AccountError::OwnMobileMismatch),
                ) => refused("invalid", &e),
                Err(e) if is_refusal(&e) => refused("refused", &e),
                Err(e) => Err(e),
            }
        }
        "first-assist-request" => {
            let requests = store.assist_requests(&session(slots)?).await?;
            match requests.first() {
                Some(request) => {
                    slots.insert("request_id".into(), request.id.clone());
                    slots.insert("requester_name".into(), request.requester_name.clone());
                    slots.insert(
                        "requester_mobile".into(),
                        request.masked_requester_mobile.clone(),
                    );
                    outcome("found")
                }
                None => outcome("none"),
            }
        }
        "confirm-assist" | "decline-assist" => {
            let confirm = action == "confirm-assist";
            match store
                .answer_assist_request(&session(slots)?, slot(slots, "request_id")?, confirm)
                .await
            {
                Ok(decision) => outcome_with(
                    "done",
                    ActionEvent::AssistAnswered {
                        account_id: decision.account_id,
                        confirmed: confirm,
                    },
                ),
                Err(e) if is_refusal(&e) => refused("gone", &e),
                Err(e) => Err(e),
            }
        }
        "lock-status" => match store
            .operation_locked_for(slot(slots, "account_id")?)
            .await?
        {
            Some(ms) => {
                slots.insert("minutes".into(), ((ms + 59_999) / 60_000).to_string());
                outcome("locked")
            }
            None => outcome("free"),
        },
        "signed-in" => match session(slots) {
            Ok(session) if store.session_valid(&session).await? => outcome("yes"),
            _ => outcome("no"),
        },
        "has-account" => outcome(if slots.contains_key("account_id") {
            "yes"
        } else {
            "no"
        }),
        "register-again" => {
            let form = crate::accounts::NewAccount {
                username: slot(slots, "username")?.to_string(),
                password: slot(slots, "new_password")?.to_string(),
                real_name: slot(slots, "real_name")?.to_string(),
                id_number: parse_slot(slots, "id_number", IdNumber::parse)?,
                mobile: parse_slot(slots, "mobile", Mobile::parse)?,
                email: None,
                reregister: true,
            };
            let password = form.password.clone();
            let registered = store.register(form).await;
            slots.remove("new_password");
            match registered {
                Ok(account) => {
                    let username = slot(slots, "username")?.to_string();
                    let session = store.sign_in(&username, &password, "assistant").await?;
                    slots.insert("account_id".into(), account.id.clone());
                    slots.insert(
                        "session".into(),
                        serde_json::to_string(&session).unwrap_or_default(),
                    );
                    outcome_with(
                        "ok",
                        ActionEvent::SignedIn {
                            account_id: account.id,
                        },
                    )
                }
                Err(e) if is_refusal(&e) => refused("refused", &e),
                Err(e) => Err(e),
            }
        }
        other => Err(AccountError::Store(crate::store::StoreError::Malformed(
            format!("unknown action `{other}`"),
        ))),
    }
}
