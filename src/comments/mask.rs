//! Masking the obvious identifiers in a business's comment — phone numbers, email addresses
//! and tax codes (mã số thuế) — before anyone reads it on a page or in a file. A comment is
//! free text: a business that writes its hotline or its tax code would name itself to the unit
//! it criticises. Ordinary numbers (years, amounts, days) stay as written.
//!
//! What counts (Vietnamese usage):
//! - a phone number: national digits starting with 0 — mobiles 03/05/07/08/09 and 10 digits,
//!   landlines 02 and 11 digits — or the same after `+84` / `(+84)` without the 0; groups may
//!   be separated by one space, dot or dash, and a landline's area code may sit in brackets:
//!   `0912 345 678`, `0912.345.678`, `+84 912345678`, `(0205) 3812 345`, `02053812345`;
//! - an email address: `name@domain.tld`;
//! - a tax code: exactly 10 digits standing alone, optionally followed by `-` and a 3-digit
//!   branch number (`4900123456-001`). Ten digits written without any separator are masked even
//!   when they are an amount (`1500000000`): too rare in comments to risk a tax code.

/// What replaces each identifier.
pub const MASK: &str = "[đã ẩn]";

/// `text` with every phone number, email address and tax code replaced by [`MASK`].
pub fn mask(text: &str) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    spans.extend(emails(&chars));
    spans.extend(numbers(&chars));
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (start, end) in spans {
        let (start, end) = (byte(&chars, text, start), byte(&chars, text, end));
        if start < from {
            // Overlaps a span already masked (an email's digits): extend it.
            from = from.max(end);
            continue;
        }
        out.push_str(&text[from..start]);
        out.push_str(MASK);
        from = end;
    }
    out.push_str(&text[from..]);
    out
}

/// The byte offset of char index `i` (the text's length past the end).
fn byte(chars: &[(usize, char)], text: &str, i: usize) -> usize {
    chars.get(i).map_or(text.len(), |(b, _)| *b)
}

fn at(chars: &[(usize, char)], i: usize) -> Option<char> {
    chars.get(i).map(|(_, c)| *c)
}

fn is_digit(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_digit())
}

/// Whether an identifier may start at `i`: not inside a word or a longer number.
fn starts_token(chars: &[(usize, char)], i: usize) -> bool {
    i == 0 || !at(chars, i - 1).is_some_and(char::is_alphanumeric)
}

/// Char spans of `local@domain.tld`.
fn emails(chars: &[(usize, char)]) -> Vec<(usize, usize)> {
    let local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let domain = |c: char| c.is_ascii_alphanumeric() || ".-".contains(c);
    let mut spans = Vec::new();
    for (i, _) in chars.iter().enumerate().filter(|(_, (_, c))| *c == '@') {
        let mut start = i;
        while start > 0 && at(chars, start - 1).is_some_and(local) {
            start -= 1;
        }
        let mut end = i + 1;
        while at(chars, end).is_some_and(domain) {
            end += 1;
        }
        // A sentence's full stop or a dash after the address is not part of it.
        while end > i + 1 && at(chars, end - 1).is_some_and(|c| ".-".contains(c)) {
            end -= 1;
        }
        let host: String = chars[i + 1..end].iter().map(|(_, c)| c).collect();
        let tld_ok = host
            .rsplit_once('.')
            .is_some_and(|(name, tld)| !name.is_empty() && tld.len() >= 2);
        if start < i && tld_ok {
            spans.push((start, end));
        }
    }
    spans
}

/// Char spans of phone numbers and tax codes.
fn numbers(chars: &[(usize, char)]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let found = if starts_token(chars, i) {
            phone(chars, i).or_else(|| tax_code(chars, i))
        } else {
            None
        };
        match found {
            Some(end) => {
                spans.push((i, end));
                i = end;
            }
            None => i += 1,
        }
    }
    spans
}

fn starts_with(chars: &[(usize, char)], i: usize, s: &str) -> bool {
    s.chars()
        .enumerate()
        .all(|(k, c)| at(chars, i + k) == Some(c))
}

/// The national digits form a whole phone number: a mobile (03, 05, 07, 08, 09; 10 digits)
/// or a landline (02; 11 digits).
fn complete_phone(digits: &str) -> bool {
    let b = digits.as_bytes();
    match (b.first(), b.get(1)) {
        (Some(b'0'), Some(b'2')) => b.len() == 11,
        (Some(b'0'), Some(b'3' | b'5' | b'7' | b'8' | b'9')) => b.len() == 10,
        _ => false,
    }
}

fn separator(c: Option<char>) -> bool {
    matches!(c, Some(' ' | '.' | '-'))
}

