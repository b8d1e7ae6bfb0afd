//! A QR code drawn as black squares (vector, sharp at any size; no image needed).

use super::layout::Item;
use anyhow::Context;
use qrcode::{Color, EcLevel, QrCode};

/// The squares of the QR code of `text`, `side` points wide with its top left at (`x`, `y`),
/// quiet zone included (4 modules on every side, as the standard asks). Dark modules next to
/// each other on a row are drawn as one rectangle.
pub fn qr_items(text: &str, x: f32, y: f32, side: f32) -> anyhow::Result<Vec<Item>> {
    // Level M survives a crease or a coffee stain on a letter.
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .context("the survey link is too long for a QR code")?;
    let n = code.width();
    let colors = code.to_colors();
    let module = side / (n + 8) as f32;
    let mut items = Vec::new();
    for (row, cells) in colors.chunks(n).enumerate() {
        let mut col = 0;
        while col < n {
            if cells[col] != Color::Dark {
                col += 1;
                continue;
            }
            let start = col;
            while col < n && cells[col] == Color::Dark {
                col += 1;
            }
            items.push(Item::Rect {
                x: x + (start + 4) as f32 * module,
                y: y + (row + 4) as f32 * module,
                w: (col - start) as f32 * module,
                h: module,
                filled: true,
            });
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_squares_stay_inside_the_quiet_zone() {
        let items = qr_items(
            "https://ddci.langson.gov.vn/survey?code=7KQ2-M9XD-4HT0-B31Z",
            100.0,
            200.0,
            120.0,
        )
        .expect("qr");
        assert!(items.len() > 50);
        for item in &items {
            let Item::Rect { x, y, w, h, filled } = item else {
                panic!("only squares")
            };
            assert!(*filled);
            assert!(*x > 100.0 && x + w < 220.0 && *y > 200.0 && y + h < 320.0);
        }
    }
}
