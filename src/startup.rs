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
    prepare(&pool, &settings)?;
    let listener = TcpListener::bind(&settings.bind)
        .with_context(|| format!("cannot listen on {}", settings.bind))?;
    tracing::info!(address = %settings.bind, backend = pool.backend_name(), "serving");
    eprintln!("ddci serves http://{}", listener.local_addr()?);
    actix_web::rt::System::new()
        .block_on(async move { server(listener, pool, &settings)?.await })?;
    Ok(())
}

/// Opens and migrates the database with a pool of `size` connections.
pub fn connect(settings: &Settings, size: u32) -> anyhow::Result<Pool> {
    Pool::connect(&settings.database, size)
        .with_context(|| format!("cannot use the database {}", settings.database.display()))
}

/// First run: seed an empty catalog, and on a database without cycles open a demo cycle.
pub fn prepare(pool: &Pool, settings: &Settings) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    crate::cycles::ensure_catalog(&mut conn)?;
    if settings.demo && db::cycles::list(&mut conn)?.is_empty() {
        let year = chrono::Datelike::year(&chrono::Utc::now());
        let n = fill_demo(pool, year, 1200, 20211121)?;
        tracing::info!(year, responses = n, "demo cycle created");
    }
    Ok(())
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
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap(middleware::ErrorHandlers::new().handler(
                actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
                web::server_error_page,
            ))
            .wrap(middleware::Compress::default())
            .wrap(web::security_headers())
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