/// The end of the longest phone number starting at `i`.
fn phone(chars: &[(usize, char)], i: usize) -> Option<usize> {
    let mut digits = String::new();
    let mut j = i;
    if starts_with(chars, j, "+84") || starts_with(chars, j, "(+84)") {
        j += if at(chars, j) == Some('(') { 5 } else { 3 };
        digits.push('0');
        if separator(at(chars, j)) {
            j += 1;
        }
    } else if at(chars, j) == Some('(') {
        // A landline's area code in brackets: (0205).
        let mut k = j + 1;
        while is_digit(at(chars, k)) {
            digits.push(at(chars, k)?);
            k += 1;
        }
        if at(chars, k) != Some(')') || !(3..=4).contains(&digits.len()) {
            return None;
        }
        j = k + 1;
        if separator(at(chars, j)) {
            j += 1;
        }
    }
    if !digits.is_empty() && digits != "0" && !digits.starts_with('0') {
        return None;
    }
    let mut best = None;
    while is_digit(at(chars, j)) {
        while is_digit(at(chars, j)) {
            digits.push(at(chars, j)?);
            j += 1;
        }
        if !digits.starts_with('0') || digits.len() > 11 {
            break;
        }
        if complete_phone(&digits) {
            best = Some(j);
        }
        if separator(at(chars, j)) && is_digit(at(chars, j + 1)) {
            j += 1;
        }
    }
    best
}

/// The end of a tax code starting at `i`: 10 digits alone, with an optional `-ddd` branch.
fn tax_code(chars: &[(usize, char)], i: usize) -> Option<usize> {
    let mut j = i;
    while is_digit(at(chars, j)) {
        j += 1;
    }
    if j - i != 10 || at(chars, j).is_some_and(char::is_alphanumeric) {
        return None;
    }
    // The branch: "-001", also written " - 001".
    let mut k = j;
    if at(chars, k) == Some(' ') {
        k += 1;
    }
    if at(chars, k) == Some('-') {
        k += 1;
        if at(chars, k) == Some(' ') {
            k += 1;
        }
        let branch = (k..k + 3).all(|n| is_digit(at(chars, n)));
        if branch && !at(chars, k + 3).is_some_and(char::is_alphanumeric) {
            return Some(k + 3);
        }
    }
    Some(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_phone_numbers_in_their_usual_spellings_are_masked() {
        for phone in [
            "0912 345 678",
            "0912.345.678",
            "0912-345-678",
            "0912345678",
            "+84 912345678",
            "+84912 345 678",
            "(+84) 912 345 678",
            "(0205) 3812 345",
            "0205 3812 345",
            "02053812345",
            "0385 123 456",
        ] {
            let text = format!("Liên hệ {phone} để biết thêm.");
            assert_eq!(mask(&text), "Liên hệ [đã ẩn] để biết thêm.", "{phone}");
        }
    }

    #[test]
    fn emails_and_tax_codes_are_masked() {
        assert_eq!(
            mask("Gửi về ketoan.abc@congty-xyz.com.vn."),
            "Gửi về [đã ẩn]."
        );
        assert_eq!(
            mask("MST 4900123456 của công ty"),
            "MST [đã ẩn] của công ty"
        );
        assert_eq!(mask("MST: 4900123456-001."), "MST: [đã ẩn].");
        assert_eq!(
            mask("mã 0101234567 - 002 chi nhánh"),
            "mã [đã ẩn] chi nhánh"
        );
    }

    #[test]
    fn ordinary_numbers_stay() {
        for text in [
            "Năm 2024 hồ sơ mất 30 ngày, phí 5 triệu đồng.",
            "Từ 01/02/2024 đến 15.03.2024, 2 lần.",
            "Vốn 1.500.000.000 đồng, tăng 12,5% so với 2023-2024.",
            "Số hồ sơ 123456789 và 20 người, 0,5 ngày.",
            "Quyết định số 230/KH-UBND, 3 tầng, 091 hồ sơ.",
        ] {
            assert_eq!(mask(text), text);
        }
    }

    #[test]
    fn a_number_after_the_phone_is_not_taken_with_it() {
        assert_eq!(
            mask("Gọi 0912 345 678 30 lần không ai nghe"),
            "Gọi [đã ẩn] 30 lần không ai nghe"
        );
        assert_eq!(
            mask("0912345678, ketoan@abc.vn và 0205.3812.345"),
            "[đã ẩn], [đã ẩn] và [đã ẩn]"
        );
    }

    #[test]
    fn digits_inside_words_or_longer_numbers_stay() {
        assert_eq!(mask("mã ABC0912345678"), "mã ABC0912345678");
        assert_eq!(mask("số 123409123456789"), "số 123409123456789");
    }
}
