//! Results: the list of published cycles, the ranking per kind, unit scorecards, the PCI
//! accountability page, the downloads (ranking CSV, workbook, open data package, its Stata file) and the
//! method page. A cycle that is not published answers 404, except to signed-in admins and
//! analysts, who see its current run marked as a preview.

use super::pages::PageError;
use super::{admin, render, AppState};
use crate::cycles::Status;
use crate::db;
use crate::results::{self, scorecard::YearOf, LoadedRun, SortBy};
use actix_web::{http::header, http::StatusCode, web, HttpRequest, HttpResponse};
use serde_json::{json, Value};
use std::sync::Arc;

/// A cycle's run as this visitor may see it.
struct Visible {
    loaded: Arc<LoadedRun>,
    /// Not published: shown to staff only, never cached.
    preview: bool,
}

fn load_from_db(state: &AppState, year: i32, staff: bool) -> Result<Option<Visible>, db::DbError> {
    let mut conn = state.pool.get()?;
    let Some(cycle) = db::cycles::find(&mut conn, year)? else {
        return Ok(None);
    };
    let published = cycle.status() == Status::Published;
    if !published && !staff {
        return Ok(None);
    }
    let Some(loaded) = results::load(&mut conn, cycle)? else {
        return Ok(None);
    };
    let loaded = Arc::new(loaded);
    if published {
        state.published.keep_run(year, loaded.clone());
    }
    Ok(Some(Visible {
        loaded,
        preview: !published,
    }))
}

async fn visible(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    year: i32,
) -> Result<Option<Visible>, PageError> {
    if let Some(loaded) = state.published.run(year) {
        return Ok(Some(Visible {
            loaded,
            preview: false,
        }));
    }
    // Only a request that carries an admin cookie costs a session lookup.
    let staff =
        req.cookie(admin::COOKIE).is_some() && admin::signed_in(state, req).await?.is_some();
    let s = state.clone();
    Ok(web::block(move || load_from_db(&s, year, staff)).await??)
}

fn not_found(state: &AppState, req: &HttpRequest) -> Result<HttpResponse, PageError> {
    not_found_saying(state, req, "results-not-published")
}

/// 404 with the reason in the visitor's language.
fn not_found_saying(
    state: &AppState,
    req: &HttpRequest,
    text_key: &str,
) -> Result<HttpResponse, PageError> {
    let data = json!({"title_key": "results-title", "text_key": text_key});
    Ok(render::page(
        state,
        req,
        StatusCode::NOT_FOUND,
        "message",
        data,
    )?)
}

/// The page data: from the cache for published results, built afresh for previews.
fn view(state: &AppState, v: &Visible, key: String, build: impl FnOnce() -> Value) -> Value {
    let mut data = if v.preview {
        build()
    } else {
        state.published.view(key, build).as_ref().clone()
    };
    if let Value::Object(m) = &mut data {
        m.insert("preview".into(), json!(v.preview));
    }
    data
}

#[tracing::instrument(skip_all)]
pub async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let s = state.clone();
    let cycles =
        web::block(move || s.pool.get().and_then(|mut c| db::cycles::list(&mut c))).await??;
    let lang = super::i18n::lang_of(&req);
    let mut years: Vec<Value> = Vec::new();
    for c in cycles
        .iter()
        .filter(|c| c.status() == Status::Published)
        .rev()
    {
        let year = c.year;
        let headline = match published_run(&state, year).await? {
            Some(loaded) => state
                .published
                .view(format!("headline:{year}:{lang}"), || {
                    results::headline_view(&loaded, lang)
                })
                .as_ref()
                .clone(),
            None => json!({"year": year, "kinds": [], "evaluations": 0}),
        };
        years.push(headline);
    }
    Ok(render::page(
        &state,
        &req,
        StatusCode::OK,
        "results_index",
        json!({"years": years}),
    )?)
}

