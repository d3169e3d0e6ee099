//! What only staff (and trusted tools such as the demo data) may ask of the account store: the
//! photo review queue and its decisions, one account looked up by id, and registering an
//! account whose mobile was proven outside the chat. Students' actions never hold this side.

use async_trait::async_trait;

use super::{
    AccountResult, AccountSummary, Decision, NewAccount, Review, ReviewPhoto, ReviewSubject,
    StaffDecision,
};

/// The staff side of the account service. Like the student side, every method enforces the
/// service's rules itself.
#[async_trait]
pub trait StaffAccounts: Send + Sync {
    /// Photo reviews waiting for staff, oldest first.
    async fn pending_reviews(&self, limit: i64) -> AccountResult<Vec<Review>>;

    /// Whose review it is (masked) and which accounts an approval would deactivate.
    async fn review_subject(&self, review_id: &str) -> AccountResult<ReviewSubject>;

    /// The photos of a review, for staff to look at: front first.
    async fn review_photos(&self, review_id: &str) -> AccountResult<Vec<ReviewPhoto>>;

    /// A staff decision on a photo review; approval activates the account.
    async fn decide_review(
        &self,
        review_id: &str,
        staff: &str,
        decision: StaffDecision,
    ) -> AccountResult<Decision>;

    /// One account, masked.
    async fn account(&self, account_id: &str) -> AccountResult<AccountSummary>;

    /// Registers an account whose mobile the caller has proven by other means (demo data,
    /// staff). With `reregister` and an ID number already registered, the new account waits for
    /// verification; refused while the ID number is 重复待审核.
    async fn register(&self, form: NewAccount) -> AccountResult<AccountSummary>;
}
