//! The respondent's pages. So far: the survey's entry, where a business enters its invitation
//! code (or follows a link that carries it) and learns whether it can answer.

use super::pages::PageError;
use super::{csrf, render, AppState};
use crate::cycles::Status;
use crate::db::{self, invitations::Invitation};
use crate::seal::SealKey;
use crate::survey::admission::{self, Admission};
use crate::survey::codes;
use actix_web::{http::StatusCode, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
pub struct CodeQuery {
    code: Option<String>,
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
    csrf_token: Option<String>,
}

/// The open cycle businesses answer now (the latest open one).
fn open_cycle(state: &AppState) -> Result<Option<db::cycles::CycleRow>, db::DbError> {
    let mut conn = state.pool.get()?;
    Ok(db::cycles::list(&mut conn)?
        .into_iter()
        .find(|c| c.status() == Status::Open))
}

#[tracing::instrument(skip_all)]
pub async fn entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<CodeQuery>,
) -> Result<HttpResponse, PageError> {
    let s = state.clone();
    let cycle = web::block(move || open_cycle(&s)).await??;
    let data = match cycle {
        Some(c) => {
            json!({"open": true, "year": c.year, "code": query.code.clone().unwrap_or_default(), "closes_on": c.closes_on.as_deref().map(vi_date)})
        }
        None => json!({"open": false}),
    };
    Ok(render::page(
        &state,
        &req,
        StatusCode::OK,
        "survey_code",
        data,
    )?)
}

/// `2025-10-31` as people in Vietnam write it: 31/10/2025.
fn vi_date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map_or_else(|_| iso.to_string(), |d| d.format("%d/%m/%Y").to_string())
}

/// What a submitted code turned out to be.
enum CodeCheck {
    Valid {
        invitation_id: i64,
        /// The draft's key, derived from the code (carried by the session cookie).
        draft_key: SealKey,
        resume_at: String,
    },
    BadFormat,
    Unknown,
    Used,
    NoCycle,
}

fn check_code(state: &AppState, typed: &str) -> Result<CodeCheck, db::DbError> {
    let Some(cycle) = open_cycle(state)? else {
        return Ok(CodeCheck::NoCycle);
    };
    let canonical = codes::normalize(typed);
    let mut conn = state.pool.get()?;
    // Look up even a malformed code, so every refusal takes the same time.
    let hash = codes::hash(canonical.as_deref().unwrap_or_default());
    let invitation = db::invitations::find_by_hash(&mut conn, &hash)?;
    let verdict = admission::admit(
        canonical.is_some(),
        invitation.as_ref().map(Invitation::facts),
        Some(cycle.facts()),
    );
    Ok(match (verdict, invitation) {
        _ if canonical.is_none() => CodeCheck::BadFormat,
        (Admission::Used, _) => CodeCheck::Used,
        (Admission::Admitted, Some(i)) => {
            db::invitations::mark_started(&mut conn, i.id)?;
            let code = canonical.as_deref().unwrap_or_default();
            let draft_key = SealKey::for_draft(&state.draft_salt, code);
            let draft = db::drafts::load(&mut conn, i.id, &draft_key)?;
            CodeCheck::Valid {
                invitation_id: i.id,
                draft_key,
                resume_at: resume_page(&draft),
            }
        }
        _ => CodeCheck::Unknown,
    })
}

/// Where a returning respondent left off: the profile page for a new draft, else the next
/// unanswered block, else the review.
fn resume_page(draft: &crate::survey::draft::Draft) -> String {
    if draft.units.is_empty() {
        return "/survey/profile".into();
    }
    draft
        .next_unit()
        .map_or_else(|| "/survey/review".into(), |u| format!("/survey/unit/{u}"))
}

#[tracing::instrument(skip_all)]
pub async fn start(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<CodeForm>,
) -> Result<HttpResponse, PageError> {
    if !csrf::verify(&req, form.csrf_token.as_deref()) {
        return Ok(render::page(
            &state,
            &req,
            StatusCode::FORBIDDEN,
            "message",
            json!({"title_key": "forbidden-title", "text_key": "forbidden-text"}),
        )?);
    }
    if let super::Attempt::Throttled = state.code_attempt(&req) {
        return code_error(
            &state,
            &req,
            &form.code,
            StatusCode::TOO_MANY_REQUESTS,
            "error-rate-limited",
            None,
        );
    }
    let (s, typed) = (state.clone(), form.code.clone());
    let outcome = web::block(move || check_code(&s, &typed)).await??;
    if matches!(outcome, CodeCheck::BadFormat | CodeCheck::Unknown) {
        state.code_failed(&req);
    }
    let year = open_year(&state).await?;
    match outcome {
        CodeCheck::Valid {
            invitation_id,
            draft_key,
            resume_at,
        } => Ok(HttpResponse::SeeOther()
            .cookie(super::session::start(
                &state.cookie_key,
                invitation_id,
                &draft_key,
            ))
            .insert_header((actix_web::http::header::LOCATION, resume_at))
            .finish()),
        CodeCheck::Used => Ok(render::page(
            &state,
            &req,
            StatusCode::CONFLICT,
            "message",
            json!({"title_key": "survey-title", "text_key": "error-code-used"}),
        )?),
        CodeCheck::NoCycle => Ok(render::page(
            &state,
            &req,
            StatusCode::OK,
            "survey_code",
            json!({"open": false}),
        )?),
        CodeCheck::BadFormat => code_error(
            &state,
            &req,
            &form.code,
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-code-format",
            year,
        ),
        CodeCheck::Unknown => code_error(
            &state,
            &req,
            &form.code,
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-code-unknown",
            year,
        ),
    }
}

async fn open_year(state: &web::Data<AppState>) -> Result<Option<i32>, PageError> {
    let s = state.clone();
    Ok(web::block(move || open_cycle(&s)).await??.map(|c| c.year))
}

/// The code form again, with what was typed kept and the error tied to the field.
fn code_error(
    state: &AppState,
    req: &HttpRequest,
    typed: &str,
    status: StatusCode,
    error_key: &str,
    year: Option<i32>,
) -> Result<HttpResponse, PageError> {
    let data = json!({"open": true, "year": year, "code": typed, "error_key": error_key});
    Ok(render::page(state, req, status, "survey_code", data)?)
}
