//! Public results of published cycles: the list, the ranking per kind, and the downloads (the
//! ranking CSV and the open data package). A cycle that is not published answers 404 here.

use super::pages::PageError;
use super::{render, AppState};
use crate::db::{self, cycles::Status};
use crate::results::{self, LoadedRun};
use actix_web::{http::header, http::StatusCode, web, HttpRequest, HttpResponse};
use serde_json::json;

/// The published run of `year`, or `None` for a year that is not (yet) published.
fn published(state: &AppState, year: i32) -> Result<Option<LoadedRun>, db::DbError> {
    let mut conn = state.pool.get()?;
    match db::cycles::find(&mut conn, year)? {
        Some(cycle) if cycle.status() == Status::Published => results::load(&mut conn, cycle),
        _ => Ok(None),
    }
}

async fn load(state: &web::Data<AppState>, year: i32) -> Result<Option<LoadedRun>, PageError> {
    let s = state.clone();
    Ok(web::block(move || published(&s, year)).await??)
}

fn not_found(state: &AppState, req: &HttpRequest) -> Result<HttpResponse, PageError> {
    let data = json!({"title_key": "results-title", "text_key": "results-not-published"});
    Ok(render::page(
        state,
        req,
        StatusCode::NOT_FOUND,
        "message",
        data,
    )?)
}

pub async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let s = state.clone();
    let cycles =
        web::block(move || s.pool.get().and_then(|mut c| db::cycles::list(&mut c))).await??;
    let years: Vec<i32> = cycles
        .iter()
        .filter(|c| c.status() == Status::Published)
        .map(|c| c.year)
        .collect();
    Ok(render::page(
        &state,
        &req,
        StatusCode::OK,
        "results_index",
        json!({"years": years}),
    )?)
}

pub async fn ranking(
    state: web::Data<AppState>,
    req: HttpRequest,
    year: web::Path<i32>,
) -> Result<HttpResponse, PageError> {
    let Some(loaded) = load(&state, *year).await? else {
        return not_found(&state, &req);
    };
    let data = results::ranking_view(&loaded, super::i18n::lang_of(&req));
    Ok(render::page(
        &state,
        &req,
        StatusCode::OK,
        "results_ranking",
        data,
    )?)
}

fn download(bytes: Vec<u8>, content_type: &str, filename: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(bytes)
}

pub async fn ranking_csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    year: web::Path<i32>,
) -> Result<HttpResponse, PageError> {
    let Some(loaded) = load(&state, *year).await? else {
        return not_found(&state, &req);
    };
    let bytes = results::ranking_csv(&loaded).map_err(|e| PageError::Submit(e.to_string()))?;
    Ok(download(
        bytes,
        "text/csv; charset=utf-8",
        format!("ddci-lang-son-{year}-xep-hang.csv"),
    ))
}

pub async fn package_zip(
    state: web::Data<AppState>,
    req: HttpRequest,
    year: web::Path<i32>,
) -> Result<HttpResponse, PageError> {
    let Some(loaded) = load(&state, *year).await? else {
        return not_found(&state, &req);
    };
    let s = state.clone();
    let bytes = web::block(move || -> anyhow::Result<Vec<u8>> {
        let mut conn = s.pool.get()?;
        Ok(crate::package::zip_files(&results::package_files(
            &mut conn, &loaded,
        )?)?)
    })
    .await?
    .map_err(|e| PageError::Submit(e.to_string()))?;
    Ok(download(
        bytes,
        "application/zip",
        format!("ddci-lang-son-{year}-du-lieu.zip"),
    ))
}
