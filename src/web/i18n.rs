//! Page language: Vietnamese by default, English on request. Texts (`crate::locale`) are used
//! in templates as `{{fluent "key"}}`.

use crate::locale::LOCALES;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::HttpRequest;

pub const LANG_COOKIE: &str = "lang";

/// The language of a request: `?lang=` first (a switch link), then the cookie, else Vietnamese.
pub fn lang_of(req: &HttpRequest) -> &'static str {
    let from_query = url_query(req, "lang");
    let from_cookie = req.cookie(LANG_COOKIE).map(|c| c.value().to_string());
    match from_query.or(from_cookie).as_deref() {
        Some("en") => "en",
        _ => "vi",
    }
}

/// The cookie that remembers an explicit choice of language, if the request made one.
pub fn lang_cookie(req: &HttpRequest) -> Option<Cookie<'static>> {
    url_query(req, "lang")?;
    Some(
        Cookie::build(LANG_COOKIE, lang_of(req))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::days(365))
            .finish(),
    )
}

fn url_query(req: &HttpRequest, key: &str) -> Option<String> {
    req.query_string().split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| v.to_string())
    })
}

/// `{{fluent KEY name=value…}}`: the text of KEY in the page's `lang`. KEY may be a literal or
/// a value from the context (pages pass message keys as data, e.g. a field's error).
pub struct FluentHelper;

/// `{{time x}}`: a stored instant in Asia/Ho_Chi_Minh time, in the page's format.
pub struct TimeHelper;

impl handlebars::HelperDef for TimeHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &handlebars::Helper<'rc>,
        _: &'reg handlebars::Handlebars<'reg>,
        ctx: &'rc handlebars::Context,
        _: &mut handlebars::RenderContext<'reg, 'rc>,
        out: &mut dyn handlebars::Output,
    ) -> handlebars::HelperResult {
        let lang = ctx
            .data()
            .get("lang")
            .and_then(|v| v.as_str())
            .unwrap_or("vi");
        let text = h
            .param(0)
            .and_then(|p| p.value().as_str())
            .map(|s| crate::results::local_time(s, lang))
            .unwrap_or_default();
        out.write(&handlebars::html_escape(&text))?;
        Ok(())
    }
}

/// `{{num x}}`: a whole number in the page's format ("1.500" in Vietnamese); text as it is.
pub struct NumberHelper;

impl handlebars::HelperDef for NumberHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &handlebars::Helper<'rc>,
        _: &'reg handlebars::Handlebars<'reg>,
        ctx: &'rc handlebars::Context,
        _: &mut handlebars::RenderContext<'reg, 'rc>,
        out: &mut dyn handlebars::Output,
    ) -> handlebars::HelperResult {
        let lang = ctx
            .data()
            .get("lang")
            .and_then(|v| v.as_str())
            .unwrap_or("vi");
        let text = match h.param(0).map(handlebars::PathAndJson::value) {
            Some(serde_json::Value::Number(n)) => n
                .as_f64()
                .map_or_else(|| n.to_string(), |x| crate::results::whole(x, lang)),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        out.write(&handlebars::html_escape(&text))?;
        Ok(())
    }
}

impl handlebars::HelperDef for FluentHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &handlebars::Helper<'rc>,
        _: &'reg handlebars::Handlebars<'reg>,
        ctx: &'rc handlebars::Context,
        _: &mut handlebars::RenderContext<'reg, 'rc>,
        out: &mut dyn handlebars::Output,
    ) -> handlebars::HelperResult {
        use fluent_templates::Loader;
        let key = h.param(0).and_then(|p| p.value().as_str()).ok_or(
            handlebars::RenderErrorReason::ParamNotFoundForIndex("fluent", 0),
        )?;
        let lang = ctx
            .data()
            .get("lang")
            .and_then(|v| v.as_str())
            .unwrap_or("vi");
        let id: fluent_templates::LanguageIdentifier = lang
            .parse()
            .map_err(|_| handlebars::RenderErrorReason::Other(format!("bad language `{lang}`")))?;
        let args: std::collections::HashMap<
            std::borrow::Cow<'static, str>,
            fluent_templates::fluent_bundle::FluentValue,
        > = h
            .hash()
            .iter()
            .map(|(k, v)| {
                (
                    std::borrow::Cow::Owned(k.to_string()),
                    fluent_value(k, v.value(), lang),
                )
            })
            .collect();
        let text = LOCALES
            .try_lookup_with_args(&id, key, &args)
            .ok_or_else(|| {
                handlebars::RenderErrorReason::Other(format!("no text `{key}` in {lang}"))
            })?;
        // Texts are ours, but arguments may come from users: escape the result like `{{…}}`.
        out.write(&handlebars::html_escape(&text))?;
        Ok(())
    }
}

/// A text's argument; counts of a thousand or more are written in the page's format ("1.500"),
/// years and run numbers as they are.
fn fluent_value(
    key: &str,
    v: &serde_json::Value,
    lang: &str,
) -> fluent_templates::fluent_bundle::FluentValue<'static> {
    match v {
        serde_json::Value::Number(n)
            if !key.ends_with("year")
                && key != "run"
                && n.as_f64()
                    .is_some_and(|x| x.abs() >= 1000.0 && x.fract() == 0.0) =>
        {
            crate::results::whole(n.as_f64().unwrap_or_default(), lang).into()
        }
        serde_json::Value::Number(n) => n.as_f64().map_or_else(|| n.to_string().into(), Into::into),
        serde_json::Value::String(s) => s.clone().into(),
        serde_json::Value::Null => "".into(),
        other => other.to_string().into(),
    }
}
