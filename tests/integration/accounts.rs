//! The embedded account store against the account service's rules, each at its boundary, on
//! SQLite and PostgreSQL.

use crate::common;

use std::sync::Arc;

use common::{TestDb, png};
use helpbot::accounts::embedded::{EmbeddedAccountStore, ManualClock};
use helpbot::accounts::identity::{IdNumber, Mobile, check_character};
use helpbot::accounts::limits::{DAY_MS, HOUR_MS, MINUTE_MS};
use helpbot::accounts::notify::{Channel, OutboxNotifier, latest};
use helpbot::accounts::photo::PhotoError;
use helpbot::accounts::{
    AccountError, AccountState, CodePurpose, NewAccount, PhotoSide, RecordClaim, RegistrationState,
    Requester, ReviewStatus, StaffAccounts, StaffDecision, StudentAccounts,
};
use helpbot::store::Database;

const T0: i64 = 1_800_000_000_000;
const PASSWORD: &str = "abcd1234";

struct World {
    store: Arc<EmbeddedAccountStore>,
    clock: Arc<ManualClock>,
    db: Database,
}

async fn world(test_db: &TestDb) -> World {
    let db = test_db.connect().await;
    let clock = Arc::new(ManualClock::new(T0));
    let store = Arc::new(EmbeddedAccountStore::new(
        db.clone(),
        Arc::new(OutboxNotifier::new(db.clone())),
        clock.clone(),
    ));
    World { store, clock, db }
}

/// Who asks: a conversation of the test channel.
fn who(conversation: &str) -> Requester {
    Requester::new("test", conversation)
}

/// A valid ID number, different for each `seq`.
fn id_number(seq: u32) -> IdNumber {
    let first17 = format!("11010519900101{:03}", seq % 1000);
    let check = check_character(&first17).expect("17 digits");
    IdNumber::parse(&format!("{first17}{check}")).expect("valid")
}

fn mobile(n: u32) -> Mobile {
    Mobile::parse(&format!("1380000{n:04}")).expect("valid")
}

fn form(username: &str, name: &str, id: &IdNumber, phone: u32, reregister: bool) -> NewAccount {
    NewAccount {
        username: username.into(),
        password: PASSWORD.into(),
        real_name: name.into(),
        id_number: id.clone(),
        mobile: mobile(phone),
        email: None,
        reregister,
    }
}

/// The code of the latest SMS in the outbox.
async fn last_code(db: &Database) -> String {
    common::code_in(&latest(db, 1).await.expect("outbox")[0].body)
}

/// An old active account and a re-registered one pending verification, on one ID number.
async fn duplicate_case(w: &World, seq: u32) -> (String, String) {
    let id = id_number(seq);
    let old = w
        .store
        .register(form(&format!("old{seq}"), "李雷", &id, seq * 10, false))
        .await
        .expect("old account");
    let new = w
        .store
        .register(form(&format!("new{seq}"), "李雷", &id, seq * 10 + 1, true))
        .await
        .expect("re-registration");
    assert_eq!(new.state, AccountState::PendingVerification);
    (old.id, new.id)
}

#[tokio::test]
async fn registration_follows_the_duplicate_id_rules() {
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        let id = id_number(1);
        assert_eq!(
            w.store
                .registration_state(&id, &who("t"))
                .await
                .expect("state"),
            RegistrationState::Free
        );
        let first = w
            .store
            .register(form("zhangsan", "张三", &id, 1, false))
            .await
            .expect("registers");
        assert_eq!(first.state, AccountState::Active);
        assert_eq!(first.masked_username, "z******n");
        assert_eq!(
            w.store
                .registration_state(&id, &who("t"))
                .await
                .expect("state"),
            RegistrationState::Registered
        );

        let again = w
            .store
            .register(form("zhangsan2", "张三", &id, 2, false))
            .await;
        assert!(
            matches!(again, Err(AccountError::IdAlreadyRegistered)),
            "{again:?}"
        );
        assert_eq!(
            again.as_ref().map_err(AccountError::message_id).err(),
            Some("account-id-registered")
        );

        let second = w
            .store
            .register(form("zhangsan2", "张三", &id, 2, true))
            .await
            .expect("re-registers");
        assert_eq!(second.state, AccountState::PendingVerification);
        assert_eq!(
            w.store
                .registration_state(&id, &who("t"))
                .await
                .expect("state"),
            RegistrationState::PendingReview
        );

        let third = w
            .store
            .register(form("zhangsan3", "张三", &id, 3, true))
            .await;
        assert!(
            matches!(third, Err(AccountError::IdPendingReview)),
            "{third:?}"
        );
        assert_eq!(
            AccountError::IdPendingReview.to_string(),
            "证件号码重复待审核，不能再次注册此证件号码"
        );
        db_close(w).await;
    })
    .await;
}

async fn db_close(w: World) {
    w.db.close().await;
}

