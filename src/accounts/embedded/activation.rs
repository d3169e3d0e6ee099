//! A passed verification, whichever route passed it (a staff review, a classmate's answer, the
//! records registry): the account becomes active and every other account with its ID number is
//! deactivated, in one transaction.

use sqlx::{Any, Transaction};

use super::EmbeddedAccountStore;
use super::account::mask_username;
use crate::accounts::{AccountError, AccountResult, Activation};

/// Which row, besides the account, a verification marks as decided in the same transaction.
pub(super) enum Decided<'a> {
    /// A photo review approved by staff.
    Review { id: &'a str, staff: &'a str },
    /// A classmate request confirmed by the classmate.
    Assist { id: &'a str, classmate: &'a str },
    /// A route decided on the spot (student record).
    OnTheSpot { route: &'a str },
}

/// Another account of the ID number, deactivated by the verification.
#[derive(sqlx::FromRow)]
struct OtherAccount {
    id: String,
    username: String,
}

impl EmbeddedAccountStore {
    /// Verification passed: in ONE transaction the account becomes active, every other account
    /// with its ID number is deactivated, the ID number is registered again and the deciding row
    /// is marked. Parallel verifications of the same ID number are serialised by locking its
    /// state row first; the second finds the account no longer pending.
    pub(super) async fn activate(
        &self,
        account_id: &str,
        decided: Decided<'_>,
    ) -> AccountResult<Activation> {
        let now = self.now();
        let mut tx = self.db.pool().begin().await?;
        // Writing first: SQLite takes its write lock before anything is read (no stale
        // snapshot to upgrade), PostgreSQL locks the ID number's state row.
        sqlx::query(
            "INSERT INTO id_number_states (id_number, state, updated_at) \
             SELECT id_number, 'pending_review', $1 FROM accounts WHERE id = $2 \
             ON CONFLICT (id_number) DO UPDATE SET updated_at = $1",
        )
        .bind(now)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        let id_number: Option<String> =
            sqlx::query_scalar("SELECT id_number FROM accounts WHERE id = $1")
                .bind(account_id)
                .fetch_optional(&mut *tx)
                .await?;
        let id_number = id_number.ok_or(AccountError::UnknownAccount)?;
        let activated = sqlx::query(
            "UPDATE accounts SET state = 'active', mobile_bound = 1 \
             WHERE id = $1 AND state = 'pending_verification'",
        )
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        if activated.rows_affected() != 1 {
            tx.rollback().await?;
            return Err(AccountError::NotPendingVerification);
        }
        let route = match decided {
            Decided::Review { id, staff } => {
                mark_decided(
                    &mut tx,
                    "UPDATE verifications SET status = 'approved', decided_at = $1, decided_by = $2 \
                     WHERE id = $3 AND status = 'pending'",
                    now,
                    staff,
                    id,
                )
                .await?;
                None
            }
            Decided::Assist { id, classmate } => {
                mark_decided(
                    &mut tx,
                    "UPDATE classmate_requests SET status = 'confirmed', decided_at = $1 \
                     WHERE classmate_account_id = $2 AND id = $3 AND status = 'pending'",
                    now,
                    classmate,
                    id,
                )
                .await?;
                Some("classmate")
            }
            Decided::OnTheSpot { route } => Some(route),
        };
        if let Some(route) = route {
            sqlx::query(
                "INSERT INTO verifications (id, account_id, route, status, created_at, decided_at) \
                 VALUES ($1, $2, $3, 'approved', $4, $4)",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(account_id)
            .bind(route)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let others: Vec<OtherAccount> = sqlx::query_as(
            "SELECT id, username FROM accounts \
             WHERE id_number = $1 AND id <> $2 AND state <> 'deactivated' ORDER BY created_at",
        )
        .bind(&id_number)
        .bind(account_id)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE accounts SET state = 'deactivated', deactivated_at = $1 \
             WHERE id_number = $2 AND id <> $3 AND state <> 'deactivated'",
        )
        .bind(now)
        .bind(&id_number)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        // Another route won: a photo review still waiting for staff is settled too.
        sqlx::query(
            "UPDATE verifications SET status = 'approved', decided_at = $1, \
             decided_by = 'another route' WHERE account_id = $2 AND status = 'pending'",
        )
        .bind(now)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE id_number_states SET state = 'registered', updated_at = $1 WHERE id_number = $2")
            .bind(now)
            .bind(&id_number)
            .execute(&mut *tx)
            .await?;
        for (event_account, event) in std::iter::once((account_id, "activated")).chain(
            others
                .iter()
                .map(|other| (other.id.as_str(), "deactivated")),
        ) {
            sqlx::query(
                "INSERT INTO account_log (id, account_id, at, event, channel, success) \
                 VALUES ($1, $2, $3, $4, 'verification', 1)",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(event_account)
            .bind(now)
            .bind(event)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        let deactivated = others
            .iter()
            .map(|other| mask_username(&other.username))
            .collect();
        tracing::info!(
            account = account_id,
            deactivated = others.len(),
            "account verified"
        );
        Ok(Activation {
            account_id: account_id.to_string(),
            deactivated,
        })
    }
}

async fn mark_decided(
    tx: &mut Transaction<'static, Any>,
    sql: &'static str,
    now: i64,
    by: &str,
    id: &str,
) -> AccountResult<()> {
    let marked = sqlx::query(sql)
        .bind(now)
        .bind(by)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    if marked.rows_affected() != 1 {
        return Err(AccountError::ReviewAlreadyDecided);
    }
    Ok(())
}
