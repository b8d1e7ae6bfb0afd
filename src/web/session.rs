//! The respondent's session: after a valid code, an encrypted, signed, HttpOnly cookie holds
//! the invitation's id (never the code), so each page knows whose draft to load. The key is
//! kept in the database so that every app instance shares it.

use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::HttpRequest;

pub const COOKIE: &str = "ddci_survey";

/// The cookie key of the installation, created on first use.
pub fn load_key(pool: &crate::db::Pool) -> Result<Key, crate::db::DbError> {
    let mut conn = pool.get()?;
    let fresh = crate::db::settings::random_hex(64);
    let stored = crate::db::settings::get_or_init(&mut conn, "cookie_key", &fresh)?;
    let bytes = hex::decode(stored).unwrap_or_default();
    // A damaged stored key (not 64 bytes) falls back to a per-process key: sessions then last
    // until restart, which is safe.
    Ok(Key::try_from(bytes.as_slice()).unwrap_or_else(|_| Key::generate()))
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
