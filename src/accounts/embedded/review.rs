//! Route 2, the photo review: a re-registered student submits handheld ID photos (checked by
//! content, 3 uploads a day and 5 in total, one review waiting at a time), and staff list the
//! waiting reviews, look at their photos and approve (activating the account) or reject with a
//! reason.

use super::account::{ACCOUNT_COLUMNS, AccountRow, mask_name};
use super::activation::Decided;
use super::{EmbeddedAccountStore, OP_PHOTO, PHOTO_LIMITS};
use crate::accounts::identity::IdNumber;
use crate::accounts::limits::{self, DAY_MS, Verdict};
use crate::accounts::photo::check_photo;
use crate::accounts::{
    AccountError, AccountResult, Decision, PhotoSide, Review, ReviewPhoto, ReviewStatus,
    ReviewSubject, StaffDecision,
};

/// A photo review as stored (a row of `verifications` on the photo route).
#[derive(sqlx::FromRow)]
struct ReviewRow {
    id: String,
    account_id: String,
    status: String,
    reason: Option<String>,
    created_at: i64,
    decided_at: Option<i64>,
}

impl From<ReviewRow> for Review {
    fn from(row: ReviewRow) -> Self {
        let status = match row.status.as_str() {
            "approved" => ReviewStatus::Approved,
            "rejected" => ReviewStatus::Rejected {
                reason: row.reason.unwrap_or_default(),
            },
            _ => ReviewStatus::Pending,
        };
        Review {
            id: row.id,
            account_id: row.account_id,
            status,
            created_at: row.created_at,
            decided_at: row.decided_at,
        }
    }
}

/// One photo of a review as stored.
#[derive(sqlx::FromRow)]
struct PhotoRow {
    side: String,
    format: String,
    content: Vec<u8>,
}

/// Whose review it is and where it stands, before a decision.
#[derive(sqlx::FromRow)]
struct ReviewToDecide {
    account_id: String,
    status: String,
}

