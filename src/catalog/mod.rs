//! The seed catalog (`seeds/lang-son/*.csv`): parsing and validation, no database.
//!
//! A catalog is loaded whole or not at all: the first problem stops the load with the file, line
//! and column named (see `seeds/lang-son/README.md` for the format).

mod era;
mod links;
mod parse;
pub mod table;

use crate::scoring::model::{Aggregate, Direction, Group, QuestionType};
pub use era::{valid_in, Estimator, Relation, UnitLink};
pub use table::CsvError;

/// The Lạng Sơn catalog compiled into the binary, so that a fresh machine needs no files.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("kinds.csv", include_str!("../../seeds/lang-son/kinds.csv")),
    ("units.csv", include_str!("../../seeds/lang-son/units.csv")),
    (
        "components.csv",
        include_str!("../../seeds/lang-son/components.csv"),
    ),
    (
        "indicators.csv",
        include_str!("../../seeds/lang-son/indicators.csv"),
    ),
    (
        "profile_questions.csv",
        include_str!("../../seeds/lang-son/profile_questions.csv"),
    ),
    (
        "profile_choices.csv",
        include_str!("../../seeds/lang-son/profile_choices.csv"),
    ),
    (
        "groups.csv",
        include_str!("../../seeds/lang-son/groups.csv"),
    ),
    (
        "pci_accountability.csv",
        include_str!("../../seeds/lang-son/pci_accountability.csv"),
    ),
    (
        "unit_links.csv",
        include_str!("../../seeds/lang-son/unit_links.csv"),
    ),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Kind {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub sort_order: i32,
    /// The minimum number of evaluations for a ranking; `None` = the cycle's default.
    pub min_responses: Option<u32>,
    pub estimator: Estimator,
    /// First and last cycle year the kind is assessed (`None` = open).
    pub valid_from: Option<i32>,
    pub valid_to: Option<i32>,
    /// Shown above each block of this kind's questions (reference period); may be empty.
    pub intro_vi: String,
    pub intro_en: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitDef {
    pub code: String,
    pub kind: String,
    pub name_vi: String,
    pub name_en: String,
    pub sort_order: i32,
    /// First and last cycle year of this row (`None` = open).
    pub valid_from: Option<i32>,
    pub valid_to: Option<i32>,
    /// The national statistics office's code (communes), kept as text with its leading zeros.
    pub official_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ComponentDef {
    pub code: String,
    pub kind: String,
    pub name_vi: String,
    pub name_en: String,
    pub weight: f64,
    pub sort_order: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorDef {
    pub code: String,
    pub component_code: String,
    pub kind: String,
    pub question_type: QuestionType,
    pub aggregate: Aggregate,
    pub direction: Direction,
    pub weight: f64,
    pub scale: Scale,
    pub text_vi: String,
    pub text_en: String,
    pub unit_vi: String,
    pub unit_en: String,
    pub dont_know: bool,
    pub sort_order: i32,
}

/// Which answer labels a question shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Agree,
    Quality,
    Frequency,
    YesNo,
    Number,
}

impl Scale {
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Agree => "agree",
            Scale::Quality => "quality",
            Scale::Frequency => "frequency",
            Scale::YesNo => "yes_no",
            Scale::Number => "number",
        }
    }

    /// The question type a scale belongs to.
    pub fn question_type(self) -> QuestionType {
        match self {
            Scale::Agree | Scale::Quality | Scale::Frequency => QuestionType::Likert5,
            Scale::YesNo => QuestionType::YesNo,
            Scale::Number => QuestionType::Number,
        }
    }
}

impl std::str::FromStr for Scale {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "agree" => Scale::Agree,
            "quality" => Scale::Quality,
            "frequency" => Scale::Frequency,
            "yes_no" => Scale::YesNo,
            "number" => Scale::Number,
            _ => {
                return Err(format!(
                    "`{s}` is not a valid scale (expected one of: agree quality frequency yes_no number)"
                ))
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProfileQuestionDef {
    pub code: String,
    /// `single_choice` or `number`.
    pub question_type: String,
    pub text_vi: String,
    pub text_en: String,
    pub sort_order: i32,
    pub valid_from: Option<i32>,
    pub valid_to: Option<i32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProfileChoiceDef {
    pub question_code: String,
    pub code: String,
    pub label_vi: String,
    pub label_en: String,
    pub sort_order: i32,
    /// Earlier names a respondent may search by (e.g. the former communes merged into this one).
    pub former_names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PciLink {
    pub pci_code: String,
    pub name_vi: String,
    pub name_en: String,
    pub pci_weight: Option<f64>,
    pub lead_unit_code: String,
    pub ddci_component_codes: Vec<String>,
    pub sort_order: i32,
    pub valid_from: Option<i32>,
    pub valid_to: Option<i32>,
}

/// A whole, validated seed catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedCatalog {
    pub kinds: Vec<Kind>,
    pub units: Vec<UnitDef>,
    pub components: Vec<ComponentDef>,
    pub indicators: Vec<IndicatorDef>,
    pub profile_questions: Vec<ProfileQuestionDef>,
    pub profile_choices: Vec<ProfileChoiceDef>,
    pub groups: Vec<Group>,
    pub pci_links: Vec<PciLink>,
    /// Succession of units across the 2025 reorganisation (`unit_links.csv`).
    pub unit_links: Vec<UnitLink>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error(transparent)]
    Csv(#[from] CsvError),
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl SeedCatalog {
    /// The catalog compiled into the binary.
    pub fn embedded() -> Result<SeedCatalog, CatalogError> {
        SeedCatalog::from_files(|name| {
            EMBEDDED
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, text)| (*text).to_string())
                .ok_or_else(|| CatalogError::Io {
                    path: name.to_string(),
                    source: std::io::ErrorKind::NotFound.into(),
                })
        })
    }

    /// A catalog folder laid out like `seeds/lang-son/`.
    pub fn from_dir(dir: &std::path::Path) -> Result<SeedCatalog, CatalogError> {
        SeedCatalog::from_files(|name| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|source| CatalogError::Io {
                path: path.display().to_string(),
                source,
            })
        })
    }

    fn from_files(
        read: impl Fn(&str) -> Result<String, CatalogError>,
    ) -> Result<SeedCatalog, CatalogError> {
        parse::parse_catalog(read)
    }

    /// The part of the catalog valid in cycle `year`: its kinds, their units, components and
    /// indicators, the profile, the PCI map of that year and the links of its units.
    pub fn for_year(&self, year: i32) -> SeedCatalog {
        era::for_year(self, year)
    }

    /// The kind of a code, if the catalog has it.
    pub fn kind(&self, code: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.code == code)
    }

    /// The scored kinds, in display order.
    pub fn kind_codes(&self) -> Vec<&str> {
        self.kinds.iter().map(|k| k.code.as_str()).collect()
    }
}