#[tokio::test]
async fn usernames_mobiles_emails_and_passwords_are_checked() {
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        w.store
            .register(form("wangwu", "王五", &id_number(2), 5, false))
            .await
            .expect("registers");
        let taken = w
            .store
            .register(form("wangwu", "王六", &id_number(3), 6, false))
            .await;
        assert!(
            matches!(taken, Err(AccountError::UsernameTaken)),
            "{taken:?}"
        );
        // The mobile of an active account is bound: the message names the (masked) holder.
        let bound = w
            .store
            .register(form("wangliu", "王六", &id_number(3), 5, false))
            .await;
        match bound {
            Err(AccountError::MobileBoundByOther { masked_username }) => {
                assert_eq!(masked_username, "w****u")
            }
            other => panic!("{other:?}"),
        }
        // A re-registered account's mobile is registered but not bound.
        let (_, pending) = duplicate_case(&w, 40).await;
        let pending_mobile = w.store.account(&pending).await.expect("account");
        assert!(!pending_mobile.mobile_bound);
        let registered = w
            .store
            .register(form("wangqi", "王七", &id_number(4), 401, false))
            .await;
        assert!(
            matches!(registered, Err(AccountError::MobileRegistered)),
            "{registered:?}"
        );

        let mut with_email = form("zhaoliu", "赵六", &id_number(5), 7, false);
        with_email.email =
            Some(helpbot::accounts::identity::Email::parse("zl@example.com").expect("email"));
        w.store
            .register(with_email.clone())
            .await
            .expect("registers");
        with_email.username = "zhaoqi".into();
        with_email.id_number = id_number(6);
        with_email.mobile = mobile(8);
        let email_taken = w.store.register(with_email).await;
        assert!(
            matches!(email_taken, Err(AccountError::EmailRegistered)),
            "{email_taken:?}"
        );

        let mut weak = form("sunba", "孙八", &id_number(7), 9, false);
        weak.password = "1234567".into();
        assert!(matches!(
            w.store.register(weak.clone()).await,
            Err(AccountError::WeakPassword(_))
        ));
        weak.password = "sunba12345".into();
        assert!(matches!(
            w.store.register(weak.clone()).await,
            Err(AccountError::WeakPassword(_))
        ));
        weak.username = "9sun".into();
        assert!(matches!(
            w.store.register(weak).await,
            Err(AccountError::InvalidUsername)
        ));
        db_close(w).await;
    })
    .await;
}

#[tokio::test]
async fn a_username_is_revealed_only_after_the_code_to_the_bound_mobile() {
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        let id = id_number(10);
        w.store
            .register(form("hanmeimei", "韩梅梅", &id, 20, false))
            .await
            .expect("registers");
        let hostile = w.store.find_accounts("x' OR '1'='1", &id, &who("t")).await;
        assert!(
            matches!(hostile, Err(AccountError::NoMatchingAccount)),
            "{hostile:?}"
        );
        let found = w
            .store
            .find_accounts("韩梅梅", &id, &who("t"))
            .await
            .expect("found");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].masked_username, "h*******i");
        assert_eq!(found[0].masked_mobile.as_deref(), Some("138****0020"));

        let ticket = w
            .store
            .send_code(
                &found[0].id,
                CodePurpose::FindUsername,
                Channel::Sms,
                &who("t"),
            )
            .await
            .expect("sent");
        assert_eq!(ticket.masked_destination, "138****0020");
        assert_eq!(ticket.expires_at, T0 + DAY_MS);
        let code = last_code(&w.db).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let refused = w.store.reveal_username(wrong, &who("t")).await;
        assert!(
            matches!(refused, Err(AccountError::CodeWrong { remaining: 4 })),
            "{refused:?}"
        );
        // A find-username code is not a reset-password code.
        let other = w.store.verify_reset_code(&code, &who("t")).await;
        assert!(matches!(other, Err(AccountError::CodeUnknown)), "{other:?}");
        // Nor can another conversation type it: the code belongs to the one it was sent for.
        let elsewhere = w.store.reveal_username(&code, &who("another tab")).await;
        assert!(
            matches!(elsewhere, Err(AccountError::CodeUnknown)),
            "{elsewhere:?}"
        );
        assert_eq!(
            w.store
                .reveal_username(&code, &who("t"))
                .await
                .expect("revealed"),
            "hanmeimei"
        );
        let reused = w.store.reveal_username(&code, &who("t")).await;
        assert!(matches!(reused, Err(AccountError::CodeDead)), "{reused:?}");
        db_close(w).await;
    })
    .await;
}

#[tokio::test]
async fn codes_expire_after_a_day_and_die_after_five_wrong_tries() {
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        let account = w
            .store
            .register(form("liming", "黎明", &id_number(11), 30, false))
            .await
            .expect("registers");
        w.store
            .send_code(
                &account.id,
                CodePurpose::FindUsername,
                Channel::Sms,
                &who("t"),
            )
            .await
            .expect("sent");
        let code = last_code(&w.db).await;
        w.clock.advance(DAY_MS);
        assert!(matches!(
            w.store.reveal_username(&code, &who("t")).await,
            Err(AccountError::CodeExpired)
        ));

        w.store
            .send_code(
                &account.id,
                CodePurpose::FindUsername,
                Channel::Sms,
                &who("t"),
            )
            .await
            .expect("sent");
        let code = last_code(&w.db).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for remaining in (1..=4).rev() {
            let result = w.store.reveal_username(wrong, &who("t")).await;
            assert!(
                matches!(result, Err(AccountError::CodeWrong { remaining: r }) if r == remaining),
                "{result:?}"
            );
        }
        assert!(matches!(
            w.store.reveal_username(wrong, &who("t")).await,
            Err(AccountError::CodeDead)
        ));
        assert!(matches!(
            w.store.reveal_username(&code, &who("t")).await,
            Err(AccountError::CodeDead)
        ));
        db_close(w).await;
    })
    .await;
}

