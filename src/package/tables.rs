//! One CSV file of the package: its columns with their Frictionless types, and its rows.

use serde_json::{json, Value};

pub struct CsvFile {
    pub name: &'static str,
    /// (column, Frictionless type: string, number, integer, boolean).
    pub fields: Vec<(String, &'static str)>,
    pub rows: Vec<Vec<String>>,
}

impl CsvFile {
    pub fn new(name: &'static str, fields: &[(&str, &'static str)]) -> CsvFile {
        CsvFile {
            name,
            fields: fields.iter().map(|(n, t)| (n.to_string(), *t)).collect(),
            rows: Vec::new(),
        }
    }

    /// UTF-8 without BOM, comma-separated, header row; quoting only where CSV needs it.
    pub fn bytes(&self) -> Result<Vec<u8>, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(self.fields.iter().map(|(n, _)| n.as_str()))?;
        for row in &self.rows {
            w.write_record(row)?;
        }
        w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
    }

    /// The resource entry of `datapackage.json`.
    pub fn resource(&self) -> Value {
        let fields: Vec<Value> = self
            .fields
            .iter()
            .map(|(name, ty)| json!({"name": name, "type": ty}))
            .collect();
        json!({
            "name": self.name.trim_end_matches(".csv"),
            "path": self.name,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {"fields": fields},
        })
    }
}
