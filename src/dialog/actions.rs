//! The actions a dialog step may call: thin calls to the [`StudentAccounts`], each with the
//! outcomes a dialog file branches on. An action reads and writes the conversation's slots; what
//! the store refused is said to the user with the store's own message. Proof never lives in the
//! slots: codes and sign-ins are bound to the conversation by the store, and every action on an
//! account asks the store which account this conversation signed in to.

use std::collections::BTreeMap;

use fluent_bundle::FluentValue;

use crate::accounts::identity::{IdNumber, Mobile};
use crate::accounts::notify::Channel;
use crate::accounts::{
    AccountError, CodePurpose, CodeTicket, RecordClaim, RegistrationState, Requester, ReviewStatus,
    Session, StudentAccounts,
};
use crate::store::Database;

/// A conversation's collected values.
pub type Slots = BTreeMap<String, String>;

/// What a dialog file may know of an action: its name, the slots it reads (a step that calls
/// it must come after steps that fill them), the slots it writes, and the outcomes it returns.
/// This table is the one declaration: `check` validates dialog files against it, and a test
/// runs every declared action to prove [`run`] knows it.
#[derive(Debug, Clone, Copy)]
pub struct ActionSpec {
    pub name: &'static str,
    pub reads: &'static [&'static str],
    pub writes: &'static [&'static str],
    pub outcomes: &'static [&'static str],
}

const fn action(
    name: &'static str,
    reads: &'static [&'static str],
    writes: &'static [&'static str],
    outcomes: &'static [&'static str],
) -> ActionSpec {
    ActionSpec {
        name,
        reads,
        writes,
        outcomes,
    }
}

const CODE_CHECKED: &[&str] = &["ok", "wrong-code", "new-code"];
const CODE_SENT: &[&str] = &["sent", "too-soon", "refused"];
const RECORD: &[&str] = &["school", "number", "year", "level"];

/// Every action dialog files may call.
pub const ACTIONS: &[ActionSpec] = &[
    action(
        "registration-state",
        &["id_number"],
        &[],
        &["free", "registered", "pending-review", "refused"],
    ),
    action(
        "find-accounts",
        &["real_name", "id_number"],
        &["account_id"],
        &["found", "no-match", "no-mobile", "too-frequent"],
    ),
    action(
        "send-find-username-code",
        &["account_id"],
        &["masked_mobile"],
        CODE_SENT,
    ),
    action(
        "send-reset-code",
        &["account_id"],
        &["masked_mobile"],
        CODE_SENT,
    ),
    action("reveal-username", &["code"], &["username"], CODE_CHECKED),
    action("check-reset-code", &["code"], &[], CODE_CHECKED),
    action(
        "reset-password",
        &["new_password"],
        &[],
        &["ok", "new-code", "weak"],
    ),
    action(
        "send-registration-code",
        &["mobile"],
        &["masked_mobile"],
        CODE_SENT,
    ),
    action(
        "check-registration-code",
        &["mobile", "code"],
        &[],
        CODE_CHECKED,
    ),
    action(
        "sign-in",
        &["username", "password"],
        &["account_id"],
        &["ok", "wrong", "refused"],
    ),
    action(
        "verify-record-current",
        RECORD,
        &["deactivated", "deactivated_count"],
        &["verified", "mismatch", "refused"],
    ),
    action(
        "verify-record-graduate",
        RECORD,
        &["deactivated", "deactivated_count"],
        &["verified", "mismatch", "refused"],
    ),
    action(
        "submit-photos",
        &["photo_front", "photo_back"],
        &[],
        &["submitted", "invalid-photo", "refused"],
    ),
    action(
        "review-status",
        &[],
        &["reason"],
        &["none", "pending", "rejected", "approved"],
    ),
    action(
        "request-assist",
        &["classmate_name", "classmate_mobile", "own_mobile"],
        &[],
        &["sent", "invalid", "refused"],
    ),
    action(
        "first-assist-request",
        &[],
        &["request_id", "requester_name", "requester_mobile"],
        &["found", "none"],
    ),
    action("confirm-assist", &["request_id"], &[], &["done", "gone"]),
    action("decline-assist", &["request_id"], &[], &["done", "gone"]),
    action("lock-status", &[], &["minutes"], &["locked", "free"]),
    action("signed-in", &[], &["account_id"], &["yes", "no"]),
    action("has-account", &[], &[], &["yes", "no"]),
    action(
        "register-again",
        &[
            "real_name",
            "id_number",
            "mobile",
            "username",
            "new_password",
        ],
        &["account_id"],
        &["ok", "weak", "username", "refused", "unverified"],
    ),
];