#[tokio::test]
async fn codes_have_a_resend_interval_and_a_daily_cap() {
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        let account = w
            .store
            .register(form("lucy", "露西", &id_number(12), 40, false))
            .await
            .expect("registers");
        w.store
            .send_code(
                &account.id,
                CodePurpose::ResetPassword,
                Channel::Sms,
                &who("t"),
            )
            .await
            .expect("first");
        w.clock.advance(30_000);
        let too_soon = w
            .store
            .send_code(
                &account.id,
                CodePurpose::ResetPassword,
                Channel::Sms,
                &who("t"),
            )
            .await;
        assert!(
            matches!(
                too_soon,
                Err(AccountError::ResendTooSoon {
                    retry_after_ms: 30_000
                })
            ),
            "{too_soon:?}"
        );
        // Every 3 minutes stays under 操作过于频繁 (5 in 10 minutes); the 11th of the day is refused.
        // (From a new conversation each time: one conversation may ask for 3 in 10 minutes.)
        for sent in 2..=10 {
            w.clock.advance(3 * MINUTE_MS);
            w.store
                .send_code(
                    &account.id,
                    CodePurpose::ResetPassword,
                    Channel::Sms,
                    &who(&format!("t{sent}")),
                )
                .await
                .unwrap_or_else(|e| panic!("code {sent}: {e}"));
        }
        w.clock.advance(3 * MINUTE_MS);
        let capped = w
            .store
            .send_code(
                &account.id,
                CodePurpose::ResetPassword,
                Channel::Sms,
                &who("t11"),
            )
            .await;
        assert!(
            matches!(capped, Err(AccountError::CodeDailyCap)),
            "{capped:?}"
        );
        db_close(w).await;
    })
    .await;
}

#[tokio::test]
async fn too_many_sensitive_operations_lock_for_two_hours_with_the_remaining_time() {
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        let account = w
            .store
            .register(form("lily", "莉莉", &id_number(13), 50, false))
            .await
            .expect("registers");
        // Only asking from several conversations and addresses reaches the account's limit.
        for n in 0..5 {
            let from = who(&format!("c{n}")).from_origin(Some(format!("10.0.0.{n}")));
            w.store
                .send_code(&account.id, CodePurpose::FindUsername, Channel::Sms, &from)
                .await
                .expect("sent");
            w.clock.advance(61_000);
        }
        let locked = w
            .store
            .send_code(
                &account.id,
                CodePurpose::FindUsername,
                Channel::Sms,
                &who("c5"),
            )
            .await;
        assert!(
            matches!(locked, Err(AccountError::TooFrequent { retry_after_ms }) if retry_after_ms == 2 * HOUR_MS),
            "{locked:?}"
        );
        let err = locked.expect_err("locked");
        assert_eq!(err.message_id(), "account-too-frequent");
        assert_eq!(err.message_args()[0].0, "minutes");
        w.clock.advance(HOUR_MS);
        assert_eq!(
            w.store
                .operation_locked_for(&account.id)
                .await
                .expect("lock"),
            Some(HOUR_MS)
        );
        w.clock.advance(HOUR_MS + 1);
        assert_eq!(
            w.store
                .operation_locked_for(&account.id)
                .await
                .expect("lock"),
            None
        );
        w.store
            .send_code(
                &account.id,
                CodePurpose::FindUsername,
                Channel::Sms,
                &who("c6"),
            )
            .await
            .expect("unlocked");
        db_close(w).await;
    })
    .await;
}

#[tokio::test]
async fn a_password_reset_ends_old_sessions_and_is_logged() {
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        let account = w
            .store
            .register(form("jimgreen", "吉姆", &id_number(14), 60, false))
            .await
            .expect("registers");
        let session = w
            .store
            .sign_in("jimgreen", PASSWORD, &who("t"))
            .await
            .expect("signs in");
        assert!(matches!(
            w.store.sign_in("jimgreen", "wrong-pass1", &who("t")).await,
            Err(AccountError::WrongCredentials)
        ));
        w.store
            .send_code(
                &account.id,
                CodePurpose::ResetPassword,
                Channel::Sms,
                &who("t"),
            )
            .await
            .expect("sent");
        let code = last_code(&w.db).await;
        let early = w.store.reset_password("Better-pass-9", &who("t")).await;
        assert!(
            matches!(early, Err(AccountError::CodeUnknown)),
            "no password before the code is verified: {early:?}"
        );
        w.store
            .verify_reset_code(&code, &who("t"))
            .await
            .expect("code verified");
        let elsewhere = w.store.reset_password("Better-pass-9", &who("other")).await;
        assert!(
            matches!(elsewhere, Err(AccountError::CodeUnknown)),
            "a verified code serves only its conversation: {elsewhere:?}"
        );
        let weak = w.store.reset_password("short1", &who("t")).await;
        assert!(
            matches!(weak, Err(AccountError::WeakPassword(_))),
            "{weak:?}"
        );
        // The weak attempt did not spend the verified code.
        w.store
            .reset_password("Better-pass-9", &who("t"))
            .await
            .expect("reset");
        let again = w.store.reset_password("Another-pass-9", &who("t")).await;
        assert!(
            matches!(again, Err(AccountError::CodeUnknown)),
            "one verified code sets one password: {again:?}"
        );
        assert!(!w.store.session_valid(&session).await.expect("session"));
        assert!(matches!(
            w.store.sign_in("jimgreen", PASSWORD, &who("t")).await,
            Err(AccountError::WrongCredentials)
        ));
        let new_session = w
            .store
            .sign_in("jimgreen", "Better-pass-9", &who("t"))
            .await
            .expect("new password");
        let log = w.store.account_log(&new_session, 10).await.expect("log");
        let events: Vec<(&str, bool)> = log.iter().map(|e| (e.event.as_str(), e.success)).collect();
        assert!(events.contains(&("password-reset", true)), "{events:?}");
        assert!(events.contains(&("sign-in", false)), "{events:?}");
        assert_eq!(
            events
                .iter()
                .filter(|(e, ok)| *e == "sign-in" && *ok)
                .count(),
            2
        );
        let stored: String = sqlx::query_scalar("SELECT password_hash FROM accounts WHERE id = $1")
            .bind(&account.id)
            .fetch_one(w.db.pool())
            .await
            .expect("hash");
        assert!(stored.starts_with("$argon2id$") && !stored.contains("Better-pass-9"));
        db_close(w).await;
    })
    .await;
}

