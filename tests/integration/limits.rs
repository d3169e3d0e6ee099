//! Rate limits on both backends: boundaries, locks, and parallel requests that must not exceed
//! a cap.

use crate::common;

use helpbot::accounts::limits::{
    DAY_MS, HOUR_MS, Limit, MINUTE_MS, Verdict, locked_until, try_count, try_count_all,
};

const T0: i64 = 1_800_000_000_000;

#[tokio::test]
async fn a_daily_cap_allows_exactly_max_and_frees_up_after_the_window() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        let limit = Limit::per_window(3, DAY_MS);
        for i in 0..3 {
            let verdict = try_count(&db, "acct-1", "photo-upload", limit, T0 + i)
                .await
                .expect("count");
            assert_eq!(
                verdict,
                Verdict::Allowed,
                "upload {} on {:?}",
                i + 1,
                db.backend()
            );
        }
        let fourth = try_count(&db, "acct-1", "photo-upload", limit, T0 + 10)
            .await
            .expect("count");
        assert_eq!(
            fourth,
            Verdict::Refused {
                retry_after_ms: Some(DAY_MS - 10),
                locked: false,
                limit: 0
            }
        );
        // Another subject is not affected; the same subject is again allowed a day later.
        assert_eq!(
            try_count(&db, "acct-2", "photo-upload", limit, T0)
                .await
                .expect("count"),
            Verdict::Allowed
        );
        assert_eq!(
            try_count(&db, "acct-1", "photo-upload", limit, T0 + DAY_MS + 1)
                .await
                .expect("count"),
            Verdict::Allowed
        );
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn a_total_cap_never_frees_up() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        for day in 0..5 {
            assert_eq!(
                try_count(
                    &db,
                    "acct",
                    "photo-total",
                    Limit::in_total(5),
                    T0 + day * DAY_MS
                )
                .await
                .expect("count"),
                Verdict::Allowed
            );
        }
        assert_eq!(
            try_count(
                &db,
                "acct",
                "photo-total",
                Limit::in_total(5),
                T0 + 400 * DAY_MS
            )
            .await
            .expect("count"),
            Verdict::Refused {
                retry_after_ms: None,
                locked: false,
                limit: 0
            }
        );
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn too_many_sensitive_operations_lock_for_two_hours() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        let limit = Limit::locking(5, 10 * MINUTE_MS, 2 * HOUR_MS);
        for i in 0..5 {
            assert_eq!(
                try_count(&db, "13812345678", "reset-password", limit, T0 + i)
                    .await
                    .expect("count"),
                Verdict::Allowed
            );
        }
        assert_eq!(
            try_count(&db, "13812345678", "reset-password", limit, T0 + 100)
                .await
                .expect("count"),
            Verdict::Refused {
                retry_after_ms: Some(2 * HOUR_MS),
                locked: true,
                limit: 0
            }
        );
        // Still locked an hour later, with the remaining time; free after two hours.
        assert_eq!(
            try_count(
                &db,
                "13812345678",
                "reset-password",
                limit,
                T0 + 100 + HOUR_MS
            )
            .await
            .expect("count"),
            Verdict::Refused {
                retry_after_ms: Some(HOUR_MS),
                locked: true,
                limit: 0
            }
        );
        assert_eq!(
            locked_until(&db, "13812345678", "reset-password", T0 + 200)
                .await
                .expect("lock"),
            Some(T0 + 100 + 2 * HOUR_MS)
        );
        assert_eq!(
            try_count(
                &db,
                "13812345678",
                "reset-password",
                limit,
                T0 + 100 + 2 * HOUR_MS + 1
            )
            .await
            .expect("count"),
            Verdict::Allowed
        );
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn an_interval_and_a_daily_cap_together() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        let limits = [
            Limit::per_window(1, MINUTE_MS),
            Limit::per_window(3, DAY_MS),
        ];
        assert_eq!(
            try_count_all(&db, "m", "sms", &limits, T0)
                .await
                .expect("count"),
            Verdict::Allowed
        );
        assert_eq!(
            try_count_all(&db, "m", "sms", &limits, T0 + 30_000)
                .await
                .expect("count"),
            Verdict::Refused {
                retry_after_ms: Some(30_000),
                locked: false,
                limit: 0
            }
        );
        assert_eq!(
            try_count_all(&db, "m", "sms", &limits, T0 + MINUTE_MS + 1)
                .await
                .expect("count"),
            Verdict::Allowed
        );
        assert_eq!(
            try_count_all(&db, "m", "sms", &limits, T0 + 3 * MINUTE_MS)
                .await
                .expect("count"),
            Verdict::Allowed
        );
        assert!(matches!(
            try_count_all(&db, "m", "sms", &limits, T0 + 5 * MINUTE_MS)
                .await
                .expect("count"),
            Verdict::Refused {
                locked: false,
                limit: 1,
                ..
            }
        ));
        db.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_requests_cannot_exceed_the_cap() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        let limit = Limit::per_window(5, DAY_MS);
        let tasks: Vec<_> = (0..20)
            .map(|i| {
                let db = db.clone();
                tokio::spawn(
                    async move { try_count(&db, "same-number", "sms", limit, T0 + i).await },
                )
            })
            .collect();
        let mut allowed = 0;
        for task in tasks {
            if task.await.expect("task").expect("count") == Verdict::Allowed {
                allowed += 1;
            }
        }
        assert_eq!(allowed, 5, "{:?}", db.backend());
        db.close().await;
    })
    .await;
}

mod outbox {
    use super::common;
    use helpbot::accounts::notify::{Channel, Notification, Notifier, OutboxNotifier, latest};

    #[tokio::test]
    async fn the_embedded_notifier_writes_the_outbox_on_both_backends() {
        common::on_both_backends(async |test_db| {
            let db = test_db.connect().await;
            let notifier = OutboxNotifier::new(db.clone());
            for (i, to) in ["13812345678", "13900000000"].iter().enumerate() {
                let message = Notification {
                    channel: Channel::Sms,
                    destination: to.to_string(),
                    subject: None,
                    body: format!("校验码 12345{i}"),
                };
                notifier.send(&message).await.expect("sent");
                assert!(!format!("{message:?}").contains(to));
            }
            let messages = latest(&db, 10).await.expect("outbox");
            assert_eq!(messages.len(), 2);
            assert!(
                messages
                    .iter()
                    .any(|m| m.body == "校验码 123450" && m.destination == "13812345678")
            );
            assert_eq!(latest(&db, 1).await.expect("outbox").len(), 1);
            db.close().await;
        })
        .await;
    }
}
