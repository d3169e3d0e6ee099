//! The console's words in the staff member's language (`locales/*/console.ftl`), and times as
//! staff read them: local time and how long something has waited.

use std::sync::Arc;

use chrono::FixedOffset;
use fluent_bundle::FluentValue;

use crate::content::Content;
use crate::locale::Locale;

pub(super) struct Texts {
    content: Arc<Content>,
    pub locale: Locale,
    utc_offset: FixedOffset,
}

impl Texts {
    pub fn new(content: Arc<Content>, locale: Locale, utc_offset: FixedOffset) -> Self {
        Self {
            content,
            locale,
            utc_offset,
        }
    }

    pub fn t(&self, id: &str) -> String {
        self.content.translations.text(self.locale, id, &[])
    }

    pub fn with(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        self.content.translations.text(self.locale, id, args)
    }

    /// The other language, for the switch.
    pub fn other_locale(&self) -> Locale {
        match self.locale {
            Locale::ZhCn => Locale::En,
            Locale::En => Locale::ZhCn,
        }
    }

    /// `2026-05-04 09:30` in the service's time zone.
    pub fn time(&self, at_ms: i64) -> String {
        chrono::DateTime::from_timestamp_millis(at_ms)
            .map(|at| {
                at.with_timezone(&self.utc_offset)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default()
    }

    /// How long since `since_ms`: "12 分钟", "3 小时 5 分钟", "2 天 4 小时".
    pub fn waited(&self, since_ms: i64, now_ms: i64) -> String {
        let minutes = (now_ms - since_ms).max(0) / 60_000;
        let (days, hours, minutes) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
        if days > 0 {
            self.with(
                "console-waited-days",
                &[("days", days.into()), ("hours", hours.into())],
            )
        } else if hours > 0 {
            self.with(
                "console-waited-hours",
                &[("hours", hours.into()), ("minutes", minutes.into())],
            )
        } else {
            self.with("console-waited-minutes", &[("minutes", minutes.into())])
        }
    }
}
