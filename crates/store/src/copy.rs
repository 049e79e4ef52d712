//! Moving a store between backends: every row of every table copied into an empty store, in one
//! transaction on each side, and both ends digested table by table (row count and SHA-256 of the
//! rows in key order) and compared before the copy commits. Sequence numbers, ids and timestamps are copied as they
//! are, so that a data folder's search index and preservation copy, which name change numbers,
//! stay true of the copy.

use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row, Transaction};

use crate::{Backend, Error, Result, Store};

/// A column's kind: how its values are read and bound.
#[derive(Clone, Copy)]
enum Kind {
    Integer,
    Text,
    Bytes,
}

/// A table: its name, its columns, and the columns that order its rows (its key).
struct Table {
    name: &'static str,
    columns: &'static [(&'static str, Kind)],
    key: &'static str,
    /// The column PostgreSQL numbers by itself (an identity), set past the copied rows after.
    identity: Option<&'static str>,
}

use Kind::{Bytes, Integer, Text};

/// Every table of schema 11, parents before the tables that refer to them.
const TABLES: &[Table] = &[
    Table {
        name: "records",
        columns: &[
            ("id", Text),
            ("title", Text),
            ("date_printed", Text),
            ("date_edtf", Text),
            ("date_min", Text),
            ("date_max", Text),
            ("doc_type", Text),
            ("body", Bytes),
            ("body_version", Integer),
            ("source_path", Text),
            ("source_sha256", Text),
            ("source_format", Text),
            ("imported_at", Text),
            ("revision", Integer),
            ("created_at", Text),
            ("updated_at", Text),
            ("deleted_at", Text),
            ("collection_id", Text),
            ("id_key", Text),
            ("oai_id", Text),
        ],
        key: "id",
        identity: None,
    },
    Table {
        name: "record_revisions",
        columns: &[
            ("record_id", Text),
            ("revision", Integer),
            ("body", Bytes),
            ("body_version", Integer),
            ("source_path", Text),
            ("source_sha256", Text),
            ("source_format", Text),
            ("imported_at", Text),
            ("superseded_at", Text),
        ],
        key: "record_id, revision",
        identity: None,
    },
    Table {
        name: "changes",
        columns: &[
            ("seq", Integer),
            ("record_id", Text),
            ("kind", Text),
            ("revision", Integer),
            ("at", Text),
            ("actor", Text),
            ("comment", Text),
        ],
        key: "seq",
        identity: Some("seq"),
    },
    Table {
        name: "sources",
        columns: &[
            ("rowid", Integer),
            ("sha256", Text),
            ("path", Text),
            ("format", Text),
            ("bytes", Bytes),
            ("first_seen", Text),
            ("encoding", Text),
        ],
        key: "sha256",
        identity: Some("rowid"),
    },
    Table {
        name: "collections",
        columns: &[
            ("id", Text),
            ("parent_id", Text),
            ("kind", Text),
            ("title", Text),
            ("editors", Text),
            ("published", Text),
            ("position", Integer),
        ],
        key: "id",
        identity: None,
    },
    Table {
        name: "authorities",
        columns: &[("key", Text), ("kind", Text), ("name", Text), ("description", Text)],
        key: "key",
        identity: None,
    },
    Table {
        name: "record_entities",
        columns: &[("record_id", Text), ("authority_key", Text)],
        key: "record_id, authority_key",
        identity: None,
    },
    Table {
        name: "record_aliases",
        columns: &[("alias_key", Text), ("record_id", Text)],
        key: "alias_key",
        identity: None,
    },
    Table {
        name: "edition_places",
        columns: &[
            ("record_id", Text),
            ("volume_id", Text),
            ("collection_id", Text),
            ("position", Integer),
            ("number", Text),
            ("kind", Text),
        ],
        key: "record_id",
        identity: None,
    },
    Table {
        name: "persons",
        columns: &[
            ("id", Text),
            ("hsg_id", Text),
            ("name", Text),
            ("body", Text),
            ("updated_at", Text),
            ("merged_into", Text),
        ],
        key: "id",
        identity: None,
    },
    Table {
        name: "person_decisions",
        columns: &[
            ("seq", Integer),
            ("kind", Text),
            ("subject", Text),
            ("target", Text),
            ("entries", Text),
            ("name", Text),
            ("reason", Text),
            ("decided_at", Text),
        ],
        key: "seq",
        identity: Some("seq"),
    },
    Table {
        name: "person_entries",
        columns: &[("entry_key", Text), ("person_id", Text)],
        key: "entry_key",
        identity: None,
    },
    Table {
        name: "person_keys",
        columns: &[("key", Text), ("person_id", Text)],
        key: "key, person_id",
        identity: None,
    },
    Table {
        name: "office_holders",
        columns: &[("id", Text), ("name", Text), ("body", Text), ("updated_at", Text)],
        key: "id",
        identity: None,
    },
    Table {
        name: "titles",
        columns: &[("id", Text), ("singular", Text)],
        key: "id",
        identity: None,
    },
    Table {
        name: "positions",
        columns: &[
            ("id", Text),
            ("holder", Text),
            ("title", Text),
            ("kind", Text),
            ("post", Text),
            ("contemporary", Text),
            ("appointed", Text),
            ("started", Text),
            ("ended", Text),
            ("ended_note", Text),
            ("updated_at", Text),
        ],
        key: "id",
        identity: None,
    },
    Table {
        name: "person_office_holders",
        columns: &[("holder", Text), ("person_id", Text)],
        key: "holder, person_id",
        identity: None,
    },
    Table {
        name: "events",
        columns: &[
            ("id", Text),
            ("party_a", Text),
            ("party_b", Text),
            ("date_edtf", Text),
            ("date_min", Text),
            ("kind", Text),
            ("body", Text),
            ("revision", Integer),
            ("updated_at", Text),
            ("actor", Text),
        ],
        key: "id",
        identity: None,
    },
    Table {
        name: "event_revisions",
        columns: &[
            ("event_id", Text),
            ("revision", Integer),
            ("body", Text),
            ("replaced_at", Text),
            ("actor", Text),
        ],
        key: "event_id, revision",
        identity: None,
    },
    Table {
        name: "visits",
        columns: &[
            ("id", Text),
            ("kind", Text),
            ("who", Text),
            ("who_id", Text),
            ("country", Text),
            ("locale", Text),
            ("start_day", Text),
            ("end_day", Text),
            ("note", Text),
            ("updated_at", Text),
        ],
        key: "id",
        identity: None,
    },
    Table {
        name: "accounts",
        columns: &[
            ("id", Integer),
            ("name", Text),
            ("name_key", Text),
            ("password_hash", Text),
            ("role", Text),
            ("created_at", Text),
            ("password_set_at", Text),
            ("disabled_at", Text),
        ],
        key: "id",
        identity: Some("id"),
    },
    Table {
        name: "sessions",
        columns: &[
            ("token_sha256", Text),
            ("account_id", Integer),
            ("csrf", Text),
            ("address", Text),
            ("created_at", Text),
            ("seen_at", Text),
            ("expires_at", Text),
        ],
        key: "token_sha256",
        identity: None,
    },
    Table {
        name: "api_tokens",
        columns: &[
            ("id", Integer),
            ("token_sha256", Text),
            ("account_id", Integer),
            ("role", Text),
            ("label", Text),
            ("created_at", Text),
            ("used_at", Text),
            ("revoked_at", Text),
        ],
        key: "id",
        identity: Some("id"),
    },
    Table {
        name: "drafts",
        columns: &[
            ("id_key", Text),
            ("record_id", Text),
            ("body", Bytes),
            ("body_version", Integer),
            ("base_revision", Integer),
            ("version", Integer),
            ("account_id", Integer),
            ("comment", Text),
            ("saved_at", Text),
        ],
        key: "id_key",
        identity: None,
    },
    Table {
        name: "audit_log",
        columns: &[
            ("seq", Integer),
            ("at", Text),
            ("actor", Text),
            ("address", Text),
            ("action", Text),
            ("target", Text),
            ("comment", Text),
            ("detail", Text),
        ],
        key: "seq",
        identity: Some("seq"),
    },
];