#[tokio::test]
async fn photo_reviews_follow_the_upload_limits_and_staff_decisions() {
    let good = png(320, 240, false);
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        let (old, new) = duplicate_case(&w, 20).await;

        // Checked by content, before anything is counted.
        let too_big = png(700, 700, true);
        assert!(too_big.len() > 300 * 1024, "{}", too_big.len());
        let refused = w.store.submit_photos(&new, &good, &too_big).await;
        assert!(
            matches!(
                refused,
                Err(AccountError::Photo {
                    side: PhotoSide::Back,
                    error: PhotoError::TooLarge { .. }
                })
            ),
            "{refused:?}"
        );
        let text = w
            .store
            .submit_photos(&new, b"just text renamed to .jpg", &good)
            .await;
        assert!(
            matches!(
                text,
                Err(AccountError::Photo {
                    side: PhotoSide::Front,
                    error: PhotoError::NotAnImage
                })
            ),
            "{text:?}"
        );

        // Uploads 1-3 on day one (each rejected so the next may come), the 4th refused.
        for upload in 1..=3 {
            let review = w
                .store
                .submit_photos(&new, &good, &good)
                .await
                .unwrap_or_else(|e| panic!("upload {upload}: {e}"));
            assert_eq!(review.status, ReviewStatus::Pending);
            let while_pending = w.store.submit_photos(&new, &good, &good).await;
            assert!(
                matches!(while_pending, Err(AccountError::ReviewPending)),
                "{while_pending:?}"
            );
            assert_eq!(w.store.pending_reviews(10).await.expect("queue").len(), 1);
            w.store
                .decide_review(
                    &review.id,
                    "staff-1",
                    StaffDecision::Reject {
                        reason: "照片模糊".into(),
                    },
                )
                .await
                .expect("rejected");
            let status = w
                .store
                .review_status(&new)
                .await
                .expect("status")
                .expect("a review");
            assert_eq!(
                status.status,
                ReviewStatus::Rejected {
                    reason: "照片模糊".into()
                }
            );
        }
        let fourth = w.store.submit_photos(&new, &good, &good).await;
        assert!(
            matches!(fourth, Err(AccountError::PhotoDailyLimit { .. })),
            "{fourth:?}"
        );

        // Day two: the 5th passes, the 6th in total is refused.
        w.clock.advance(DAY_MS);
        let fifth = w
            .store
            .submit_photos(&new, &good, &good)
            .await
            .expect("fifth upload");
        // Staff see the photos as uploaded, front first.
        let photos = w.store.review_photos(&fifth.id).await.expect("photos");
        assert_eq!(
            photos
                .iter()
                .map(|p| (p.side.as_str(), p.format.as_str(), p.content == good))
                .collect::<Vec<_>>(),
            vec![("front", "png", true), ("back", "png", true)]
        );
        assert!(matches!(
            w.store.review_photos("no-such-review").await,
            Err(AccountError::ReviewNotFound)
        ));
        assert!(matches!(
            w.store
                .decide_review(
                    &fifth.id,
                    "staff-1",
                    StaffDecision::Reject { reason: " ".into() }
                )
                .await,
            Err(AccountError::ReasonMissing)
        ));
        let activation = w
            .store
            .decide_review(&fifth.id, "staff-2", StaffDecision::Approve)
            .await
            .expect("approved")
            .activation
            .expect("activation");
        assert_eq!(activation.deactivated, vec!["o***0".to_string()]);
        assert_eq!(
            w.store
                .review_status(&new)
                .await
                .expect("status")
                .expect("review")
                .status,
            ReviewStatus::Approved
        );
        assert_eq!(
            w.store.account(&new).await.expect("new").state,
            AccountState::Active
        );
        assert_eq!(
            w.store.account(&old).await.expect("old").state,
            AccountState::Deactivated
        );
        assert!(matches!(
            w.store
                .decide_review(&fifth.id, "staff-2", StaffDecision::Approve)
                .await,
            Err(AccountError::ReviewAlreadyDecided)
        ));
        assert_eq!(
            w.store
                .registration_state(&id_number(20), &who("t"))
                .await
                .expect("state"),
            RegistrationState::Registered
        );
        assert!(matches!(
            w.store.sign_in("old20", PASSWORD, &who("t")).await,
            Err(AccountError::AccountDeactivated)
        ));
        db_close(w).await;
    })
    .await;
}

#[tokio::test]
async fn the_sixth_photo_upload_in_total_is_refused() {
    let good = png(200, 200, false);
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        let (_, new) = duplicate_case(&w, 21).await;
        for upload in 1..=5 {
            let review = w
                .store
                .submit_photos(&new, &good, &good)
                .await
                .unwrap_or_else(|e| panic!("upload {upload}: {e}"));
            w.store
                .decide_review(
                    &review.id,
                    "staff",
                    StaffDecision::Reject {
                        reason: "不清晰".into(),
                    },
                )
                .await
                .expect("rejected");
            w.clock.advance(DAY_MS);
        }
        let sixth = w.store.submit_photos(&new, &good, &good).await;
        assert!(
            matches!(sixth, Err(AccountError::PhotoTotalLimit)),
            "{sixth:?}"
        );
        db_close(w).await;
    })
    .await;
}

