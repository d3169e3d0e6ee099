//! The sign-in lockout, counted where every instance sees it (the account store's rate tables).
//!
//! Failures are counted per address and per staff account. An address that fails
//! `failures_per_address` times within `lockout_ms` may not sign in for `lockout_ms`; an account
//! that fails `failures_per_account` times, from anywhere, is locked for `lockout_ms` even for
//! the right password. The account's number is the higher one, so a stranger guessing from one
//! address locks that address first: locking an agent out takes several addresses, and lasts
//! only `lockout_ms`, because tries during a lock are refused before the password is looked at
//! and are not counted. A name that is no account is counted only for the address (it is not
//! kept: it may be a password typed into the wrong box). A successful sign-in forgets the
//! account's failures, so an agent's own typos do not add up with a stranger's.

use super::{StaffResult, StaffStore};
use crate::accounts::limits::{self, Limit, Verdict};

const OPERATION: &str = "console-sign-in-failure";

fn address_subject(address: &str) -> String {
    format!("console-address:{address}")
}

fn account_subject(staff_id: &str) -> String {
    format!("console-staff:{staff_id}")
}

/// `failures` in the window lock; [`limits::try_count`] refuses (and locks) once `max` are
/// counted, so the lock falls on the `failures`-th.
fn locking_after(failures: u32, lockout_ms: i64) -> Limit {
    Limit::locking(failures.saturating_sub(1), lockout_ms, lockout_ms)
}

impl StaffStore {
    /// How long signing in stays locked for this address or account (the longer), if it is.
    pub(super) async fn locked_for(
        &self,
        address: &str,
        staff_id: Option<&str>,
    ) -> StaffResult<Option<i64>> {
        let now = self.now();
        let mut subjects = vec![address_subject(address)];
        subjects.extend(staff_id.map(account_subject));
        let mut longest = None;
        for subject in subjects {
            if let Some(until) = limits::locked_until(&self.db, &subject, OPERATION, now).await? {
                longest = longest.max(Some(until - now));
            }
        }
        Ok(longest)
    }

    /// Counts a failed sign-in; the lock it started, if it did.
    pub(super) async fn count_failure(
        &self,
        address: &str,
        staff_id: Option<&str>,
    ) -> StaffResult<Option<i64>> {
        let now = self.now();
        let settings = self.settings;
        let mut counted = vec![(
            address_subject(address),
            locking_after(settings.failures_per_address, settings.lockout_ms),
        )];
        counted.extend(staff_id.map(|id| {
            (
                account_subject(id),
                locking_after(settings.failures_per_account, settings.lockout_ms),
            )
        }));
        let mut locked = None;
        for (subject, limit) in counted {
            if let Verdict::Refused { retry_after_ms, .. } =
                limits::try_count(&self.db, &subject, OPERATION, limit, now).await?
            {
                locked = locked.max(retry_after_ms.or(Some(settings.lockout_ms)));
            }
        }
        Ok(locked)
    }

    /// Forgets the account's failures after a successful sign-in.
    pub(super) async fn forget_failures(&self, staff_id: &str) -> StaffResult<()> {
        limits::forget(&self.db, &account_subject(staff_id), OPERATION).await?;
        Ok(())
    }
}
