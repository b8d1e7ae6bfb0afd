//! Read-only admin pages — a scoring run against the one before it, the audit log — and the
//! accounts page (admins only). The comments pages are in comments.rs.

use super::{admin_page, csrf_refused, outcome, staff_or_page, Need};
use crate::auth::{self, Role};
use crate::db;
use crate::locale::pick;
use crate::results::{self, runs::diff};
use crate::web::pages::PageError;
use crate::web::{i18n, AppState};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

fn fmt(x: Option<f64>, lang: &str) -> String {
    results::number(x, lang, 2)
}

fn run_data(
    state: &AppState,
    year: i32,
    run_id: i64,
    lang: &str,
) -> Result<Option<Value>, db::DbError> {
    let mut conn = state.pool.get()?;
    let Some(cycle) = db::cycles::find(&mut conn, year)? else {
        return Ok(None);
    };
    let Some(run) = db::runs::of_cycle(&mut conn, cycle.id, run_id)? else {
        return Ok(None);
    };
    let runs = db::runs::list(&mut conn, cycle.id)?;
    let previous = runs.iter().find(|r| r.id < run.id).cloned();
    let catalog = db::cycle_catalog::load(&mut conn, cycle.id, run.config().groups)?;
    let mut current = db::runs::load(&mut conn, &run, year)?;
    results::sort_like_catalog(&mut current, &catalog);
    let before = previous
        .as_ref()
        .map(|p| db::runs::load(&mut conn, p, year))
        .transpose()?;
    // Kind by kind in the catalog's order, each by rank (units not ranked last, in catalog order).
    let mut diffs: Vec<_> = diff(&current, before.as_ref())
        .into_iter()
        .zip(current.scores.iter().map(|s| s.kind.clone()))
        .collect();
    let kind_at = |k: &str| catalog.kinds.iter().position(|c| c.code == k);
    diffs.sort_by_key(|(d, kind)| (kind_at(kind), d.rank.is_none(), d.rank));
    let rows: Vec<Value> = diffs
        .iter()
        .map(|(d, kind)| {
            let kind_name = catalog
                .kinds
                .iter()
                .find(|k| k.code == *kind)
                .map_or(kind.as_str(), |k| pick(lang, &k.name_vi, &k.name_en));
            let name = catalog
                .units
                .iter()
                .find(|u| u.code == d.unit_code)
                .map_or(d.unit_code.as_str(), |u| pick(lang, &u.name_vi, &u.name_en));
            json!({
                "name": name, "kind": kind_name, "total": fmt(d.total, lang), "rank": d.rank,
                "previous_total": fmt(d.previous_total, lang), "previous_rank": d.previous_rank,
                "total_change": fmt(d.total_change, lang), "rank_change": d.rank_change,
            })
        })
        .collect();
    Ok(Some(json!({
        "year": year, "run": run.id, "created_at": run.created_at,
        "bootstrap": run.bootstrap_replicates, "seed": run.bootstrap_seed,
        "min_responses": run.min_responses, "pool_years": run.pool_years,
        "engine_version": run.engine_version, "warnings": current.warnings,
        "previous": previous.map(|p| p.id), "rows": rows,
    })))
}

#[tracing::instrument(skip_all)]
pub async fn run(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(i32, i64)>,
) -> Result<HttpResponse, PageError> {
    let user = staff_or_page!(state, req, Need::Staff);
    let ((year, run_id), s, lang) = (path.into_inner(), state.clone(), i18n::lang_of(&req));
    match web::block(move || run_data(&s, year, run_id, lang)).await?? {
        Some(data) => admin_page(&state, &req, &user, "admin_run", data),
        None => Ok(HttpResponse::NotFound().finish()),
    }
}

#[tracing::instrument(skip_all)]
pub async fn audit(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let user = staff_or_page!(state, req, Need::Staff);
    let s = state.clone();
    let entries = web::block(move || {
        s.pool
            .get()
            .and_then(|mut c| db::admin::audit_log(&mut c, 500))
    })
    .await??;
    admin_page(
        &state,
        &req,
        &user,
        "admin_audit",
        json!({"entries": entries}),
    )
}

#[tracing::instrument(skip_all)]
pub async fn users(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let user = staff_or_page!(state, req, Need::Admin);
    let s = state.clone();
    let accounts =
        web::block(move || s.pool.get().and_then(|mut c| db::admin::list_users(&mut c))).await??;
    admin_page(
        &state,
        &req,
        &user,
        "admin_users",
        json!({"accounts": accounts}),
    )
}

#[derive(Deserialize)]
pub struct NewUserForm {
    csrf_token: Option<String>,
    username: String,
    password: String,
    role: String,
}

#[derive(Deserialize)]
pub struct AccountForm {
    csrf_token: Option<String>,
    username: String,
    /// "disable" or "enable".
    action: String,
}

/// Disables or enables an account (admins only; never one's own).
#[tracing::instrument(skip_all)]
pub async fn set_account(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<AccountForm>,
) -> Result<HttpResponse, PageError> {
    let user = staff_or_page!(state, req, Need::Admin);
    if let Some(refused) = csrf_refused(&state, &req, form.csrf_token.as_deref()) {
        return refused;
    }
    let (s, actor, form) = (state.clone(), user.username.clone(), form.into_inner());
    let result = web::block(move || -> anyhow::Result<String> {
        let disable = form.action == "disable";
        let mut conn = s.pool.get()?;
        db::admin::set_disabled(&mut conn, &actor, &form.username, disable)?;
        Ok(if disable {
            format!(
                "account `{}` disabled; its sessions have ended",
                form.username
            )
        } else {
            format!("account `{}` enabled", form.username)
        })
    })
    .await?;
    outcome(&state, &req, &user, result, "/admin/users")
}

#[tracing::instrument(skip_all)]
pub async fn create_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<NewUserForm>,
) -> Result<HttpResponse, PageError> {
    let user = staff_or_page!(state, req, Need::Admin);
    if let Some(refused) = csrf_refused(&state, &req, form.csrf_token.as_deref()) {
        return refused;
    }
    let (s, actor, form) = (state.clone(), user.username.clone(), form.into_inner());
    let result = web::block(move || -> anyhow::Result<String> {
        let role: Role = form.role.parse().map_err(anyhow::Error::msg)?;
        let name = form.username.trim();
        auth::validate(name, &form.password)?;
        let hash = auth::hash_password(&form.password)?;
        let mut conn = s.pool.get()?;
        db::admin::create_user(&mut conn, &actor, name, &hash, role)?;
        Ok(format!("account `{name}` created ({})", role.as_str()))
    })
    .await?;
    outcome(&state, &req, &user, result, "/admin/users")
}