#[tokio::test]
async fn a_classmate_confirms_from_their_own_session() {
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        let (old, new) = duplicate_case(&w, 30).await;
        let classmate = w
            .store
            .register(form("classmate", "陈同学", &id_number(31), 700, false))
            .await
            .expect("classmate");
        let own = mobile(301);

        let nobody = w
            .store
            .request_classmate_assist(&new, "陈同学", &mobile(999), &own)
            .await;
        assert!(
            matches!(nobody, Err(AccountError::ClassmateNotFound)),
            "{nobody:?}"
        );
        let wrong_name = w
            .store
            .request_classmate_assist(&new, "王同学", &mobile(700), &own)
            .await;
        assert!(
            matches!(wrong_name, Err(AccountError::ClassmateNotFound)),
            "{wrong_name:?}"
        );
        let not_mine = w
            .store
            .request_classmate_assist(&new, "陈同学", &mobile(700), &mobile(302))
            .await;
        assert!(
            matches!(not_mine, Err(AccountError::OwnMobileMismatch)),
            "{not_mine:?}"
        );
        let own_old = w
            .store
            .request_classmate_assist(&new, "李雷", &mobile(300), &own)
            .await;
        assert!(
            matches!(own_old, Err(AccountError::ClassmateSelf)),
            "{own_old:?}"
        );

        let request = w
            .store
            .request_classmate_assist(&new, "陈同学", &mobile(700), &own)
            .await
            .expect("sent");
        let session = w
            .store
            .sign_in("classmate", PASSWORD, &who("t"))
            .await
            .expect("classmate signs in");
        let inbox = w.store.assist_requests(&session).await.expect("inbox");
        assert_eq!(inbox.len(), 1);
        assert_eq!(inbox[0].requester_name, "李雷");
        assert_eq!(inbox[0].masked_requester_mobile, "138****0301");
        // Nobody else can answer it.
        let stranger = w
            .store
            .register(form("stranger", "路人", &id_number(32), 800, false))
            .await
            .expect("stranger");
        let _ = stranger;
        let other_session = w
            .store
            .sign_in("stranger", PASSWORD, &who("t"))
            .await
            .expect("signs in");
        assert!(matches!(
            w.store
                .answer_assist_request(&other_session, &request, true)
                .await,
            Err(AccountError::RequestNotFound)
        ));
        let activation = w
            .store
            .answer_assist_request(&session, &request, true)
            .await
            .expect("confirmed")
            .activation
            .expect("activation");
        assert_eq!(activation.deactivated.len(), 1);
        assert_eq!(
            w.store.account(&old).await.expect("old").state,
            AccountState::Deactivated
        );
        assert!(
            w.store
                .assist_requests(&session)
                .await
                .expect("inbox")
                .is_empty()
        );
        let _ = classmate;
        db_close(w).await;
    })
    .await;
}

#[tokio::test]
async fn classmate_requests_need_a_bound_classmate_and_are_capped_at_five_a_day() {
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        let (_, new) = duplicate_case(&w, 33).await;
        let classmate = w
            .store
            .register(form("helper", "周同学", &id_number(34), 710, false))
            .await
            .expect("classmate");
        let own = mobile(331);
        sqlx::query("UPDATE accounts SET mobile_bound = 0 WHERE id = $1")
            .bind(&classmate.id)
            .execute(w.db.pool())
            .await
            .expect("unbind");
        let unbound = w
            .store
            .request_classmate_assist(&new, "周同学", &mobile(710), &own)
            .await;
        assert!(
            matches!(unbound, Err(AccountError::ClassmateNotBound)),
            "{unbound:?}"
        );
        sqlx::query("UPDATE accounts SET mobile_bound = 1 WHERE id = $1")
            .bind(&classmate.id)
            .execute(w.db.pool())
            .await
            .expect("bind");
        let session = w
            .store
            .sign_in("helper", PASSWORD, &who("t"))
            .await
            .expect("signs in");
        for sent in 1..=5 {
            let request = w
                .store
                .request_classmate_assist(&new, "周同学", &mobile(710), &own)
                .await
                .unwrap_or_else(|e| panic!("request {sent}: {e}"));
            assert_eq!(
                w.store
                    .answer_assist_request(&session, &request, false)
                    .await
                    .expect("declined"),
                helpbot::accounts::Decision {
                    account_id: new.clone(),
                    activation: None,
                }
            );
        }
        let sixth = w
            .store
            .request_classmate_assist(&new, "周同学", &mobile(710), &own)
            .await;
        assert!(
            matches!(sixth, Err(AccountError::AssistDailyLimit { .. })),
            "{sixth:?}"
        );
        assert_eq!(
            w.store.account(&new).await.expect("new").state,
            AccountState::PendingVerification
        );
        db_close(w).await;
    })
    .await;
}

fn records_csv(id: &IdNumber) -> String {
    format!(
        "kind,name,id_number,school,number,year,level\n\
         current,李雷,{id},北京大学,2301001,2023,本科\n\
         graduate,李雷,{id},清华大学,100031202305001234,2019,硕士研究生\n",
        id = id.as_str()
    )
}

