//! The dashboard, one cycle's page, and the cycle's actions (create, open, close, score,
//! publish — each confirmed on a second page — and issuing invitation codes).

use super::{admin_page, csrf_refused, outcome, staff_or_page, Need};
use crate::cycles::{self, CatalogSource, RunOptions, Status};
use crate::db::{self, admin::User};
use crate::results::monitor::monitor_view;
use crate::web::pages::PageError;
use crate::web::{i18n, AppState};
use actix_web::{http::header, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

fn dashboard_data(state: &AppState) -> Result<Value, db::DbError> {
    let mut conn = state.pool.get()?;
    let mut cycles = Vec::new();
    for c in db::cycles::list(&mut conn)? {
        let (issued, started, submitted) = db::invitations::counts(&mut conn, c.id)?;
        cycles.push(json!({
            "year": c.year,
            "status_key": format!("status-{}", c.status),
            "responses": db::responses::count(&mut conn, c.id)?,
            "issued": issued, "started": started, "submitted": submitted,
        }));
    }
    Ok(json!({"cycles": cycles, "next_year": chrono::Datelike::year(&chrono::Utc::now())}))
}

#[tracing::instrument(skip_all)]
pub async fn dashboard(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let user = staff_or_page!(state, req, Need::Staff);
    let s = state.clone();
    let data = web::block(move || dashboard_data(&s)).await??;
    admin_page(&state, &req, &user, "admin_dashboard", data)
}

fn cycle_data(state: &AppState, year: i32, lang: &str) -> Result<Option<Value>, db::DbError> {
    let mut conn = state.pool.get()?;
    let Some(cycle) = db::cycles::find(&mut conn, year)? else {
        return Ok(None);
    };
    let config = cycle.config();
    let catalog = db::cycle_catalog::load(&mut conn, cycle.id, config.groups.clone())?;
    let counts = db::monitor::counts(&mut conn, cycle.id)?;
    let (issued, started, submitted) = db::invitations::counts(&mut conn, cycle.id)?;
    let runs: Vec<Value> = db::runs::list(&mut conn, cycle.id)?
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "created_at": r.created_at, "bootstrap": r.bootstrap_replicates,
                "seed": r.bootstrap_seed, "min_responses": r.min_responses, "pool_years": r.pool_years,
                "published": cycle.published_run_id == Some(r.id),
            })
        })
        .collect();
    let status = cycle.status();
    let pending = db::pending::count(&mut conn, cycle.id)?;
    Ok(Some(json!({
        "year": year,
        "status_key": format!("status-{}", cycle.status),
        "closes_on": cycle.closes_on,
        "can_open": status.can_open(),
        "can_close": status.can_close(),
        "can_score": status.can_score(),
        "can_publish": status.can_publish(!runs.is_empty()),
        "published": status == Status::Published,
        "invitations": {"issued": issued, "started": started, "submitted": submitted},
        "monitor": monitor_view(&counts, &catalog, config.min_responses, lang),
        // Received: live and still pending (whose breakdown waits for their mixing batch).
        "responses": db::responses::count(&mut conn, cycle.id)? + pending,
        "pending": pending,
        "runs": runs,
        "config": {"bootstrap": config.bootstrap_replicates, "seed": config.bootstrap_seed,
                   "min_responses": config.min_responses, "pool_years": config.pool_years},
    })))
}

#[tracing::instrument(skip_all)]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    year: web::Path<i32>,
) -> Result<HttpResponse, PageError> {
    let user = staff_or_page!(state, req, Need::Staff);
    let (s, year, lang) = (state.clone(), *year, i18n::lang_of(&req));
    match web::block(move || cycle_data(&s, year, lang)).await?? {
        Some(data) => admin_page(&state, &req, &user, "admin_cycle", data),
        None => outcome(
            &state,
            &req,
            &user,
            Err(anyhow::anyhow!("there is no cycle {year}")),
            "/admin",
        ),
    }
}

/// Every field any cycle action takes; empty fields are absent.
#[derive(Debug, Deserialize, Default)]
pub struct ActionForm {
    csrf_token: Option<String>,
    confirm: Option<String>,
    year: Option<String>,
    source: Option<String>,
    closes_on: Option<String>,
    bootstrap: Option<String>,
    seed: Option<String>,
    min_responses: Option<String>,
    pool_years: Option<String>,
}

