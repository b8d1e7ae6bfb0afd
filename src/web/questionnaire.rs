//! The questionnaire after the code: profile and choice of units, one block per unit, review,
//! submit. Every page saves the draft on the server, so the same code resumes anywhere.

use super::catalogs::CycleCatalog;
use super::pages::PageError;
use super::{csrf, render, session, AppState};
use crate::db::{self, invitations::Invitation};
// The views pick catalog texts in the page's language through here (`super::pick`).
use crate::locale::pick;
use crate::responses::NewResponse;
use crate::seal::SealKey;
use crate::survey::admission::{self, Admission};
use crate::survey::{codes, draft::Draft, submission};
use actix_web::{http::StatusCode, web, HttpRequest, HttpResponse};
use serde_json::{json, Value};
use std::sync::Arc;

mod views;

/// The request's respondent, or return the page that says the session has ended.
macro_rules! respondent_or_page {
    ($state:ident, $req:ident) => {
        match current(&$state, &$req).await? {
            Ok(r) => r,
            Err(page) => return Ok(page),
        }
    };
}

/// Who is answering: the invitation of the session cookie, its open cycle's catalog, the draft.
struct Respondent {
    invitation: Invitation,
    /// The draft's key, from the session cookie.
    key: SealKey,
    catalog: Arc<CycleCatalog>,
    draft: Draft,
}

fn respondent(
    state: &AppState,
    invitation_id: i64,
    key: SealKey,
) -> Result<Option<Respondent>, db::DbError> {
    let mut conn = state.pool.get()?;
    let Some(invitation) = db::invitations::by_id(&mut conn, invitation_id)? else {
        return Ok(None);
    };
    let cycle = db::cycles::list(&mut conn)?
        .into_iter()
        .find(|c| c.id == invitation.cycle_id);
    let verdict = admission::admit(
        true,
        Some(invitation.facts()),
        cycle.as_ref().map(db::cycles::CycleRow::facts),
    );
    if verdict != Admission::Admitted {
        return Ok(None);
    }
    let catalog = state.catalogs.get(&mut conn, invitation.cycle_id)?;
    let draft = db::drafts::load(&mut conn, invitation.id, &key)?;
    Ok(Some(Respondent {
        invitation,
        key,
        catalog,
        draft,
    }))
}

/// The respondent of this request, or the page that says the session has ended.
async fn current(
    state: &web::Data<AppState>,
    req: &HttpRequest,
) -> Result<Result<Respondent, HttpResponse>, PageError> {
    let Some((id, key)) = session::respondent(req, &state.cookie_key) else {
        return Ok(Err(expired(state, req)?));
    };
    let s = state.clone();
    match web::block(move || respondent(&s, id, key)).await?? {
        Some(r) => Ok(Ok(r)),
        None => Ok(Err(expired(state, req)?)),
    }
}

fn expired(state: &AppState, req: &HttpRequest) -> Result<HttpResponse, PageError> {
    let data =
        json!({"title_key": "survey-title", "text_key": "session-expired", "link": "/survey"});
    Ok(render::page(
        state,
        req,
        StatusCode::UNAUTHORIZED,
        "message",
        data,
    )?)
}

fn forbidden(state: &AppState, req: &HttpRequest) -> Result<HttpResponse, PageError> {
    let data = json!({"title_key": "forbidden-title", "text_key": "forbidden-text"});
    Ok(render::page(
        state,
        req,
        StatusCode::FORBIDDEN,
        "message",
        data,
    )?)
}

fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, to.to_string()))
        .finish()
}

/// Where to go after a saved page: the next unanswered block, else the review.
fn next_page(draft: &Draft) -> String {
    draft.next_unit().map_or_else(
        || "/survey/review".to_string(),
        |u| format!("/survey/unit/{u}"),
    )
}

