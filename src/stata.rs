//! Stata `.dta` files, format 118 (Stata 14 and later), written from the format's
//! specification: UTF-8 throughout, so Vietnamese names and labels survive. No I/O and nothing
//! of ddci's domain: a [`Dataset`] of named, labelled columns in, the file's bytes out.
//!
//! The layout, little-endian (`LSF`), every section between its tags:
//!
//! ```text
//! <stata_dta><header><release>118</release><byteorder>LSF</byteorder>
//!   <K>u16 variables</K><N>u64 observations</N><label>u16 length, bytes</label>
//!   <timestamp>u8 length (0 here: the same data give the same bytes)</timestamp></header>
//! <map>14 × u64: offsets of <stata_dta>, <map>, <variable_types>, <varnames>, <sortlist>,
//!   <formats>, <value_label_names>, <variable_labels>, <characteristics>, <data>, <strls>,
//!   <value_labels>, </stata_dta> and the end of the file</map>
//! <variable_types>K × u16 (1–2045: str#, 65526: double)</variable_types>
//! <varnames>K × 129 bytes</varnames><sortlist>(K+1) × u16, all 0 (unsorted)</sortlist>
//! <formats>K × 57 bytes</formats><value_label_names>K × 129 bytes</value_label_names>
//! <variable_labels>K × 321 bytes</variable_labels>
//! <characteristics><ch>i32 length, 129-byte variable, 129-byte name, text NUL</ch>…
//!   </characteristics>
//! <data>N rows of K fields (str#: # bytes, NUL-padded; double: 8 bytes)</data><strls></strls>
//! <value_labels><lbl>i32 table length, 129-byte name, 3 bytes padding, table</lbl>…
//! </value_labels></stata_dta>
//! ```
//!
//! Fixed-width fields are NUL-terminated and cut at a character boundary, never inside a UTF-8
//! character; labels also at Stata's 80 characters. Strings longer than 2045 bytes would need `strL`; no ddci file has any, so they
//! are refused rather than cut.

/// The longest fixed-width string type, `str2045`.
pub const MAX_STR: usize = 2045;
/// Variable names: 32 characters in Stata; the field holds 128 bytes and a NUL.
const NAME_FIELD: usize = 129;
const FORMAT_FIELD: usize = 57;
/// Variable labels: the field holds 320 bytes and a NUL (80 characters of 4 bytes).
const LABEL_FIELD: usize = 321;
/// Stata takes at most 80 characters in a variable or dataset label (`label variable` refuses
/// more); longer texts are cut there, and a caller keeps the whole text in a characteristic.
pub const LABEL_CHARS: usize = 80;
/// The dataset's label: at most 80 characters, 320 bytes.
const DATASET_LABEL_BYTES: usize = 320;
/// A value label's text: Stata reads up to 32,000 bytes.
const VALUE_TEXT_BYTES: usize = 32_000;
const TYPE_DOUBLE: u16 = 65_526;
/// Stata's system missing value `.` for a double: 2^1023.
pub const MISSING: u64 = 0x7FE0_0000_0000_0000;

/// Words Stata reserves; none may name a variable.
const RESERVED: &[&str] = &[
    "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long", "_n",
    "_N", "_pi", "_pred", "_rc", "_se", "_skip", "str", "strL", "using", "with",
];

/// One column of data.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Text, stored as `str#` with # the longest value's bytes (at least 1).
    Text(Vec<String>),
    /// Numbers as doubles; `None` is Stata's missing value `.`.
    Number(Vec<Option<f64>>),
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Text(v) => v.len(),
            Column::Number(v) => v.len(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    /// A valid Stata name (see [`name_for`]).
    pub name: String,
    /// The variable label (cut at 80 characters, and 320 bytes).
    pub label: String,
    /// The value label set attached to a numeric variable, by name.
    pub value_label: Option<String>,
    pub column: Column,
}

