//! The student records registry (学籍/学历库): current students with their student number and
//! graduates with their degree certificate number, imported from a CSV file by
//! `helpbot import-records FILE.csv` and read back by the account store to check a student's
//! claim.
//!
//! The CSV file is UTF-8 (an optional byte order mark is ignored) with a header row naming the
//! columns `kind,name,id_number,school,number,year,level` in any order; other columns are ignored.
//! Every field is trimmed. `kind` is `current` or `graduate` (在校生 or 在读, 毕业生); `number` is
//! the student number of a current student or the certificate number of a graduate; `year` is the
//! enrolment or graduation year, four digits from 1950 to 2100; `level` is the education level
//! (本科, 专科, 硕士研究生 …).
//!
//! An import is all or nothing: every row is validated first and a single bad row means nothing
//! is stored, with every problem reported as `file:line: field: message`; a good file is stored in
//! one transaction. A row equal in (kind, ID number, school, number) to a stored one is skipped,
//! so importing the same file twice is harmless.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use sqlx::Row;

use crate::accounts::identity::IdNumber;
use crate::store::{Database, StoreError};

/// The columns an import file must have, in the order the documentation lists them.
pub const COLUMNS: [&str; 7] = [
    "kind",
    "name",
    "id_number",
    "school",
    "number",
    "year",
    "level",
];

/// Earliest accepted enrolment or graduation year.
pub const MIN_YEAR: i64 = 1950;

/// Latest accepted enrolment or graduation year.
pub const MAX_YEAR: i64 = 2100;

/// Whether a record is a current student's or a graduate's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// A current student (在校生): `number` is the student number, `year` the enrolment year.
    Current,
    /// A graduate (毕业生): `number` is the degree certificate number, `year` the graduation year.
    Graduate,
}

impl RecordKind {
    /// The stored form: `current` or `graduate`.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Current => "current",
            RecordKind::Graduate => "graduate",
        }
    }

    /// Reads a kind as a file may write it: `current`/`graduate` (any case), 在校生, 在读 or
    /// 毕业生, surrounding whitespace ignored.
    pub fn parse(input: &str) -> Option<Self> {
        let input = input.trim();
        if input.eq_ignore_ascii_case("current") || input == "在校生" || input == "在读" {
            Some(RecordKind::Current)
        } else if input.eq_ignore_ascii_case("graduate") || input == "毕业生" {
            Some(RecordKind::Graduate)
        } else {
            None
        }
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing a [`RecordKind`] from text that names no kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected current or graduate (or 在校生, 在读, 毕业生), got '{0}'")]
pub struct UnknownRecordKind(pub String);

impl FromStr for RecordKind {
    type Err = UnknownRecordKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RecordKind::parse(s).ok_or_else(|| UnknownRecordKind(s.trim().to_string()))
    }
}

/// One entry of the registry.
///
/// `Debug` masks the ID number, so a record that ends up in a log line does not leak it.
#[derive(Clone, PartialEq, Eq)]
pub struct StudentRecord {
    /// Current student or graduate.
    pub kind: RecordKind,
    /// The student's real name.
    pub real_name: String,
    /// The normalised resident ID number (18 characters, upper-case X).
    pub id_number: String,
    /// The school (university) name.
    pub school: String,
    /// Student number (current students) or degree certificate number (graduates).
    pub number: String,
    /// Enrolment year (current students) or graduation year (graduates).
    pub year: i64,
    /// Education level: 本科, 专科, 硕士研究生 …
    pub level: String,
}

impl fmt::Debug for StudentRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StudentRecord")
            .field("kind", &self.kind)
            .field("real_name", &self.real_name)
            .field("id_number", &mask(&self.id_number))
            .field("school", &self.school)
            .field("number", &self.number)
            .field("year", &self.year)
            .field("level", &self.level)
            .finish()
    }
}

/// All but the first 4 and last 4 characters replaced by `*` (everything for short values).
fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

/// What an import stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportReport {
    /// Rows stored.
    pub imported: usize,
    /// Rows not stored because an equal record (kind, ID number, school, number) already
    /// existed, stored before or earlier in the same file.
    pub skipped_duplicates: usize,
}

