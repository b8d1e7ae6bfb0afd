//! Sealing with AES-256-GCM: drafts (keyed by the business's invitation code) and pending
//! submissions (keyed by the installation's key file). A sealed value is the 12-byte random
//! nonce followed by the ciphertext and its tag; the associated data binds it to its row, so
//! a sealed value copied onto another row does not open.
//!
//! The draft key is HKDF-SHA256 of the normalised code, salted with a secret of the key file:
//! a database copy holds neither (only the code's hash, from which no key is derived), and the
//! salt stops a dictionary of codes from being computed once for every installation.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use hkdf::Hkdf;
use sha2::Sha256;

const NONCE: usize = 12;

/// A 256-bit sealing key.
#[derive(Clone, PartialEq, Eq)]
pub struct SealKey([u8; 32]);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(…)")
    }
}

impl SealKey {
    /// HKDF-SHA256 of `ikm` with `salt`, for the purpose named by `info`.
    pub fn derive(salt: &[u8], ikm: &[u8], info: &[u8]) -> SealKey {
        let mut key = [0u8; 32];
        // 32 bytes is far below HKDF-SHA256's limit (8160 bytes), so expand cannot fail.
        let _ = Hkdf::<Sha256>::new(Some(salt), ikm).expand(info, &mut key);
        SealKey(key)
    }

    /// The key of a draft: from the normalised invitation code (never from its stored hash).
    pub fn for_draft(installation_salt: &[u8], normalized_code: &str) -> SealKey {
        SealKey::derive(
            installation_salt,
            normalized_code.as_bytes(),
            b"ddci draft v1",
        )
    }

    /// The key as text, for the encrypted session cookie that carries it.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(text: &str) -> Option<SealKey> {
        let bytes = hex::decode(text).ok()?;
        Some(SealKey(bytes.try_into().ok()?))
    }

    /// `plaintext` sealed with a fresh random nonce, bound to `aad`.
    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        use rand_core::RngCore;
        let mut nonce = [0u8; NONCE];
        rand_core::OsRng.fill_bytes(&mut nonce);
        let cipher = Aes256Gcm::new(&self.0.into());
        let payload = Payload {
            msg: plaintext,
            aad,
        };
        // Encryption fails only for messages of gigabytes; a draft is a few kilobytes.
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// The plaintext, or None if `sealed` was not sealed with this key and `aad`.
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE {
            return None;
        }
        let (nonce, msg) = sealed.split_at(NONCE);
        let cipher = Aes256Gcm::new(&self.0.into());
        cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg, aad })
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_only_with_its_key_and_row() {
        let key = SealKey::for_draft(b"salt-of-this-installation", "ABCD-EFGH-JKLM");
        let sealed = key.seal(b"17", "Ý kiến: thủ tục chậm".as_bytes());
        assert_eq!(
            key.open(b"17", &sealed).as_deref(),
            Some("Ý kiến: thủ tục chậm".as_bytes())
        );
        // Another row, another code, another installation, a damaged value: nothing opens.
        assert_eq!(key.open(b"18", &sealed), None);
        let other_code = SealKey::for_draft(b"salt-of-this-installation", "ABCD-EFGH-JKLN");
        assert_eq!(other_code.open(b"17", &sealed), None);
        let other_salt = SealKey::for_draft(b"another installation", "ABCD-EFGH-JKLM");
        assert_eq!(other_salt.open(b"17", &sealed), None);
        let mut damaged = sealed.clone();
        *damaged.last_mut().expect("tag") ^= 1;
        assert_eq!(key.open(b"17", &damaged), None);
        assert_eq!(key.open(b"17", &sealed[..5]), None);
    }

    #[test]
    fn sealed_text_holds_no_plaintext_and_nonces_differ() {
        let key = SealKey::for_draft(b"salt", "CODE");
        let a = key.seal(b"1", b"MARKER-MARKER-MARKER");
        let b = key.seal(b"1", b"MARKER-MARKER-MARKER");
        assert_ne!(a, b);
        assert!(!a.windows(6).any(|w| w == b"MARKER"));
    }

    #[test]
    fn key_travels_as_hex() {
        let key = SealKey::for_draft(b"salt", "CODE");
        assert_eq!(SealKey::from_hex(&key.to_hex()), Some(key));
        assert_eq!(SealKey::from_hex("00ff"), None);
        assert_eq!(SealKey::from_hex("not hex"), None);
    }
}