/// A value label set: texts for integer values.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueLabel {
    pub name: String,
    pub entries: Vec<(i32, String)>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dataset {
    pub label: String,
    pub variables: Vec<Variable>,
    pub value_labels: Vec<ValueLabel>,
    /// Characteristics `variable[name] = text` (Stata's `char list`): texts too long for a
    /// label, such as a whole question.
    pub characteristics: Vec<(String, String, String)>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum StataError {
    #[error("`{0}` is not a valid Stata variable name (ASCII letters, digits and _, at most 32, not starting with a digit, not reserved)")]
    BadName(String),
    #[error("the Stata name `{0}` is used twice")]
    Duplicate(String),
    #[error("variable `{name}` has {rows} rows where the first variable has {expected}")]
    Ragged {
        name: String,
        rows: usize,
        expected: usize,
    },
    #[error(
        "a value of `{name}` has {bytes} bytes, more than Stata's fixed strings hold ({MAX_STR})"
    )]
    TooLong { name: String, bytes: usize },
    #[error(
        "variable `{name}` refers to the value label `{label}`, which the file does not define"
    )]
    UnknownValueLabel { name: String, label: String },
    #[error("{0} variables are more than a Stata file holds")]
    TooManyVariables(usize),
}

/// `s` cut to at most `max` bytes, at a character boundary.
pub fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `s` cut to Stata's 80 characters for a label, and to `bytes`, at a character boundary.
fn label(s: &str, bytes: usize) -> &str {
    let end = s
        .char_indices()
        .nth(LABEL_CHARS)
        .map_or(s.len(), |(at, _)| at);
    cut(&s[..end], bytes)
}

/// Whether Stata accepts `name` for a variable or a value label.
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok
        && name.len() <= 32
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !RESERVED.contains(&name)
        && !(name.starts_with("str") && name[3..].chars().all(|c| c.is_ascii_digit()))
}

/// A valid Stata name made from `raw` and not in `taken` (which it joins): other characters
/// become `_`, a leading digit gets a `_` before it, 32 characters at most, a reserved word or
/// a name already taken gets a numbered ending.
pub fn name_for(raw: &str, taken: &mut std::collections::HashSet<String>) -> String {
    let mut base: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !base.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        base.insert(0, '_');
    }
    base.truncate(32);
    let mut name = base.clone();
    let mut n = 1;
    while !valid_name(&name) || taken.contains(&name) {
        n += 1;
        let suffix = format!("_{n}");
        name = format!("{}{suffix}", cut(&base, 32 - suffix.len()));
    }
    taken.insert(name.clone());
    name
}

/// A fixed-width field: `s` cut at a character boundary to leave room for the NUL, padded.
fn field(out: &mut Vec<u8>, s: &str, width: usize) {
    let s = cut(s, width - 1);
    out.extend_from_slice(s.as_bytes());
    out.resize(out.len() + width - s.len(), 0);
}

fn check(ds: &Dataset) -> Result<(usize, Vec<u16>), StataError> {
    if ds.variables.len() > 32_767 {
        return Err(StataError::TooManyVariables(ds.variables.len()));
    }
    let rows = ds.variables.first().map_or(0, |v| v.column.len());
    let mut seen = std::collections::HashSet::new();
    let mut types = Vec::new();
    for v in &ds.variables {
        if !valid_name(&v.name) {
            return Err(StataError::BadName(v.name.clone()));
        }
        if !seen.insert(v.name.as_str()) {
            return Err(StataError::Duplicate(v.name.clone()));
        }
        if v.column.len() != rows {
            return Err(StataError::Ragged {
                name: v.name.clone(),
                rows: v.column.len(),
                expected: rows,
            });
        }
        if let Some(label) = &v.value_label {
            if !ds.value_labels.iter().any(|l| &l.name == label) {
                return Err(StataError::UnknownValueLabel {
                    name: v.name.clone(),
                    label: label.clone(),
                });
            }
        }
        types.push(type_of(v)?);
    }
    for l in &ds.value_labels {
        if !valid_name(&l.name) {
            return Err(StataError::BadName(l.name.clone()));
        }
    }
    Ok((rows, types))
}

