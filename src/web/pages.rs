//! The landing page, the health check, the stylesheet and the one script.

use super::AppState;
use crate::db;
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{web, HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::json;

/// A failure while answering a page: logged with its cause, shown as a short apology.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("database: {0}")]
    Db(#[from] db::DbError),
    #[error("template: {0}")]
    Render(#[from] handlebars::RenderError),
    #[error("worker: {0}")]
    Blocking(#[from] actix_web::error::BlockingError),
    #[error("submission: {0}")]
    Submit(String),
}

impl ResponseError for PageError {
    fn error_response(&self) -> HttpResponse {
        tracing::error!(error = %self, "page failed");
        plain_server_error()
    }
}

/// The apology when not even the site's layout can be rendered.
fn plain_server_error() -> HttpResponse {
    HttpResponse::InternalServerError()
        .content_type("text/plain; charset=utf-8")
        .body("Hệ thống đang gặp sự cố, xin thử lại sau. / The service has a problem; please try again later.")
}

/// Every 500 of a page is shown as a page of the site, in the visitor's language (the cause
/// is in the log, never on the page). The JSON API keeps its JSON errors.
pub fn server_error_page<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    if res.request().path().starts_with("/api/") {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let (req, _) = res.into_parts();
    let page = req.app_data::<web::Data<AppState>>().and_then(|state| {
        let data = json!({"title_key": "server-error-title", "text_key": "server-error-text"});
        super::render::page(
            state,
            &req,
            StatusCode::INTERNAL_SERVER_ERROR,
            "message",
            data,
        )
        .map_err(|e| tracing::error!(error = %e, "the error page failed"))
        .ok()
    });
    let page = page.unwrap_or_else(plain_server_error);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, page).map_into_right_body(),
    ))
}

/// Every address the site does not have: a page of the site, in the visitor's language.
#[tracing::instrument(skip_all)]
pub async fn not_found(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, PageError> {
    not_found_page(&state, &req)
}

pub(super) fn not_found_page(
    state: &AppState,
    req: &actix_web::HttpRequest,
) -> Result<HttpResponse, PageError> {
    let data = json!({"title_key": "not-found-title", "text_key": "not-found-text", "home": true});
    Ok(super::render::page(
        state,
        req,
        StatusCode::NOT_FOUND,
        "message",
        data,
    )?)
}

/// A path segment that cannot be what the route expects (`/results/abc`) is an address the
/// site does not have: the same 404 page, never the parser's words.
pub fn bad_path(
    err: actix_web::error::PathError,
    req: &actix_web::HttpRequest,
) -> actix_web::Error {
    let page = req
        .app_data::<web::Data<AppState>>()
        .and_then(|state| not_found_page(state, req).ok())
        .unwrap_or_else(|| HttpResponse::NotFound().finish());
    actix_web::error::InternalError::from_response(err, page).into()
}

#[derive(Serialize)]
struct CycleView {
    year: i32,
    /// The Fluent key of the status's name.
    status_key: String,
    responses: i64,
}

#[derive(Serialize)]
struct Landing {
    cycles: Vec<CycleView>,
    units: usize,
    kinds: Vec<KindView>,
}

#[derive(Serialize)]
struct KindView {
    name_vi: String,
    name_en: String,
    units: usize,
}

fn landing_data(state: &AppState) -> Result<Landing, db::DbError> {
    let mut conn = state.pool.get()?;
    let mut cycles = Vec::new();
    for c in db::cycles::list(&mut conn)? {
        cycles.push(CycleView {
            year: c.year,
            status_key: format!("status-{}", c.status),
            responses: db::responses::count(&mut conn, c.id)?,
        });
    }
    // The units assessed now: those of the latest cycle's year, or of this year without cycles.
    let this_year: i32 = crate::clock::today()
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(2025);
    let year = cycles.iter().map(|c| c.year).max().unwrap_or(this_year);
    let catalog = db::catalog::load(&mut conn)?.map(|c| c.for_year(year));
    let kinds = catalog.as_ref().map_or_else(Vec::new, |cat| {
        cat.kinds
            .iter()
            .map(|k| KindView {
                name_vi: k.name_vi.clone(),
                name_en: k.name_en.clone(),
                units: cat.units.iter().filter(|u| u.kind == k.code).count(),
            })
            .collect()
    });
    Ok(Landing {
        cycles,
        units: catalog.map_or(0, |c| c.units.len()),
        kinds,
    })
}

#[tracing::instrument(skip_all)]
pub async fn landing(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, PageError> {
    let s = state.clone();
    let data = web::block(move || landing_data(&s)).await??;
    let data = serde_json::to_value(data).unwrap_or_default();
    Ok(super::render::page(
        &state,
        &req,
        actix_web::http::StatusCode::OK,
        "landing",
        data,
    )?)
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
}

/// 200 when the database answers a query, 503 otherwise.
#[tracing::instrument(skip_all)]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let s = state.clone();
    let ok = web::block(move || s.pool.get().and_then(|mut c| c.ping()))
        .await
        .map(|r| r.is_ok())
        .unwrap_or(false);
    let body = Health {
        status: if ok { "ok" } else { "unavailable" },
        database: state.pool.backend_name(),
    };
    if ok {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

/// The profile's commune search (`static/commune-search.js`).
#[tracing::instrument(skip_all)]
pub async fn commune_search() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .content_type("text/javascript; charset=utf-8")
        .body(include_str!("../../static/commune-search.js"))
}

#[tracing::instrument(skip_all)]
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .content_type("text/css; charset=utf-8")
        .body(include_str!("../../static/style.css"))
}
