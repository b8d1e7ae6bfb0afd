//! Invitation codes: 80 random bits written as 16 Crockford base32 characters in groups of four
//! (`7KQ2-M9XD-4HTR-B3WZ`), easy to read aloud and type on a phone. Input is forgiving: case,
//! spaces and dashes do not matter, and the letters that look like digits (O, I, L) are read as
//! the digits. Only a hash of the code is ever stored.

use sha2::{Digest, Sha256};

/// Crockford's alphabet: no I, L, O, U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CHARS: usize = 16;

/// A fresh code from the operating system's random source.
pub fn generate() -> String {
    use rand_core::RngCore;
    let mut bytes = [0u8; 10];
    rand_core::OsRng.fill_bytes(&mut bytes);
    format_code(&bytes)
}

/// The 80 bits of `bytes` as four dash-separated groups of four characters.
fn format_code(bytes: &[u8; 10]) -> String {
    let mut bits: u128 = 0;
    for b in bytes {
        bits = (bits << 8) | u128::from(*b);
    }
    let mut out = String::with_capacity(CHARS + 3);
    for i in 0..CHARS {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        let shift = 5 * (CHARS - 1 - i);
        out.push(char::from(ALPHABET[((bits >> shift) & 31) as usize]));
    }
    out
}

/// The canonical form of what someone typed, or `None` if it cannot be a code.
pub fn normalize(input: &str) -> Option<String> {
    let mut out = String::with_capacity(CHARS);
    for c in input.chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' | '\u{2013}' | '\u{2014}' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if ALPHABET.contains(&(c as u8)) && c.is_ascii() => c,
            _ => return None,
        };
        out.push(c);
    }
    (out.len() == CHARS).then_some(out)
}

/// A canonical code as people read it: groups of four joined by dashes.
pub fn format_normalized(canonical: &str) -> String {
    let chars: Vec<char> = canonical.chars().collect();
    let groups: Vec<String> = chars.chunks(4).map(|g| g.iter().collect()).collect();
    groups.join("-")
}

/// What the database keeps: the SHA-256 of the canonical code. With 80 random bits a code
/// cannot be found from its hash.
pub fn hash(canonical: &str) -> String {
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_normalized_code_reads_in_groups_of_four() {
        let code = super::generate();
        let canonical = super::normalize(&code.to_lowercase()).expect("a code");
        assert_eq!(super::format_normalized(&canonical), code);
    }

    use super::*;

    #[test]
    fn codes_have_sixteen_crockford_characters_in_four_groups() {
        let code = generate();
        assert_eq!(code.len(), 19);
        let groups: Vec<_> = code.split('-').collect();
        assert_eq!(groups.len(), 4);
        assert!(groups.iter().all(|g| g.len() == 4));
        assert!(code
            .chars()
            .all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        assert_ne!(generate(), code, "two codes differ");
    }

    #[test]
    fn all_eighty_bits_are_used() {
        assert_eq!(format_code(&[0; 10]), "0000-0000-0000-0000");
        assert_eq!(format_code(&[0xff; 10]), "ZZZZ-ZZZZ-ZZZZ-ZZZZ");
        let mut one = [0u8; 10];
        one[9] = 1;
        assert_eq!(format_code(&one), "0000-0000-0000-0001");
    }

    #[test]
    fn typing_is_forgiving_about_case_dashes_and_look_alike_letters() {
        let canonical = normalize("7KQ2-M9XD-4HT0-B31Z").expect("valid");
        assert_eq!(
            normalize("7kq2 m9xd 4hto b3lz").as_deref(),
            Some(canonical.as_str())
        );
        assert_eq!(
            normalize("7KQ2M9XD4HTOB3IZ").as_deref(),
            Some(canonical.as_str())
        );
        assert_eq!(normalize("7KQ2-M9XD-4HT0"), None, "too short");
        assert_eq!(
            normalize("7KQ2-M9XD-4HT0-B31U"),
            None,
            "U is not in the alphabet"
        );
        assert_eq!(hash(&canonical).len(), 64);
        assert_ne!(hash(&canonical), canonical);
    }
}
