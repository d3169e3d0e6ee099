//! `helpbot staff`: the support staff who sign in to the console. `add` asks for the password
//! without echo at a terminal (twice) and reads one line from standard input otherwise (for
//! scripts); `list` shows every account; `disable` stops an account signing in and ends its
//! sessions. Each change is in the staff audit log.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;

use super::CommandResult;
use crate::accounts::embedded::SystemClock;
use crate::config::Config;
use crate::staff::{Role, StaffSettings, StaffStore};

/// What students see when no display name is given (the account name is never shown to them).
const DEFAULT_DISPLAY_NAME: &str = "客服";

#[derive(Debug, clap::Subcommand)]
pub enum StaffAction {
    /// Add a staff account. The password is asked for (or read from stdin when it is not a
    /// terminal); it follows the students' rules: 8-32 characters, two kinds of characters.
    Add {
        /// The account name that signs in (letters, digits, '.', '_', '-'); never shown to
        /// students.
        name: String,
        #[arg(long, value_parser = ["agent", "supervisor", "editor"])]
        role: String,
        /// The name students see (default: 客服).
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Every staff account: name, display name, role, enabled, last sign-in.
    List,
    /// Stop an account signing in; its open sessions end at once.
    Disable { name: String },
}

pub async fn run(config: &Config, action: StaffAction) -> CommandResult {
    let db = crate::runtime::open_database(config).await?;
    let staff = StaffStore::new(
        db.clone(),
        StaffSettings::from(&config.console),
        Arc::new(SystemClock),
    );
    let result = act(&staff, action).await;
    db.close().await;
    result
}

async fn act(staff: &StaffStore, action: StaffAction) -> CommandResult {
    match action {
        StaffAction::Add {
            name,
            role,
            display_name,
        } => {
            let role: Role = role.parse()?;
            let password = read_password()?;
            let display = display_name.as_deref().unwrap_or(DEFAULT_DISPLAY_NAME);
            let member = staff.add(&name, display, role, &password).await?;
            println!(
                "added {} ({}), shown to students as {}",
                member.name,
                member.role.as_str(),
                member.display_name
            );
        }
        StaffAction::List => {
            let members = staff.list().await?;
            if members.is_empty() {
                println!(
                    "no staff accounts yet: add one with `helpbot staff add NAME --role agent`"
                );
            }
            for member in members {
                let last = member
                    .last_sign_in_at
                    .and_then(chrono::DateTime::from_timestamp_millis)
                    .map_or_else(
                        || "never signed in".to_string(),
                        |at| at.format("last sign-in %Y-%m-%d %H:%M UTC").to_string(),
                    );
                println!(
                    "{:20} {:10} {:8} {}",
                    member.name,
                    member.role.as_str(),
                    if member.enabled {
                        "enabled"
                    } else {
                        "disabled"
                    },
                    format_args!("{last}  shown as {}", member.display_name),
                );
            }
        }
        StaffAction::Disable { name } => {
            let member = staff.disable(&name).await?;
            println!("disabled {}; its sessions have ended", member.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The new password: typed twice without echo at a terminal, else the first line of stdin.
fn read_password() -> Result<String, Box<dyn std::error::Error>> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Password again: ")?;
        if first != again {
            return Err("the two passwords differ; nothing was added".into());
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        return Err("no password on standard input; nothing was added".into());
    }
    Ok(password)
}
