//! The `helpbot` command line: parse the arguments, load the configuration, start logging and
//! run the chosen command (`helpbot::commands`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use helpbot::commands::review::ReviewAction;
use helpbot::commands::staff::StaffAction;
use helpbot::commands::tickets::TicketAction;
use helpbot::commands::{self, with_runtime};
use helpbot::config::Config;
use helpbot::locale::Locale;
use helpbot::runtime;

#[derive(Parser)]
#[command(
    name = "helpbot",
    version,
    about = "Help assistant for the student account service"
)]
struct Cli {
    /// Configuration file (default: ./helpbot.toml when it exists).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Create an empty SQLite database even though one was created at the configured path
    /// before and is now missing (also HELPBOT_CREATE_DATABASE=true). Without it helpbot refuses
    /// to start, so that a lost database is noticed; a first run needs no flag.
    #[arg(long, global = true)]
    create_database: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Answer one question, or with --json and no question, every stdin line.
    Ask {
        question: Option<String>,
        /// One JSON object per question: query, answered, outcome, hits.
        #[arg(long)]
        json: bool,
        /// Reply language (default: the question's own).
        #[arg(long)]
        lang: Option<Locale>,
    },
    /// Serve the chat API, the web widget and its demo page (listens on `[web] listen`, default
    /// 127.0.0.1:8080). Ctrl-C / SIGTERM stops it: no new connections, event streams end,
    /// requests in flight get `[web] shutdown_grace_seconds`; a second signal stops it at once.
    /// Purges old transcripts and photos every `[retention] purge_interval_minutes`.
    Serve {
        /// Do not migrate the database: check that it has every migration and refuse to start
        /// when one is missing (run `helpbot migrate` first). Also `migrate = false`.
        #[arg(long)]
        no_migrate: bool,
    },
    /// Apply the database migrations that are missing and list them; nothing else starts.
    Migrate,
    /// Delete the transcripts and photos older than `[retention]` allows, once (serve does it on
    /// an interval).
    Purge,
    /// Chat in the terminal: each line is a message; type a number to press a button.
    Chat {
        /// Print every bot message as one JSON line {"text", "buttons"}.
        #[arg(long)]
        json: bool,
        #[arg(long)]
        lang: Option<Locale>,
        /// Continue a stored conversation (its id is printed on stderr at the start).
        #[arg(long)]
        conversation: Option<String>,
    },
    /// Validate knowledge, dialogs and locales; problems are printed as file:line: message.
    Check,
    /// Load the student records registry from a CSV file (kind,name,id_number,school,number,year,level).
    ImportRecords { file: PathBuf },
    /// Fill a fresh database with the demo accounts and records listed in the README.
    DemoData,
    /// List the latest SMS and e-mail messages of the embedded outbox (to read a code).
    Outbox {
        /// How many messages.
        #[arg(long, short = 'n', default_value_t = 10)]
        limit: i64,
    },
    /// The photo review queue from a terminal (the console has it too): list, save photos,
    /// approve, reject.
    /// The student is told in the chat.
    Review {
        #[command(subcommand)]
        action: Option<ReviewAction>,
    },
    /// Messages students left for support when nobody could take them (the console has them
    /// too): list, answer (the student is told in the chat).
    Tickets {
        #[command(subcommand)]
        action: Option<TicketAction>,
    },
    /// The queue of conversations waiting for a person (taken in the staff console).
    Handoff,
    /// Staff accounts of the console (`/console` of `helpbot serve`): add, list, disable.
    Staff {
        #[command(subcommand)]
        action: StaffAction,
    },
    /// Run an evaluation set (question<TAB>expected-id-or-none[<TAB>tune|holdout]).
    Eval {
        file: PathBuf,
        /// Which part of the set to score.
        #[arg(long, default_value = "all", value_parser = ["all", "tune", "holdout"])]
        split: String,
        /// Search thresholds on the tune split and print the best settings.
        #[arg(long)]
        tune: bool,
        /// List every question that was not answered definitely and correctly.
        #[arg(long, short)]
        verbose: bool,
        /// Also evaluate the knowledge in this folder (an older version) and list the questions
        /// the configured knowledge answers better and worse than it.
        #[arg(long, value_name = "OLD_KNOWLEDGE_DIR", conflicts_with = "tune")]
        compare: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let no_migrate = matches!(cli.command, Command::Serve { no_migrate: true });
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => Config {
            create_database: config.create_database || cli.create_database,
            migrate: config.migrate && !no_migrate,
            ..config
        },
        Err(err) => {
            eprintln!("helpbot: {err}");
            return ExitCode::FAILURE;
        }
    };
    let quiet = if matches!(cli.command, Command::Serve { .. }) {
        "info"
    } else {
        "warn"
    };
    runtime::init_logging(config.log.as_deref(), config.log_format, quiet);
    let result = match cli.command {
        Command::Check => commands::check::run(&config),
        Command::Eval {
            file,
            split,
            tune,
            verbose,
            compare,
        } => match compare {
            Some(old) => commands::eval::compare(&config, &file, &split, &old, verbose),
            None => commands::eval::run(&config, &file, &split, tune, verbose),
        },
        Command::Ask {
            question,
            json,
            lang,
        } => commands::ask::run(&config, question, json, lang),
        Command::Chat {
            json,
            lang,
            conversation,
        } => with_runtime(commands::chat::run(&config, json, lang, conversation)),
        Command::Serve { .. } => with_runtime(commands::serve::run(&config)),
        Command::Migrate => with_runtime(commands::migrate::run(&config)),
        Command::Purge => with_runtime(commands::purge::run(&config)),
        Command::Outbox { limit } => with_runtime(commands::data::outbox(&config, limit)),
        Command::ImportRecords { file } => {
            with_runtime(commands::data::import_records(&config, file))
        }
        Command::DemoData => with_runtime(commands::data::demo_data(&config)),
        Command::Review { action } => with_runtime(commands::review::run(
            &config,
            action.unwrap_or(ReviewAction::List),
        )),
        Command::Tickets { action } => with_runtime(commands::tickets::tickets(
            &config,
            action.unwrap_or(TicketAction::List { all: false }),
        )),
        Command::Handoff => with_runtime(commands::tickets::handoff_queue(&config)),
        Command::Staff { action } => with_runtime(commands::staff::run(&config, action)),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("helpbot: {err}");
            ExitCode::FAILURE
        }
    }
}