#[derive(serde::Deserialize)]
pub struct RankingQuery {
    sort: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn ranking(
    state: web::Data<AppState>,
    req: HttpRequest,
    year: web::Path<i32>,
    query: web::Query<RankingQuery>,
) -> Result<HttpResponse, PageError> {
    let Some(v) = visible(&state, &req, *year).await? else {
        return not_found(&state, &req);
    };
    let lang = super::i18n::lang_of(&req);
    let by = SortBy::parse(query.sort.as_deref());
    let key = format!("ranking:{year}:{lang}:{by:?}");
    let data = view(&state, &v, key, || {
        results::ranking_view(&v.loaded, lang, by)
    });
    Ok(render::page(
        &state,
        &req,
        StatusCode::OK,
        "results_ranking",
        data,
    )?)
}

/// The unit's published years up to `loaded`'s (and `loaded` itself when it is a preview).
fn years_of(state: &AppState, loaded: &LoadedRun) -> Result<Vec<YearOf>, db::DbError> {
    let mut conn = state.pool.get()?;
    let mut years = Vec::new();
    for c in db::cycles::list(&mut conn)? {
        if c.year > loaded.cycle.year
            || (c.status() != Status::Published && c.year != loaded.cycle.year)
        {
            continue;
        }
        if c.year == loaded.cycle.year {
            years.push(YearOf {
                year: c.year,
                result: loaded.result.clone(),
            });
        } else if let Some(run) = db::runs::current(&mut conn, &c)? {
            years.push(YearOf {
                year: c.year,
                result: db::runs::load(&mut conn, &run, c.year)?,
            });
        }
    }
    years.sort_by_key(|y| y.year);
    Ok(years)
}

/// The unit's predecessors in the cycle's links, with their names.
fn predecessors_of(
    state: &AppState,
    loaded: &LoadedRun,
    unit: &str,
) -> Result<Vec<results::scorecard::Predecessor>, db::DbError> {
    let mut conn = state.pool.get()?;
    let links = db::cycle_catalog::link_names(&mut conn, loaded.cycle.id)?;
    Ok(links
        .into_iter()
        .filter(|(u, ..)| u == unit)
        .map(
            |(_, code, relation, name_vi, name_en)| results::scorecard::Predecessor {
                code,
                relation,
                name_vi,
                name_en,
            },
        )
        .collect())
}

#[tracing::instrument(skip_all)]
pub async fn scorecard(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(i32, String)>,
) -> Result<HttpResponse, PageError> {
    let (year, unit) = path.into_inner();
    let Some(v) = visible(&state, &req, year).await? else {
        return not_found(&state, &req);
    };
    if !v.loaded.result.scores.iter().any(|s| s.unit_code == unit) {
        // The year is there; the unit is not one of its units.
        return not_found_saying(&state, &req, "results-unknown-unit");
    }
    let (s, loaded, code) = (state.clone(), v.loaded.clone(), unit.clone());
    let (years, preds) = web::block(move || {
        Ok::<_, db::DbError>((years_of(&s, &loaded)?, predecessors_of(&s, &loaded, &code)?))
    })
    .await??;
    let lang = super::i18n::lang_of(&req);
    let key = format!("unit:{year}:{lang}:{unit}");
    let data = view(&state, &v, key, || {
        let mut data =
            results::scorecard::scorecard_view(&v.loaded, &unit, &years, lang).unwrap_or_default();
        let succession =
            results::scorecard::succession_view(&v.loaded, &unit, &preds, &years, lang);
        if let (Value::Object(m), Some(succession)) = (&mut data, succession) {
            m.insert("succession".into(), succession);
        }
        data
    });
    Ok(render::page(
        &state,
        &req,
        StatusCode::OK,
        "results_unit",
        data,
    )?)
}

#[tracing::instrument(skip_all)]
pub async fn pci(
    state: web::Data<AppState>,
    req: HttpRequest,
    year: web::Path<i32>,
) -> Result<HttpResponse, PageError> {
    let Some(v) = visible(&state, &req, *year).await? else {
        return not_found(&state, &req);
    };
    let s = state.clone();
    let links = web::block(move || s.pool.get().and_then(|mut c| db::catalog::load(&mut c)))
        .await??
        .map(|c| c.for_year(*year).pci_links)
        .unwrap_or_default();
    let lang = super::i18n::lang_of(&req);
    let key = format!("pci:{year}:{lang}");
    let data = view(&state, &v, key, || {
        results::pci::pci_view(&v.loaded, &links, lang)
    });
    Ok(render::page(
        &state,
        &req,
        StatusCode::OK,
        "results_pci",
        data,
    )?)
}

/// A file to save. A preview's file is staff-only and its numbers may still change, so no
/// browser or shared proxy may keep it (`no-store`), like the preview pages themselves.
fn download(v: &Visible, bytes: Vec<u8>, content_type: &str, filename: String) -> HttpResponse {
    let mut answer = HttpResponse::Ok();
    answer.content_type(content_type).insert_header((
        header::CONTENT_DISPOSITION,
        format!("attachment; filename=\"{filename}\""),
    ));
    if v.preview {
        answer.insert_header((header::CACHE_CONTROL, "no-store"));
    }
    answer.body(bytes)
}

#[tracing::instrument(skip_all)]
pub async fn ranking_csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    year: web::Path<i32>,
) -> Result<HttpResponse, PageError> {
    let Some(v) = visible(&state, &req, *year).await? else {
        return not_found(&state, &req);
    };
    let bytes = results::ranking_csv(&v.loaded).map_err(|e| PageError::Submit(e.to_string()))?;
    Ok(download(
        &v,
        bytes,
        "text/csv; charset=utf-8",
        format!("ddci-lang-son-{year}-xep-hang.csv"),
    ))
}

#[tracing::instrument(skip_all)]
pub async fn workbook(
    state: web::Data<AppState>,
    req: HttpRequest,
    year: web::Path<i32>,
) -> Result<HttpResponse, PageError> {
    let Some(v) = visible(&state, &req, *year).await? else {
        return not_found(&state, &req);
    };
    let loaded = v.loaded.clone();
    let bytes = web::block(move || results::workbook::workbook(&loaded))
        .await?
        .map_err(|e| PageError::Submit(e.to_string()))?;
    Ok(download(
        &v,
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("ddci-lang-son-{year}-ket-qua.xlsx"),
    ))
}

