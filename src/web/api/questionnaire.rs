//! `GET /api/v1/cycles/{year}/questionnaire`: what a tool needs to build a submission — the
//! units that can be rated, their questions and the profile questions with their choices.
//! The questionnaire is public (it is printed on paper forms too).

use super::{ApiError, AppState};
use crate::catalog::SeedCatalog;
use crate::cycles::Status;
use crate::db;
use actix_web::{http::StatusCode, web, HttpResponse};
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Questionnaire {
    pub year: i32,
    /// `open` while submissions are accepted, else `closed` or `published`.
    pub status: String,
    pub units: Vec<UnitOut>,
    pub questions: Vec<QuestionOut>,
    pub profile: Vec<ProfileOut>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UnitOut {
    pub code: String,
    /// Which questions apply: those of the same kind (`department`, `district`, …).
    pub kind: String,
    pub name_vi: String,
    pub name_en: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct QuestionOut {
    pub code: String,
    pub kind: String,
    /// `likert5` (1–5), `yes_no` (0 or 1) or `number` (≥ 0).
    pub question_type: String,
    pub text_vi: String,
    pub text_en: String,
    /// Whether "don't know" (`null`) is offered.
    pub dont_know: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProfileOut {
    pub code: String,
    /// `single_choice` (one of `choices`) or `number`.
    pub question_type: String,
    pub choices: Vec<String>,
}

/// The questionnaire of a survey year.
#[utoipa::path(
    get,
    path = "/api/v1/cycles/{year}/questionnaire",
    params(("year" = i32, Path, description = "Survey year, e.g. 2025")),
    responses(
        (status = 200, description = "The questionnaire", body = Questionnaire),
        (status = 404, description = "No survey for this year (or not yet opened)", body = ApiError),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn questionnaire(
    state: web::Data<AppState>,
    year: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let year = year.into_inner();
    let s = state.clone();
    let found = web::block(move || load(&s, year))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let Some((status, catalog)) = found else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_survey",
            format!("there is no {year} survey"),
        ));
    };
    Ok(HttpResponse::Ok().json(view(year, status, &catalog)))
}

fn load(
    state: &AppState,
    year: i32,
) -> Result<Option<(Status, std::sync::Arc<super::super::catalogs::CycleCatalog>)>, db::DbError> {
    let mut conn = state.pool.get()?;
    let Some(cycle) = db::cycles::find(&mut conn, year)? else {
        return Ok(None);
    };
    if cycle.status() == Status::Draft {
        return Ok(None);
    }
    Ok(Some((
        cycle.status(),
        state.catalogs.get(&mut conn, cycle.id)?,
    )))
}

fn view(year: i32, status: Status, c: &SeedCatalog) -> Questionnaire {
    Questionnaire {
        year,
        status: status.as_str().to_string(),
        units: c
            .units
            .iter()
            .map(|u| UnitOut {
                code: u.code.clone(),
                kind: u.kind.clone(),
                name_vi: u.name_vi.clone(),
                name_en: u.name_en.clone(),
            })
            .collect(),
        questions: c
            .indicators
            .iter()
            .map(|i| QuestionOut {
                code: i.code.clone(),
                kind: i.kind.clone(),
                question_type: i.question_type.as_str().to_string(),
                text_vi: i.text_vi.clone(),
                text_en: i.text_en.clone(),
                dont_know: i.dont_know,
            })
            .collect(),
        profile: c
            .profile_questions
            .iter()
            .map(|q| ProfileOut {
                code: q.code.clone(),
                question_type: q.question_type.clone(),
                choices: c
                    .profile_choices
                    .iter()
                    .filter(|ch| ch.question_code == q.code)
                    .map(|ch| ch.code.clone())
                    .collect(),
            })
            .collect(),
    }
}
