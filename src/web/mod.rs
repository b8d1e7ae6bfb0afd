//! HTTP: thin handlers that extract, call the database in `web::block`, render.

mod api;
mod csrf;
pub mod i18n;
mod pages;
mod questionnaire;
mod render;
mod results;
mod session;
mod survey;
mod templates;

use crate::db::Pool;
use actix_web::http::header;
use actix_web::middleware::DefaultHeaders;
use actix_web::web;
use handlebars::Handlebars;

/// Code attempts per client address and minute before 429 (`DDCI_CODE_ATTEMPTS_PER_MINUTE`,
/// default 60): generous for an interviewer's tablet, far below what guessing 80-bit codes
/// would need. Load tests from one address raise it.
fn attempts_per_minute() -> std::num::NonZeroU32 {
    std::env::var("DDCI_CODE_ATTEMPTS_PER_MINUTE")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .and_then(std::num::NonZeroU32::new)
        .unwrap_or(std::num::NonZeroU32::MIN.saturating_add(59))
}

type Limiter = governor::DefaultKeyedRateLimiter<std::net::IpAddr>;

/// What every handler shares.
pub struct AppState {
    pub pool: Pool,
    pub templates: Handlebars<'static>,
    limiter: Limiter,
    cookie_key: actix_web::cookie::Key,
}

impl AppState {
    /// The shared state, with the installation's cookie key read from (or created in) the
    /// database.
    pub fn new(pool: Pool) -> Result<AppState, crate::db::DbError> {
        let per_minute = attempts_per_minute();
        Ok(AppState {
            cookie_key: session::load_key(&pool)?,
            pool,
            templates: templates::registry(),
            limiter: governor::RateLimiter::keyed(governor::Quota::per_minute(per_minute)),
        })
    }

    /// One code attempt by the request's client; false once it has used its quota.
    pub fn allow_attempt(&self, req: &actix_web::HttpRequest) -> bool {
        let ip = req
            .peer_addr()
            .map_or(std::net::IpAddr::from([0, 0, 0, 0]), |a| a.ip());
        self.limiter.check_key(&ip).is_ok()
    }
}

/// Every route of the application.
pub fn routes(cfg: &mut web::ServiceConfig) {
    // A block's form with a long Vietnamese comment, percent-encoded, passes the default 16 KB.
    cfg.app_data(web::FormConfig::default().limit(256 * 1024))
        .route("/", web::get().to(pages::landing))
        .route("/healthz", web::get().to(pages::healthz))
        .route("/static/style.css", web::get().to(pages::stylesheet))
        .route("/results", web::get().to(results::index))
        .route("/results/{year}", web::get().to(results::ranking))
        .route(
            "/results/{year}/xep-hang.csv",
            web::get().to(results::ranking_csv),
        )
        .route(
            "/results/{year}/du-lieu.zip",
            web::get().to(results::package_zip),
        )
        .route("/survey", web::get().to(survey::entry))
        .route("/survey", web::post().to(survey::start))
        .route("/survey/profile", web::get().to(questionnaire::profile))
        .route(
            "/survey/profile",
            web::post().to(questionnaire::save_profile),
        )
        .route("/survey/unit/{code}", web::get().to(questionnaire::block))
        .route(
            "/survey/unit/{code}",
            web::post().to(questionnaire::save_block),
        )
        .route("/survey/review", web::get().to(questionnaire::review))
        .route("/survey/submit", web::post().to(questionnaire::submit))
        .service(
            web::scope("/api/v1")
                .app_data(api::json_config())
                .route("/openapi.json", web::get().to(api::openapi))
                .route(
                    "/cycles/{year}/responses",
                    web::post().to(api::submit_response),
                ),
        );
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