#[tracing::instrument(skip_all)]
pub async fn package_zip(
    state: web::Data<AppState>,
    req: HttpRequest,
    year: web::Path<i32>,
) -> Result<HttpResponse, PageError> {
    let Some(v) = visible(&state, &req, *year).await? else {
        return not_found(&state, &req);
    };
    let (s, loaded) = (state.clone(), v.loaded.clone());
    let bytes = web::block(move || -> anyhow::Result<Vec<u8>> {
        let mut conn = s.pool.get()?;
        Ok(crate::package::zip_files(&results::package_files(
            &mut conn,
            &loaded,
            &s.pseudonym_key,
        )?)?)
    })
    .await?
    .map_err(|e| PageError::Submit(e.to_string()))?;
    Ok(download(
        &v,
        bytes,
        "application/zip",
        format!("ddci-lang-son-{year}-du-lieu.zip"),
    ))
}

/// The Stata file of a published cycle, beside the data package (a preview has none: 404).
#[tracing::instrument(skip_all)]
pub async fn stata(
    state: web::Data<AppState>,
    req: HttpRequest,
    year: web::Path<i32>,
) -> Result<HttpResponse, PageError> {
    let Some(v) = visible(&state, &req, *year).await?.filter(|v| !v.preview) else {
        return not_found(&state, &req);
    };
    let (s, loaded) = (state.clone(), v.loaded.clone());
    let bytes = web::block(move || -> anyhow::Result<Vec<u8>> {
        let mut conn = s.pool.get()?;
        results::stata_bytes(&mut conn, &loaded, &s.pseudonym_key)
    })
    .await?
    .map_err(|e| PageError::Submit(e.to_string()))?;
    Ok(download(
        &v,
        bytes,
        "application/x-stata-dta",
        format!("ddci-lang-son-{year}-du-lieu.dta"),
    ))
}

/// The method page for readers: docs/method.md, its title and section in the page's language,
/// as HTML; it links the technical annex.
#[tracing::instrument(skip_all)]
pub async fn method(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    method_page(&state, &req, "method", "method-title", results::method_html)
}

/// The method's technical annex (docs/method-annex.md), in the page's language.
#[tracing::instrument(skip_all)]
pub async fn method_annex(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    method_page(
        &state,
        &req,
        "method-annex",
        "method-annex-title",
        results::annex_html,
    )
}

/// One of the method's documents in the page's language, its HTML kept once built.
fn method_page(
    state: &AppState,
    req: &HttpRequest,
    name: &str,
    title_key: &str,
    html_of: fn(&str) -> String,
) -> Result<HttpResponse, PageError> {
    let lang = super::i18n::lang_of(req);
    let html = state
        .published
        .view(format!("{name}:{lang}"), || json!(html_of(lang)));
    let data = json!({"html": html.as_ref(), "title_key": title_key});
    Ok(render::page(state, req, StatusCode::OK, "method", data)?)
}

/// A published cycle's run, for the API (no previews there).
pub(super) async fn published_run(
    state: &web::Data<AppState>,
    year: i32,
) -> Result<Option<Arc<LoadedRun>>, PageError> {
    if let Some(loaded) = state.published.run(year) {
        return Ok(Some(loaded));
    }
    let s = state.clone();
    let v = web::block(move || load_from_db(&s, year, false)).await??;
    Ok(v.map(|v| v.loaded))
}

/// The query's `key=value` pairs; a query that is not form-encoded has none.
pub(super) fn query_pairs(req: &HttpRequest) -> Vec<(String, String)> {
    serde_urlencoded::from_str(req.query_string()).unwrap_or_default()
}

/// What-if weights: sliders per component (a plain GET form, no script needed) and every
/// unit's rank under them beside its published rank.
#[tracing::instrument(skip_all)]
pub async fn what_if(
    state: web::Data<AppState>,
    req: HttpRequest,
    year: web::Path<i32>,
) -> Result<HttpResponse, PageError> {
    let Some(v) = visible(&state, &req, *year).await? else {
        return not_found(&state, &req);
    };
    let lang = super::i18n::lang_of(&req);
    let overrides = results::what_if::overrides(&query_pairs(&req));
    let (status, data) = match results::what_if::compute(&v.loaded, &overrides) {
        Ok((weights, units)) => (
            StatusCode::OK,
            results::what_if::page_view(&v.loaded, lang, &weights, &units, &[]),
        ),
        Err(errors) => {
            let (weights, units) = results::what_if::compute(&v.loaded, &[]).unwrap_or_default();
            let view = results::what_if::page_view(&v.loaded, lang, &weights, &units, &errors);
            (StatusCode::UNPROCESSABLE_ENTITY, view)
        }
    };
    let mut data = data;
    if let Value::Object(m) = &mut data {
        m.insert("preview".into(), json!(v.preview));
    }
    Ok(render::page(&state, &req, status, "results_what_if", data)?)
}