/// The declaration of an action (`None` for an unknown one).
pub fn spec(action: &str) -> Option<&'static ActionSpec> {
    ACTIONS.iter().find(|spec| spec.name == action)
}

/// Action names dialog files may use.
pub fn names() -> impl Iterator<Item = &'static str> {
    ACTIONS.iter().map(|spec| spec.name)
}

/// The outcomes of an action (`None` for an unknown action).
pub fn outcomes(action: &str) -> Option<&'static [&'static str]> {
    spec(action).map(|spec| spec.outcomes)
}

/// A message to say: id and arguments.
pub type Say = (String, Vec<(&'static str, FluentValue<'static>)>);

/// What an action did.
#[derive(Debug)]
pub struct ActionResult {
    pub outcome: &'static str,
    /// What the store said when it refused, spoken before the outcome's step.
    pub say: Option<Say>,
    /// The reason code of the store's refusal (its message id), for the metrics; also set for
    /// a refusal the dialog branches on without saying it (no matching account).
    pub refusal: Option<&'static str>,
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

/// Why an action could not run. A missing slot or a missing sign-in means the conversation
/// reached the step another way than the dialog file intends (a stale button, another tab, an
/// expired sign-in): the engine takes the user back to a sensible point, it is not a failure.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("dialog slot `{0}` is empty or not valid")]
    MissingSlot(String),
    #[error("the conversation is not signed in")]
    NotSignedIn,
    #[error(transparent)]
    Account(#[from] AccountError),
}

type ActionOutcome = Result<ActionResult, ActionError>;

fn outcome(outcome: &'static str) -> ActionOutcome {
    Ok(ActionResult {
        outcome,
        say: None,
        refusal: None,
        event: None,
    })
}

fn outcome_with(outcome: &'static str, event: ActionEvent) -> ActionOutcome {
    Ok(ActionResult {
        outcome,
        say: None,
        refusal: None,
        event: Some(event),
    })
}

/// A refusal the dialog branches on, explained with the store's message.
fn refused(outcome: &'static str, error: &AccountError) -> ActionOutcome {
    Ok(ActionResult {
        outcome,
        say: Some((error.message_id().to_string(), error.message_args())),
        refusal: Some(error.message_id()),
        event: None,
    })
}

/// A refusal the dialog branches on and explains in its own words (the outcome's step).
fn declined(outcome: &'static str, error: &AccountError) -> ActionOutcome {
    Ok(ActionResult {
        outcome,
        say: None,
        refusal: Some(error.message_id()),
        event: None,
    })
}

/// A slot the dialog file promised to fill before this action.
fn slot<'a>(slots: &'a Slots, name: &str) -> Result<&'a str, ActionError> {
    slots
        .get(name)
        .map(String::as_str)
        .ok_or_else(|| ActionError::MissingSlot(name.to_string()))
}

