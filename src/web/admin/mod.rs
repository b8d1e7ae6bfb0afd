//! The admin pages (/admin): login with server-side sessions in a signed HttpOnly cookie,
//! cycles, invitations, the response monitor, scoring runs, comments, accounts and the audit
//! log. Every page needs a signed-in admin or analyst; changing anything needs an admin
//! (analysts may also score).

mod comments;
mod contacts;
mod cycles;
mod login;
mod reports;

use super::pages::PageError;
use super::{csrf, render, AppState};
use crate::auth::Role;
use crate::db::{self, admin::User};
use actix_web::cookie::{Cookie, CookieJar, SameSite};
use actix_web::{http::header, http::StatusCode, web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

pub const COOKIE: &str = "ddci_admin";
/// A working day: long enough for a scoring session, short enough that a forgotten browser
/// does not stay signed in.
const SESSION_HOURS: i64 = 8;

/// What a page needs of its visitor.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Any signed-in account (admin or analyst).
    Staff,
    /// An admin.
    Admin,
}

/// The signed-in account of a request, if any (expired and ended sessions count as none).
#[tracing::instrument(skip_all)]
pub async fn signed_in(
    state: &web::Data<AppState>,
    req: &HttpRequest,
) -> Result<Option<User>, PageError> {
    let Some(token) = session_token(state, req) else {
        return Ok(None);
    };
    let s = state.clone();
    let hash = crate::auth::token_hash(&token);
    Ok(web::block(move || {
        s.pool
            .get()
            .and_then(|mut c| db::admin::session_user(&mut c, &hash))
    })
    .await??)
}

/// The account when it may see the page, else the answer to give instead: the login page
/// for visitors, 403 for an analyst on an admin-only page.
#[tracing::instrument(skip_all)]
pub async fn require(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    need: Need,
) -> Result<Result<User, HttpResponse>, PageError> {
    let Some(user) = signed_in(state, req).await? else {
        let next = req.path().to_string();
        return Ok(Err(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                format!("/admin/login?next={}", encode(&next)),
            ))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish()));
    };
    if need == Need::Admin && user.role != Role::Admin {
        let page = render::page(
            state,
            req,
            StatusCode::FORBIDDEN,
            "message",
            json!({"title_key": "forbidden-title", "text_key": "admin-forbidden-text"}),
        )?;
        return Ok(Err(page));
    }
    Ok(Ok(user))
}

/// `let user = staff_or_page!(state, req, Need::Admin);` in a handler.
macro_rules! staff_or_page {
    ($state:expr, $req:expr, $need:expr) => {
        match $crate::web::admin::require(&$state, &$req, $need).await? {
            Ok(user) => user,
            Err(page) => return Ok(page),
        }
    };
}
pub(crate) use staff_or_page;

/// A form POST must carry the CSRF token of its cookie; else 403.
fn csrf_refused(
    state: &AppState,
    req: &HttpRequest,
    token: Option<&str>,
) -> Option<Result<HttpResponse, PageError>> {
    if csrf::verify(req, token) {
        return None;
    }
    Some(
        render::page(
            state,
            req,
            StatusCode::FORBIDDEN,
            "message",
            json!({"title_key": "forbidden-title", "text_key": "forbidden-text"}),
        )
        .map_err(PageError::from),
    )
}

/// An admin page: the common fields (the account, its role) plus `data`.
fn admin_page(
    state: &AppState,
    req: &HttpRequest,
    user: &User,
    template: &str,
    mut data: Value,
) -> Result<HttpResponse, PageError> {
    if let Value::Object(map) = &mut data {
        map.insert("user".into(), json!({"username": user.username, "role": user.role.as_str(), "is_admin": user.role == Role::Admin}));
    }
    Ok(render::page(state, req, StatusCode::OK, template, data)?)
}

