//! The `helpbot` command line: parse, load configuration, call into the library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use helpbot::channels::terminal;
use helpbot::config::Config;
use helpbot::content::{Content, ContentPaths};
use helpbot::locale::Locale;
use helpbot::{eval, runtime};

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
    /// Serve the chat API, the web widget and its demo page (listens on `listen`, default
    /// 127.0.0.1:8080). Ctrl-C / SIGTERM stops it: no new connections, event streams end,
    /// requests in flight get `[web] shutdown_grace_seconds`; a second signal stops it at once.
    Serve,
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
    /// The photo review queue (until the staff console): list, save photos, approve, reject.
    /// The student is told in the chat.
    Review {
        #[command(subcommand)]
        action: Option<ReviewAction>,
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
    },
}

#[derive(Subcommand)]
enum ReviewAction {
    /// The waiting reviews, oldest first (the default).
    List,
    /// Save a review's photos into a folder to look at them.
    Photos {
        review: String,
        #[arg(long, default_value = ".")]
        to: PathBuf,
    },
    /// Approve: the account is activated, other accounts with its ID number deactivated.
    Approve {
        review: String,
        /// Who decides (kept with the decision).
        #[arg(long, env = "USER", default_value = "staff")]
        staff: String,
    },
    /// Reject with a reason the student can act on.
    Reject {
        review: String,
        #[arg(long)]
        reason: String,
        #[arg(long, env = "USER", default_value = "staff")]
        staff: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => Config {
            create_database: config.create_database || cli.create_database,
            ..config
        },
        Err(err) => {
            eprintln!("helpbot: {err}");
            return ExitCode::FAILURE;
        }
    };
    let quiet = if matches!(cli.command, Command::Serve) {
        "info"
    } else {
        "warn"
    };
    runtime::init_logging(config.log.as_deref(), quiet);
    let result = match cli.command {
        Command::Check => check(&config),
        Command::Eval {
            file,
            split,
            tune,
            verbose,
        } => run_eval(&config, &file, &split, tune, verbose),
        Command::Ask {
            question,
            json,
            lang,
        } => ask(&config, question, json, lang),
        Command::Chat {
            json,
            lang,
            conversation,
        } => with_runtime(chat(&config, json, lang, conversation)),
        Command::Serve => with_runtime(serve(&config)),
        Command::Outbox { limit } => with_runtime(outbox(&config, limit)),
        Command::ImportRecords { file } => with_runtime(import_records(&config, file)),
        Command::DemoData => with_runtime(demo_data(&config)),
        Command::Review { action } => {
            with_runtime(review(&config, action.unwrap_or(ReviewAction::List)))
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("helpbot: {err}");
            ExitCode::FAILURE
        }
    }
}

type CommandResult = Result<ExitCode, Box<dyn std::error::Error>>;

fn with_runtime(future: impl Future<Output = CommandResult>) -> CommandResult {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(future)
}

fn check(config: &Config) -> CommandResult {
    match Content::load(&ContentPaths::from(config), config.search) {
        Ok(content) => {
            println!(
                "ok: {} knowledge entries, {} small-talk intents, locales {}",
                content.knowledge.entries().len(),
                content.smalltalk.intents().len(),
                Locale::ALL.map(|l| l.tag()).join(", ")
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            for problem in &err.0 {
                println!("{problem}");
            }
            eprintln!("{} problem(s) found", err.0.len());
            Ok(ExitCode::FAILURE)
        }
    }
}

fn run_eval(
    config: &Config,
    file: &std::path::Path,
    split: &str,
    tune: bool,
    verbose: bool,
) -> CommandResult {
    let content = runtime::load_content(config)?;
    let cases = eval::load_cases(file).map_err(|p| p.to_string())?;
    let knowledge = &content.knowledge;
    if tune {
        let tuning: Vec<&eval::Case> = cases
            .iter()
            .filter(|c| c.split == eval::Split::Tune)
            .collect();
        let (settings, report) = eval::tune(knowledge, &tuning);
        println!(
            "best settings on the tune split ({} questions):",
            tuning.len()
        );
        println!("{}", toml::to_string(&settings)?);
        print_report("tune", &report, false);
        let holdout: Vec<&eval::Case> = cases
            .iter()
            .filter(|c| c.split == eval::Split::Holdout)
            .collect();
        print_report(
            "holdout",
            &eval::evaluate(knowledge, &holdout, &settings),
            verbose,
        );
        return Ok(ExitCode::SUCCESS);
    }
    let selected: Vec<&eval::Case> = cases
        .iter()
        .filter(|c| match split {
            "tune" => c.split == eval::Split::Tune,
            "holdout" => c.split == eval::Split::Holdout,
            _ => true,
        })
        .collect();
    let report = eval::evaluate(knowledge, &selected, knowledge.settings());
    print_report(split, &report, verbose);
    Ok(ExitCode::SUCCESS)
}

fn print_report(name: &str, report: &eval::Report, verbose: bool) {
    println!(
        "{name}: {} questions ({} in domain, {} out of domain)",
        report.questions, report.in_domain, report.out_of_domain
    );
    println!(
        "  top-1 {:.3}  top-3 {:.3}  MRR {:.3}  out-of-domain rejection {:.3}",
        report.top1, report.top3, report.mrr, report.rejection
    );
    println!(
        "  in domain: definite right {:.3}, definite wrong {:.3}, suggestions with the answer {:.3}, \"don't know\" {:.3}",
        report.definite_right, report.definite_wrong, report.suggest_right, report.false_none
    );
    if verbose {
        for miss in &report.misses {
            println!(
                "  miss [{}] {} -> {} (expected {})",
                miss.outcome, miss.question, miss.got, miss.expected
            );
        }
    }
}

fn ask(
    config: &Config,
    question: Option<String>,
    json: bool,
    lang: Option<Locale>,
) -> CommandResult {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if !json {
        let Some(question) = question else {
            return Err("give a question, or use --json to read questions from stdin".into());
        };
        return with_runtime(async {
            helpbot::ask::answer_for_people(config, question, lang, &mut out).await?;
            Ok(ExitCode::SUCCESS)
        });
    }
    let content = runtime::load_content(config)?;
    let mut errors = std::io::stderr();
    let report = match question {
        Some(question) => helpbot::ask::answer_lines(
            &content.knowledge,
            question.as_bytes(),
            lang,
            &mut out,
            &mut errors,
        )?,
        None => helpbot::ask::answer_lines(
            &content.knowledge,
            std::io::stdin().lock(),
            lang,
            &mut out,
            &mut errors,
        )?,
    };
    if report.unreadable.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "helpbot: {} of {} lines were not UTF-8 and were skipped",
            report.unreadable.len(),
            report.unreadable.len() + report.answered
        );
        Ok(ExitCode::FAILURE)
    }
}