/// The names of every table of the schema, parents first.
pub(crate) fn table_names() -> impl Iterator<Item = &'static str> {
    TABLES.iter().map(|table| table.name)
}

/// Rows written per statement at most: a few thousand bound values, under both SQLite's and
/// PostgreSQL's limits on parameters.
const ROWS_PER_STATEMENT: usize = 200;

/// Bytes of values held for one statement before it is written, whatever its row count: the
/// copy's memory stays bounded by this plus the largest row (a source file).
const BYTES_PER_STATEMENT: usize = 8 << 20;

/// One table of a store, digested: its rows and the SHA-256 of their values in key order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDigest {
    /// The table.
    pub table: &'static str,
    /// How many rows it holds.
    pub rows: u64,
    /// SHA-256 (hex) over every row's values, in key order.
    pub sha256: String,
}

/// One value of a row, as read from either backend.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Integer(i64),
    Text(String),
    Bytes(Vec<u8>),
}

impl Value {
    /// The bytes it holds (text and blobs; a number counts as eight).
    fn len(&self) -> usize {
        match self {
            Value::Null => 0,
            Value::Integer(_) => 8,
            Value::Text(t) => t.len(),
            Value::Bytes(b) => b.len(),
        }
    }
}

fn value(row: &AnyRow, at: usize, kind: Kind) -> Result<Value> {
    Ok(match kind {
        Integer => row.try_get::<Option<i64>, _>(at)?.map_or(Value::Null, Value::Integer),
        Text => row.try_get::<Option<String>, _>(at)?.map_or(Value::Null, Value::Text),
        Bytes => row.try_get::<Option<Vec<u8>>, _>(at)?.map_or(Value::Null, Value::Bytes),
    })
}

