//! Schema drift: the migrations of the backend under test create exactly the tables, columns
//! and nullability that `src/db/schema.rs` declares. The two are kept by hand (diesel cannot
//! print one schema for two backends), so a column added on one side only fails here instead
//! of at the first query that reads it.

use crate::common::TestDb;
use diesel::sql_types::{Bool, Text};
use diesel::{Connection, QueryableByName, RunQueryDsl};
use std::collections::BTreeMap;

const SCHEMA_RS: &str = include_str!("../../src/db/schema.rs");

/// Table → column → whether the column takes NULL.
type Columns = BTreeMap<String, BTreeMap<String, bool>>;

/// The columns of the `table!` blocks of a diesel schema file (`name -> Type,` lines;
/// `Nullable<…>` types take NULL).
fn declared(schema_rs: &str) -> Columns {
    let mut tables = Columns::new();
    let mut current: Option<String> = None;
    for line in schema_rs.lines().map(str::trim) {
        if line == "}" {
            current = None;
        } else if let Some(head) = line.strip_suffix('{').map(str::trim) {
            // `name (key, …) {` opens a table; `diesel::table! {` only the macro.
            if head != "diesel::table!" {
                let name = head.split(['(', ' ']).next().unwrap_or_default();
                tables.entry(name.to_string()).or_default();
                current = Some(name.to_string());
            }
        } else if let (Some(table), Some((column, ty))) = (&current, line.split_once("->")) {
            let nullable = ty.trim().starts_with("Nullable<");
            tables
                .entry(table.clone())
                .or_default()
                .insert(column.trim().to_string(), nullable);
        }
    }
    tables
}

/// One column of the live database.
#[derive(QueryableByName)]
struct LiveColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

/// diesel's own bookkeeping, which schema.rs does not describe.
const MIGRATIONS_TABLE: &str = "__diesel_schema_migrations";

fn sqlite_columns(raw_url: &str) -> Vec<LiveColumn> {
    let mut conn = diesel::SqliteConnection::establish(raw_url).expect("sqlite connection");
    diesel::sql_query(format!(
        "SELECT m.name AS table_name, p.name AS column_name, p.\"notnull\" = 0 AS nullable \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         AND m.name <> '{MIGRATIONS_TABLE}'"
    ))
    .load(&mut conn)
    .expect("sqlite columns")
}

#[cfg(feature = "postgres")]
fn postgres_columns(raw_url: &str) -> Vec<LiveColumn> {
    let mut conn = diesel::PgConnection::establish(raw_url).expect("postgres connection");
    diesel::sql_query(format!(
        "SELECT table_name::text AS table_name, column_name::text AS column_name, \
         is_nullable = 'YES' AS nullable \
         FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name <> '{MIGRATIONS_TABLE}'"
    ))
    .load(&mut conn)
    .expect("postgres columns")
}

/// The tables and columns of `db` once migrated.
fn live(db: &TestDb) -> Columns {
    let _migrated = db.pool();
    #[cfg(feature = "postgres")]
    let rows = if db.is_postgres() {
        postgres_columns(&db.raw_url)
    } else {
        sqlite_columns(&db.raw_url)
    };
    #[cfg(not(feature = "postgres"))]
    let rows = sqlite_columns(&db.raw_url);
    let mut tables = Columns::new();
    for c in rows {
        tables
            .entry(c.table_name)
            .or_default()
            .insert(c.column_name, c.nullable);
    }
    tables
}

/// Every difference between schema.rs and the database, one sentence each.
fn differences(declared: &Columns, live: &Columns) -> Vec<String> {
    let mut out = Vec::new();
    let table_names: std::collections::BTreeSet<_> = declared.keys().chain(live.keys()).collect();
    for table in table_names {
        let (Some(d), Some(l)) = (declared.get(table), live.get(table)) else {
            let side = if declared.contains_key(table) {
                "schema.rs"
            } else {
                "the migrations"
            };
            out.push(format!("table `{table}` is only in {side}"));
            continue;
        };
        let columns: std::collections::BTreeSet<_> = d.keys().chain(l.keys()).collect();
        for column in columns {
            let null = |n: bool| if n { "nullable" } else { "NOT NULL" };
            match (d.get(column), l.get(column)) {
                (Some(a), Some(b)) if a != b => out.push(format!(
                    "`{table}.{column}` is {} in schema.rs but {} in the migrations",
                    null(*a),
                    null(*b)
                )),
                (Some(_), None) => out.push(format!("`{table}.{column}` is only in schema.rs")),
                (None, Some(_)) => {
                    out.push(format!("`{table}.{column}` is only in the migrations"))
                }
                _ => {}
            }
        }
    }
    out
}

#[test]
fn the_migrations_create_the_tables_columns_and_nullability_of_schema_rs() {
    let db = TestDb::new();
    let declared = declared(SCHEMA_RS);
    assert_eq!(
        declared.len(),
        SCHEMA_RS.matches("diesel::table!").count(),
        "every table! block of schema.rs is read"
    );
    let drift = differences(&declared, &live(&db));
    let backend = if db.is_postgres() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    assert!(drift.is_empty(), "{backend}:\n{}", drift.join("\n"));
}

#[test]
fn the_comparison_names_each_differing_table_and_column() {
    let declared = declared(
        "diesel::table! {\n    cycles (id) {\n        id -> BigInt,\n        \
         year -> Integer,\n        closed_at -> Nullable<Text>,\n        note -> Text,\n    }\n}\n\
         diesel::table! {\n    drafts (id) {\n        id -> BigInt,\n    }\n}\n\
         diesel::joinable!(drafts -> cycles (id));\n",
    );
    let live: Columns = [(
        "cycles".to_string(),
        [
            ("id", false),
            ("year", false),
            ("closed_at", false),
            ("extra", true),
        ]
        .into_iter()
        .map(|(c, n)| (c.to_string(), n))
        .collect(),
    )]
    .into_iter()
    .collect();
    assert_eq!(
        differences(&declared, &live),
        [
            "`cycles.closed_at` is nullable in schema.rs but NOT NULL in the migrations",
            "`cycles.extra` is only in the migrations",
            "`cycles.note` is only in schema.rs",
            "table `drafts` is only in schema.rs",
        ]
    );
    assert!(differences(&declared, &declared).is_empty());
}
