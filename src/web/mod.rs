//! HTTP: thin handlers that extract, call the database in `web::block`, render.

pub mod admin;
mod api;
mod cache;
mod catalogs;
mod csrf;
pub mod i18n;
mod pages;
mod questionnaire;
mod render;
mod results;
mod session;
mod survey;
mod templates;

pub use pages::server_error_page;

use crate::config::Settings;
use crate::db::Pool;
use actix_web::http::header;
use actix_web::middleware::DefaultHeaders;
use actix_web::web;
use handlebars::Handlebars;

type Limiter = governor::DefaultKeyedRateLimiter<std::net::IpAddr>;

/// What a client is told when it may not try another code now (web form and API).
pub enum Attempt {
    Allowed,
    Throttled,
}

/// What every handler shares.
pub struct AppState {
    pub pool: Pool,
    pub templates: Handlebars<'static>,
    /// Failed code attempts per client (IPv4 address or IPv6 /64).
    code_failures: crate::limiter::FailureLimiter<std::net::IpAddr>,
    /// Whose `X-Forwarded-For` is believed.
    trusted_proxies: crate::net::TrustedProxies,
    login_by_ip: Limiter,
    login_by_name: governor::DefaultKeyedRateLimiter<String>,
    cookie_key: actix_web::cookie::Key,
    /// Salt of the draft keys, which derive from each business's code (from the key file).
    draft_salt: Vec<u8>,
    /// Seals pending submissions; closing a cycle opens them (from the key file).
    pending_key: crate::seal::SealKey,
    /// The evaluation pseudonyms' key, for package downloads (from the key file).
    pseudonym_key: Vec<u8>,
    /// Cookies carry `Secure` when the public address is https.
    secure_cookies: bool,
    /// The address businesses use, printed in the links of invitation files.
    public_url: String,
    /// Published results, kept in memory once read.
    published: cache::Published,
    /// Catalogs of cycles, kept in memory once read (they never change).
    catalogs: catalogs::Catalogs,
    /// Stores submissions (grouping them into shared commits on SQLite).
    committer: crate::db::committer::Committer,
    /// The mail server and sender of email invitations (checked when mail is sent).
    mail: crate::mail::MailSettings,
}

/// Login attempts per client address, and per user name, per minute: enough for typing
/// mistakes, far too few for guessing a password of ten or more characters.
const LOGINS_PER_MINUTE: u32 = 10;

impl AppState {
    /// The shared state, with the installation's cookie key read from (or created in) the
    /// database. Code attempts per client address and minute before 429 come from the
    /// settings (default 60): generous for an interviewer's tablet, far below what guessing
    /// 80-bit codes would need; load tests from one address raise it.
    pub fn new(pool: Pool, settings: &Settings) -> anyhow::Result<AppState> {
        let per_minute = settings.code_attempts_per_minute;
        let logins = governor::Quota::per_minute(
            std::num::NonZeroU32::new(LOGINS_PER_MINUTE).unwrap_or(std::num::NonZeroU32::MIN),
        );
        let public_url = settings.public_url.clone();
        let secrets = {
            let mut conn = pool.get()?;
            crate::secrets::open(&settings.secret_file, &mut conn)?
        };
        let group = settings.group_commit.unwrap_or(pool.is_sqlite());
        let committer =
            crate::db::committer::Committer::start(pool.clone(), group, secrets.pending_key())
                .map_err(crate::db::DbError::Writer)?;
        Ok(AppState {
            cookie_key: session::key(&secrets),
            draft_salt: secrets.draft_salt(),
            pending_key: secrets.pending_key(),
            pseudonym_key: secrets.pseudonym,
            pool,
            templates: templates::registry(),
            code_failures: crate::limiter::FailureLimiter::new(
                per_minute,
                crate::limiter::DEFAULT_CAP,
            ),
            trusted_proxies: settings.trusted_proxies.clone(),
            login_by_ip: governor::RateLimiter::keyed(logins),
            login_by_name: governor::RateLimiter::keyed(logins),
            secure_cookies: public_url.starts_with("https://"),
            public_url,
            published: cache::Published::default(),
            catalogs: catalogs::Catalogs::default(),
            committer,
            mail: settings.mail.clone(),
        })
    }

    /// Whether the request's client may try a code: only failed attempts count, so valid
    /// submissions (a tablet, or every business behind one proxy) are never throttled.
    pub fn code_attempt(&self, req: &actix_web::HttpRequest) -> Attempt {
        if self.code_failures.allows(&self.client_key(req)) {
            Attempt::Allowed
        } else {
            Attempt::Throttled
        }
    }

    /// Counts a failed code attempt (unknown or malformed code) against the request's client.
    pub fn code_failed(&self, req: &actix_web::HttpRequest) {
        self.code_failures.failed(&self.client_key(req));
    }