fn select(table: &Table) -> String {
    let columns: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
    format!("SELECT {} FROM {} ORDER BY {}", columns.join(", "), table.name, table.key)
}

/// Feeds one value to a digest, unambiguously (a tag and a length before the bytes).
fn digest_value(hasher: &mut Sha256, value: &Value) {
    let (tag, bytes): (u8, std::borrow::Cow<'_, [u8]>) = match value {
        Value::Null => (0, (&[][..]).into()),
        Value::Integer(i) => (1, i.to_string().into_bytes().into()),
        Value::Text(t) => (2, t.as_bytes().into()),
        Value::Bytes(b) => (3, b.as_slice().into()),
    };
    hasher.update([tag]);
    hasher.update((bytes.len() as u64).to_be_bytes());
    hasher.update(&bytes);
}

impl Store {
    /// Every table, digested (see [`TableDigest`]): equal digests mean equal stores, whichever
    /// backend each is on.
    pub async fn digest(&self) -> Result<Vec<TableDigest>> {
        let mut tx = self.begin_snapshot().await?;
        let digests = digest_within(&mut tx).await?;
        tx.commit().await?;
        Ok(digests)
    }

    /// Copies every row of this store into `target`, which must hold nothing, in one transaction
    /// (all or nothing), calling `progress(table, rows)` after each table; compares the two
    /// ends' digests before committing, and returns them. The source is read as one snapshot, so
    /// a store being written meanwhile is copied, and verified, as of one moment.
    pub async fn copy_into(
        &self,
        target: &Store,
        progress: &mut (dyn FnMut(&str, u64) + Send),
    ) -> Result<Vec<TableDigest>> {
        let mut from = self.begin_snapshot().await?;
        let mut to = target.begin_write().await?;
        for table in TABLES {
            let held: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT count(*) FROM {}",
                table.name
            )))
            .fetch_one(&mut *to)
            .await?;
            if held > 0 {
                return Err(Error::Rejected(format!(
                    "the target already holds a store ({held} row(s) in `{}`): copy into an \
                     empty database or a data folder with no store",
                    table.name
                )));
            }
        }
        for table in TABLES {
            // Streamed, a statement's worth at a time: memory stays bounded by the largest rows.
            let sql = select(table);
            let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *from);
            let (mut batch, mut bytes, mut count) = (Vec::new(), 0, 0);
            while let Some(row) = rows.try_next().await? {
                let values = table
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(at, (_, kind))| value(&row, at, *kind))
                    .collect::<Result<Vec<_>>>()?;
                bytes += values.iter().map(Value::len).sum::<usize>();
                batch.push(values);
                if batch.len() == ROWS_PER_STATEMENT || bytes >= BYTES_PER_STATEMENT {
                    count += batch.len() as u64;
                    insert(&mut to, table, std::mem::take(&mut batch)).await?;
                    bytes = 0;
                }
            }
            drop(rows);
            if !batch.is_empty() {
                count += batch.len() as u64;
                insert(&mut to, table, batch).await?;
            }
            if let (Some(column), Backend::Postgres) = (table.identity, target.backend) {
                // Numbering goes on after the copied rows.
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT setval(pg_get_serial_sequence('{0}', '{column}'), max({column}))
                     FROM {0} HAVING max({column}) IS NOT NULL",
                    table.name
                )))
                .execute(&mut *to)
                .await?;
            }
            progress(table.name, count);
        }
        // Both ends digested inside their transactions: the source as of the snapshot copied
        // (writes meanwhile do not count), the target before anything of it is committed.
        let (source, copied) = (digest_within(&mut from).await?, digest_within(&mut to).await?);
        if let Some((a, b)) = source.iter().zip(&copied).find(|(a, b)| a != b) {
            return Err(Error::Rejected(format!(
                "the copy would differ from its source in `{}` ({} row(s), SHA-256 {} against {} \
                 row(s), {}): the target's backend changed a value; nothing was written",
                a.table, b.rows, b.sha256, a.rows, a.sha256
            )));
        }
        from.commit().await?;
        to.commit().await?;
        Ok(copied)
    }

    /// A read transaction that sees one moment of the store throughout.
    async fn begin_snapshot(&self) -> Result<Transaction<'static, Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin().await?,
            Backend::Postgres => {
                self.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?
            }
        })
    }
}

