//! The JSON API: `POST /api/v1/cycles/{year}/responses` for tablets in face-to-face interviews
//! and other tools. Unknown codes answer 404 after the same lookup as valid ones, used codes
//! 409, invalid fields 422 (one error per field), oversized bodies 413, floods 429.

use super::AppState;
use crate::db::responses::CodeIds;
use crate::db::{self, invitations::SubmitError};
use crate::responses::{Channel, NewResponse};
use crate::survey::admission::{self, Admission};
use crate::survey::{codes, submission};
use actix_web::{error::JsonPayloadError, http::StatusCode, web, HttpRequest, HttpResponse};
use serde::Serialize;
use std::sync::Arc;

pub mod questionnaire;
pub mod what_if;

/// Largest accepted body: a full questionnaire is about 10 KB; 256 KB leaves room for comments.
pub const MAX_BODY: usize = 256 * 1024;

/// Every refusal: a machine-readable `error`, a sentence, and for 422 one entry per field.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    pub error: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<submission::FieldError>,
}

impl ApiError {
    fn new(status: StatusCode, error: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            error,
            message: message.into(),
            errors: Vec::new(),
        }
    }

    fn internal(e: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %e, "api request failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the service has a problem",
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.message)
    }
}

impl actix_web::ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }
    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status).json(self)
    }
}

/// Body errors as JSON: 413 too large, 415 not JSON, 400 malformed. The body is read as any
/// JSON value first, so that every syntax error is a 400, even one after a part of the wrong
/// shape (`[1, 2`); the shape is checked afterwards (422, `submission_of`).
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(MAX_BODY)
        .error_handler(|e, _req| {
            let api = match &e {
                JsonPayloadError::Overflow { .. }
                | JsonPayloadError::OverflowKnownLength { .. } => ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    format!("the body may have at most {MAX_BODY} bytes"),
                ),
                JsonPayloadError::ContentType => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "content_type",
                    "send application/json",
                ),
                other => ApiError::new(StatusCode::BAD_REQUEST, "malformed", other.to_string()),
            };
            api.into()
        })
}

/// Path errors as JSON too: a year that is not a number (or out of range) names no survey,
/// so it is the documented 404 with an `ApiError` body rather than actix's plain text.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|e, _req| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_survey",
            format!("no survey has this year: {e}"),
        )
        .into()
    })
}

/// Proof of participation for the respondent; stored nowhere, linked to nothing.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Receipt {
    receipt: String,
}

/// The OpenAPI 3 description of this API, generated from the handlers and types below.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "DDCI Lạng Sơn survey API",
        description = "Submit a business's completed DDCI questionnaire (face-to-face interviews on tablets, other tools), read a survey's questionnaire, and recompute a published ranking with other component weights."
    ),
    paths(submit_response, questionnaire::questionnaire, what_if::what_if),
    components(schemas(
        what_if::WhatIf,
        what_if::WhatIfUnitOut,
        questionnaire::Questionnaire,
        questionnaire::UnitOut,
        questionnaire::QuestionOut,
        questionnaire::ProfileOut,
        submission::Submission,
        submission::EvaluationInput,
        submission::FieldError,
        ApiError,
        Receipt
    ))
)]
pub struct ApiDoc;

#[tracing::instrument(skip_all)]
pub async fn openapi() -> HttpResponse {
    use utoipa::OpenApi;
    HttpResponse::Ok().json(ApiDoc::openapi())
}

