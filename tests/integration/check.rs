//! `helpbot check`: the shipped content passes; each kind of broken file is reported as
//! `file:line: message` with a non-zero exit.

use crate::common;

use std::path::Path;
use std::process::Output;

use common::{content_copy, helpbot};

pub(crate) fn check(content: &Path) -> Output {
    helpbot(
        &["check"],
        "",
        "sqlite::memory:",
        &[
            (
                "HELPBOT_CONTENT__KNOWLEDGE_DIR",
                content.join("knowledge").to_str().expect("utf-8"),
            ),
            (
                "HELPBOT_CONTENT__DIALOGS_DIR",
                content.join("dialogs").to_str().expect("utf-8"),
            ),
            (
                "HELPBOT_CONTENT__LOCALES_DIR",
                content.join("locales").to_str().expect("utf-8"),
            ),
        ],
    )
}

pub(crate) fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn the_shipped_content_is_valid() {
    let output = helpbot(&["check"], "", "sqlite::memory:", &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("37 knowledge entries"), "{stdout}");
}

#[test]
fn broken_files_are_named_with_their_line() {
    let dir = content_copy();
    let knowledge = dir.path().join("knowledge");
    let find_username = knowledge.join("find-account/find-username.md");
    edit(&find_username, "hot = true", "hot = yes");
    let find_password = knowledge.join("find-account/find-password.md");
    edit(
        &find_password,
        "related = [\"",
        "related = [\"no-such-entry\", \"",
    );
    let too_frequent = knowledge.join("find-account/too-frequent.md");
    let text = std::fs::read_to_string(&too_frequent).expect("read");
    let cut = text.find("::: en").expect("en section");
    std::fs::write(&too_frequent, &text[..cut]).expect("write");
    let copy = knowledge.join("register/contact-support.md");
    std::fs::copy(knowledge.join("support/contact-support.md"), &copy).expect("copy");
    std::fs::write(
        dir.path().join("locales/en/extra.ftl"),
        "fine = ok\nbroken = { $\n",
    )
    .expect("write");

    let output = check(dir.path());
    assert!(!output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let expect = |needle: &str| {
        assert!(
            stdout.lines().any(|l| l.contains(needle)),
            "`{needle}` not in:\n{stdout}"
        );
    };
    expect("find-username.md:4: front matter");
    expect("find-password.md:5: related entry `no-such-entry` does not exist");
    expect("too-frequent.md");
    expect("no `::: en` answer");
    expect("id `contact-support` is already used");
    expect(
        "register/contact-support.md:3: category `support` does not match the folder `register`",
    );
    expect("en/extra.ftl:2: fluent syntax");
    expect("message `fine` has no zh-CN translation");
}

#[test]
fn an_empty_answer_and_a_missing_category_name_are_reported() {
    let dir = content_copy();
    let entry = dir.path().join("knowledge/register/email-ip-limited.md");
    let text = std::fs::read_to_string(&entry).expect("read");
    let start = text.find("::: zh-CN").expect("zh");
    let end = text.find("::: en").expect("en");
    let emptied = format!("{}::: zh-CN\n\n{}", &text[..start], &text[end..]);
    std::fs::write(&entry, emptied).expect("write");
    edit(
        &dir.path().join("locales/en/main.ftl"),
        "category-support = Contact support\n",
        "",
    );
    let output = check(dir.path());
    assert!(!output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("email-ip-limited.md:") && stdout.contains("zh-CN answer is empty"),
        "{stdout}"
    );
    assert!(
        stdout.contains("category-support` has no en translation"),
        "{stdout}"
    );
}

#[test]
fn every_validation_message_is_translated() {
    use helpbot::accounts::identity::{Email, IdNumber, Mobile};
    use helpbot::accounts::photo::check_photo;
    let translations =
        helpbot::i18n::Translations::load(&common::repo().join("locales")).expect("locales load");
    let mut ids = Vec::new();
    for input in [
        "",
        "1201041991020525",
        "12010419910205253A",
        "000000199102052530",
        "120104199102302530",
        "120104209912312530",
        "120104199102052531",
    ] {
        if let Err(err) = IdNumber::parse(input) {
            ids.push(err.message_id());
        }
    }
    for input in ["", "1381234567", "138abc45678", "12812345678"] {
        if let Err(err) = Mobile::parse(input) {
            ids.push(err.message_id());
        }
    }
    if let Err(err) = Email::parse("not-an-email") {
        ids.push(err.message_id());
    }
    for bytes in [
        &b""[..],
        b"hello, this is not a photo",
        b"BM\0\0\0\0\0\0\0\0\0\0\0\0",
    ] {
        if let Err(err) = check_photo(bytes) {
            ids.push(err.message_id());
        }
    }
    assert!(ids.len() >= 14, "{ids:?}");
    for id in ids {
        for locale in helpbot::locale::Locale::ALL {
            assert!(translations.has(locale, id), "`{id}` missing in {locale}");
        }
    }
}

#[test]
fn broken_dialogs_are_named_with_their_line() {
    let dir = content_copy();
    let dialogs = dir.path().join("dialogs");
    std::fs::write(
        dialogs.join("broken.toml"),
        r#"title = "dialog-broken-title"
start = "first"

[steps.first]
say = "dup-which-message"
next = "nowhere"

[steps.orphan]
say = "dup-done"
end = true

[steps.dead]
say = "dup-done"

[steps.act]
action = "launch-rockets"

[steps.ask]
input = "shoe-size"
slot = "size"
next = "first"

[steps.check]
action = "registration-state"
on = { free = "first" }
"#,
    )
    .expect("write");
    edit(
        &dir.path().join("knowledge/support/contact-support.md"),
        "related = [",
        "dialog = \"no-such-dialog\"\nrelated = [",
    );
    let output = check(dir.path());
    assert!(!output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let expect = |needle: &str| {
        assert!(
            stdout.lines().any(|l| l.contains(needle)),
            "`{needle}` not in:\n{stdout}"
        );
    };
    expect("broken.toml:1: message `dialog-broken-title` is missing in locales/zh-CN/");
    expect("broken.toml:6: step `first` goes to unknown step `nowhere`");
    expect("broken.toml:8: step `orphan` cannot be reached from `first`");
    expect("broken.toml:12: step `dead` is a dead end");
    expect("broken.toml:16: unknown action `launch-rockets`");
    expect("broken.toml:19: unknown validator `shoe-size`");
    expect("does not say where outcome `registered` of `registration-state` goes");
    expect("contact-support.md:5: dialog `no-such-dialog` does not exist");
}

#[test]
fn a_dialog_with_a_toml_error_is_named_with_its_line() {
    let dir = content_copy();
    std::fs::write(
        dir.path().join("dialogs/typo.toml"),
        "title = \"dialog-duplicate-id-title\"\nstart = \"a\"\n[steps.a]\nsay = \"dup-done\"\nend = maybe\n",
    )
    .expect("write");
    let output = check(dir.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("typo.toml:5:"), "{stdout}");
}

#[test]
fn an_action_reading_a_slot_no_step_fills_is_named_with_its_line() {
    let dir = content_copy();
    let dialog = dir.path().join("dialogs/verify-by-classmate.toml");
    // The classmate's name is put in a misspelt slot: `request-assist` would read nothing.
    edit(
        &dialog,
        "slot = \"classmate_name\"",
        "slot = \"classmate_nam\"",
    );
    let output = check(dir.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}");
    let line = std::fs::read_to_string(&dialog)
        .expect("read")
        .lines()
        .position(|l| l.contains("action = \"request-assist\""))
        .expect("the action line")
        + 1;
    assert!(
        stdout.contains(&format!("verify-by-classmate.toml:{line}:"))
            && stdout.contains("reads slot `classmate_name`"),
        "{stdout}"
    );
}