impl EmbeddedAccountStore {
    pub(super) async fn submit_photos(
        &self,
        account_id: &str,
        front: &[u8],
        back: &[u8],
    ) -> AccountResult<Review> {
        let account = self.pending_account(account_id).await?;
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM verifications \
             WHERE account_id = $1 AND route = 'photo' AND status = 'pending'",
        )
        .bind(account_id)
        .fetch_one(self.db.pool())
        .await?;
        if pending > 0 {
            return Err(AccountError::ReviewPending);
        }
        let front_photo = check_photo(front).map_err(|error| AccountError::Photo {
            side: PhotoSide::Front,
            error,
        })?;
        let back_photo = check_photo(back).map_err(|error| AccountError::Photo {
            side: PhotoSide::Back,
            error,
        })?;
        let now = self.now();
        match limits::try_count_all(&self.db, &account.id, OP_PHOTO, &PHOTO_LIMITS, now).await? {
            Verdict::Allowed => {}
            Verdict::Refused {
                limit: 0,
                retry_after_ms,
                ..
            } => {
                return Err(AccountError::PhotoDailyLimit {
                    retry_after_ms: retry_after_ms.unwrap_or(DAY_MS),
                });
            }
            Verdict::Refused { .. } => return Err(AccountError::PhotoTotalLimit),
        }
        let review_id = uuid::Uuid::new_v4().to_string();
        let mut tx = self.db.pool().begin().await?;
        // Serialises submissions of one account, so two at once cannot both start a review.
        sqlx::query(
            "INSERT INTO rate_locks (subject, operation, locked_until) VALUES ($1, 'photo-submit', 0) \
             ON CONFLICT (subject, operation) DO UPDATE SET locked_until = 0",
        )
        .bind(&account.id)
        .execute(&mut *tx)
        .await?;
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM verifications \
             WHERE account_id = $1 AND route = 'photo' AND status = 'pending'",
        )
        .bind(&account.id)
        .fetch_one(&mut *tx)
        .await?;
        if pending > 0 {
            return Err(AccountError::ReviewPending);
        }
        sqlx::query(
            "INSERT INTO verifications (id, account_id, route, status, created_at) \
             VALUES ($1, $2, 'photo', 'pending', $3)",
        )
        .bind(&review_id)
        .bind(&account.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        for (side, photo, bytes) in [
            (PhotoSide::Front, front_photo, front),
            (PhotoSide::Back, back_photo, back),
        ] {
            sqlx::query(
                "INSERT INTO photos (id, verification_id, side, format, size, content, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(&review_id)
            .bind(side.as_str())
            .bind(photo.format.extension())
            .bind(bytes.len() as i64)
            .bind(bytes.to_vec())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Review {
            id: review_id,
            account_id: account.id,
            status: ReviewStatus::Pending,
            created_at: now,
            decided_at: None,
        })
    }

    pub(super) async fn review_status(&self, account_id: &str) -> AccountResult<Option<Review>> {
        let row: Option<ReviewRow> = sqlx::query_as(
            "SELECT id, account_id, status, reason, created_at, decided_at FROM verifications \
             WHERE account_id = $1 AND route = 'photo' \
             ORDER BY created_at DESC, CASE status WHEN 'pending' THEN 0 ELSE 1 END, \
             decided_at DESC, id DESC LIMIT 1",
        )
        .bind(account_id)
        .fetch_optional(self.db.pool())
        .await?;
        Ok(row.map(Review::from))
    }

    pub(super) async fn pending_reviews(&self, limit: i64) -> AccountResult<Vec<Review>> {
        let rows: Vec<ReviewRow> = sqlx::query_as(
            "SELECT id, account_id, status, reason, created_at, decided_at FROM verifications \
             WHERE route = 'photo' AND status = 'pending' ORDER BY created_at, id LIMIT $1",
        )
        .bind(limit.clamp(1, 500))
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows.into_iter().map(Review::from).collect())
    }

    pub(super) async fn review_subject(&self, review_id: &str) -> AccountResult<ReviewSubject> {
        let row: Option<ReviewRow> = sqlx::query_as(
            "SELECT id, account_id, status, reason, created_at, decided_at FROM verifications \
             WHERE id = $1 AND route = 'photo'",
        )
        .bind(review_id)
        .fetch_optional(self.db.pool())
        .await?;
        let review = Review::from(row.ok_or(AccountError::ReviewNotFound)?);
        let account = self.account_row(&review.account_id).await?;
        let others: Vec<AccountRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id_number = $1 AND id <> $2 \
             ORDER BY created_at, id"
        )))
        .bind(&account.id_number)
        .bind(&account.id)
        .fetch_all(self.db.pool())
        .await?;
        let masked_id_number = IdNumber::parse(&account.id_number)
            .map(|number| number.masked())
            .unwrap_or_else(|_| crate::pii::mask(&account.id_number).into_owned());
        Ok(ReviewSubject {
            masked_name: mask_name(&account.real_name),
            masked_id_number,
            account: account.summary(),
            same_id_number: others.iter().map(AccountRow::summary).collect(),
            review,
        })
    }

    pub(super) async fn review_photos(&self, review_id: &str) -> AccountResult<Vec<ReviewPhoto>> {
        let rows: Vec<PhotoRow> = sqlx::query_as(
            "SELECT p.side, p.format, p.content FROM photos p \
             JOIN verifications v ON v.id = p.verification_id \
             WHERE p.verification_id = $1 AND v.route = 'photo' ORDER BY p.side DESC, p.created_at",
        )
        .bind(review_id)
        .fetch_all(self.db.pool())
        .await?;
        if rows.is_empty() {
            // A decided review whose photos the retention purge deleted still exists.
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM verifications WHERE id = $1 AND route = 'photo'")
                    .bind(review_id)
                    .fetch_optional(self.db.pool())
                    .await?;
            return match exists {
                Some(_) => Ok(Vec::new()),
                None => Err(AccountError::ReviewNotFound),
            };
        }
        Ok(rows
            .into_iter()
            .map(|row| ReviewPhoto {
                side: row.side,
                format: row.format,
                content: row.content,
            })
            .collect())
    }

    pub(super) async fn decide_review(
        &self,
        review_id: &str,
        staff: &str,
        decision: StaffDecision,
    ) -> AccountResult<Decision> {
        let review: Option<ReviewToDecide> = sqlx::query_as(
            "SELECT account_id, status FROM verifications WHERE id = $1 AND route = 'photo'",
        )
        .bind(review_id)
        .fetch_optional(self.db.pool())
        .await?;
        let ReviewToDecide { account_id, status } = review.ok_or(AccountError::ReviewNotFound)?;
        if status != "pending" {
            return Err(AccountError::ReviewAlreadyDecided);
        }
        match decision {
            StaffDecision::Approve => {
                let activation = self
                    .activate(
                        &account_id,
                        Decided::Review {
                            id: review_id,
                            staff,
                        },
                    )
                    .await?;
                Ok(Decision {
                    account_id,
                    activation: Some(activation),
                })
            }
            StaffDecision::Reject { reason } => {
                let reason = reason.trim();
                if reason.is_empty() {
                    return Err(AccountError::ReasonMissing);
                }
                let rejected = sqlx::query(
                    "UPDATE verifications SET status = 'rejected', reason = $1, decided_at = $2, \
                     decided_by = $3 WHERE id = $4 AND status = 'pending'",
                )
                .bind(reason)
                .bind(self.now())
                .bind(staff)
                .bind(review_id)
                .execute(self.db.pool())
                .await?;
                if rejected.rows_affected() != 1 {
                    return Err(AccountError::ReviewAlreadyDecided);
                }
                Ok(Decision {
                    account_id,
                    activation: None,
                })
            }
        }
    }
}
