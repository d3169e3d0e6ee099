//! The student records registry import on both backends: good files, duplicates, bad rows that
//! stop the whole import, header problems, BOM and Chinese kinds, free column order, and a
//! database failure midway that leaves nothing behind.

use crate::common;

use std::path::{Path, PathBuf};

use helpbot::accounts::identity::check_character;
use helpbot::accounts::records::{
    ImportError, ImportReport, RecordKind, RowProblem, find_records, import_records,
    import_records_from_reader,
};
use helpbot::store::{Backend, Database};

const ID_A: &str = "120104199102052530";
const ID_B: &str = "11010519491231002X";

/// A valid ID number computed from its first 17 digits.
fn id_from(first17: &str) -> String {
    let check = check_character(first17).expect("17 digits");
    format!("{first17}{check}")
}

fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write csv");
    path
}

fn good_csv() -> String {
    let id_c = id_from("44030419980101123");
    format!(
        "kind,name,id_number,school,number,year,level\n\
         current,张三,{ID_A},南开大学,2019001,2019,本科\n\
         graduate,张三,{ID_A},天津大学,1005612015000123,2015,专科\n\
         graduate, 李四 ,{},北京大学,1000112018000456,2018,硕士研究生\n\
         current,王五,{id_c},深圳大学,2020123,2020,本科\n",
        ID_B.to_lowercase()
    )
}

fn bad_rows(error: ImportError) -> Vec<RowProblem> {
    match error {
        ImportError::BadRows(problems) => problems,
        other => panic!("expected bad rows, got {other:?}"),
    }
}

async fn count(db: &Database) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM student_records")
        .fetch_one(db.pool())
        .await
        .expect("count")
}