/// Submit one questionnaire with its invitation code; exactly once per code.
#[utoipa::path(
    post,
    path = "/api/v1/cycles/{year}/responses",
    params(("year" = i32, Path, description = "Survey year, e.g. 2025")),
    request_body = submission::Submission,
    responses(
        (status = 201, description = "Stored", body = Receipt),
        (status = 400, description = "Malformed JSON", body = ApiError),
        (status = 404, description = "Unknown invitation code for this year, or a year that is not a number", body = ApiError),
        (status = 409, description = "Code already used, or the survey is not open", body = ApiError),
        (status = 413, description = "Body too large", body = ApiError),
        (status = 415, description = "Not JSON", body = ApiError),
        (status = 422, description = "Invalid fields, one error each", body = ApiError),
        (status = 429, description = "Too many attempts", body = ApiError),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn submit_response(
    state: web::Data<AppState>,
    req: HttpRequest,
    year: web::Path<i32>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    if let super::Attempt::Throttled = state.code_attempt(&req) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many attempts; wait a minute",
        ));
    }
    let body = submission_of(body.into_inner())?;
    let year = year.into_inner();
    let s = state.clone();
    // Look-ups and validation in a worker thread; only the writing goes to the committer.
    let ready = web::block(move || check(&s, year, &body))
        .await
        .map_err(ApiError::internal)?
        .inspect_err(|e| {
            // Only a code that is unknown (or malformed, answered alike) counts as a guess.
            if e.error == UNKNOWN_CODE {
                state.code_failed(&req);
            }
        })?;
    match state
        .committer
        .submit(ready.invitation, ready.ids, ready.response)
        .await
    {
        Ok(()) => {}
        Err(SubmitError::AlreadySubmitted) => return Err(used_code()),
        Err(SubmitError::CycleNotOpen) => return Err(cycle_not_open(year)),
        Err(e) => return Err(ApiError::internal(e)),
    }
    // Sent only now that the submission is committed. A receipt the respondent can keep:
    // random, and stored nowhere, so it cannot lead back to the response.
    let receipt = codes::generate();
    Ok(HttpResponse::Created().json(Receipt { receipt }))
}

/// The questionnaire in a well-formed JSON body, or 422 naming what has the wrong shape.
fn submission_of(body: serde_json::Value) -> Result<submission::Submission, ApiError> {
    serde_json::from_value(body)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string()))
}

/// A submission that passed every check, ready for the committer.
struct Ready {
    invitation: db::invitations::Invitation,
    ids: Arc<CodeIds>,
    response: NewResponse,
}

fn check(state: &AppState, year: i32, body: &submission::Submission) -> Result<Ready, ApiError> {
    let mut conn = state.pool.get().map_err(ApiError::internal)?;
    // Hash and look up even a malformed code, so an unknown code takes as long as a known one.
    let canonical = codes::normalize(&body.code).unwrap_or_default();
    let invitation = db::invitations::find_by_hash(&mut conn, &codes::hash(&canonical))
        .map_err(ApiError::internal)?;
    let cycle = db::cycles::find(&mut conn, year).map_err(ApiError::internal)?;
    let verdict = admission::admit(
        !canonical.is_empty(),
        invitation.as_ref().map(db::invitations::Invitation::facts),
        cycle.as_ref().map(db::cycles::CycleRow::facts),
    );
    let (invitation, cycle) = match (verdict, invitation, cycle) {
        (Admission::Admitted, Some(invitation), Some(cycle)) => (invitation, cycle),
        (Admission::Used, ..) => return Err(used_code()),
        (Admission::CycleNotOpen, ..) => return Err(cycle_not_open(year)),
        _ => return Err(unknown_code()),
    };
    let catalog = state
        .catalogs
        .get(&mut conn, cycle.id)
        .map_err(ApiError::internal)?;
    // The connection goes back to the pool before the CPU-bound validation.
    drop(conn);
    let response =
        submission::validate(&catalog.catalog, body, Channel::Api, &crate::clock::today())
            .map_err(|errors| ApiError {
                errors,
                ..ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    "some answers are not valid",
                )
            })?;
    Ok(Ready {
        invitation,
        ids: catalog.ids.clone(),
        response,
    })
}

const UNKNOWN_CODE: &str = "unknown_code";

fn unknown_code() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        UNKNOWN_CODE,
        "no invitation has this code for this survey",
    )
}

fn cycle_not_open(year: i32) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "cycle_not_open",
        format!("the {year} survey is not open"),
    )
}

fn used_code() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "already_submitted",
        "this invitation code has already been used",
    )
}