/// The variable's type code: `str#` for text, 65526 for doubles.
fn type_of(v: &Variable) -> Result<u16, StataError> {
    match &v.column {
        Column::Number(_) => Ok(TYPE_DOUBLE),
        Column::Text(values) => {
            let widest = values.iter().map(String::len).max().unwrap_or(0);
            if widest > MAX_STR {
                return Err(StataError::TooLong {
                    name: v.name.clone(),
                    bytes: widest,
                });
            }
            // Fits: at most 2045.
            Ok(u16::try_from(widest.max(1)).unwrap_or(1))
        }
    }
}

/// Offsets of the 14 places the map records, filled as the sections are written.
struct Map {
    at: usize,
    offsets: Vec<u64>,
}

impl Map {
    fn mark(&mut self, out: &[u8]) {
        self.offsets.push(out.len() as u64);
    }
}

/// The file's bytes.
pub fn write(ds: &Dataset) -> Result<Vec<u8>, StataError> {
    let (rows, types) = check(ds)?;
    let k = u16::try_from(ds.variables.len()).map_err(|_| StataError::TooManyVariables(0))?;
    let mut out = Vec::new();
    let mut map = Map {
        at: 0,
        offsets: vec![],
    };
    map.mark(&out);
    out.extend_from_slice(b"<stata_dta><header><release>118</release><byteorder>LSF</byteorder>");
    out.extend_from_slice(b"<K>");
    out.extend_from_slice(&k.to_le_bytes());
    out.extend_from_slice(b"</K><N>");
    out.extend_from_slice(&(rows as u64).to_le_bytes());
    out.extend_from_slice(b"</N><label>");
    let label = label(&ds.label, DATASET_LABEL_BYTES);
    // At most 320 bytes, so it fits.
    out.extend_from_slice(&u16::try_from(label.len()).unwrap_or(0).to_le_bytes());
    out.extend_from_slice(label.as_bytes());
    out.extend_from_slice(b"</label><timestamp>\0</timestamp></header>");
    map.mark(&out);
    map.at = out.len() + b"<map>".len();
    out.extend_from_slice(b"<map>");
    out.resize(out.len() + 14 * 8, 0);
    out.extend_from_slice(b"</map>");
    descriptors(&mut out, &mut map, ds, &types);
    map.mark(&out);
    characteristics(&mut out, ds);
    map.mark(&out);
    data(&mut out, ds, &types, rows);
    map.mark(&out);
    out.extend_from_slice(b"<strls></strls>");
    map.mark(&out);
    value_labels(&mut out, ds);
    map.mark(&out);
    out.extend_from_slice(b"</stata_dta>");
    map.mark(&out);
    for (i, offset) in map.offsets.iter().enumerate() {
        let at = map.at + 8 * i;
        out[at..at + 8].copy_from_slice(&offset.to_le_bytes());
    }
    Ok(out)
}

/// Types, names, sort list, formats, value label names and variable labels.
fn descriptors(out: &mut Vec<u8>, map: &mut Map, ds: &Dataset, types: &[u16]) {
    map.mark(out);
    out.extend_from_slice(b"<variable_types>");
    for t in types {
        out.extend_from_slice(&t.to_le_bytes());
    }
    out.extend_from_slice(b"</variable_types>");
    map.mark(out);
    out.extend_from_slice(b"<varnames>");
    for v in &ds.variables {
        field(out, &v.name, NAME_FIELD);
    }
    out.extend_from_slice(b"</varnames>");
    map.mark(out);
    out.extend_from_slice(b"<sortlist>");
    out.resize(out.len() + 2 * (ds.variables.len() + 1), 0);
    out.extend_from_slice(b"</sortlist>");
    map.mark(out);
    out.extend_from_slice(b"<formats>");
    for t in types {
        let format = match *t {
            TYPE_DOUBLE => "%10.0g".to_string(),
            width => format!("%-{width}s"),
        };
        field(out, &format, FORMAT_FIELD);
    }
    out.extend_from_slice(b"</formats>");
    map.mark(out);
    out.extend_from_slice(b"<value_label_names>");
    for v in &ds.variables {
        field(out, v.value_label.as_deref().unwrap_or(""), NAME_FIELD);
    }
    out.extend_from_slice(b"</value_label_names>");
    map.mark(out);
    out.extend_from_slice(b"<variable_labels>");
    for v in &ds.variables {
        field(out, label(&v.label, LABEL_FIELD - 1), LABEL_FIELD);
    }
    out.extend_from_slice(b"</variable_labels>");
}

