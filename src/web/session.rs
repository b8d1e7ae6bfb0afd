//! The respondent's session: after a valid code, an encrypted, signed, HttpOnly cookie holds
//! the invitation's id (never the code), so each page knows whose draft to load. The key comes
//! from the installation's key file (`secrets`), never from the database.

use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::HttpRequest;

pub const COOKIE: &str = "ddci_survey";

/// The cookie key of the installation.
pub fn key(secrets: &crate::secrets::Secrets) -> Key {
    // `secrets` holds exactly 64 bytes; were it damaged, a per-process key would only end
    // sessions at restart, which is safe.
    Key::try_from(secrets.session.as_slice()).unwrap_or_else(|_| Key::generate())
}

pub fn start(key: &Key, invitation_id: i64) -> Cookie<'static> {
    let mut jar = CookieJar::new();
    jar.private_mut(key).add(
        Cookie::build(COOKIE, invitation_id.to_string())
            .path("/survey")
            .http_only(true)
            .same_site(SameSite::Lax)
            .finish(),
    );
    jar.get(COOKIE)
        .cloned()
        .unwrap_or_else(|| Cookie::new(COOKIE, ""))
}

pub fn invitation_id(req: &HttpRequest, key: &Key) -> Option<i64> {
    let mut jar = CookieJar::new();
    jar.add_original(req.cookie(COOKIE)?);
    jar.private(key).get(COOKIE)?.value().parse().ok()
}

pub fn end() -> Cookie<'static> {
    let mut c = Cookie::build(COOKIE, "").path("/survey").finish();
    c.make_removal();
    c
}
