//! Building and running the web application; shared by `main` and the tests.

use crate::config::Settings;
use crate::db::{self, Pool};
use crate::web::{self, AppState};
use actix_web::{middleware, App, HttpServer};
use anyhow::Context;
use std::net::TcpListener;

/// `ddci serve`: prepare the database, then serve until stopped.
pub fn run_blocking(settings: Settings) -> anyhow::Result<()> {
    let pool = connect(&settings, settings.pool_size)?;
    // Bound first: whether the demo may print invitation codes depends on the address.
    let listener = TcpListener::bind(&settings.bind)
        .with_context(|| format!("cannot listen on {}", settings.bind))?;
    let address = listener.local_addr()?;
    let showcase = prepare(&pool, &settings, address.ip().is_loopback())?;
    tracing::info!(address = %settings.bind, backend = pool.backend_name(), "serving");
    eprintln!("ddci serves http://{address}");
    if let Some(codes) = showcase {
        // stdout, plainly: a newcomer reads the console, not the log.
        println!("{}", welcome(&format!("http://{address}"), &codes));
    }
    actix_web::rt::System::new()
        .block_on(async move { server(listener, pool, &settings)?.await })?;
    Ok(())
}

/// Opens and migrates the database with a pool of `size` connections.
pub fn connect(settings: &Settings, size: u32) -> anyhow::Result<Pool> {
    Pool::connect(&settings.database, size)
        .with_context(|| format!("cannot use the database {}", settings.database.display()))
}

/// The demo's published year (departments and districts) and its open year (the merged
/// departments and the communes): a first run shows both eras of the catalog.
pub const DEMO_PUBLISHED_YEAR: i32 = 2024;
pub const DEMO_OPEN_YEAR: i32 = 2025;
/// Demo responses per year: enough for most units to be ranked.
const DEMO_RESPONSES: usize = 1200;
const DEMO_SEED: u64 = 20211121;
/// Invitation codes printed on the console of a first run.
const DEMO_CODES: usize = 3;

/// First run: seed an empty catalog; in demo mode, on a database without cycles, fill it.
/// On a loopback address (only the person at this machine can reach it) the demo publishes
/// an earlier year and opens the current one, and its invitation codes are returned for the
/// console; elsewhere only a demo cycle is opened and no code is issued.
pub fn prepare(
    pool: &Pool,
    settings: &Settings,
    loopback: bool,
) -> anyhow::Result<Option<Vec<String>>> {
    let mut conn = pool.get()?;
    crate::cycles::ensure_catalog(&mut conn)?;
    if !settings.demo || !db::cycles::list(&mut conn)?.is_empty() {
        return Ok(None);
    }
    if !loopback {
        let year = chrono::Datelike::year(&chrono::Utc::now());
        let n = fill_demo(pool, year, DEMO_RESPONSES, DEMO_SEED)?;
        tracing::info!(year, responses = n, "demo cycle created");
        return Ok(None);
    }
    let secrets = crate::secrets::open(&settings.secret_file, &mut conn)?;
    showcase(pool, &secrets.pending_key()).map(Some)
}

/// The first run's product tour: a published demo year, the next year open with demo
/// responses, and fresh codes for it. Uses the same actions as `ddci score`, `ddci publish`
/// and `ddci invite`, so the demo shows what a real year looks like.
fn showcase(pool: &Pool, pending_key: &crate::seal::SealKey) -> anyhow::Result<Vec<String>> {
    let actor = "demo";
    fill_demo(pool, DEMO_PUBLISHED_YEAR, DEMO_RESPONSES, DEMO_SEED)?;
    let mut conn = pool.get()?;
    let options = crate::cycles::RunOptions::default();
    crate::cycles::score_cycle(&mut conn, actor, DEMO_PUBLISHED_YEAR, &options)?;
    crate::cycles::publish_cycle(&mut conn, actor, DEMO_PUBLISHED_YEAR, pending_key)?;
    fill_demo(pool, DEMO_OPEN_YEAR, DEMO_RESPONSES, DEMO_SEED + 1)?;
    let labels = vec![Some("demo".to_string()); DEMO_CODES];
    let issued = crate::cycles::generate_codes(labels)?;
    crate::cycles::store_codes(&mut conn, actor, DEMO_OPEN_YEAR, &issued)?;
    tracing::info!(
        published = DEMO_PUBLISHED_YEAR,
        open = DEMO_OPEN_YEAR,
        "demo cycles created"
    );
    Ok(issued.into_iter().map(|(code, _)| code).collect())
}

/// What the console says after a first run in demo mode, in Vietnamese then English.
pub fn welcome(base: &str, codes: &[String]) -> String {
    let links: String = codes
        .iter()
        .map(|c| format!("  {c}   {base}/survey?code={c}\n"))
        .collect();
    let say = |key: &str| {
        format!(
            "{}\n{}",
            crate::locale::text("vi", key),
            crate::locale::text("en", key)
        )
    };
    format!(
        "\n{}\n  {base}/results/{DEMO_PUBLISHED_YEAR}\n\n{}\n{links}\n{}\n  ddci admin create --username admin --role admin\n",
        say("cli-demo-results"),
        say("cli-demo-codes"),
        say("cli-demo-admin"),
    )
}

/// Creates and opens cycle `year` if needed and adds `count` demo responses to it.
pub fn fill_demo(pool: &Pool, year: i32, count: usize, seed: u64) -> anyhow::Result<usize> {
    let mut conn = pool.get()?;
    crate::cycles::ensure_catalog(&mut conn)?;
    let cycle = match db::cycles::find(&mut conn, year)? {
        Some(c) if c.status() == crate::cycles::Status::Open => c,
        _ => db::cycles::open(&mut conn, year)?,
    };
    let catalog = db::cycle_catalog::load(&mut conn, cycle.id, Vec::new())?;
    // Offset by the responses already there, so that a second demo run adds new keys.
    let already = db::responses::count(&mut conn, cycle.id)? as u64;
    let batch = crate::demo::generate(&catalog, year, count, seed.wrapping_add(already));
    let batch: Vec<_> = batch
        .into_iter()
        .enumerate()
        .map(|(i, mut r)| {
            r.key = format!("DEMO-{year}-{:06}", already as usize + i);
            r
        })
        .collect();
    Ok(db::responses::insert_all(&mut conn, cycle.id, &batch)?)
}

/// The HTTP server on an already bound listener (port 0 in tests).
pub fn server(
    listener: TcpListener,
    pool: Pool,
    settings: &Settings,
) -> std::io::Result<actix_web::dev::Server> {
    let state = AppState::new(pool, settings).map_err(std::io::Error::other)?;
    let state = actix_web::web::Data::new(state);
    let https = settings.public_url.starts_with("https://");
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap(middleware::ErrorHandlers::new().handler(
                actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
                web::server_error_page,
            ))
            .wrap(middleware::Compress::default())
            .wrap(web::security_headers(https))
            .wrap(middleware::Condition::new(
                https,
                middleware::from_fn(web::secure_cookies),
            ))
            // The path only: query strings can carry invitation codes (`/survey?code=…`),
            // and logs must never contain codes.
            .wrap(
                middleware::Logger::new("%{method}xi %U %s %Dms")
                    .custom_request_replace("method", |req| req.method().to_string()),
            )
            .configure(web::routes)
    })
    .listen(listener)?
    .run();
    Ok(server)
}
