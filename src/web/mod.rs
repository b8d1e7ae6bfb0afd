//! HTTP: thin handlers that extract, call the database in `web::block`, render.

mod pages;
mod templates;

use crate::db::Pool;
use actix_web::http::header;
use actix_web::middleware::DefaultHeaders;
use actix_web::web;
use handlebars::Handlebars;

/// What every handler shares.
pub struct AppState {
    pub pool: Pool,
    pub templates: Handlebars<'static>,
}

impl AppState {
    pub fn new(pool: Pool) -> AppState {
        AppState {
            pool,
            templates: templates::registry(),
        }
    }
}

/// Every route of the application.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(pages::landing))
        .route("/healthz", web::get().to(pages::healthz))
        .route("/static/style.css", web::get().to(pages::stylesheet));
}

/// Headers for every answer: no inline script, no framing, no MIME sniffing, no referrer
/// leaking survey links.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
}
