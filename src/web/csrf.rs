//! CSRF protection for every form POST (double-submit): a random token lives in an HttpOnly,
//! SameSite=Strict cookie and in a hidden field of the form; a POST whose field does not match
//! its cookie is refused with 403.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::HttpRequest;

pub const COOKIE: &str = "csrf";

/// The request's token, and the cookie to set when it had none.
pub fn token(req: &HttpRequest) -> (String, Option<Cookie<'static>>) {
    if let Some(c) = req.cookie(COOKIE).filter(|c| c.value().len() == 32) {
        return (c.value().to_string(), None);
    }
    let token = {
        use rand_core::RngCore;
        let mut bytes = [0u8; 16];
        rand_core::OsRng.fill_bytes(&mut bytes);
        hex::encode(bytes)
    };
    let cookie = Cookie::build(COOKIE, token.clone())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish();
    (token, Some(cookie))
}

/// True when the form's token equals the cookie's (compared in constant time).
pub fn verify(req: &HttpRequest, submitted: Option<&str>) -> bool {
    let (Some(cookie), Some(field)) = (req.cookie(COOKIE), submitted) else {
        return false;
    };
    let (a, b) = (cookie.value().as_bytes(), field.as_bytes());
    a.len() == 32
        && a.len() == b.len()
        && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
