//! A response as the survey, the API, the paper import and the demo hand it to storage.

/// How a response reached the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Web,
    Api,
    Paper,
    Demo,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Api => "api",
            Channel::Paper => "paper",
            Channel::Demo => "demo",
        }
    }
}

/// One questionnaire to store, already validated against the cycle's catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct NewResponse {
    /// The paper questionnaire's id, or a random key for web and API responses.
    pub key: String,
    pub weight: f64,
    pub channel: Channel,
    /// `YYYY-MM-DD`.
    pub submitted_on: String,
    /// (profile question code, value).
    pub profile: Vec<(String, String)>,
    pub evaluations: Vec<NewEvaluation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewEvaluation {
    pub unit_code: String,
    /// (indicator code, value); `None` is "don't know / not applicable".
    pub answers: Vec<(String, Option<f64>)>,
    pub comment: Option<String>,
}

/// A fresh random id (responses, evaluations, test schemas): positive and not a sequence, so
/// it says nothing about the order in which businesses answered.
pub fn random_id() -> i64 {
    use rand_core::RngCore;
    (rand_core::OsRng.next_u64() >> 1) as i64
}
