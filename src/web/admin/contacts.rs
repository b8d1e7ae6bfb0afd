//! A cycle's email contacts (issue 14): the counts of sent, failed and answered, uploading a
//! contacts file (CSV or .xlsx, with the personal-data notice of Decree 13/2023/NĐ-CP), and
//! sending the invitations or reminders. Only admins change anything; every action is audited
//! (in `cycles::mailing`). Sending runs in the background, since a provider's quota
//! (`DDCI_SMTP_PER_MINUTE`) can make it take longer than a request may.

use super::{admin_page, csrf_refused, outcome, staff_or_page, Need};
use crate::cycles::mailing::{self, Sending};
use crate::db;
use crate::mail::Mailer;
use crate::web::pages::PageError;
use crate::web::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{json, Value};

/// A contacts file larger than this is refused (a province's businesses fit many times).
const MAX_UPLOAD: usize = 8 * 1024 * 1024;

fn page_data(state: &AppState, year: i32) -> Result<Option<Value>, db::DbError> {
    let mut conn = state.pool.get()?;
    let Some(cycle) = db::cycles::find(&mut conn, year)? else {
        return Ok(None);
    };
    let counts = db::contacts::counts(&mut conn, cycle.id)?;
    let problems: Vec<Value> = db::contacts::problems(&mut conn, cycle.id)?
        .into_iter()
        .map(|p| json!({"email": p.email, "status_key": format!("admin-contacts-{}", p.status), "error": p.error}))
        .collect();
    Ok(Some(json!({
        "year": year,
        "status_key": format!("status-{}", cycle.status),
        "counts": counts,
        "problems": problems,
    })))
}

#[tracing::instrument(skip_all)]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    year: web::Path<i32>,
) -> Result<HttpResponse, PageError> {
    let user = staff_or_page!(state, req, Need::Staff);
    let (s, year) = (state.clone(), *year);
    match web::block(move || page_data(&s, year)).await?? {
        Some(data) => admin_page(&state, &req, &user, "admin_contacts", data),
        None => outcome(
            &state,
            &req,
            &user,
            Err(anyhow::anyhow!("there is no cycle {year}")),
            "/admin",
        ),
    }
}

/// The upload form's fields: the CSRF token, and the file with its name.
#[derive(Default)]
struct Upload {
    csrf_token: Option<String>,
    file: Option<(String, Vec<u8>)>,
}

async fn read_upload(mut form: actix_multipart::Multipart) -> anyhow::Result<Upload> {
    let mut upload = Upload::default();
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| anyhow::anyhow!("the upload is unreadable: {e}"))?;
        let name = field.name().unwrap_or_default().to_string();
        let filename = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .unwrap_or("contacts.csv")
            .to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| anyhow::anyhow!("the upload is unreadable: {e}"))?;
            bytes.extend_from_slice(&chunk);
            anyhow::ensure!(bytes.len() <= MAX_UPLOAD, "the file is larger than 8 MB");
        }
        match name.as_str() {
            "csrf_token" => upload.csrf_token = Some(String::from_utf8_lossy(&bytes).into_owned()),
            "contacts" => upload.file = Some((filename, bytes)),
            _ => {}
        }
    }
    Ok(upload)
}

/// Stores the contacts of an uploaded file (all or nothing). Their codes are made anew when
/// the invitations are sent, so none is shown here.
#[tracing::instrument(skip_all)]
pub async fn upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    year: web::Path<i32>,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let user = staff_or_page!(state, req, Need::Admin);
    let year = *year;
    let back = format!("/admin/cycles/{year}/contacts");
    // Read here rather than by the extractor, so that any POST without a valid token — even
    // one that is not multipart — gets the same 403 as every other form.
    let upload = read_upload(actix_multipart::Multipart::new(req.headers(), payload)).await;
    let token = upload.as_ref().ok().and_then(|u| u.csrf_token.as_deref());
    if let Some(refused) = csrf_refused(&state, &req, token) {
        return refused;
    }
    let file = match upload {
        Ok(Upload {
            file: Some(file), ..
        }) => file,
        Ok(_) => {
            let e = anyhow::anyhow!("choose a contacts file");
            return outcome(&state, &req, &user, Err(e), &back);
        }
        Err(e) => return outcome(&state, &req, &user, Err(e), &back),
    };
    let (name, bytes) = file;
    let (s, actor) = (state.clone(), user.username.clone());
    let result = web::block(move || -> anyhow::Result<String> {
        let contacts = crate::mail::contacts::parse(&name, &bytes)?;
        let mut conn = s.pool.get()?;
        let (planned, existing) = mailing::plan_contacts(&mut conn, year, &contacts)?;
        mailing::store_contacts(&mut conn, &actor, year, &planned)?;
        Ok(format!(
            "{name}: {} new contacts stored; {existing} already in cycle {year}",
            planned.len()
        ))
    })
    .await?;
    outcome(&state, &req, &user, result, &back)
}

#[derive(Debug, Deserialize)]
pub struct SendForm {
    csrf_token: Option<String>,
    retry: Option<String>,
}

/// Sends the invitations (`send`) or the reminders (`remind`) in the background, after the
/// checks that can refuse at once (settings, server, cycle).
#[tracing::instrument(skip_all)]
pub async fn send(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(i32, String)>,
    form: web::Form<SendForm>,
) -> Result<HttpResponse, PageError> {
    let (year, what) = path.into_inner();
    let reminder = match what.as_str() {
        "send" => false,
        "remind" => true,
        _ => return Ok(HttpResponse::NotFound().finish()),
    };
    let user = staff_or_page!(state, req, Need::Admin);
    if let Some(refused) = csrf_refused(&state, &req, form.csrf_token.as_deref()) {
        return refused;
    }
    let back = format!("/admin/cycles/{year}/contacts");
    let retry = form.retry.as_deref() == Some("yes");
    let (s, actor, lang) = (
        state.clone(),
        user.username.clone(),
        crate::web::i18n::lang_of(&req),
    );
    let started = web::block(move || -> anyhow::Result<String> {
        let mailer = Mailer::connect(&s.mail)?;
        let mut conn = s.pool.get()?;
        mailing::cycle_to_mail(&mut conn, year, reminder)?;
        drop(conn);
        std::thread::spawn(move || {
            if let Err(e) = send_in_background(&s, mailer, &actor, year, reminder, retry) {
                tracing::error!(error = %e, year, "sending stopped");
            }
        });
        Ok(crate::locale::text(lang, "admin-contacts-background"))
    })
    .await?;
    outcome(&state, &req, &user, started, &back)
}

fn send_in_background(
    state: &AppState,
    mut mailer: Mailer,
    actor: &str,
    year: i32,
    reminder: bool,
    retry: bool,
) -> anyhow::Result<()> {
    let mut conn = state.pool.get()?;
    let mut progress = |line: &str| tracing::warn!(year, "{line}");
    let mut run = Sending {
        actor,
        year,
        public_url: &state.public_url,
        retry,
        progress: &mut progress,
    };
    let report = if reminder {
        mailing::remind(&mut conn, &mut mailer, &mut run)?
    } else {
        let no_codes = Default::default();
        mailing::send_invitations(&mut conn, &mut mailer, &mut run, None, &no_codes)?
    };
    tracing::info!(
        year,
        "{}",
        report.summary(if reminder { "reminders" } else { "invitations" })
    );
    Ok(())
}