/// Saves the draft. If the invitation was submitted meanwhile (another tab), nothing is saved
/// and the next page says the session has ended.
async fn save_draft(
    state: &web::Data<AppState>,
    r: &Respondent,
    draft: Draft,
) -> Result<(), PageError> {
    let (s, id, key) = (state.clone(), r.invitation.id, r.key.clone());
    web::block(move || {
        s.pool
            .get()
            .and_then(|mut c| db::drafts::save(&mut c, id, &key, &draft))
    })
    .await??;
    Ok(())
}

fn csrf_field(form: &[(String, String)]) -> Option<&str> {
    form.iter()
        .find(|(k, _)| k == "csrf_token")
        .map(|(_, v)| v.as_str())
}

#[tracing::instrument(skip_all)]
pub async fn profile(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let r = respondent_or_page!(state, req);
    let lang = super::i18n::lang_of(&req);
    let data = views::profile(&r.catalog, &r.draft, lang, &[]);
    Ok(render::page(
        &state,
        &req,
        StatusCode::OK,
        "survey_profile",
        data,
    )?)
}

#[tracing::instrument(skip_all)]
pub async fn save_profile(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    if !csrf::verify(&req, csrf_field(&form)) {
        return forbidden(&state, &req);
    }
    let mut r = respondent_or_page!(state, req);
    let errors = r.draft.apply_profile(&r.catalog, &form);
    save_draft(&state, &r, r.draft.clone()).await?;
    if errors.is_empty() {
        return Ok(redirect(&next_page(&r.draft)));
    }
    let data = views::profile(&r.catalog, &r.draft, super::i18n::lang_of(&req), &errors);
    Ok(render::page(
        &state,
        &req,
        StatusCode::UNPROCESSABLE_ENTITY,
        "survey_profile",
        data,
    )?)
}

#[tracing::instrument(skip_all)]
pub async fn block(
    state: web::Data<AppState>,
    req: HttpRequest,
    unit: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let r = respondent_or_page!(state, req);
    if !r.draft.units.contains(&unit) {
        return Ok(redirect("/survey/profile"));
    }
    let data = views::block(&r.catalog, &r.draft, &unit, super::i18n::lang_of(&req), &[]);
    Ok(render::page(
        &state,
        &req,
        StatusCode::OK,
        "survey_unit",
        data,
    )?)
}

#[tracing::instrument(skip_all)]
pub async fn save_block(
    state: web::Data<AppState>,
    req: HttpRequest,
    unit: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    if !csrf::verify(&req, csrf_field(&form)) {
        return forbidden(&state, &req);
    }
    let mut r = respondent_or_page!(state, req);
    if !r.draft.units.contains(&unit) {
        return Ok(redirect("/survey/profile"));
    }
    let errors = r.draft.apply_block(&r.catalog, &unit, &form);
    save_draft(&state, &r, r.draft.clone()).await?;
    if errors.is_empty() && r.draft.is_blank(&unit) {
        return Ok(redirect(&format!("/survey/unit/{unit}/skip")));
    }
    if errors.is_empty() {
        return Ok(redirect(&next_page(&r.draft)));
    }
    let data = views::block(
        &r.catalog,
        &r.draft,
        &unit,
        super::i18n::lang_of(&req),
        &errors,
    );
    Ok(render::page(
        &state,
        &req,
        StatusCode::UNPROCESSABLE_ENTITY,
        "survey_unit",
        data,
    )?)
}

/// "You answered nothing about this unit — skip it?", after a blank block was saved.
#[tracing::instrument(skip_all)]
pub async fn skip_prompt(
    state: web::Data<AppState>,
    req: HttpRequest,
    unit: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let r = respondent_or_page!(state, req);
    if !r.draft.units.contains(&unit) {
        return Ok(redirect("/survey/profile"));
    }
    let data = views::skip_prompt(&r.catalog, &r.draft, &unit, super::i18n::lang_of(&req));
    Ok(render::page(
        &state,
        &req,
        StatusCode::OK,
        "survey_skip",
        data,
    )?)
}

