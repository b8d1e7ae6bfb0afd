//! Rendering a page: every template gets the page language, the other language for the
//! switch link, and the CSRF token; cookies that the request needs are set on the answer.

use super::{csrf, i18n, AppState};
use actix_web::{http::StatusCode, HttpRequest, HttpResponse};
use serde_json::{json, Value};

/// Renders `template` with `data` (an object) plus the common fields.
pub fn page(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    template: &str,
    data: Value,
) -> Result<HttpResponse, handlebars::RenderError> {
    let lang = i18n::lang_of(req);
    let (token, csrf_cookie) = csrf::token(req);
    let mut context = json!({
        "lang": lang,
        "other_lang": crate::locale::pick(lang, "en", "vi"),
        "switch_href": switch_href(req, crate::locale::pick(lang, "en", "vi")),
        "csrf_token": token,
        // The page's `<title>` and social preview: pages that have a unit or a year set them.
        "title_unit": null,
        "title_year": null,
        "og_description": null,
    });
    if let (Some(ctx), Value::Object(extra)) = (context.as_object_mut(), data) {
        ctx.extend(extra);
    }
    // The context is handed over as it is: `render` would copy it (pages of published results
    // are large, and were the server's main cost per request).
    let body =
        (state.templates).render_with_context(template, &handlebars::Context::from(context))?;
    let mut answer = HttpResponse::build(status);
    answer.content_type("text/html; charset=utf-8");
    answer.insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"));
    for cookie in [csrf_cookie, i18n::lang_cookie(req)].into_iter().flatten() {
        answer.cookie(cookie);
    }
    Ok(answer.body(body))
}

/// The same page in `other` language: the query string keeps its other parameters (a code
/// being typed, a sort order, a receipt).
fn switch_href(req: &HttpRequest, other: &str) -> String {
    let mut pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    pairs.retain(|(k, _)| k != "lang");
    pairs.push(("lang".into(), other.into()));
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_else(|_| format!("lang={other}"));
    format!("?{query}")
}
