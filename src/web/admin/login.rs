//! Signing in and out. Failed and successful logins are audited; attempts are throttled per
//! client address and per user name, and an unknown name costs the same Argon2 time as a
//! wrong password.

use super::{csrf_refused, end_cookie, safe_next, session_cookie, session_token, SESSION_HOURS};
use crate::auth;
use crate::db;
use crate::web::pages::PageError;
use crate::web::{render, AppState};
use actix_web::{http::header, http::StatusCode, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn form(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, PageError> {
    let next = safe_next(query.next.as_deref());
    login_page(&state, &req, StatusCode::OK, &next, "", None)
}

fn login_page(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    next: &str,
    username: &str,
    error_key: Option<&str>,
) -> Result<HttpResponse, PageError> {
    let data = json!({"next": next, "username": username, "error_key": error_key});
    Ok(render::page(state, req, status, "admin_login", data)?)
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf_token: Option<String>,
    username: String,
    password: String,
    next: Option<String>,
}

enum Verdict {
    In(String),
    Out,
}

/// Checks the password and, when it matches, stores a new session; the audit log gets both.
fn check(state: &AppState, username: &str, password: &str) -> Result<Verdict, db::DbError> {
    let mut conn = state.pool.get()?;
    let found = db::admin::credentials(&mut conn, username)?;
    let phc = found
        .as_ref()
        .map_or(auth::decoy_hash(), |(_, h)| h.as_str());
    let matches = auth::verify_password(password, phc);
    let Some((user, _)) = found.filter(|_| matches) else {
        db::admin::audit(&mut conn, &auth::audit_name(username), "login.failed", "")?;
        return Ok(Verdict::Out);
    };
    // A disabled account is refused like a wrong password (no hint that the name exists).
    if user.disabled_at.is_some() {
        db::admin::audit(&mut conn, &user.username, "login.disabled", "")?;
        return Ok(Verdict::Out);
    }
    let (token, hash) = auth::new_session_token();
    let expires = chrono::Utc::now() + chrono::Duration::hours(SESSION_HOURS);
    let expires = expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    db::admin::start_session(&mut conn, &hash, user.id, &expires)?;
    db::admin::audit(&mut conn, &user.username, "login", user.role.as_str())?;
    Ok(Verdict::In(token))
}

#[tracing::instrument(skip_all)]
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, PageError> {
    if let Some(refused) = csrf_refused(&state, &req, form.csrf_token.as_deref()) {
        return refused;
    }
    let next = safe_next(form.next.as_deref());
    let username = form.username.trim().to_string();
    if !state.allow_login(&req, &username) {
        return login_page(
            &state,
            &req,
            StatusCode::TOO_MANY_REQUESTS,
            &next,
            &username,
            Some("admin-login-throttled"),
        );
    }
    let (s, name, password) = (state.clone(), username.clone(), form.password.clone());
    match web::block(move || check(&s, &name, &password)).await?? {
        Verdict::In(token) => Ok(HttpResponse::SeeOther()
            .cookie(session_cookie(&state, token))
            .insert_header((header::LOCATION, next))
            .finish()),
        Verdict::Out => login_page(
            &state,
            &req,
            StatusCode::UNAUTHORIZED,
            &next,
            &username,
            Some("admin-login-failed"),
        ),
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    csrf_token: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LogoutForm>,
) -> Result<HttpResponse, PageError> {
    if let Some(refused) = csrf_refused(&state, &req, form.csrf_token.as_deref()) {
        return refused;
    }
    let user = super::signed_in(&state, &req).await?;
    if let Some(token) = session_token(&state, &req) {
        let s = state.clone();
        let hash = auth::token_hash(&token);
        let name = user.map(|u| u.username).unwrap_or_default();
        web::block(move || -> Result<(), db::DbError> {
            let mut conn = s.pool.get()?;
            db::admin::end_session(&mut conn, &hash)?;
            db::admin::audit(&mut conn, &name, "logout", "")
        })
        .await??;
    }
    Ok(HttpResponse::SeeOther()
        .cookie(end_cookie())
        .insert_header((header::LOCATION, "/"))
        .finish())
}