/// Each `<ch>`: its length (i32), the variable's and the characteristic's names (129 bytes
/// each), then the NUL-terminated text.
fn characteristics(out: &mut Vec<u8>, ds: &Dataset) {
    out.extend_from_slice(b"<characteristics>");
    for (variable, name, text) in &ds.characteristics {
        let text = cut(text, VALUE_TEXT_BYTES);
        out.extend_from_slice(b"<ch>");
        out.extend_from_slice(&((2 * NAME_FIELD + text.len() + 1) as u32).to_le_bytes());
        field(out, variable, NAME_FIELD);
        field(out, name, NAME_FIELD);
        out.extend_from_slice(text.as_bytes());
        out.push(0);
        out.extend_from_slice(b"</ch>");
    }
    out.extend_from_slice(b"</characteristics>");
}

fn data(out: &mut Vec<u8>, ds: &Dataset, types: &[u16], rows: usize) {
    out.extend_from_slice(b"<data>");
    for row in 0..rows {
        for (v, t) in ds.variables.iter().zip(types) {
            match &v.column {
                Column::Number(values) => {
                    let bits = values[row].map_or(MISSING, f64::to_bits);
                    out.extend_from_slice(&bits.to_le_bytes());
                }
                Column::Text(values) => {
                    // Checked: no value is wider than its type.
                    let bytes = values[row].as_bytes();
                    out.extend_from_slice(bytes);
                    out.resize(out.len() + usize::from(*t) - bytes.len(), 0);
                }
            }
        }
    }
    out.extend_from_slice(b"</data>");
}

fn value_labels(out: &mut Vec<u8>, ds: &Dataset) {
    out.extend_from_slice(b"<value_labels>");
    for l in &ds.value_labels {
        let table = label_table(l);
        out.extend_from_slice(b"<lbl>");
        out.extend_from_slice(&(table.len() as u32).to_le_bytes());
        field(out, &l.name, NAME_FIELD);
        out.extend_from_slice(&[0, 0, 0]);
        out.extend_from_slice(&table);
        out.extend_from_slice(b"</lbl>");
    }
    out.extend_from_slice(b"</value_labels>");
}

/// n, the texts' length, n offsets, n values, then the NUL-terminated texts; by value.
fn label_table(l: &ValueLabel) -> Vec<u8> {
    let mut entries: Vec<&(i32, String)> = l.entries.iter().collect();
    entries.sort_by_key(|(v, _)| *v);
    let mut text = Vec::new();
    let mut offsets = Vec::new();
    for (_, t) in &entries {
        offsets.push(text.len() as u32);
        text.extend_from_slice(cut(t, VALUE_TEXT_BYTES).as_bytes());
        text.push(0);
    }
    let mut table = Vec::new();
    table.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    table.extend_from_slice(&(text.len() as u32).to_le_bytes());
    for o in offsets {
        table.extend_from_slice(&o.to_le_bytes());
    }
    for (v, _) in &entries {
        table.extend_from_slice(&v.to_le_bytes());
    }
    table.extend_from_slice(&text);
    table
}

#[cfg(test)]
#[path = "stata_tests.rs"]
mod tests;