/// The business confirmed: the unit leaves its list, and the questionnaire goes on.
#[tracing::instrument(skip_all)]
pub async fn skip(
    state: web::Data<AppState>,
    req: HttpRequest,
    unit: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    if !csrf::verify(&req, csrf_field(&form)) {
        return forbidden(&state, &req);
    }
    let mut r = respondent_or_page!(state, req);
    r.draft.skip(&unit);
    save_draft(&state, &r, r.draft.clone()).await?;
    if r.draft.units.is_empty() {
        return Ok(redirect("/survey/profile"));
    }
    Ok(redirect(&next_page(&r.draft)))
}

#[tracing::instrument(skip_all)]
pub async fn review(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let r = respondent_or_page!(state, req);
    if r.draft.units.is_empty() {
        return Ok(redirect("/survey/profile"));
    }
    let data = views::review(&r.catalog, &r.draft, super::i18n::lang_of(&req));
    Ok(render::page(
        &state,
        &req,
        StatusCode::OK,
        "survey_review",
        data,
    )?)
}

/// The questionnaire as a response to store, or its field errors.
fn checked(r: &Respondent) -> Result<NewResponse, Vec<submission::FieldError>> {
    let s = r.draft.to_submission(&r.catalog, "");
    submission::validate(
        &r.catalog,
        &s,
        crate::responses::Channel::Web,
        &crate::clock::today(),
    )
}

/// Stores the questionnaire exactly once, through the same committer, transaction and
/// constraint as the API; the thank-you page is sent only once it is committed.
#[tracing::instrument(skip_all)]
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    if !csrf::verify(&req, csrf_field(&form)) {
        return forbidden(&state, &req);
    }
    let r = respondent_or_page!(state, req);
    if r.draft.next_unit().is_some() || r.draft.units.is_empty() {
        return Ok(redirect(&next_page(&r.draft)));
    }
    let Ok(response) = checked(&r) else {
        return Ok(redirect("/survey/review"));
    };
    let ids = r.catalog.ids.clone();
    let outcome = state.committer.submit(r.invitation, ids, response).await;
    let mut page = match outcome {
        // The thanks are their own address: a reload or a language switch thanks again
        // instead of posting the form a second time.
        Ok(()) => redirect(&format!("/survey/thanks?receipt={}", codes::generate())),
        Err(db::invitations::SubmitError::AlreadySubmitted) => {
            let data = json!({"title_key": "survey-title", "text_key": "error-code-used"});
            render::page(&state, &req, StatusCode::OK, "message", data)?
        }
        // The cycle closed while the business was answering: nothing was stored.
        Err(db::invitations::SubmitError::CycleNotOpen) => {
            let data = json!({"title_key": "survey-title", "text_key": "error-cycle-closed"});
            render::page(&state, &req, StatusCode::CONFLICT, "message", data)?
        }
        Err(e) => return Err(PageError::Submit(e.to_string())),
    };
    page.add_cookie(&session::end())
        .map_err(|e| PageError::Submit(e.to_string()))?;
    Ok(page)
}

#[derive(serde::Deserialize)]
pub struct ThanksQuery {
    receipt: Option<String>,
}

/// The page after a submission, in either language, on every reload. The receipt is a fresh
/// random code, not linked to the answers: it only lets a business say "we sent it".
#[tracing::instrument(skip_all)]
pub async fn thanks(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ThanksQuery>,
) -> Result<HttpResponse, PageError> {
    let receipt = query.receipt.as_deref().and_then(codes::normalize);
    let data = json!({
        "title_key": "thanks-title", "text_key": "thanks-text",
        "receipt": receipt.map(|r| codes::format_normalized(&r)),
        "thanks_next": true,
    });
    Ok(render::page(&state, &req, StatusCode::OK, "message", data)?)
}

fn field_error(errors: &[submission::FieldError], field: &str) -> Value {
    errors
        .iter()
        .find(|e| e.field == field)
        .map_or(Value::Null, |e| Value::String(e.message.clone()))
}