fn field<T: std::str::FromStr>(value: &Option<String>, name: &str) -> anyhow::Result<Option<T>> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| anyhow::anyhow!("{name}: `{v}` is not a valid number")),
    }
}

impl ActionForm {
    fn run_options(&self) -> anyhow::Result<RunOptions> {
        Ok(RunOptions {
            bootstrap: field(&self.bootstrap, "bootstrap")?,
            seed: field(&self.seed, "seed")?,
            min_responses: field(&self.min_responses, "min_responses")?,
            pool_years: field(&self.pool_years, "pool_years")?,
        })
    }

    fn source(&self) -> anyhow::Result<CatalogSource> {
        match self.source.as_deref().unwrap_or("seed") {
            "seed" => Ok(CatalogSource::Seed),
            other => other
                .strip_prefix("copy:")
                .and_then(|y| y.parse().ok())
                .map(CatalogSource::CopyOf)
                .ok_or_else(|| anyhow::anyhow!("unknown catalog source `{other}`")),
        }
    }

    fn closes_on(&self) -> Option<&str> {
        self.closes_on
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
    }

    /// The fields to carry into the confirmation form, each with the label of the form it came
    /// from (the page shows labels, never parameter keys) and, for the source, its choice's text.
    fn carried(&self) -> Vec<Value> {
        let pairs = [
            ("year", "admin-col-year", &self.year),
            ("source", "admin-create-source", &self.source),
            ("closes_on", "admin-closes-on", &self.closes_on),
            ("bootstrap", "admin-param-bootstrap", &self.bootstrap),
            ("seed", "admin-param-seed", &self.seed),
            ("min_responses", "admin-param-min", &self.min_responses),
            ("pool_years", "admin-param-pool", &self.pool_years),
        ];
        pairs
            .iter()
            .filter_map(|(name, label_key, v)| {
                let v = v.as_deref()?.trim();
                let (shown_key, shown_year) = match (*name, v.strip_prefix("copy:")) {
                    ("source", Some(year)) => (Some("admin-source-copy"), Some(year)),
                    ("source", None) if v == "seed" => (Some("admin-source-seed"), None),
                    _ => (None, None),
                };
                (!v.is_empty()).then(|| {
                    json!({"name": name, "value": v, "label_key": label_key,
                        "shown_key": shown_key, "shown_year": shown_year})
                })
            })
            .collect()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Open,
    Close,
    Score,
    Publish,
}

impl Action {
    fn parse(s: &str) -> Option<Action> {
        Some(match s {
            "open" => Action::Open,
            "close" => Action::Close,
            "score" => Action::Score,
            "publish" => Action::Publish,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Action::Open => "open",
            Action::Close => "close",
            Action::Score => "score",
            Action::Publish => "publish",
        }
    }

    /// Analysts may score (a run changes nothing the public sees); the rest is for admins.
    fn need(self) -> Need {
        if self == Action::Score {
            Need::Staff
        } else {
            Need::Admin
        }
    }
}

fn run_action(
    state: &AppState,
    user: &User,
    year: i32,
    action: Action,
    form: &ActionForm,
) -> anyhow::Result<String> {
    let mut conn = state.pool.get()?;
    let actor = user.username.as_str();
    Ok(match action {
        Action::Open => {
            let c = cycles::open_cycle(&mut conn, actor, year, form.closes_on())?;
            format!("cycle {} is {}", c.year, c.status)
        }
        Action::Close => {
            let c = cycles::close_cycle(&mut conn, actor, year, &state.pending_key)?;
            format!("cycle {} is {}", c.year, c.status)
        }
        Action::Score => {
            let scored = cycles::score_cycle(&mut conn, actor, year, &form.run_options()?)?;
            let ranked = scored.result.scores.iter().filter(|s| s.ranked).count();
            format!(
                "run {} stored: {} evaluations, {ranked} units ranked, B = {}",
                scored.run_id, scored.evaluations, scored.config.bootstrap_replicates
            )
        }
        Action::Publish => {
            let run = cycles::publish_cycle(&mut conn, actor, year, &state.pending_key)?;
            format!("cycle {year} published with run {run}")
        }
    })
}

#[tracing::instrument(skip_all)]
pub async fn action(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(i32, String)>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, PageError> {
    let (year, name) = path.into_inner();
    let Some(action) = Action::parse(&name) else {
        return Ok(HttpResponse::NotFound().finish());
    };
    let user = staff_or_page!(state, req, action.need());
    if let Some(refused) = csrf_refused(&state, &req, form.csrf_token.as_deref()) {
        return refused;
    }
    let back = format!("/admin/cycles/{year}");
    if form.confirm.as_deref() != Some("yes") {
        // Check the parameters before asking to confirm them.
        if let Err(e) = form
            .run_options()
            .and_then(|o| o.apply(crate::scoring::Config::default()))
        {
            return outcome(&state, &req, &user, Err(e), &back);
        }
        let data = json!({
            "action_key": format!("admin-confirm-{}", action.name()), "year": year, "target": format!("/admin/cycles/{year}/{}", action.name()),
            "fields": form.carried(), "back": back,
        });
        return admin_page(&state, &req, &user, "admin_confirm", data);
    }
    let (s, u, form) = (state.clone(), user.clone(), form.into_inner());
    let result = web::block(move || run_action(&s, &u, year, action, &form)).await?;
    outcome(&state, &req, &user, result, &back)
}

#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, PageError> {
    let user = staff_or_page!(state, req, Need::Admin);
    if let Some(refused) = csrf_refused(&state, &req, form.csrf_token.as_deref()) {
        return refused;
    }
    let parsed = field::<i32>(&form.year, "year").and_then(|y| {
        let year = y.ok_or_else(|| anyhow::anyhow!("year: give the survey year, e.g. 2025"))?;
        Ok((year, form.source()?))
    });
    let (year, source) = match parsed {
        Ok(p) => p,
        Err(e) => return outcome(&state, &req, &user, Err(e), "/admin"),
    };
    if form.confirm.as_deref() != Some("yes") {
        let data = json!({
            "action_key": "admin-confirm-create", "year": year, "target": "/admin/cycles",
            "fields": form.carried(), "back": "/admin",
        });
        return admin_page(&state, &req, &user, "admin_confirm", data);
    }
    let (s, actor) = (state.clone(), user.username.clone());
    let result = web::block(move || -> anyhow::Result<String> {
        let mut conn = s.pool.get()?;
        let c = cycles::create_cycle(&mut conn, &actor, year, source)?;
        Ok(format!("cycle {} created ({})", c.year, c.status))
    })
    .await?;
    outcome(
        &state,
        &req,
        &user,
        result,
        &format!("/admin/cycles/{year}"),
    )
}

#[derive(Debug, Deserialize)]
pub struct InvitationForm {
    csrf_token: Option<String>,
    count: Option<String>,
    /// One label (business name or tax code) per line; when given, one code per label.
    labels: Option<String>,
}

impl InvitationForm {
    fn labels(&self) -> anyhow::Result<Vec<Option<String>>> {
        let given: Vec<Option<String>> = self
            .labels
            .as_deref()
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| Some(l.to_string()))
            .collect();
        if !given.is_empty() {
            return Ok(given);
        }
        let n: usize = field(&self.count, "count")?.ok_or_else(|| {
            anyhow::anyhow!("count: give a number of codes or one label per line")
        })?;
        Ok(vec![None; n])
    }
}

#[tracing::instrument(skip_all)]
pub async fn invitations(
    state: web::Data<AppState>,
    req: HttpRequest,
    year: web::Path<i32>,
    form: web::Form<InvitationForm>,
) -> Result<HttpResponse, PageError> {
    let user = staff_or_page!(state, req, Need::Admin);
    if let Some(refused) = csrf_refused(&state, &req, form.csrf_token.as_deref()) {
        return refused;
    }
    let (s, actor, year) = (state.clone(), user.username.clone(), *year);
    let result = web::block(move || -> anyhow::Result<Vec<u8>> {
        let issued = cycles::generate_codes(form.labels()?)?;
        let mut conn = s.pool.get()?;
        cycles::store_codes(&mut conn, &actor, year, &issued)?;
        cycles::codes_csv(&s.public_url, &issued)
    })
    .await?;
    match result {
        Ok(csv) => {
            let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
            Ok(HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .insert_header((
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"ddci-lang-son-{year}-ma-moi-{stamp}.csv\""),
                ))
                .body(csv))
        }
        Err(e) => outcome(
            &state,
            &req,
            &user,
            Err(e),
            &format!("/admin/cycles/{year}"),
        ),
    }
}