/// A bad row (or header) of an import file, shown as `source:line: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The file name (or whatever names the source) the row comes from.
    pub source: String,
    /// The 1-based CSV line the row starts on; the header is line 1.
    pub line: usize,
    /// What is wrong, starting with the field: `year: expected 4 digits, got '20x9'`.
    pub message: String,
}

impl RowProblem {
    fn new(source: &str, line: usize, message: impl Into<String>) -> Self {
        Self {
            source: source.to_string(),
            line: line.max(1),
            message: message.into(),
        }
    }
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.source, self.line, self.message)
    }
}

/// Why an import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file has bad rows (or a bad header, or no rows); nothing was imported.
    #[error("nothing was imported; {} problem(s) in the file:\n{}", .0.len(), list(.0))]
    BadRows(Vec<RowProblem>),
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file (or source name) that could not be read.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The database failed; the transaction was rolled back, so nothing was imported.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The problems one per line.
fn list(problems: &[RowProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl From<sqlx::Error> for ImportError {
    fn from(error: sqlx::Error) -> Self {
        ImportError::Store(StoreError::Database(error))
    }
}

/// Imports the registry file at `path`: all rows or, if any row is bad, none.
pub async fn import_records(db: &Database, path: &Path) -> Result<ImportReport, ImportError> {
    let source_name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| ImportError::Io {
        path: source_name.clone(),
        source,
    })?;
    import_records_from_reader(db, &source_name, file).await
}

/// Imports registry rows read from `reader`; `source_name` names it in problems and errors.
///
/// Every row is validated before anything is stored; a single bad row makes the import fail
/// with [`ImportError::BadRows`] listing every problem. Good rows are stored in one transaction,
/// skipping those equal in (kind, ID number, school, number) to a stored record.
pub async fn import_records_from_reader<R: std::io::Read>(
    db: &Database,
    source_name: &str,
    reader: R,
) -> Result<ImportReport, ImportError> {
    let records = parse_records(source_name, reader)?;
    store_records(db, &records).await
}

/// Reads and validates every row; the records, or every problem found.
fn parse_records<R: std::io::Read>(
    source_name: &str,
    reader: R,
) -> Result<Vec<StudentRecord>, ImportError> {
    let io_error = |error: csv::Error| match error.into_kind() {
        csv::ErrorKind::Io(source) => ImportError::Io {
            path: source_name.to_string(),
            source,
        },
        other => ImportError::BadRows(vec![RowProblem::new(
            source_name,
            1,
            format!("cannot read the file as CSV: {other:?}"),
        )]),
    };
    let mut csv_reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(reader);

    let headers = csv_reader.byte_headers().map_err(io_error)?.clone();
    let columns = header_columns(source_name, &headers)?;

    let mut problems = Vec::new();
    let mut records = Vec::new();
    let mut row = csv::ByteRecord::new();
    loop {
        match csv_reader.read_byte_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let line = error.position().map_or(1, |p| p.line() as usize);
                match error.into_kind() {
                    csv::ErrorKind::Io(source) => {
                        return Err(ImportError::Io {
                            path: source_name.to_string(),
                            source,
                        });
                    }
                    other => {
                        problems.push(RowProblem::new(
                            source_name,
                            line,
                            format!("cannot read the row as CSV: {other:?}"),
                        ));
                        continue;
                    }
                }
            }
        }
        let line = row.position().map_or(1, |p| p.line() as usize);
        if row.len() != headers.len() {
            problems.push(RowProblem::new(
                source_name,
                line,
                format!(
                    "expected {} fields like the header, found {}",
                    headers.len(),
                    row.len()
                ),
            ));
            continue;
        }
        match parse_row(&columns, &row) {
            Ok(record) => records.push(record),
            Err(messages) => problems.extend(
                messages
                    .into_iter()
                    .map(|message| RowProblem::new(source_name, line, message)),
            ),
        }
    }

    if problems.is_empty() && records.is_empty() {
        problems.push(RowProblem::new(
            source_name,
            1,
            "the file has a header but no records",
        ));
    }
    if problems.is_empty() {
        Ok(records)
    } else {
        Err(ImportError::BadRows(problems))
    }
}

