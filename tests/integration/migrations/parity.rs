//! The two backends' migrations build the same schema: after migrating a fresh SQLite file and a
//! fresh PostgreSQL database, each is read back from its own catalog (SQLite's `pragma_table_info`,
//! `pragma_index_list`, `pragma_index_info`, `pragma_foreign_key_list`; PostgreSQL's
//! `information_schema` and `pg_index` / `pg_constraint`) and compared: the same tables; the
//! same columns by name, with equivalent types (the mapping is [`type_family`]), the same
//! nullability and the same default; the same primary keys; the same indexes (named ones by
//! name, columns, uniqueness and whether partial; those behind a UNIQUE constraint by their
//! columns, since each backend names them its own way); the same foreign keys (columns, the
//! table and columns referenced, ON DELETE).
//!
//! Not compared, because SQLite keeps them only as the text of its CREATE statements: CHECK
//! constraints and the predicates of partial indexes (that an index is partial is compared).
//!
//! A difference the backends need is listed in [`INTENDED`] with its reason; one listed that no
//! longer exists fails the test too, so the list stays true.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::TestDb;
use helpbot::store::Database;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

/// Differences the backends need, as [`compare`] words them, and why. None today: SQLite's
/// rowid key and PostgreSQL's BIGSERIAL are the same thing in [`column_default`]'s terms.
const INTENDED: &[(&str, &str)] = &[];

/// The equivalence classes of column types. SQLite stores every integer in up to 8 bytes whatever
/// the declared type (INTEGER, BIGINT), and helpbot's queries bind and read integers as i64 on both
/// backends (sqlx's Any driver reads PostgreSQL's int2/int4/int8 alike), so every integer type is
/// one class; TEXT and VARCHAR are text; BLOB and BYTEA bytes. A type not listed fails the test,
/// so that a new one is mapped deliberately.
fn type_family(declared: &str) -> &'static str {
    match declared.trim().to_ascii_lowercase().as_str() {
        "integer" | "int" | "bigint" | "smallint" | "int2" | "int4" | "int8" => "integer",
        "text" | "varchar" | "character varying" => "text",
        "blob" | "bytea" => "bytes",
        "real" | "double" | "double precision" | "float" => "real",
        "boolean" => "boolean",
        other => panic!("no mapping for the column type `{other}`: add it to type_family"),
    }
}

