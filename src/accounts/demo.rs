//! `helpbot demo-data`: a documented set of accounts and student records covering every situation
//! the dialogs handle, so a newcomer can try each of them (the README lists them).

use super::embedded::{EmbeddedAccountStore, SENSITIVE_LIMIT};
use super::identity::{IdNumber, Mobile};
use super::records::import_records_from_reader;
use super::{AccountError, NewAccount, StaffAccounts};
use crate::store::StoreError;

/// The password of every demo account (demo data only).
pub const DEMO_PASSWORD: &str = "Demo-pass-2024";

/// One demo account, as the README lists it.
#[derive(Debug, Clone, Copy)]
pub struct DemoAccount {
    pub username: &'static str,
    pub real_name: &'static str,
    pub id_number: &'static str,
    pub mobile: &'static str,
    pub reregister: bool,
    pub situation: &'static str,
}

/// The demo accounts, in the order they are created.
pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "zhangsan",
        real_name: "张三",
        id_number: "120104199102052530",
        mobile: "13800000001",
        reregister: false,
        situation: "one active account on the ID number: the form shows 证件号码已被注册",
    },
    DemoAccount {
        username: "lisi",
        real_name: "李四",
        id_number: "11010519491231002X",
        mobile: "13800000002",
        reregister: false,
        situation: "old account of an ID number that is pending review",
    },
    DemoAccount {
        username: "lisi2024",
        real_name: "李四",
        id_number: "11010519491231002X",
        mobile: "13800000012",
        reregister: true,
        situation: "re-registered account waiting for verification: the form shows 证件号码重复待审核; \
                    李四 is a graduate and a current student in the registry",
    },
    DemoAccount {
        username: "wangfang",
        real_name: "王芳",
        id_number: "110105199001010010",
        mobile: "13800000003",
        reregister: false,
        situation: "classmate with a bound mobile who can confirm 李四's assist request",
    },
    DemoAccount {
        username: "zhaolei",
        real_name: "赵磊",
        id_number: "110105199001010029",
        mobile: "13800000004",
        reregister: false,
        situation: "locked: 操作过于频繁 for 2 hours after too many code requests",
    },
];

/// The registry rows of the demo (CSV as `helpbot import-records` reads it).
pub const DEMO_RECORDS: &str = "kind,name,id_number,school,number,year,level\n\
graduate,李四,11010519491231002X,北京大学,100011201905000123,2019,本科\n\
current,李四,11010519491231002X,清华大学,2023310001,2023,硕士研究生\n\
current,王芳,110105199001010010,北京大学,2008301234,2008,本科\n";

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the database already has accounts: demo data goes into a fresh database")]
    NotFresh,
    #[error("demo account {0}: {1}")]
    Account(&'static str, AccountError),
    #[error("demo data: {0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Fills a fresh database with the demo accounts and records.
pub async fn load_demo_data(store: &EmbeddedAccountStore) -> Result<usize, DemoError> {
    let db = store.database();
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
        .fetch_one(db.pool())
        .await
        .map_err(StoreError::from)?;
    if existing > 0 {
        return Err(DemoError::NotFresh);
    }
    // Every form is built (and so validated) before anything is stored.
    let mut forms = Vec::with_capacity(DEMO_ACCOUNTS.len());
    for demo in DEMO_ACCOUNTS {
        forms.push((
            demo.username,
            NewAccount {
                username: demo.username.into(),
                password: DEMO_PASSWORD.into(),
                real_name: demo.real_name.into(),
                id_number: IdNumber::parse(demo.id_number)
                    .map_err(|e| DemoError::Invalid(format!("{}: {e}", demo.username)))?,
                mobile: Mobile::parse(demo.mobile)
                    .map_err(|e| DemoError::Invalid(format!("{}: {e}", demo.username)))?,
                email: None,
                reregister: demo.reregister,
            },
        ));
    }
    for (username, form) in forms {
        store
            .register(form)
            .await
            .map_err(|e| DemoError::Account(username, e))?;
    }
    import_records_from_reader(db, "demo records", DEMO_RECORDS.as_bytes())
        .await
        .map_err(|e| DemoError::Invalid(e.to_string()))?;
    lock_account(store, "zhaolei").await?;
    Ok(DEMO_ACCOUNTS.len())
}

/// Locks the account's sensitive operations the way too many requests would.
async fn lock_account(
    store: &EmbeddedAccountStore,
    username: &'static str,
) -> Result<(), DemoError> {
    let db = store.database();
    let id: String = sqlx::query_scalar("SELECT id FROM accounts WHERE username = $1")
        .bind(username)
        .fetch_one(db.pool())
        .await
        .map_err(StoreError::from)?;
    let now = crate::store::now_ms();
    for _ in 0..=SENSITIVE_LIMIT.max {
        super::limits::try_count(db, &id, super::embedded::OP_SENSITIVE, SENSITIVE_LIMIT, now)
            .await?;
    }
    Ok(())
}