/// Where each of [`COLUMNS`] is in a row, in the order of [`COLUMNS`].
type Columns = [usize; 7];

/// Finds the columns in the header row; problems are reported on line 1.
fn header_columns(source_name: &str, headers: &csv::ByteRecord) -> Result<Columns, ImportError> {
    let bad =
        |message: String| ImportError::BadRows(vec![RowProblem::new(source_name, 1, message)]);
    let expected = COLUMNS.join(",");
    if headers.is_empty()
        || (headers.len() == 1 && field_text(&headers[0]).is_none_or(str::is_empty))
    {
        return Err(bad(format!(
            "the file is empty; expected a header row {expected}"
        )));
    }
    let mut names = Vec::with_capacity(headers.len());
    for (index, raw) in headers.iter().enumerate() {
        let Some(name) = field_text(raw) else {
            return Err(bad(format!(
                "header: column {} is not valid UTF-8",
                index + 1
            )));
        };
        names.push(name.trim_start_matches('\u{feff}').trim().to_lowercase());
    }
    let mut columns: Columns = [0; 7];
    let mut problems = Vec::new();
    let mut missing = Vec::new();
    for (slot, column) in columns.iter_mut().zip(COLUMNS) {
        let mut found = names
            .iter()
            .enumerate()
            .filter(|(_, name)| name.as_str() == column)
            .map(|(index, _)| index);
        match (found.next(), found.next()) {
            (Some(index), None) => *slot = index,
            (Some(_), Some(_)) => problems.push(RowProblem::new(
                source_name,
                1,
                format!("header: column {column} appears more than once"),
            )),
            (None, _) => missing.push(column),
        }
    }
    if !missing.is_empty() {
        problems.insert(
            0,
            RowProblem::new(
                source_name,
                1,
                format!(
                    "header: missing column{} {} (expected {expected})",
                    if missing.len() == 1 { "" } else { "s" },
                    missing.join(", ")
                ),
            ),
        );
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(ImportError::BadRows(problems))
    }
}

/// The field as trimmed text, or `None` when it is not UTF-8.
fn field_text(raw: &[u8]) -> Option<&str> {
    std::str::from_utf8(raw).ok().map(str::trim)
}

/// Validates one row; the record, or one message per bad field.
fn parse_row(columns: &Columns, row: &csv::ByteRecord) -> Result<StudentRecord, Vec<String>> {
    let mut messages = Vec::new();
    let mut fields = [""; 7];
    for ((field, &index), column) in fields.iter_mut().zip(columns).zip(COLUMNS) {
        match row.get(index).map(field_text) {
            Some(Some(text)) => *field = text,
            Some(None) => messages.push(format!("{column}: not valid UTF-8")),
            None => messages.push(format!("{column}: missing")),
        }
    }
    let [kind, name, id_number, school, number, year, level] = fields;
    let mut required = |column: &str, value: &str| {
        if value.is_empty()
            && !messages
                .iter()
                .any(|m| m.starts_with(&format!("{column}:")))
        {
            messages.push(format!("{column}: empty"));
        }
    };
    required("name", name);
    required("school", school);
    required("number", number);
    required("level", level);

    let kind = match RecordKind::parse(kind) {
        Some(kind) => Some(kind),
        None => {
            messages.push(format!(
                "kind: expected current or graduate (or 在校生, 在读, 毕业生), got '{kind}'"
            ));
            None
        }
    };
    let id_number = match IdNumber::parse(id_number) {
        Ok(id) => Some(id),
        Err(error) => {
            messages.push(format!("id_number: {error}"));
            None
        }
    };
    let year = match parse_year(year) {
        Ok(year) => Some(year),
        Err(message) => {
            messages.push(format!("year: {message}"));
            None
        }
    };
    match (kind, id_number, year) {
        (Some(kind), Some(id_number), Some(year)) if messages.is_empty() => Ok(StudentRecord {
            kind,
            real_name: name.to_string(),
            id_number: id_number.as_str().to_string(),
            school: school.to_string(),
            number: number.to_string(),
            year,
            level: level.to_string(),
        }),
        _ => Err(messages),
    }
}