/// A default as both backends can be compared on: PostgreSQL's casts (`'{}'::text`) dropped, and
/// a generated key (SQLite's INTEGER PRIMARY KEY, PostgreSQL's BIGSERIAL `nextval(…)`) named as
/// such.
fn column_default(raw: Option<&str>, generated_key: bool) -> Option<String> {
    if generated_key || raw.is_some_and(|d| d.starts_with("nextval(")) {
        return Some("<generated key>".into());
    }
    let cast = regex::Regex::new(r"::[a-z ]+$").expect("pattern");
    raw.map(|d| cast.replace(d.trim(), "").into_owned())
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Column {
    family: &'static str,
    nullable: bool,
    default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Index {
    /// `None` for the index behind a UNIQUE constraint (its name is the backend's).
    name: Option<String>,
    columns: Vec<String>,
    unique: bool,
    partial: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ForeignKey {
    columns: Vec<String>,
    table: String,
    references: Vec<String>,
    on_delete: String,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Table {
    columns: BTreeMap<String, Column>,
    primary_key: Vec<String>,
    indexes: BTreeSet<Index>,
    foreign_keys: BTreeSet<ForeignKey>,
}

type Schema = BTreeMap<String, Table>;

/// sqlx's own bookkeeping, not helpbot's schema.
const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// The first column of a catalog query about one name, as text.
async fn texts(pool: &AnyPool, query: &'static str, name: &str) -> Vec<String> {
    catalog(pool, query, name)
        .await
        .iter()
        .map(|row| row.get(0))
        .collect()
}

/// The rows of a catalog query about one name (`$1`: a table, an index).
async fn catalog(pool: &AnyPool, query: &'static str, name: &str) -> Vec<AnyRow> {
    sqlx::query(query)
        .bind(name)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("{query}: {e}"))
}

async fn sqlite_schema(pool: &AnyPool) -> Schema {
    let names: Vec<String> = texts(
        pool,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> $1 ORDER BY name",
        MIGRATIONS_TABLE,
    )
    .await;
    let mut schema = Schema::new();
    for name in names {
        let mut table = Table::default();
        let rows = catalog(
            pool,
            "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1) \
             ORDER BY cid",
            &name,
        )
        .await;
        let mut key: Vec<(i64, String, String)> = rows
            .iter()
            .filter(|r| r.get::<i64, _>("pk") > 0)
            .map(|r| (r.get("pk"), r.get("name"), r.get("type")))
            .collect();
        key.sort();
        // A single INTEGER PRIMARY KEY is the rowid: never NULL, generated when not given.
        let rowid = match key.as_slice() {
            [(_, column, declared)] if declared.eq_ignore_ascii_case("INTEGER") => {
                Some(column.clone())
            }
            _ => None,
        };
        table.primary_key = key.into_iter().map(|(_, column, _)| column).collect();
        for row in &rows {
            let column: String = row.get("name");
            let is_rowid = rowid.as_deref() == Some(column.as_str());
            let declared: String = row.get("type");
            let default: Option<String> = row.get("dflt_value");
            table.columns.insert(
                column,
                Column {
                    family: type_family(&declared),
                    nullable: row.get::<i64, _>("notnull") == 0 && !is_rowid,
                    default: column_default(default.as_deref(), is_rowid),
                },
            );
        }
        let indexes = catalog(
            pool,
            "SELECT name, \"unique\", origin, partial FROM pragma_index_list($1)",
            &name,
        )
        .await;
        for index in indexes {
            let origin: String = index.get("origin");
            if origin == "pk" {
                continue; // compared as the primary key
            }
            let index_name: String = index.get("name");
            let columns: Vec<String> = texts(
                pool,
                "SELECT name FROM pragma_index_info($1) ORDER BY seqno",
                &index_name,
            )
            .await;
            table.indexes.insert(Index {
                name: (origin == "c").then_some(index_name),
                columns,
                unique: index.get::<i64, _>("unique") != 0,
                partial: index.get::<i64, _>("partial") != 0,
            });
        }
        let keys = catalog(
            pool,
            "SELECT id, \"table\" AS target, \"from\" AS source, \"to\" AS referenced, on_delete \
             FROM pragma_foreign_key_list($1) ORDER BY id, seq",
            &name,
        )
        .await;
        let mut by_id: BTreeMap<i64, ForeignKey> = BTreeMap::new();
        for row in keys {
            let target: String = row.get("target");
            let key = by_id.entry(row.get("id")).or_insert_with(|| ForeignKey {
                columns: Vec::new(),
                table: target,
                references: Vec::new(),
                on_delete: row.get("on_delete"),
            });
            key.columns.push(row.get("source"));
            // helpbot always names the referenced column; SQLite leaves it NULL when not named.
            let referenced: Option<String> = row.get("referenced");
            key.references
                .push(referenced.expect("the referenced column is named"));
        }
        table.foreign_keys = by_id.into_values().collect();
        schema.insert(name, table);
    }
    schema
}

async fn postgres_schema(pool: &AnyPool) -> Schema {
    let names: Vec<String> = texts(
        pool,
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
         AND table_name::text <> $1 ORDER BY 1",
        MIGRATIONS_TABLE,
    )
    .await;
    let mut schema = Schema::new();
    for name in names {
        let mut table = Table::default();
        let columns = catalog(
            pool,
            "SELECT column_name::text AS name, data_type::text AS type, \
             is_nullable::text AS nullable, column_default::text AS dflt \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name::text = $1",
            &name,
        )
        .await;
        for row in columns {
            let default: Option<String> = row.get("dflt");
            let declared: String = row.get("type");
            table.columns.insert(
                row.get("name"),
                Column {
                    family: type_family(&declared),
                    nullable: row.get::<String, _>("nullable") == "YES",
                    default: column_default(default.as_deref(), false),
                },
            );
        }
        let index_columns = catalog(
            pool,
            "SELECT i.relname::text AS index_name, ix.indisprimary AS is_primary, \
             ix.indisunique AS is_unique, (ix.indpred IS NOT NULL) AS is_partial, \
             EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid \
                     AND c.contype IN ('p', 'u')) AS backs_constraint, \
             a.attname::text AS column_name \
             FROM pg_index ix \
             JOIN pg_class t ON t.oid = ix.indrelid \
             JOIN pg_class i ON i.oid = ix.indexrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
             WHERE n.nspname = current_schema() AND t.relname::text = $1 \
             ORDER BY i.relname, k.ord",
            &name,
        )
        .await;
        let mut indexes: BTreeMap<String, (Index, bool)> = BTreeMap::new();
        for row in index_columns {
            let index_name: String = row.get("index_name");
            let backs_constraint: bool = row.get("backs_constraint");
            let (index, _) = indexes.entry(index_name.clone()).or_insert_with(|| {
                (
                    Index {
                        name: (!backs_constraint).then_some(index_name),
                        columns: Vec::new(),
                        unique: row.get("is_unique"),
                        partial: row.get("is_partial"),
                    },
                    row.get("is_primary"),
                )
            });
            index.columns.push(row.get("column_name"));
        }
        for (index, primary) in indexes.into_values() {
            if primary {
                table.primary_key = index.columns;
            } else {
                table.indexes.insert(index);
            }
        }
        let keys = catalog(
            pool,
            "SELECT c.conname::text AS name, a.attname::text AS source, \
             rt.relname::text AS target, ra.attname::text AS referenced, \
             CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'r' THEN 'RESTRICT' \
                  WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END \
                  AS on_delete \
             FROM pg_constraint c \
             JOIN pg_class t ON t.oid = c.conrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             JOIN pg_class rt ON rt.oid = c.confrelid \
             CROSS JOIN LATERAL unnest(c.conkey, c.confkey) \
                 WITH ORDINALITY AS k(attnum, refnum, ord) \
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum \
             JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.refnum \
             WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname::text = $1 \
             ORDER BY c.conname, k.ord",
            &name,
        )
        .await;
        let mut by_name: BTreeMap<String, ForeignKey> = BTreeMap::new();
        for row in keys {
            let key = by_name
                .entry(row.get("name"))
                .or_insert_with(|| ForeignKey {
                    columns: Vec::new(),
                    table: row.get("target"),
                    references: Vec::new(),
                    on_delete: row.get("on_delete"),
                });
            key.columns.push(row.get("source"));
            key.references.push(row.get("referenced"));
        }
        table.foreign_keys = by_name.into_values().collect();
        schema.insert(name, table);
    }
    schema
}

/// Every difference, one line each ("table t: …"), in a stable order.
fn compare(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    fn only<T: Ord + Clone>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> Vec<T> {
        a.difference(b).cloned().collect()
    }
    let mut differences = Vec::new();
    let tables = |s: &Schema| s.keys().cloned().collect::<BTreeSet<_>>();
    for name in only(&tables(sqlite), &tables(postgres)) {
        differences.push(format!("table {name}: only on SQLite"));
    }
    for name in only(&tables(postgres), &tables(sqlite)) {
        differences.push(format!("table {name}: only on PostgreSQL"));
    }
    for (name, lite) in sqlite {
        let Some(pg) = postgres.get(name) else {
            continue;
        };
        let columns = |t: &Table| t.columns.keys().cloned().collect::<BTreeSet<_>>();
        for column in only(&columns(lite), &columns(pg)) {
            differences.push(format!("table {name}: column {column} only on SQLite"));
        }
        for column in only(&columns(pg), &columns(lite)) {
            differences.push(format!("table {name}: column {column} only on PostgreSQL"));
        }
        for (column, on_sqlite) in &lite.columns {
            if let Some(on_postgres) = pg.columns.get(column)
                && on_sqlite != on_postgres
            {
                differences.push(format!(
                    "table {name}: column {column} is {on_sqlite:?} on SQLite, \
                     {on_postgres:?} on PostgreSQL"
                ));
            }
        }
        if lite.primary_key != pg.primary_key {
            differences.push(format!(
                "table {name}: primary key {:?} on SQLite, {:?} on PostgreSQL",
                lite.primary_key, pg.primary_key
            ));
        }
        for index in only(&lite.indexes, &pg.indexes) {
            differences.push(format!("table {name}: index {index:?} only on SQLite"));
        }
        for index in only(&pg.indexes, &lite.indexes) {
            differences.push(format!("table {name}: index {index:?} only on PostgreSQL"));
        }
        for key in only(&lite.foreign_keys, &pg.foreign_keys) {
            differences.push(format!("table {name}: foreign key {key:?} only on SQLite"));
        }
        for key in only(&pg.foreign_keys, &lite.foreign_keys) {
            differences.push(format!(
                "table {name}: foreign key {key:?} only on PostgreSQL"
            ));
        }
    }
    differences
}

#[tokio::test]
async fn both_backends_migrate_to_the_same_schema() {
    let (sqlite_db, postgres_db) = (TestDb::sqlite(), TestDb::postgres().await);
    let sqlite: Database = sqlite_db.connect().await;
    let postgres: Database = postgres_db.connect().await;
    let on_sqlite = sqlite_schema(sqlite.pool()).await;
    let on_postgres = postgres_schema(postgres.pool()).await;
    sqlite.close().await;
    postgres.close().await;

    // The reading sees the schema: the tables of the first and the latest migrations, with what
    // each kind of comparison needs.
    for (backend, schema) in [("SQLite", &on_sqlite), ("PostgreSQL", &on_postgres)] {
        let messages = &schema["messages"];
        assert_eq!(messages.primary_key, ["id"], "{backend}");
        assert!(
            messages
                .indexes
                .iter()
                .any(|i| i.name.as_deref() == Some("messages_by_conversation")),
            "{backend}: {messages:?}"
        );
        assert!(
            messages
                .foreign_keys
                .iter()
                .any(|k| k.table == "conversations" && k.on_delete == "CASCADE"),
            "{backend}: {messages:?}"
        );
        assert!(
            schema["accounts"]
                .indexes
                .iter()
                .any(|i| i.name.is_none() && i.unique && i.columns == ["username"]),
            "{backend}: the UNIQUE constraint on accounts.username"
        );
        assert!(
            schema["accounts"].columns["mobile"].nullable
                && !schema["accounts"].columns["username"].nullable,
            "{backend}"
        );
        assert!(schema.contains_key("staff_accounts"), "{backend}");
        assert!(!schema.contains_key(MIGRATIONS_TABLE), "{backend}");
    }

    let found = compare(&on_sqlite, &on_postgres);
    let intended: BTreeSet<&str> = INTENDED.iter().map(|(difference, _)| *difference).collect();
    let unexpected: Vec<&String> = found
        .iter()
        .filter(|d| !intended.contains(d.as_str()))
        .collect();
    assert!(
        unexpected.is_empty(),
        "the backends' schemas differ:\n{}",
        unexpected
            .iter()
            .map(|d| d.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let stale: Vec<&&str> = intended
        .iter()
        .filter(|d| !found.iter().any(|f| f == *d))
        .collect();
    assert!(stale.is_empty(), "listed as intended but gone: {stale:?}");
}

#[test]
fn types_and_defaults_compare_by_their_meaning() {
    assert_eq!(type_family("BIGINT"), type_family("integer"));
    assert_eq!(type_family("TEXT"), type_family("character varying"));
    assert_eq!(type_family("BLOB"), type_family("bytea"));
    assert_ne!(type_family("TEXT"), type_family("BLOB"));
    assert_eq!(
        column_default(Some("'{}'::text"), false),
        column_default(Some("'{}'"), false)
    );
    assert_eq!(
        column_default(Some("nextval('messages_id_seq'::regclass)"), false),
        column_default(None, true)
    );
    assert_ne!(
        column_default(Some("0"), false),
        column_default(None, false)
    );
}

#[test]
fn a_difference_is_worded_with_its_table_and_backend() {
    let mut lite = Schema::new();
    let mut pg = Schema::new();
    let column = Column {
        family: "integer",
        nullable: false,
        default: None,
    };
    let mut table = Table::default();
    table.columns.insert("a".into(), column.clone());
    lite.insert("t".into(), table.clone());
    table.columns.insert(
        "a".into(),
        Column {
            nullable: true,
            ..column
        },
    );
    table.indexes.insert(Index {
        name: Some("t_by_a".into()),
        columns: vec!["a".into()],
        unique: false,
        partial: false,
    });
    pg.insert("t".into(), table);
    pg.insert("u".into(), Table::default());
    let found = compare(&lite, &pg);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(
        found[0].starts_with("table u: only on PostgreSQL"),
        "{found:?}"
    );
    assert!(found[1].contains("column a is"), "{found:?}");
    assert!(found[2].contains("t_by_a") && found[2].ends_with("only on PostgreSQL"));
}