async fn chat(
    config: &Config,
    json: bool,
    lang: Option<Locale>,
    conversation: Option<String>,
) -> CommandResult {
    let assistant = runtime::start(config).await?;
    let locale = lang.unwrap_or(config.conversation.default_locale);
    let format = if json {
        terminal::Format::Json
    } else {
        terminal::Format::Human
    };
    let stdin = tokio::io::BufReader::new(tokio::io::stdin());
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    terminal::run(
        &assistant,
        locale,
        format,
        conversation.as_deref(),
        stdin,
        &mut out,
    )
    .await?;
    out.flush()?;
    assistant.database().close().await;
    Ok(ExitCode::SUCCESS)
}

async fn review(config: &Config, action: ReviewAction) -> CommandResult {
    use helpbot::accounts::StaffDecision;
    use helpbot::channels::staff;
    let assistant = helpbot::runtime::start(config).await?;
    let result = match action {
        ReviewAction::List => staff::list_reviews(&assistant, &mut std::io::stdout())
            .await
            .map(|_| ()),
        ReviewAction::Photos { review, to } => {
            staff::save_photos(assistant.accounts().as_ref(), &review, &to)
                .await
                .map(|paths| paths.iter().for_each(|p| println!("{p}")))
        }
        ReviewAction::Approve { review, staff } => {
            staff::decide(&assistant, &review, &staff, StaffDecision::Approve)
                .await
                .map(|decision| {
                    let deactivated = decision
                        .activation
                        .map(|a| a.deactivated)
                        .unwrap_or_default();
                    println!("approved; account activated, deactivated: {deactivated:?}");
                })
        }
        ReviewAction::Reject {
            review,
            reason,
            staff,
        } => staff::decide(
            &assistant,
            &review,
            &staff,
            StaffDecision::Reject { reason },
        )
        .await
        .map(|_| println!("rejected")),
    };
    assistant.database().close().await;
    result?;
    Ok(ExitCode::SUCCESS)
}

async fn outbox(config: &Config, limit: i64) -> CommandResult {
    let db = runtime::open_database(config).await?;
    let messages = helpbot::accounts::notify::latest(&db, limit.clamp(1, 1000)).await?;
    if messages.is_empty() {
        println!("the outbox is empty");
    }
    for message in messages {
        let at = chrono::DateTime::from_timestamp_millis(message.created_at)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default();
        println!(
            "{at}  {:5}  {}  {}",
            message.channel,
            helpbot::pii::mask(&message.destination),
            message.body
        );
    }
    db.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn import_records(config: &Config, file: PathBuf) -> CommandResult {
    let db = runtime::open_database(config).await?;
    let result = helpbot::accounts::records::import_records(&db, &file).await;
    db.close().await;
    match result {
        Ok(report) => {
            println!(
                "imported {} records ({} already present)",
                report.imported, report.skipped_duplicates
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            println!("{err}");
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn demo_data(config: &Config) -> CommandResult {
    let db = runtime::open_database(config).await?;
    let store = runtime::account_store(db.clone());
    let created = helpbot::accounts::demo::load_demo_data(&store).await?;
    println!(
        "created {created} demo accounts (password {}) and their student records; see the README",
        helpbot::accounts::demo::DEMO_PASSWORD
    );
    db.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn serve(config: &Config) -> CommandResult {
    use helpbot::channels::web::{self, shutdown::Stopped};
    // Installed first, so that a signal during start-up stops the server gracefully too.
    let signals = web::shutdown::signals()?;
    let assistant = runtime::start(config).await?;
    let listener = tokio::net::TcpListener::bind(&config.web.listen).await?;
    tracing::info!(address = %listener.local_addr()?, "helpbot serving: open http://{}/", listener.local_addr()?);
    let state = web::AppState::new(assistant.clone(), config);
    match web::serve(listener, state, &config.web.allowed_origins, signals).await? {
        Stopped::Drained => {
            assistant.database().close().await;
            Ok(ExitCode::SUCCESS)
        }
        // Requests cut off may still hold database connections: do not wait for them.
        Stopped::GraceExpired => Ok(ExitCode::SUCCESS),
        Stopped::Forced => Ok(ExitCode::FAILURE),
    }
}
