//! Route 3, a classmate's assist: a re-registered student names a classmate with a bound
//! mobile (5 requests a day), and the classmate, signed in, confirms (activating the student's
//! account) or declines.

use super::activation::Decided;
use super::{ASSIST_LIMIT, EmbeddedAccountStore, OP_ASSIST};
use crate::accounts::identity::Mobile;
use crate::accounts::limits::{self, DAY_MS, Verdict};
use crate::accounts::{
    AccountError, AccountResult, AccountState, AssistRequest, Decision, Session,
};

/// A request waiting for the classmate, with the requester's name and mobile.
#[derive(sqlx::FromRow)]
struct WaitingRequest {
    id: String,
    real_name: String,
    requester_mobile: String,
    created_at: i64,
}

impl EmbeddedAccountStore {
    pub(super) async fn request_classmate_assist(
        &self,
        account_id: &str,
        classmate_name: &str,
        classmate_mobile: &Mobile,
        own_mobile: &Mobile,
    ) -> AccountResult<String> {
        let account = self.pending_account(account_id).await?;
        if account.mobile.as_deref() != Some(own_mobile.as_str()) {
            return Err(AccountError::OwnMobileMismatch);
        }
        let classmate = self
            .account_by("mobile", classmate_mobile.as_str())
            .await?
            .filter(|c| c.state == AccountState::Active && c.real_name == classmate_name.trim())
            .ok_or(AccountError::ClassmateNotFound)?;
        if classmate.id == account.id || classmate.id_number == account.id_number {
            return Err(AccountError::ClassmateSelf);
        }
        if !classmate.mobile_bound.0 {
            return Err(AccountError::ClassmateNotBound);
        }
        match limits::try_count(&self.db, &account.id, OP_ASSIST, ASSIST_LIMIT, self.now()).await? {
            Verdict::Allowed => {}
            Verdict::Refused { retry_after_ms, .. } => {
                return Err(AccountError::AssistDailyLimit {
                    retry_after_ms: retry_after_ms.unwrap_or(DAY_MS),
                });
            }
        }
        let request_id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO classmate_requests (id, requester_account_id, classmate_account_id, \
             classmate_name, requester_mobile, status, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6)",
        )
        .bind(&request_id)
        .bind(&account.id)
        .bind(&classmate.id)
        .bind(classmate_name.trim())
        .bind(own_mobile.as_str())
        .bind(self.now())
        .execute(self.db.pool())
        .await?;
        Ok(request_id)
    }

    pub(super) async fn assist_requests(
        &self,
        session: &Session,
    ) -> AccountResult<Vec<AssistRequest>> {
        let classmate = self.valid_session(session).await?;
        let rows: Vec<WaitingRequest> = sqlx::query_as(
            "SELECT r.id, a.real_name, r.requester_mobile, r.created_at FROM classmate_requests r \
             JOIN accounts a ON a.id = r.requester_account_id \
             WHERE r.classmate_account_id = $1 AND r.status = 'pending' \
             AND a.state = 'pending_verification' ORDER BY r.created_at",
        )
        .bind(&classmate.id)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| AssistRequest {
                masked_requester_mobile: crate::pii::mask(&row.requester_mobile).into_owned(),
                id: row.id,
                requester_name: row.real_name,
                created_at: row.created_at,
            })
            .collect())
    }

    pub(super) async fn answer_assist_request(
        &self,
        session: &Session,
        request_id: &str,
        confirm: bool,
    ) -> AccountResult<Decision> {
        let classmate = self.valid_session(session).await?;
        let requester: Option<String> = sqlx::query_scalar(
            "SELECT requester_account_id FROM classmate_requests \
             WHERE id = $1 AND classmate_account_id = $2 AND status = 'pending'",
        )
        .bind(request_id)
        .bind(&classmate.id)
        .fetch_optional(self.db.pool())
        .await?;
        let requester = requester.ok_or(AccountError::RequestNotFound)?;
        if confirm {
            let activation = self
                .activate(
                    &requester,
                    Decided::Assist {
                        id: request_id,
                        classmate: &classmate.id,
                    },
                )
                .await?;
            return Ok(Decision {
                account_id: requester,
                activation: Some(activation),
            });
        }
        let declined = sqlx::query(
            "UPDATE classmate_requests SET status = 'declined', decided_at = $1 \
             WHERE id = $2 AND classmate_account_id = $3 AND status = 'pending'",
        )
        .bind(self.now())
        .bind(request_id)
        .bind(&classmate.id)
        .execute(self.db.pool())
        .await?;
        if declined.rows_affected() != 1 {
            return Err(AccountError::RequestNotFound);
        }
        Ok(Decision {
            account_id: requester,
            activation: None,
        })
    }
}
