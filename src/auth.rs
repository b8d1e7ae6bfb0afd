//! Admin accounts as a domain: roles and what they may do, password hashing (Argon2id PHC
//! strings), session tokens. No HTTP or SQL here.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use sha2::{Digest, Sha256};

/// Who may do what: an analyst reads everything an admin reads (unpublished results, the
/// response monitor, comments, runs) and may score; only an admin changes the cycle's state,
/// issues codes, publishes and manages accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Analyst,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
        }
    }

    pub fn can_manage(self) -> bool {
        self == Role::Admin
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "analyst" => Ok(Role::Analyst),
            other => Err(format!(
                "unknown role `{other}` (expected admin or analyst)"
            )),
        }
    }
}

/// The shortest password accepted: long enough that the login throttle makes guessing hopeless.
pub const MIN_PASSWORD_CHARS: usize = 10;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AccountError {
    #[error("the user name must be 3–40 letters, digits, dots, dashes or underscores")]
    BadUsername,
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    ShortPassword,
    #[error("cannot hash the password: {0}")]
    Hash(String),
}

/// Characters of a typed user name kept in the audit log: an account name has at most 40, so
/// nothing real is lost, and a sign-in form cannot fill the log with 256 KB per attempt.
pub const AUDIT_NAME_CHARS: usize = 64;

/// A user name as typed at sign-in, cut to [`AUDIT_NAME_CHARS`] characters for the audit log.
pub fn audit_name(typed: &str) -> String {
    typed.chars().take(AUDIT_NAME_CHARS).collect()
}

/// Checks a new account's name and password.
pub fn validate(username: &str, password: &str) -> Result<(), AccountError> {
    let ok_name = (3..=40).contains(&username.chars().count())
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !ok_name {
        return Err(AccountError::BadUsername);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::ShortPassword);
    }
    Ok(())
}

/// Argon2id with the crate's recommended parameters, as a PHC string (salt included).
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Whether `password` matches the stored PHC string (false for a damaged one).
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash to verify against when the user name does not exist, so that an unknown name costs
/// the same time as a wrong password and does not reveal which names exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password never used").unwrap_or_default())
}

/// A new session token (256 random bits, hex) and the SHA-256 the database keeps of it.
pub fn new_session_token() -> (String, String) {
    use argon2::password_hash::rand_core::RngCore;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_only_against_its_own_hash() {
        let h = hash_password("mật khẩu dài đủ").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("mật khẩu dài đủ", &h));
        assert!(!verify_password("mật khẩu dài đú", &h));
        assert!(!verify_password("anything", "not a phc string"));
    }

    #[test]
    fn typed_names_are_cut_to_64_characters_for_the_audit_log() {
        assert_eq!(audit_name("hiephoi"), "hiephoi");
        let long = "đ".repeat(100);
        assert_eq!(audit_name(&long), "đ".repeat(64));
    }

    #[test]
    fn usernames_and_passwords_are_checked() {
        assert_eq!(validate("hiep-hoi", "0123456789"), Ok(()));
        assert_eq!(validate("ab", "0123456789"), Err(AccountError::BadUsername));
        assert_eq!(
            validate("a b c", "0123456789"),
            Err(AccountError::BadUsername)
        );
        assert_eq!(
            validate("hiep-hoi", "short"),
            Err(AccountError::ShortPassword)
        );
    }

    #[test]
    fn only_admins_manage() {
        assert!(Role::Admin.can_manage());
        assert!(!Role::Analyst.can_manage());
        assert_eq!("analyst".parse::<Role>(), Ok(Role::Analyst));
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn session_tokens_are_random_and_stored_hashed() {
        let (a, ha) = new_session_token();
        let (b, _) = new_session_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a), ha);
        assert_ne!(a, ha);
    }
}