fn parse_slot<T, E>(
    slots: &Slots,
    name: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<T, ActionError> {
    parse(slot(slots, name)?).map_err(|_| ActionError::MissingSlot(name.to_string()))
}

/// The account this conversation proved it owns by signing in, still valid.
async fn signed_in(store: &dyn StudentAccounts, who: &Requester) -> Result<Session, ActionError> {
    store.session_of(who).await?.ok_or(ActionError::NotSignedIn)
}

/// Whether an error is the store refusing (said to the user) rather than a failure.
fn is_refusal(error: &AccountError) -> bool {
    !matches!(error, AccountError::Store(_))
}

/// A code check's outcome: right, wrong (tries left), or a new code is needed (none was sent in
/// this conversation, or it expired or died).
fn code_checked(result: Result<(), AccountError>) -> ActionOutcome {
    match result {
        Ok(()) => outcome("ok"),
        Err(e @ AccountError::CodeWrong { .. }) => refused("wrong-code", &e),
        Err(e) if is_refusal(&e) => refused("new-code", &e),
        Err(e) => Err(e.into()),
    }
}

/// A code send's outcome.
fn code_sent(result: Result<CodeTicket, AccountError>, slots: &mut Slots) -> ActionOutcome {
    match result {
        Ok(ticket) => {
            slots.insert("masked_mobile".into(), ticket.masked_destination);
            outcome("sent")
        }
        Err(e @ AccountError::ResendTooSoon { .. }) => refused("too-soon", &e),
        Err(e) if is_refusal(&e) => refused("refused", &e),
        Err(e) => Err(e.into()),
    }
}

/// Runs an action for `who`. `Err` for failures of the store, and for a step reached without
/// what it needs (see [`ActionError`]).
pub async fn run(
    action: &str,
    store: &dyn StudentAccounts,
    uploads: &Database,
    slots: &mut Slots,
    who: &Requester,
) -> ActionOutcome {
    match action {
        "registration-state" => {
            let id = parse_slot(slots, "id_number", IdNumber::parse)?;
            match store.registration_state(&id, who).await {
                Ok(RegistrationState::Free) => outcome("free"),
                Ok(RegistrationState::Registered) => outcome("registered"),
                Ok(RegistrationState::PendingReview) => outcome("pending-review"),
                Err(e) if is_refusal(&e) => refused("refused", &e),
                Err(e) => Err(e.into()),
            }
        }
        "find-accounts" => {
            let id = parse_slot(slots, "id_number", IdNumber::parse)?;
            match store
                .find_accounts(slot(slots, "real_name")?, &id, who)
                .await
            {
                Ok(accounts) => match accounts.iter().find(|a| a.mobile_bound) {
                    Some(account) => {
                        slots.insert("account_id".into(), account.id.clone());
                        outcome("found")
                    }
                    None => outcome("no-mobile"),
                },
                Err(e @ AccountError::NoMatchingAccount) => declined("no-match", &e),
                Err(e) if is_refusal(&e) => refused("too-frequent", &e),
                Err(e) => Err(e.into()),
            }
        }
        "send-find-username-code" | "send-reset-code" => {
            let purpose = if action == "send-reset-code" {
                CodePurpose::ResetPassword
            } else {
                CodePurpose::FindUsername
            };
            let sent = store
                .send_code(slot(slots, "account_id")?, purpose, Channel::Sms, who)
                .await;
            code_sent(sent, slots)
        }
        "reveal-username" => match store.reveal_username(slot(slots, "code")?, who).await {
            Ok(username) => {
                slots.insert("username".into(), username);
                outcome("ok")
            }
            Err(e) => code_checked(Err(e)),
        },
        "check-reset-code" => {
            code_checked(store.verify_reset_code(slot(slots, "code")?, who).await)
        }
        "reset-password" => match store
            .reset_password(slot(slots, "new_password")?, who)
            .await
        {
            Ok(()) => outcome("ok"),
            Err(e @ AccountError::WeakPassword(_)) => refused("weak", &e),
            Err(e) if is_refusal(&e) => refused("new-code", &e),
            Err(e) => Err(e.into()),
        },
        "send-registration-code" => {
            let mobile = parse_slot(slots, "mobile", Mobile::parse)?;
            let sent = store.send_registration_code(&mobile, who).await;
            code_sent(sent, slots)
        }
        "check-registration-code" => {
            let mobile = parse_slot(slots, "mobile", Mobile::parse)?;
            code_checked(
                store
                    .verify_registration_code(&mobile, slot(slots, "code")?, who)
                    .await,
            )
        }
        "sign-in" => {
            let result = store
                .sign_in(slot(slots, "username")?, slot(slots, "password")?, who)
                .await;
            match result {
                Ok(session) => {
                    slots.insert("account_id".into(), session.account_id.clone());
                    outcome_with(
                        "ok",
                        ActionEvent::SignedIn {
                            account_id: session.account_id,
                        },
                    )
                }
                Err(e @ AccountError::WrongCredentials) => refused("wrong", &e),
                Err(e) if is_refusal(&e) => refused("refused", &e),
                Err(e) => Err(e.into()),
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
            let account = signed_in(store, who).await?;
            match store.verify_by_record(&account.account_id, claim).await {
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
                Err(e) => Err(e.into()),
            }
        }
        "submit-photos" => {
            let (front_id, back_id) = (
                slot(slots, "photo_front")?.to_string(),
                slot(slots, "photo_back")?.to_string(),
            );
            let mut photos = Vec::new();
            for id in [&front_id, &back_id] {
                let photo = uploads
                    .upload(&who.conversation, id)
                    .await
                    .map_err(AccountError::from)?
                    .ok_or_else(|| ActionError::MissingSlot("photo".into()))?;
                photos.push(photo);
            }
            slots.remove("photo_front");
            slots.remove("photo_back");
            uploads
                .delete_uploads(&who.conversation, &[&front_id, &back_id])
                .await
                .map_err(AccountError::from)?;
            let (front, back) = (&photos[0], &photos[1]);
            let account = signed_in(store, who).await?;
            match store.submit_photos(&account.account_id, front, back).await {
                Ok(_) => outcome("submitted"),
                Err(e @ AccountError::Photo { .. }) => refused("invalid-photo", &e),
                Err(e) if is_refusal(&e) => refused("refused", &e),
                Err(e) => Err(e.into()),
            }
        }
        "review-status" => {
            let account = signed_in(store, who).await?;
            match store.review_status(&account.account_id).await? {
                None => outcome("none"),
                Some(review) => match review.status {
                    ReviewStatus::Pending => outcome("pending"),
                    ReviewStatus::Approved => outcome("approved"),
                    ReviewStatus::Rejected { reason } => {
                        slots.insert("reason".into(), reason);
                        outcome("rejected")
                    }
                },
            }
        }
        "request-assist" => {
            let classmate_mobile = parse_slot(slots, "classmate_mobile", Mobile::parse)?;
            let own_mobile = parse_slot(slots, "own_mobile", Mobile::parse)?;
            let classmate_name = slot(slots, "classmate_name")?;
            let account = signed_in(store, who).await?;
            match store
                .request_classmate_assist(
                    &account.account_id,
                    classmate_name,
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
                Err(e) => Err(e.into()),
            }
        }
        "first-assist-request" => {
            let requests = store.assist_requests(&signed_in(store, who).await?).await?;
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
            let session = signed_in(store, who).await?;
            match store
                .answer_assist_request(&session, slot(slots, "request_id")?, confirm)
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
                Err(e) => Err(e.into()),
            }
        }
        "lock-status" => {
            let account = signed_in(store, who).await?;
            match store.operation_locked_for(&account.account_id).await? {
                Some(ms) => {
                    slots.insert("minutes".into(), ((ms + 59_999) / 60_000).to_string());
                    outcome("locked")
                }
                None => outcome("free"),
            }
        }
        "signed-in" => match store.session_of(who).await? {
            Some(session) => {
                slots.insert("account_id".into(), session.account_id);
                outcome("yes")
            }
            None => outcome("no"),
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
            let (username, password) = (form.username.clone(), form.password.clone());
            match store.register_with_verified_mobile(form, who).await {
                Ok(account) => {
                    store.sign_in(&username, &password, who).await?;
                    slots.insert("account_id".into(), account.id.clone());
                    outcome_with(
                        "ok",
                        ActionEvent::SignedIn {
                            account_id: account.id,
                        },
                    )
                }
                Err(e @ AccountError::MobileNotVerified) => refused("unverified", &e),
                Err(e @ AccountError::WeakPassword(_)) => refused("weak", &e),
                Err(e @ (AccountError::InvalidUsername | AccountError::UsernameTaken)) => {
                    refused("username", &e)
                }
                Err(e) if is_refusal(&e) => refused("refused", &e),
                Err(e) => Err(e.into()),
            }
        }
        other => Err(ActionError::Account(AccountError::Store(
            crate::store::StoreError::Malformed(format!("unknown action `{other}`")),
        ))),
    }
}
