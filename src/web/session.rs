//! The respondent's session: after a valid code, an encrypted, signed, HttpOnly cookie holds
//! the invitation's id and the key of its draft (derived from the code; never the code itself),
//! so each page knows whose draft to load and can open it. The cookie's key comes from the
//! installation's key file (`secrets`), never from the database; the draft's key is nowhere
//! but in this cookie, so the server reads a draft only while its business is answering.

use crate::seal::SealKey;
use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::HttpRequest;

pub const COOKIE: &str = "ddci_survey";

/// The cookie key of the installation.
pub fn key(secrets: &crate::secrets::Secrets) -> Key {
    // `secrets` holds exactly 64 bytes; were it damaged, a per-process key would only end
    // sessions at restart, which is safe.
    Key::try_from(secrets.session.as_slice()).unwrap_or_else(|_| Key::generate())
}

pub fn start(key: &Key, invitation_id: i64, draft_key: &SealKey) -> Cookie<'static> {
    let mut jar = CookieJar::new();
    jar.private_mut(key).add(
        Cookie::build(COOKIE, format!("{invitation_id}:{}", draft_key.to_hex()))
            .path("/survey")
            .http_only(true)
            .same_site(SameSite::Lax)
            .finish(),
    );
    jar.get(COOKIE)
        .cloned()
        .unwrap_or_else(|| Cookie::new(COOKIE, ""))
}

/// The session's invitation id and draft key. A cookie from before drafts were sealed (an id
/// alone) is no session: its business enters its code again.
pub fn respondent(req: &HttpRequest, key: &Key) -> Option<(i64, SealKey)> {
    let mut jar = CookieJar::new();
    jar.add_original(req.cookie(COOKIE)?);
    let value = jar.private(key).get(COOKIE)?.value().to_string();
    let (id, draft_key) = value.split_once(':')?;
    Some((id.parse().ok()?, SealKey::from_hex(draft_key)?))
}

pub fn end() -> Cookie<'static> {
    let mut c = Cookie::build(COOKIE, "").path("/survey").finish();
    c.make_removal();
    c
}