#[tokio::test]
async fn the_student_record_route_gives_three_attempts_per_account() {
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        let (old, new) = duplicate_case(&w, 50).await;
        helpbot::accounts::records::import_records_from_reader(
            &w.db,
            "records.csv",
            records_csv(&id_number(50)).as_bytes(),
        )
        .await
        .expect("imported");
        let wrong = RecordClaim::Current {
            school: "北京大学".into(),
            student_number: "2301002".into(),
            enrolment_year: 2023,
            level: "本科".into(),
        };
        for remaining in [2, 1, 0] {
            let result = w.store.verify_by_record(&new, wrong.clone()).await;
            assert!(
                matches!(result, Err(AccountError::RecordMismatch { remaining: r }) if r == remaining),
                "{result:?}"
            );
        }
        let right = RecordClaim::Graduate {
            school: " 清华大学".into(),
            certificate_number: "100031202305001234".into(),
            graduation_year: 2019,
            level: "硕士研究生".into(),
        };
        let exhausted = w.store.verify_by_record(&new, right.clone()).await;
        assert!(
            matches!(exhausted, Err(AccountError::RecordAttemptsExhausted)),
            "{exhausted:?}"
        );
        assert_eq!(
            w.store.account(&old).await.expect("old").state,
            AccountState::Active
        );
        // The attempts were this account's: once it is settled another way (staff approve its
        // photos), a later re-registration of the same ID number has its own three.
        w.store
            .submit_photos(&new, &png(640, 480, false), &png(640, 480, false))
            .await
            .expect("photos");
        let review = w.store.pending_reviews(10).await.expect("reviews")[0]
            .id
            .clone();
        w.store
            .decide_review(&review, "staff", StaffDecision::Approve)
            .await
            .expect("approved");
        let later = w
            .store
            .register(form("later50", "李雷", &id_number(50), 509, true))
            .await
            .expect("re-registers");
        let first_try = w.store.verify_by_record(&later.id, wrong).await;
        assert!(
            matches!(
                first_try,
                Err(AccountError::RecordMismatch { remaining: 2 })
            ),
            "{first_try:?}"
        );
        w.store
            .verify_by_record(&later.id, right)
            .await
            .expect("verified with its own attempts");
        db_close(w).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_verifications_deactivate_the_right_accounts_exactly_once() {
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        let (old, new) = duplicate_case(&w, 60).await;
        // A third, older account on the same ID number, and an unrelated account.
        sqlx::query(
            "INSERT INTO accounts (id, username, password_hash, real_name, id_type, id_number, mobile, \
             mobile_bound, email, email_activated, state, session_epoch, created_at) \
             VALUES ('older', 'older60', 'x', '李雷', 'resident_id', $1, NULL, 0, NULL, 0, 'active', 0, 1)",
        )
        .bind(id_number(60).as_str())
        .execute(w.db.pool())
        .await
        .expect("older account");
        let unrelated = w
            .store
            .register(form("unrelated", "路人", &id_number(61), 610, false))
            .await
            .expect("unrelated");
        helpbot::accounts::records::import_records_from_reader(
            &w.db,
            "records.csv",
            records_csv(&id_number(60)).as_bytes(),
        )
        .await
        .expect("imported");
        let right = RecordClaim::Current {
            school: "北京大学".into(),
            student_number: "2301001".into(),
            enrolment_year: 2023,
            level: "本科".into(),
        };
        let tasks: Vec<_> = (0..2)
            .map(|_| {
                let store = w.store.clone();
                let (new, right) = (new.clone(), right.clone());
                tokio::spawn(async move { store.verify_by_record(&new, right).await })
            })
            .collect();
        let mut activations = Vec::new();
        let mut refusals = 0;
        for task in tasks {
            match task.await.expect("task") {
                Ok(activation) => activations.push(activation),
                Err(AccountError::NotPendingVerification) => refusals += 1,
                Err(other) => panic!("{other}"),
            }
        }
        assert_eq!(
            (activations.len(), refusals),
            (1, 1),
            "{:?}",
            w.db.backend()
        );
        let mut deactivated = activations[0].deactivated.clone();
        deactivated.sort();
        assert_eq!(
            deactivated,
            vec!["o*****0".to_string(), "o***0".to_string()]
        );
        for (id, state) in [
            (old.as_str(), AccountState::Deactivated),
            ("older", AccountState::Deactivated),
            (new.as_str(), AccountState::Active),
            (unrelated.id.as_str(), AccountState::Active),
        ] {
            assert_eq!(
                w.store.account(id).await.expect("account").state,
                state,
                "{id}"
            );
        }
        let deactivation_events: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM account_log WHERE event = 'deactivated'")
                .fetch_one(w.db.pool())
                .await
                .expect("count");
        assert_eq!(deactivation_events, 2);
        db_close(w).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_code_requests_cannot_exceed_the_interval() {
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        let account = w
            .store
            .register(form("para", "并发", &id_number(70), 900, false))
            .await
            .expect("registers");
        let tasks: Vec<_> = (0..8)
            .map(|n| {
                let store = w.store.clone();
                let id = account.id.clone();
                let from = who(&format!("t{n}"));
                tokio::spawn(async move {
                    store
                        .send_code(&id, CodePurpose::FindUsername, Channel::Sms, &from)
                        .await
                })
            })
            .collect();
        let mut sent = 0;
        for task in tasks {
            match task.await.expect("task") {
                Ok(_) => sent += 1,
                Err(AccountError::ResendTooSoon { .. }) => {}
                Err(other) => panic!("{other}"),
            }
        }
        assert_eq!(sent, 1, "{:?}", w.db.backend());
        assert_eq!(latest(&w.db, 100).await.expect("outbox").len(), 1);
        db_close(w).await;
    })
    .await;
}

#[tokio::test]
async fn demo_data_covers_every_situation_and_only_fills_a_fresh_database() {
    use helpbot::accounts::demo::{DEMO_PASSWORD, load_demo_data};
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        let store = helpbot::runtime::account_store(db.clone());
        assert_eq!(load_demo_data(&store).await.expect("loads"), 5);
        assert!(load_demo_data(&store).await.is_err());
        let state = |id: &str| IdNumber::parse(id).expect("valid");
        assert_eq!(
            store
                .registration_state(&state("120104199102052530"), &who("t"))
                .await
                .expect("state"),
            RegistrationState::Registered
        );
        assert_eq!(
            store
                .registration_state(&state("11010519491231002X"), &who("t"))
                .await
                .expect("state"),
            RegistrationState::PendingReview
        );
        let zhaolei = store
            .sign_in("zhaolei", DEMO_PASSWORD, &who("t"))
            .await
            .expect("signs in");
        assert!(
            store
                .operation_locked_for(&zhaolei.account_id)
                .await
                .expect("lock")
                .is_some()
        );
        let wangfang = store
            .sign_in("wangfang", DEMO_PASSWORD, &who("t"))
            .await
            .expect("signs in");
        assert!(
            store
                .account(&wangfang.account_id)
                .await
                .expect("account")
                .mobile_bound
        );
        let pending = store
            .sign_in("lisi2024", DEMO_PASSWORD, &who("t"))
            .await
            .expect("signs in");
        let activation = store
            .verify_by_record(
                &pending.account_id,
                RecordClaim::Graduate {
                    school: "北京大学".into(),
                    certificate_number: "100011201905000123".into(),
                    graduation_year: 2019,
                    level: "本科".into(),
                },
            )
            .await
            .expect("the graduate record matches");
        assert_eq!(activation.deactivated, vec!["l**i".to_string()]);
        db.close().await;
    })
    .await;
}

