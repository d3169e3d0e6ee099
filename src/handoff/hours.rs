//! Support's working hours: the days of the week, the opening and closing time (a closing time
//! before the opening time runs past midnight), holidays as dates, all on the clock of a fixed
//! UTC offset (UTC+8 by default). The configuration holds these as strings ("08:30",
//! "2026-10-01", "mon"), checked when it is loaded.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// A time of day written "HH:MM".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClockTime(pub NaiveTime);

impl TryFrom<String> for ClockTime {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        NaiveTime::parse_from_str(text.trim(), "%H:%M")
            .map(ClockTime)
            .map_err(|_| format!("`{text}` is not a time of day written HH:MM"))
    }
}

impl From<ClockTime> for String {
    fn from(time: ClockTime) -> Self {
        time.0.format("%H:%M").to_string()
    }
}

/// A date written "YYYY-MM-DD".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Holiday(pub NaiveDate);

impl TryFrom<String> for Holiday {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map(Holiday)
            .map_err(|_| format!("`{text}` is not a date written YYYY-MM-DD"))
    }
}

impl From<Holiday> for String {
    fn from(date: Holiday) -> Self {
        date.0.format("%Y-%m-%d").to_string()
    }
}

/// A day of the week, written "mon" … "sun".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    pub const ALL: [Day; 7] = [
        Day::Mon,
        Day::Tue,
        Day::Wed,
        Day::Thu,
        Day::Fri,
        Day::Sat,
        Day::Sun,
    ];

    pub fn weekday(self) -> Weekday {
        match self {
            Day::Mon => Weekday::Mon,
            Day::Tue => Weekday::Tue,
            Day::Wed => Weekday::Wed,
            Day::Thu => Weekday::Thu,
            Day::Fri => Weekday::Fri,
            Day::Sat => Weekday::Sat,
            Day::Sun => Weekday::Sun,
        }
    }

    /// The message id of the day's name.
    pub fn message_id(self) -> &'static str {
        match self {
            Day::Mon => "handoff-day-mon",
            Day::Tue => "handoff-day-tue",
            Day::Wed => "handoff-day-wed",
            Day::Thu => "handoff-day-thu",
            Day::Fri => "handoff-day-fri",
            Day::Sat => "handoff-day-sat",
            Day::Sun => "handoff-day-sun",
        }
    }
}

/// When support works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingHours {
    pub days: Vec<Day>,
    pub opens: ClockTime,
    pub closes: ClockTime,
    pub holidays: Vec<Holiday>,
    pub offset: FixedOffset,
}

impl WorkingHours {
    /// Whether support works at this instant. A shift that runs past midnight belongs to the
    /// day it started on: with 20:00–02:00 on Fridays, Saturday 01:00 is open and Friday 01:00
    /// is not (unless Thursday is a working day too). A holiday closes the shift starting on it.
    pub fn open_at(&self, at: DateTime<Utc>) -> bool {
        let local = at.with_timezone(&self.offset).naive_local();
        let (opens, closes) = (self.opens.0, self.closes.0);
        let time = local.time();
        let today = local.date();
        if opens == closes {
            // Open all day on working days.
            return self.works_on(today);
        }
        if opens < closes {
            return self.works_on(today) && time >= opens && time < closes;
        }
        // Past midnight: the evening part belongs to today, the early part to yesterday.
        (time >= opens && self.works_on(today))
            || (time < closes && self.works_on(today - Duration::days(1)))
    }

