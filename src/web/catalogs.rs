//! Cycle catalogs kept in memory: a submission is checked against its cycle's catalog and
//! stored with the ids of its units and indicators, and reading both for every request was
//! most of the database work of a submission.
//!
//! This is safe because a cycle's catalog never changes: `db::cycles::create` copies units,
//! components, indicators and profile questions into the cycle's own rows once, and nothing
//! else writes those rows (`ddci seed` replaces only the seed catalog, which later cycles
//! copy). The cycle's *status* is not kept here: it can change at any time (another process
//! may close the cycle) and is read for every submission.

use crate::catalog::SeedCatalog;
use crate::db::{self, responses::CodeIds, Conn, DbError};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// A cycle's catalog and the database ids of its codes.
pub struct CycleCatalog {
    pub catalog: SeedCatalog,
    pub ids: Arc<CodeIds>,
}

/// Lets a `&CycleCatalog` be used where a `&SeedCatalog` is expected.
impl std::ops::Deref for CycleCatalog {
    type Target = SeedCatalog;
    fn deref(&self) -> &SeedCatalog {
        &self.catalog
    }
}

#[derive(Default)]
pub struct Catalogs {
    by_cycle: RwLock<HashMap<i64, Arc<CycleCatalog>>>,
}

impl Catalogs {
    /// The catalog of cycle `cycle_id`, read from the database the first time only.
    pub fn get(&self, conn: &mut Conn, cycle_id: i64) -> Result<Arc<CycleCatalog>, DbError> {
        if let Some(c) = self
            .by_cycle
            .read()
            .ok()
            .and_then(|m| m.get(&cycle_id).cloned())
        {
            return Ok(c);
        }
        let loaded = Arc::new(CycleCatalog {
            catalog: db::cycle_catalog::load(conn, cycle_id, Vec::new())?,
            ids: Arc::new(db::responses::code_ids(conn, cycle_id)?),
        });
        if let Ok(mut m) = self.by_cycle.write() {
            m.insert(cycle_id, loaded.clone());
        }
        Ok(loaded)
    }
}