#[test]
fn import_records_reports_bad_rows_by_line_and_exits_non_zero() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("records.csv");
    std::fs::write(
        &file,
        "kind,name,id_number,school,number,year,level\ncurrent,张三,120104199102052530,北京大学,1,2020,本科\ncurrent,李四,120104199102052531,北京大学,2,2020,本科\n",
    )
    .expect("write");
    let db = TestDb::sqlite();
    let output = common::helpbot(
        &["import-records", file.to_str().expect("utf-8")],
        "",
        db.url(),
        &[],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success());
    assert!(stdout.contains("records.csv:3: id_number"), "{stdout}");
    assert!(stdout.contains("nothing was imported"), "{stdout}");
}

#[tokio::test]
async fn codes_go_to_the_activated_email_too() {
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        let mut with_email = form("mailuser", "邮箱用户", &id_number(80), 880, false);
        with_email.email = Some(
            helpbot::accounts::identity::Email::parse("mail.user@example.com").expect("email"),
        );
        let account = w.store.register(with_email).await.expect("registers");
        let not_activated = w
            .store
            .send_code(
                &account.id,
                CodePurpose::ResetPassword,
                Channel::Email,
                &who("t"),
            )
            .await;
        assert!(
            matches!(not_activated, Err(AccountError::NoBoundEmail)),
            "{not_activated:?}"
        );
        sqlx::query("UPDATE accounts SET email_activated = 1 WHERE id = $1")
            .bind(&account.id)
            .execute(w.db.pool())
            .await
            .expect("activate e-mail");
        let ticket = w
            .store
            .send_code(
                &account.id,
                CodePurpose::ResetPassword,
                Channel::Email,
                &who("t"),
            )
            .await
            .expect("mailed");
        assert_eq!(ticket.masked_destination, "m***@example.com");
        let message = latest(&w.db, 1).await.expect("outbox").remove(0);
        assert_eq!(
            (message.channel.as_str(), message.destination.as_str()),
            ("email", "mail.user@example.com")
        );
        let code = last_code(&w.db).await;
        w.store
            .verify_reset_code(&code, &who("t"))
            .await
            .expect("code verified");
        w.store
            .reset_password("Mail-pass-77", &who("t"))
            .await
            .expect("reset by mailed code");
        db_close(w).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn another_route_settles_a_waiting_photo_review_and_parallel_submissions_start_one() {
    let good = png(200, 200, false);
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        let (_, new) = duplicate_case(&w, 90).await;
        let tasks: Vec<_> = (0..2)
            .map(|_| {
                let (store, new, good) = (w.store.clone(), new.clone(), good.clone());
                tokio::spawn(async move { store.submit_photos(&new, &good, &good).await })
            })
            .collect();
        let mut started = 0;
        for task in tasks {
            match task.await.expect("task") {
                Ok(_) => started += 1,
                Err(AccountError::ReviewPending) => {}
                Err(other) => panic!("{other}"),
            }
        }
        assert_eq!(started, 1, "{:?}", w.db.backend());
        helpbot::accounts::records::import_records_from_reader(
            &w.db,
            "records.csv",
            records_csv(&id_number(90)).as_bytes(),
        )
        .await
        .expect("imported");
        w.store
            .verify_by_record(
                &new,
                RecordClaim::Current {
                    school: "北京大学".into(),
                    student_number: "2301001".into(),
                    enrolment_year: 2023,
                    level: "本科".into(),
                },
            )
            .await
            .expect("verified by record");
        assert_eq!(
            w.store
                .review_status(&new)
                .await
                .expect("status")
                .expect("review")
                .status,
            ReviewStatus::Approved
        );
        assert!(w.store.pending_reviews(10).await.expect("queue").is_empty());
        db_close(w).await;
    })
    .await;
}

