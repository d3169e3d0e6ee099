//! The account store: the account service's rules and the actions the bot may take for a
//! student. Everything outside this module talks to it through the `AccountStore` trait (coming
//! with the embedded implementation); the pieces here are the store's building blocks.

pub mod identity;
pub mod limits;
pub mod notify;
pub mod photo;
