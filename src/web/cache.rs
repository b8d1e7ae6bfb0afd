//! Published results never change (the database refuses any change to a published run), so
//! their loaded runs and the page data built from them are kept in memory once computed.
//! Nothing unpublished is ever cached: previews for admins always read the database.

use crate::results::LoadedRun;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

#[derive(Default)]
pub struct Published {
    runs: RwLock<HashMap<i32, Arc<LoadedRun>>>,
    views: RwLock<HashMap<String, Arc<Value>>>,
}

/// Entries kept at most: a view per published year, language, sort order and unit is a few
/// hundred; this bound only protects memory from a flood of odd query strings.
const MAX_VIEWS: usize = 4096;

impl Published {
    pub fn run(&self, year: i32) -> Option<Arc<LoadedRun>> {
        self.runs.read().ok()?.get(&year).cloned()
    }

    pub fn keep_run(&self, year: i32, run: Arc<LoadedRun>) {
        if let Ok(mut m) = self.runs.write() {
            m.insert(year, run);
        }
    }

    /// The cached view under `key`, else `build()`'s, kept for next time.
    pub fn view(&self, key: String, build: impl FnOnce() -> Value) -> Arc<Value> {
        if let Some(v) = self.views.read().ok().and_then(|m| m.get(&key).cloned()) {
            return v;
        }
        let v = Arc::new(build());
        if let Ok(mut m) = self.views.write() {
            if m.len() < MAX_VIEWS {
                m.insert(key, v.clone());
            }
        }
        v
    }
}