/// Every table digested as the transaction (or connection) `tx` sees it.
async fn digest_within(tx: &mut AnyConnection) -> Result<Vec<TableDigest>> {
    let mut digests = Vec::new();
    for table in TABLES {
        let sql = select(table);
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *tx);
        let (mut hasher, mut count) = (Sha256::new(), 0);
        while let Some(row) = rows.try_next().await? {
            for (at, (_, kind)) in table.columns.iter().enumerate() {
                digest_value(&mut hasher, &value(&row, at, *kind)?);
            }
            count += 1;
        }
        drop(rows);
        digests.push(TableDigest {
            table: table.name,
            rows: count,
            sha256: chancery_model::id::hex(&hasher.finalize()),
        });
    }
    Ok(digests)
}

/// Writes rows read from `table` into the same table on the other side, in one statement.
async fn insert(to: &mut AnyConnection, table: &Table, rows: Vec<Vec<Value>>) -> Result<()> {
    let width = table.columns.len();
    let names: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
    let tuples: Vec<String> = (0..rows.len())
        .map(|r| {
            let params: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", params.join(", "))
        })
        .collect();
    let sql =
        format!("INSERT INTO {} ({}) VALUES {}", table.name, names.join(", "), tuples.join(", "));
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for row in rows {
        for (value, (_, kind)) in row.into_iter().zip(table.columns) {
            query = match (value, kind) {
                (Value::Null, Integer) => query.bind(None::<i64>),
                (Value::Null, Text) => query.bind(None::<String>),
                (Value::Null, Bytes) => query.bind(None::<Vec<u8>>),
                (Value::Integer(i), _) => query.bind(i),
                (Value::Text(t), _) => query.bind(t),
                (Value::Bytes(b), _) => query.bind(b),
            };
        }
    }
    query.execute(&mut *to).await?;
    Ok(())
}