    /// The request's client as counted: behind a trusted proxy, the right-most untrusted
    /// address of `X-Forwarded-For`; an IPv6 client by its /64.
    fn client_key(&self, req: &actix_web::HttpRequest) -> std::net::IpAddr {
        let peer = req.peer_addr().map_or(crate::net::UNKNOWN_PEER, |a| a.ip());
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok());
        crate::net::client_key(self.trusted_proxies.client(peer, forwarded))
    }

    /// One login attempt by the request's client for `username`; false once either has used
    /// its quota.
    pub fn allow_login(&self, req: &actix_web::HttpRequest, username: &str) -> bool {
        let by_ip = self.login_by_ip.check_key(&self.client_key(req)).is_ok();
        let by_name = self
            .login_by_name
            // Cut like the audit log's names: no account name is longer, and the key stays small.
            .check_key(&crate::auth::audit_name(&username.to_lowercase()))
            .is_ok();
        // Names nobody uses would otherwise pile up in the limiter's memory.
        self.login_by_name.retain_recent();
        self.login_by_ip.retain_recent();
        by_ip && by_name
    }
}

/// GET, and HEAD for the same page (link checkers and monitors ask HEAD; the server sends the
/// headers without the body).
fn get() -> actix_web::Route {
    use actix_web::guard;
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// Every route of the application.
pub fn routes(cfg: &mut web::ServiceConfig) {
    // A block's form with a long Vietnamese comment, percent-encoded, passes the default 16 KB.
    cfg.app_data(web::FormConfig::default().limit(256 * 1024))
        .app_data(web::PathConfig::default().error_handler(pages::bad_path))
        .default_service(web::to(pages::not_found))
        .route("/", get().to(pages::landing))
        .route("/healthz", get().to(pages::healthz))
        .route("/static/style.css", get().to(pages::stylesheet))
        .route("/static/commune-search.js", get().to(pages::commune_search))
        .route("/results", get().to(results::index))
        .route("/method", get().to(results::method))
        .route("/method/phu-luc", get().to(results::method_annex))
        .route("/results/{year}", get().to(results::ranking))
        .route("/results/{year}/pci", get().to(results::pci))
        .route("/results/{year}/what-if", get().to(results::what_if))
        .route("/results/{year}/ket-qua.xlsx", get().to(results::workbook))
        .route(
            "/results/{year}/don-vi/{unit}",
            get().to(results::scorecard),
        )
        .route(
            "/results/{year}/xep-hang.csv",
            get().to(results::ranking_csv),
        )
        .route(
            "/results/{year}/du-lieu.zip",
            get().to(results::package_zip),
        )
        .route("/results/{year}/du-lieu.dta", get().to(results::stata))
        .configure(admin::routes)
        .route("/survey", get().to(survey::entry))
        .route("/survey", web::post().to(survey::start))
        .route("/survey/profile", get().to(questionnaire::profile))
        .route(
            "/survey/profile",
            web::post().to(questionnaire::save_profile),
        )
        .route("/survey/unit/{code}", get().to(questionnaire::block))
        .route(
            "/survey/unit/{code}",
            web::post().to(questionnaire::save_block),
        )
        .route(
            "/survey/unit/{code}/skip",
            get().to(questionnaire::skip_prompt),
        )
        .route(
            "/survey/unit/{code}/skip",
            web::post().to(questionnaire::skip),
        )
        .route("/survey/review", get().to(questionnaire::review))
        .route("/survey/thanks", get().to(questionnaire::thanks))
        .route("/survey/submit", web::post().to(questionnaire::submit))
        .service(
            web::scope("/api/v1")
                .app_data(api::json_config())
                .app_data(api::path_config())
                .route("/openapi.json", web::get().to(api::openapi))
                .route(
                    "/cycles/{year}/responses",
                    web::post().to(api::submit_response),
                )
                .route(
                    "/cycles/{year}/questionnaire",
                    web::get().to(api::questionnaire::questionnaire),
                )
                .route(
                    "/cycles/{year}/what-if",
                    web::get().to(api::what_if::what_if),
                ),
        );
}

/// Headers for every answer: no inline script, no framing, no MIME sniffing, no referrer
/// leaking survey links; behind https (`https`), HSTS too, so that a browser never again
/// reaches the survey over plain http.
pub fn security_headers(https: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((header::X_FRAME_OPTIONS, "DENY"));
    if https {
        headers.add((header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"))
    } else {
        headers
    }
}

/// Marks every cookie `Secure` (session, CSRF, language, admin) when the service is reached
/// over https (`DDCI_PUBLIC_URL`), so no browser sends one over plain http. One place for all
/// cookies, rather than a flag at each of their builders.
pub async fn secure_cookies(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use actix_web::http::header::{HeaderValue, SET_COOKIE};
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    let cookies: Vec<HeaderValue> = headers.get_all(SET_COOKIE).cloned().collect();
    if cookies.is_empty() {
        return Ok(res);
    }
    headers.remove(SET_COOKIE);
    for cookie in cookies {
        let text = cookie.to_str().unwrap_or_default();
        let secure = if text.to_ascii_lowercase().contains("; secure") {
            text.to_string()
        } else {
            format!("{text}; Secure")
        };
        headers.append(SET_COOKIE, HeaderValue::from_str(&secure).unwrap_or(cookie));
    }
    Ok(res)
}