/// A four-digit year from [`MIN_YEAR`] to [`MAX_YEAR`].
fn parse_year(text: &str) -> Result<i64, String> {
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("expected 4 digits, got '{text}'"));
    }
    let year: i64 = text
        .parse()
        .map_err(|_| format!("expected 4 digits, got '{text}'"))?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(format!("{year} is not between {MIN_YEAR} and {MAX_YEAR}"));
    }
    Ok(year)
}

/// Stores validated records in one transaction, skipping duplicates.
async fn store_records(
    db: &Database,
    records: &[StudentRecord],
) -> Result<ImportReport, ImportError> {
    let mut report = ImportReport::default();
    let mut tx = db.pool().begin().await?;
    for record in records {
        // One statement that writes from the start: SQLite takes its write lock at once instead
        // of upgrading a read, and a duplicate earlier in the same file is seen too.
        let inserted = sqlx::query(
            "INSERT INTO student_records (id, kind, real_name, id_number, school, number, year, level) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8 \
             WHERE NOT EXISTS (SELECT 1 FROM student_records \
                 WHERE kind = $2 AND id_number = $4 AND school = $5 AND number = $6)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(record.kind.as_str())
        .bind(record.real_name.as_str())
        .bind(record.id_number.as_str())
        .bind(record.school.as_str())
        .bind(record.number.as_str())
        .bind(record.year)
        .bind(record.level.as_str())
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            report.skipped_duplicates += 1;
        } else {
            report.imported += 1;
        }
    }
    tx.commit().await?;
    Ok(report)
}

/// The stored records of an ID number (normalised first when it is a valid one), current
/// students before graduates, then by year.
pub async fn find_records(
    db: &Database,
    id_number: &str,
) -> Result<Vec<StudentRecord>, StoreError> {
    let normalised = IdNumber::parse(id_number);
    let key = match &normalised {
        Ok(id) => id.as_str(),
        Err(_) => id_number.trim(),
    };
    let rows = sqlx::query(
        "SELECT kind, real_name, id_number, school, number, year, level FROM student_records \
         WHERE id_number = $1 ORDER BY kind, year, school, number",
    )
    .bind(key)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|row| {
            let kind: String = row.try_get("kind")?;
            Ok(StudentRecord {
                kind: RecordKind::parse(&kind)
                    .ok_or_else(|| StoreError::Malformed(format!("record kind `{kind}`")))?,
                real_name: row.try_get("real_name")?,
                id_number: row.try_get("id_number")?,
                school: row.try_get("school")?,
                number: row.try_get("number")?,
                year: row.try_get("year")?,
                level: row.try_get("level")?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_in_english_and_chinese() {
        assert_eq!(RecordKind::parse(" current "), Some(RecordKind::Current));
        assert_eq!(RecordKind::parse("Graduate"), Some(RecordKind::Graduate));
        assert_eq!(RecordKind::parse("在校生"), Some(RecordKind::Current));
        assert_eq!(RecordKind::parse("在读"), Some(RecordKind::Current));
        assert_eq!(RecordKind::parse("毕业生"), Some(RecordKind::Graduate));
        assert!("alumni".parse::<RecordKind>().is_err());
        assert_eq!(RecordKind::Graduate.as_str(), "graduate");
    }

    #[test]
    fn years_are_four_digits_in_range() {
        assert_eq!(parse_year("2019"), Ok(2019));
        assert_eq!(
            parse_year("20x9"),
            Err("expected 4 digits, got '20x9'".to_string())
        );
        assert!(parse_year("1949").is_err());
        assert!(parse_year("2101").is_err());
        assert!(parse_year("019").is_err());
    }

    #[test]
    fn debug_masks_the_id_number() {
        let record = StudentRecord {
            kind: RecordKind::Current,
            real_name: "张三".into(),
            id_number: "120104199102052530".into(),
            school: "南开大学".into(),
            number: "2019001".into(),
            year: 2019,
            level: "本科".into(),
        };
        let debug = format!("{record:?}");
        assert!(debug.contains("1201**********2530"), "{debug}");
        assert!(!debug.contains("120104199102052530"));
    }
}