/// The outcome of an action: a short page saying what happened (or why it was refused).
fn outcome(
    state: &AppState,
    req: &HttpRequest,
    user: &User,
    result: Result<String, anyhow::Error>,
    back: &str,
) -> Result<HttpResponse, PageError> {
    let (status, ok, text) = match result {
        Ok(text) => (StatusCode::OK, true, text),
        Err(e) => (StatusCode::CONFLICT, false, format!("{e:#}")),
    };
    let mut page = admin_page(
        state,
        req,
        user,
        "admin_outcome",
        json!({"ok": ok, "text": text, "back": back}),
    )?;
    *page.status_mut() = status;
    Ok(page)
}

fn session_token(state: &AppState, req: &HttpRequest) -> Option<String> {
    let mut jar = CookieJar::new();
    jar.add_original(req.cookie(COOKIE)?);
    let value = jar
        .signed(&state.cookie_key)
        .get(COOKIE)?
        .value()
        .to_string();
    (value.len() == 64).then_some(value)
}

fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    let mut jar = CookieJar::new();
    jar.signed_mut(&state.cookie_key).add(
        Cookie::build(COOKIE, token)
            .path("/")
            .http_only(true)
            .secure(state.secure_cookies)
            .same_site(SameSite::Strict)
            .max_age(actix_web::cookie::time::Duration::hours(SESSION_HOURS))
            .finish(),
    );
    jar.get(COOKIE)
        .cloned()
        .unwrap_or_else(|| Cookie::new(COOKIE, ""))
}

fn end_cookie() -> Cookie<'static> {
    let mut c = Cookie::build(COOKIE, "").path("/").finish();
    c.make_removal();
    c
}

/// Percent-encodes a local path for the `next` parameter.
fn encode(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Only a local admin or results path is followed after login (never another site).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if (n.starts_with("/admin") || n.starts_with("/results"))
                && !n.contains("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_string()
        }
        _ => "/admin".to_string(),
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/admin")
            .route("", web::get().to(cycles::dashboard))
            .route("/login", web::get().to(login::form))
            .route("/login", web::post().to(login::submit))
            .route("/logout", web::post().to(login::logout))
            .route("/cycles", web::post().to(cycles::create))
            .route("/cycles/{year}", web::get().to(cycles::show))
            .route(
                "/cycles/{year}/invitations",
                web::post().to(cycles::invitations),
            )
            .route("/cycles/{year}/runs/{run}", web::get().to(reports::run))
            .route("/cycles/{year}/comments", web::get().to(comments::index))
            .route("/cycles/{year}/contacts", web::get().to(contacts::show))
            .route("/cycles/{year}/contacts", web::post().to(contacts::upload))
            .route(
                "/cycles/{year}/contacts/{what}",
                web::post().to(contacts::send),
            )
            .route("/cycles/{year}/{action}", web::post().to(cycles::action))
            .route("/audit", web::get().to(reports::audit))
            .route("/users", web::get().to(reports::users))
            .route("/users", web::post().to(reports::create_user))
            .route("/users/account", web::post().to(reports::set_account))
            .route(
                "/cycles/{year}/comments/{unit}",
                web::get().to(comments::unit),
            )
            .route(
                "/cycles/{year}/comments/{unit}",
                web::post().to(comments::review),
            )
            .route(
                "/cycles/{year}/comments/{unit}/gop-y.xlsx",
                web::get().to(comments::workbook),
            ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_login_only_local_admin_or_results_paths_are_followed() {
        assert_eq!(safe_next(Some("/admin/cycles/2025")), "/admin/cycles/2025");
        assert_eq!(safe_next(Some("/results/2025")), "/results/2025");
        assert_eq!(safe_next(Some("https://evil.example/admin")), "/admin");
        assert_eq!(safe_next(Some("//evil.example/admin")), "/admin");
        assert_eq!(safe_next(Some("/admin\r\nSet-Cookie: x=1")), "/admin");
        assert_eq!(safe_next(Some("/admin//evil")), "/admin");
        assert_eq!(safe_next(None), "/admin");
        assert_eq!(encode("/admin/cycles/2025?x"), "/admin/cycles/2025%3Fx");
    }
}