#[tokio::test]
async fn a_stranger_locks_themselves_out_before_the_owner() {
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        let id = id_number(80);
        let owner = w
            .store
            .register(form("owner80", "王五", &id, 800, false))
            .await
            .expect("registers");
        let stranger = who("stranger").from_origin(Some("203.0.113.9".into()));

        // Wrong passwords: the stranger's conversation is locked at the sixth, the account is not.
        for _ in 0..5 {
            let wrong = w.store.sign_in("owner80", "guess-1234", &stranger).await;
            assert!(
                matches!(wrong, Err(AccountError::WrongCredentials)),
                "{wrong:?}"
            );
        }
        let sixth = w.store.sign_in("owner80", "guess-1234", &stranger).await;
        assert!(
            matches!(sixth, Err(AccountError::TooFrequent { .. })),
            "{sixth:?}"
        );
        let locked = w.store.sign_in("owner80", PASSWORD, &stranger).await;
        assert!(
            matches!(locked, Err(AccountError::TooFrequent { .. })),
            "even the right password waits in the locked conversation: {locked:?}"
        );
        // From the same address, new conversations reach the address's limit, not the account's.
        for n in 0..4 {
            let next = who(&format!("stranger-{n}")).from_origin(Some("203.0.113.9".into()));
            for _ in 0..5 {
                let _ = w.store.sign_in("owner80", "guess-1234", &next).await;
            }
        }
        let from_address = who("stranger-new").from_origin(Some("203.0.113.9".into()));
        assert!(matches!(
            w.store.sign_in("owner80", PASSWORD, &from_address).await,
            Err(AccountError::TooFrequent { .. })
        ));
        let owner_side = who("owner").from_origin(Some("198.51.100.7".into()));
        w.store
            .sign_in("owner80", PASSWORD, &owner_side)
            .await
            .expect("the owner still signs in");
        assert_eq!(
            w.store
                .session_of(&owner_side)
                .await
                .expect("session")
                .map(|s| s.account_id),
            Some(owner.id.clone())
        );
        assert_eq!(w.store.session_of(&stranger).await.expect("none"), None);

        // Wrong names: five look-ups lock the stranger's conversation; the owner still finds.
        for _ in 0..5 {
            let wrong = w.store.find_accounts("李四", &id, &stranger).await;
            assert!(
                matches!(wrong, Err(AccountError::NoMatchingAccount)),
                "{wrong:?}"
            );
        }
        assert!(matches!(
            w.store.find_accounts("王五", &id, &stranger).await,
            Err(AccountError::TooFrequent { .. })
        ));
        let found = w
            .store
            .find_accounts("王五", &id, &owner_side)
            .await
            .expect("the owner still finds the account");
        assert_eq!(found[0].id, owner.id);

        // Codes: a conversation may ask for three; the account is not locked by them.
        for n in 0..3 {
            w.clock.advance(61_000);
            w.store
                .send_code(
                    &owner.id,
                    CodePurpose::FindUsername,
                    Channel::Sms,
                    &stranger,
                )
                .await
                .unwrap_or_else(|e| panic!("code {n}: {e}"));
        }
        w.clock.advance(61_000);
        let fourth = w
            .store
            .send_code(
                &owner.id,
                CodePurpose::FindUsername,
                Channel::Sms,
                &stranger,
            )
            .await;
        assert!(
            matches!(fourth, Err(AccountError::LookupsTooFrequent { .. })),
            "{fourth:?}"
        );
        assert_eq!(
            w.store.operation_locked_for(&owner.id).await.expect("lock"),
            None
        );
        w.store
            .send_code(
                &owner.id,
                CodePurpose::FindUsername,
                Channel::Sms,
                &owner_side,
            )
            .await
            .expect("the owner still gets a code");
        db_close(w).await;
    })
    .await;
}

#[tokio::test]
async fn registration_state_look_ups_are_limited_per_conversation_and_address() {
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        let id = id_number(81);
        let prober = who("prober").from_origin(Some("203.0.113.10".into()));
        for _ in 0..10 {
            w.store
                .registration_state(&id, &prober)
                .await
                .expect("answered");
        }
        let refused = w.store.registration_state(&id, &prober).await;
        assert!(
            matches!(refused, Err(AccountError::LookupsTooFrequent { .. })),
            "{refused:?}"
        );
        assert_eq!(
            refused.map_err(|e| e.message_id()).err(),
            Some("account-lookups-too-frequent")
        );
        // New conversations from the same address reach the address's limit.
        let mut answered = 10;
        for n in 0..10 {
            let next = who(&format!("prober-{n}")).from_origin(Some("203.0.113.10".into()));
            for _ in 0..10 {
                if w.store.registration_state(&id, &next).await.is_ok() {
                    answered += 1;
                }
            }
        }
        assert_eq!(answered, 60, "60 look-ups in 10 minutes from one address");
        w.store
            .registration_state(&id, &who("someone else"))
            .await
            .expect("others are not affected");
        w.clock.advance(10 * MINUTE_MS + 1);
        w.store
            .registration_state(&id, &prober)
            .await
            .expect("the window passed");
        db_close(w).await;
    })
    .await;
}

#[tokio::test]
async fn registering_with_a_mobile_needs_a_code_sent_to_it_in_the_same_conversation() {
    common::on_both_backends(async |test_db| {
        let w = world(&test_db).await;
        let id = id_number(82);
        w.store
            .register(form("first82", "赵六", &id, 820, false))
            .await
            .expect("first account");
        let student = who("student");
        let unproven = w
            .store
            .register_with_verified_mobile(form("again82", "赵六", &id, 821, true), &student)
            .await;
        assert!(
            matches!(unproven, Err(AccountError::MobileNotVerified)),
            "{unproven:?}"
        );
        assert_eq!(
            w.store
                .registration_state(&id, &student)
                .await
                .expect("state"),
            RegistrationState::Registered,
            "nothing changed without proof"
        );
        let sent = w
            .store
            .send_registration_code(&mobile(821), &student)
            .await
            .expect("sent");
        assert_eq!(sent.masked_destination, "138****0821");
        let code = last_code(&w.db).await;
        // The code proves this mobile in this conversation only.
        let elsewhere = w
            .store
            .verify_registration_code(&mobile(821), &code, &who("another tab"))
            .await;
        assert!(
            matches!(elsewhere, Err(AccountError::CodeUnknown)),
            "{elsewhere:?}"
        );
        let other_mobile = w
            .store
            .verify_registration_code(&mobile(822), &code, &student)
            .await;
        assert!(
            matches!(other_mobile, Err(AccountError::CodeUnknown)),
            "{other_mobile:?}"
        );
        w.store
            .verify_registration_code(&mobile(821), &code, &student)
            .await
            .expect("verified");
        let with_other_mobile = w
            .store
            .register_with_verified_mobile(form("again82", "赵六", &id, 822, true), &student)
            .await;
        assert!(
            matches!(with_other_mobile, Err(AccountError::MobileNotVerified)),
            "only the proven mobile is bound: {with_other_mobile:?}"
        );
        let account = w
            .store
            .register_with_verified_mobile(form("again82", "赵六", &id, 821, true), &student)
            .await
            .expect("registered");
        assert_eq!(account.state, AccountState::PendingVerification);
        let reused = w
            .store
            .register_with_verified_mobile(form("third82", "赵六", &id, 821, true), &student)
            .await;
        assert!(
            matches!(reused, Err(AccountError::MobileNotVerified)),
            "a code registers one account: {reused:?}"
        );
        db_close(w).await;
    })
    .await;
}