#[tokio::test]
async fn a_good_file_imports_and_its_records_are_found() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = write(dir.path(), "records.csv", &good_csv());

        let report = import_records(&db, &path).await.expect("import");
        assert_eq!(
            report,
            ImportReport {
                imported: 4,
                skipped_duplicates: 0
            },
            "{:?}",
            db.backend()
        );

        let a = find_records(&db, ID_A).await.expect("find");
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].kind, RecordKind::Current);
        assert_eq!(a[0].real_name, "张三");
        assert_eq!(a[0].school, "南开大学");
        assert_eq!(a[0].number, "2019001");
        assert_eq!(a[0].year, 2019);
        assert_eq!(a[0].level, "本科");
        assert_eq!(a[1].kind, RecordKind::Graduate);
        assert_eq!(a[1].number, "1005612015000123");
        assert_eq!(a[1].year, 2015);

        // Stored normalised (upper-case X) and trimmed; a lower-case query finds it too.
        let b = find_records(&db, ID_B).await.expect("find");
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].id_number, ID_B);
        assert_eq!(b[0].real_name, "李四");
        assert_eq!(b[0].level, "硕士研究生");
        assert_eq!(
            find_records(&db, &ID_B.to_lowercase())
                .await
                .expect("find")
                .len(),
            1
        );
        assert_eq!(
            find_records(&db, &id_from("44030419980101123"))
                .await
                .expect("find")
                .len(),
            1
        );
        assert!(
            find_records(&db, &id_from("11010119900307001"))
                .await
                .expect("find")
                .is_empty()
        );
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn importing_twice_skips_duplicates() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = write(dir.path(), "records.csv", &good_csv());

        import_records(&db, &path).await.expect("first import");
        let again = import_records(&db, &path).await.expect("second import");
        assert_eq!(
            again,
            ImportReport {
                imported: 0,
                skipped_duplicates: 4
            },
            "{:?}",
            db.backend()
        );
        assert_eq!(count(&db).await, 4);
        assert_eq!(find_records(&db, ID_A).await.expect("find").len(), 2);

        // A duplicate within one file is skipped too; a new record alongside it is stored.
        let more = format!(
            "kind,name,id_number,school,number,year,level\n\
             current,张三,{ID_A},南开大学,2019001,2019,本科\n\
             current,赵六,{},南开大学,2021002,2021,本科\n\
             current,赵六,{},南开大学,2021002,2021,本科\n",
            id_from("12010420030415003"),
            id_from("12010420030415003"),
        );
        let report = import_records_from_reader(&db, "more.csv", more.as_bytes())
            .await
            .expect("import");
        assert_eq!(
            report,
            ImportReport {
                imported: 1,
                skipped_duplicates: 2
            }
        );
        assert_eq!(count(&db).await, 5);
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn one_bad_row_among_good_ones_imports_nothing_and_every_bad_row_is_reported() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        let dir = tempfile::tempdir().expect("temp dir");
        let contents = format!(
            "kind,name,id_number,school,number,year,level\n\
             current,张三,{ID_A},南开大学,2019001,2019,本科\n\
             current,错号,120104199102052531,南开大学,2019002,2019,本科\n\
             graduate,李四,{ID_B},北京大学,1000112018000456,20x9,硕士研究生\n\
             graduate,王五,{},北京大学,1000112018000789,2018,本科\n",
            id_from("44030419980101123")
        );
        let path = write(dir.path(), "bad.csv", &contents);

        let problems = bad_rows(import_records(&db, &path).await.expect_err("bad rows"));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].line, 3);
        assert!(
            problems[0].message.starts_with("id_number: ")
                && problems[0].message.contains("check character")
                && problems[0].message.contains("should be 0"),
            "{}",
            problems[0]
        );
        assert_eq!(problems[1].line, 4);
        assert_eq!(problems[1].message, "year: expected 4 digits, got '20x9'");
        let source = path.display().to_string();
        assert_eq!(problems[1].source, source);
        assert_eq!(
            problems[1].to_string(),
            format!("{source}:4: year: expected 4 digits, got '20x9'")
        );

        // The error lists every problem, one per line; nothing was stored.
        let error = import_records(&db, &path).await.expect_err("bad rows");
        let text = error.to_string();
        assert!(text.contains(&format!("{source}:3: id_number: ")), "{text}");
        assert!(text.contains(&format!("\n{source}:4: year: ")), "{text}");
        assert_eq!(count(&db).await, 0, "{:?}", db.backend());
        assert!(find_records(&db, ID_A).await.expect("find").is_empty());
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn every_field_is_checked() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        let contents = format!(
            "kind,name,id_number,school,number,year,level\n\
             alumni,张三,{ID_A},南开大学,2019001,2019,本科\n\
             current,,{ID_A},,,1949,\n\
             current,张三,{ID_A},南开大学,2019001\n"
        );
        let problems = bad_rows(
            import_records_from_reader(&db, "f.csv", contents.as_bytes())
                .await
                .expect_err("bad rows"),
        );
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            shown[0].starts_with("f.csv:2: kind: expected current or graduate"),
            "{shown:?}"
        );
        for field in ["name", "school", "number", "level", "year"] {
            assert!(
                shown
                    .iter()
                    .any(|p| p.starts_with(&format!("f.csv:3: {field}: "))),
                "{field} in {shown:?}"
            );
        }
        assert!(
            shown.iter().any(|p| p.starts_with("f.csv:4: expected 7")),
            "{shown:?}"
        );
        assert_eq!(count(&db).await, 0);
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn header_problems_are_reported_on_line_1() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        let dir = tempfile::tempdir().expect("temp dir");

        let no_school = write(
            dir.path(),
            "no-school.csv",
            &format!(
                "kind,name,id_number,number,year,level\n\
                 current,张三,{ID_A},2019001,2019,本科\n"
            ),
        );
        let problems = bad_rows(import_records(&db, &no_school).await.expect_err("header"));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, 1);
        assert!(
            problems[0].message.contains("missing column school"),
            "{}",
            problems[0]
        );

        let empty = write(dir.path(), "empty.csv", "");
        let problems = bad_rows(import_records(&db, &empty).await.expect_err("empty"));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 1);
        assert!(problems[0].message.contains("empty"), "{}", problems[0]);

        let header_only = write(
            dir.path(),
            "header-only.csv",
            "kind,name,id_number,school,number,year,level\n",
        );
        let problems = bad_rows(
            import_records(&db, &header_only)
                .await
                .expect_err("no rows"),
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 1);
        assert!(
            problems[0].message.contains("no records"),
            "{}",
            problems[0]
        );

        let missing = dir.path().join("missing.csv");
        match import_records(&db, &missing).await {
            Err(ImportError::Io { path, .. }) => assert!(path.ends_with("missing.csv")),
            other => panic!("expected an I/O error, got {other:?}"),
        }
        assert_eq!(count(&db).await, 0);
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn a_bom_chinese_kinds_and_free_column_order_are_accepted() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        let dir = tempfile::tempdir().expect("temp dir");
        let id_c = id_from("44030419980101123");
        let contents = format!(
            "\u{feff}Year, School ,number,level,name,id_number,kind,note\n\
             2019,南开大学,2019001,本科,张三,{ID_A},在校生,\n\
             2015,天津大学,1005612015000123,专科,张三,{ID_A},毕业生,补录\n\
             \"2020\",\"深圳大学, 南山校区\",2020123,本科,王五,{id_c}, 在读 ,\n"
        );
        let path = write(dir.path(), "bom.csv", &contents);
        let report = import_records(&db, &path).await.expect("import");
        assert_eq!(report.imported, 3, "{:?}", db.backend());

        let a = find_records(&db, ID_A).await.expect("find");
        assert_eq!(a.len(), 2);
        assert_eq!(
            (
                a[0].kind,
                a[0].year,
                a[0].school.as_str(),
                a[0].real_name.as_str()
            ),
            (RecordKind::Current, 2019, "南开大学", "张三")
        );
        assert_eq!(
            (a[1].kind, a[1].number.as_str(), a[1].level.as_str()),
            (RecordKind::Graduate, "1005612015000123", "专科")
        );
        let c = find_records(&db, &id_c).await.expect("find");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].kind, RecordKind::Current);
        assert_eq!(c[0].school, "深圳大学, 南山校区");
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn a_database_failure_midway_leaves_nothing_imported() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        // A trigger that fails the third insert.
        match db.backend() {
            Backend::Sqlite => {
                sqlx::query(
                    "CREATE TRIGGER fail_import BEFORE INSERT ON student_records \
                     WHEN NEW.real_name = '失败' BEGIN SELECT RAISE(ABORT, 'refused'); END",
                )
                .execute(db.pool())
                .await
                .expect("trigger");
            }
            Backend::Postgres => {
                sqlx::query(
                    "CREATE FUNCTION fail_import() RETURNS trigger AS $$ BEGIN \
                     IF NEW.real_name = '失败' THEN RAISE EXCEPTION 'refused'; END IF; \
                     RETURN NEW; END $$ LANGUAGE plpgsql",
                )
                .execute(db.pool())
                .await
                .expect("function");
                sqlx::query(
                    "CREATE TRIGGER fail_import BEFORE INSERT ON student_records \
                     FOR EACH ROW EXECUTE FUNCTION fail_import()",
                )
                .execute(db.pool())
                .await
                .expect("trigger");
            }
        }
        let contents = format!(
            "kind,name,id_number,school,number,year,level\n\
             current,张三,{ID_A},南开大学,2019001,2019,本科\n\
             graduate,李四,{ID_B},北京大学,1000112018000456,2018,硕士研究生\n\
             current,失败,{},深圳大学,2020123,2020,本科\n",
            id_from("44030419980101123")
        );
        match import_records_from_reader(&db, "f.csv", contents.as_bytes()).await {
            Err(ImportError::Store(_)) => {}
            other => panic!("expected a store error, got {other:?}"),
        }
        assert_eq!(count(&db).await, 0, "{:?}", db.backend());
        db.close().await;
    })
    .await;
}
