//! The comments pages (issue 14), for admins and analysts: the units of a cycle with their
//! comments counted by verdict, one unit's comments (masked) with the two verdict buttons, and
//! the workbook for the unit's head. Every verdict and every workbook is audited.

use super::{admin_page, csrf_refused, outcome, staff_or_page, Need};
use crate::comments::{self, mask, Verdict};
use crate::db;
use crate::locale::pick;
use crate::web::pages::PageError;
use crate::web::{i18n, AppState};
use actix_web::{http::header, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Counts of one unit's comments: (all, fit, not fit).
type Tally = (usize, usize, usize);

fn index_data(state: &AppState, year: i32, lang: &str) -> anyhow::Result<Option<Value>> {
    let mut conn = state.pool.get()?;
    let Some(cycle) = db::cycles::find(&mut conn, year)? else {
        return Ok(None);
    };
    let catalog = db::cycle_catalog::load(&mut conn, cycle.id, vec![])?;
    let evaluations = crate::cycles::comments::evaluations(&mut conn, cycle.id)?;
    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    for (unit, v) in db::comments::verdicts(&mut conn, cycle.id)? {
        let t = tally.entry(unit).or_default();
        t.0 += 1;
        t.1 += usize::from(v == Some(Verdict::Fit));
        t.2 += usize::from(v == Some(Verdict::NotFit));
    }
    let units: Vec<Value> = (catalog.units.iter())
        .filter_map(|u| {
            let n = evaluations.get(&u.code).copied().unwrap_or(0);
            let &(all, fit, not_fit) = tally.get(&u.code)?;
            comments::may_see_comments(&u.code, year, n).ok()?;
            Some(json!({
                "code": u.code, "name": pick(lang, &u.name_vi, &u.name_en),
                "evaluations": n, "comments": all, "fit": fit, "not_fit": not_fit,
                "unreviewed": all - fit - not_fit,
            }))
        })
        .collect();
    Ok(Some(json!({"year": year, "units": units})))
}

#[tracing::instrument(skip_all)]
pub async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
    year: web::Path<i32>,
) -> Result<HttpResponse, PageError> {
    let user = staff_or_page!(state, req, Need::Staff);
    let (s, year, lang) = (state.clone(), *year, i18n::lang_of(&req));
    let data = web::block(move || index_data(&s, year, lang))
        .await?
        .map_err(|e| PageError::Submit(e.to_string()))?;
    match data {
        Some(data) => admin_page(&state, &req, &user, "admin_comments", data),
        None => Ok(HttpResponse::NotFound().finish()),
    }
}

fn status_key(v: Option<Verdict>) -> &'static str {
    match v {
        Some(Verdict::Fit) => "admin-comments-status-fit",
        Some(Verdict::NotFit) => "admin-comments-status-not-fit",
        None => "admin-comments-status-none",
    }
}

fn unit_data(state: &AppState, year: i32, unit: &str, lang: &str) -> anyhow::Result<Option<Value>> {
    let mut conn = state.pool.get()?;
    let Some(cycle) = db::cycles::find(&mut conn, year)? else {
        return Ok(None);
    };
    let catalog = db::cycle_catalog::load(&mut conn, cycle.id, vec![])?;
    let Some(def) = catalog.units.iter().find(|u| u.code == unit) else {
        return Ok(None);
    };
    let name = pick(lang, &def.name_vi, &def.name_en);
    let n = crate::cycles::comments::evaluations(&mut conn, cycle.id)?
        .get(unit)
        .copied()
        .unwrap_or(0);
    if comments::may_see_comments(unit, year, n).is_err() {
        return Ok(Some(json!({
            "year": year, "unit": unit, "name": name, "too_few": true, "comments": [],
        })));
    }
    let rows: Vec<Value> = db::comments::of_unit(&mut conn, cycle.id, unit)?
        .into_iter()
        .map(|c| {
            json!({
                "id": c.id, "body": mask(&c.body), "day": c.submitted_on,
                "status_key": status_key(c.verdict),
                "is_fit": c.verdict == Some(Verdict::Fit),
                "is_not_fit": c.verdict == Some(Verdict::NotFit),
            })
        })
        .collect();
    Ok(Some(json!({
        "year": year, "unit": unit, "name": name, "too_few": false, "comments": rows,
    })))
}

#[tracing::instrument(skip_all)]
pub async fn unit(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(i32, String)>,
) -> Result<HttpResponse, PageError> {
    let user = staff_or_page!(state, req, Need::Staff);
    let ((year, unit), s, lang) = (path.into_inner(), state.clone(), i18n::lang_of(&req));
    let data = web::block(move || unit_data(&s, year, &unit, lang))
        .await?
        .map_err(|e| PageError::Submit(e.to_string()))?;
    match data {
        Some(data) => admin_page(&state, &req, &user, "admin_comments_unit", data),
        None => Ok(HttpResponse::NotFound().finish()),
    }
}

#[derive(Deserialize)]
pub struct ReviewForm {
    csrf_token: Option<String>,
    comment_id: i64,
    /// `fit` or `not_fit`.
    verdict: String,
}

/// A verdict on one comment; back to the unit's page at that comment.
#[tracing::instrument(skip_all)]
pub async fn review(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(i32, String)>,
    form: web::Form<ReviewForm>,
) -> Result<HttpResponse, PageError> {
    let user = staff_or_page!(state, req, Need::Staff);
    if let Some(refused) = csrf_refused(&state, &req, form.csrf_token.as_deref()) {
        return refused;
    }
    let (year, unit) = path.into_inner();
    let back = format!("/admin/cycles/{year}/comments/{unit}");
    let (s, actor, form) = (state.clone(), user.username.clone(), form.into_inner());
    let id = form.comment_id;
    let result = web::block(move || -> anyhow::Result<()> {
        let v: Verdict = form.verdict.parse().map_err(anyhow::Error::msg)?;
        let mut conn = s.pool.get()?;
        let cycle = db::cycles::get(&mut conn, year)?;
        let n = crate::cycles::comments::evaluations(&mut conn, cycle.id)?
            .get(&unit)
            .copied()
            .unwrap_or(0);
        comments::may_see_comments(&unit, year, n)?;
        let found = db::comments::review(&mut conn, &actor, (year, cycle.id), &unit, id, v)?;
        anyhow::ensure!(found, "cycle {year} has no comment {id} about unit {unit}");
        Ok(())
    })
    .await?;
    match result {
        Ok(()) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("{back}#c{id}")))
            .finish()),
        Err(e) => outcome(&state, &req, &user, Err(e), &back),
    }
}

/// The workbook of the unit's fit comments for its head (audited); refused for small units.
#[tracing::instrument(skip_all)]
pub async fn workbook(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(i32, String)>,
) -> Result<HttpResponse, PageError> {
    let user = staff_or_page!(state, req, Need::Staff);
    let (year, unit) = path.into_inner();
    let back = format!("/admin/cycles/{year}/comments");
    let (s, actor) = (state.clone(), user.username.clone());
    let result = web::block(move || {
        let mut conn = s.pool.get()?;
        crate::cycles::comments::head_workbook(&mut conn, &actor, year, &unit)
    })
    .await?;
    match result {
        Ok((name, bytes)) => Ok(HttpResponse::Ok()
            .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(bytes)),
        Err(e) => outcome(&state, &req, &user, Err(e), &back),
    }
}