    fn works_on(&self, date: NaiveDate) -> bool {
        self.days.iter().any(|d| d.weekday() == date.weekday())
            && !self.holidays.iter().any(|h| h.0 == date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(
        days: &[Day],
        opens: &str,
        closes: &str,
        holidays: &[&str],
        offset: i32,
    ) -> WorkingHours {
        WorkingHours {
            days: days.to_vec(),
            opens: ClockTime::try_from(opens.to_string()).expect("time"),
            closes: ClockTime::try_from(closes.to_string()).expect("time"),
            holidays: holidays
                .iter()
                .map(|h| Holiday::try_from(h.to_string()).expect("date"))
                .collect(),
            offset: FixedOffset::east_opt(offset * 3600).expect("offset"),
        }
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("instant")
            .to_utc()
    }

    const WEEKDAYS: &[Day] = &[Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri];

    #[test]
    fn office_hours_are_read_on_the_configured_clock() {
        let beijing = hours(WEEKDAYS, "08:30", "17:30", &[], 8);
        // 2026-11-24 is a Tuesday. 01:00 UTC is 09:00 in Beijing: open.
        assert!(beijing.open_at(utc("2026-11-24T01:00:00Z")));
        // 00:00 UTC is 08:00 in Beijing: not yet.
        assert!(!beijing.open_at(utc("2026-11-24T00:00:00Z")));
        // 09:29 UTC is 17:29: open; 09:30 UTC is closing time.
        assert!(beijing.open_at(utc("2026-11-24T09:29:00Z")));
        assert!(!beijing.open_at(utc("2026-11-24T09:30:00Z")));
        // Friday 20:00 UTC is Saturday 04:00 in Beijing: closed, though it is Friday in UTC.
        assert!(!beijing.open_at(utc("2026-11-27T20:00:00Z")));
        // Sunday 23:00 UTC is Monday 07:00 in Beijing: not yet; Monday 01:00 UTC is open.
        assert!(!beijing.open_at(utc("2026-11-29T23:00:00Z")));
        assert!(beijing.open_at(utc("2026-11-30T01:00:00Z")));
        // The same instant on a UTC clock is a different answer.
        let london = hours(WEEKDAYS, "08:30", "17:30", &[], 0);
        assert!(!london.open_at(utc("2026-11-24T01:00:00Z")));
        assert!(london.open_at(utc("2026-11-24T12:00:00Z")));
    }

    #[test]
    fn holidays_close_the_day_on_the_local_calendar() {
        let beijing = hours(WEEKDAYS, "08:30", "17:30", &["2026-10-01"], 8);
        // Thursday 2026-10-01 10:00 in Beijing is 02:00 UTC.
        assert!(!beijing.open_at(utc("2026-10-01T02:00:00Z")));
        assert!(beijing.open_at(utc("2026-10-02T02:00:00Z")));
        // 2026-09-30 17:00 UTC is already 10-01 01:00 in Beijing, and 09-30 was a working day.
        assert!(!beijing.open_at(utc("2026-09-30T17:00:00Z")));
    }

    #[test]
    fn a_shift_past_midnight_belongs_to_the_day_it_starts() {
        let night = hours(&[Day::Fri], "20:00", "02:00", &[], 0);
        assert!(night.open_at(utc("2026-11-27T21:00:00Z"))); // Friday evening
        assert!(night.open_at(utc("2026-11-28T01:30:00Z"))); // Saturday, early
        assert!(!night.open_at(utc("2026-11-28T02:00:00Z")));
        assert!(!night.open_at(utc("2026-11-27T01:00:00Z"))); // Friday early: Thursday's shift
        assert!(!night.open_at(utc("2026-11-28T21:00:00Z"))); // Saturday evening
        // A holiday on Friday cancels the whole shift, the part after midnight too.
        let off = hours(&[Day::Fri], "20:00", "02:00", &["2026-11-27"], 0);
        assert!(!off.open_at(utc("2026-11-28T01:30:00Z")));
    }

    #[test]
    fn equal_times_mean_all_day_and_no_days_mean_never() {
        let always = hours(&Day::ALL, "00:00", "00:00", &[], 8);
        assert!(always.open_at(utc("2026-11-28T03:00:00Z")));
        let never = hours(&[], "00:00", "00:00", &[], 8);
        assert!(!never.open_at(utc("2026-11-24T03:00:00Z")));
    }

    #[test]
    fn bad_times_and_dates_are_refused_with_the_value() {
        assert!(ClockTime::try_from("25:00".to_string()).is_err());
        let error = Holiday::try_from("2026-13-01".to_string()).expect_err("bad date");
        assert!(error.contains("2026-13-01"), "{error}");
        assert_eq!(
            String::from(ClockTime::try_from("8:05".to_string()).expect("time")),
            "08:05"
        );
    }
}
