//! The fonts of printed documents: DejaVu Sans (regular, bold) and DejaVu Sans Mono Bold for
//! invitation codes, vendored from Debian's fonts-dejavu-core (assets/fonts/LICENSE). They
//! cover every Vietnamese letter with its diacritics; krilla embeds only the glyphs used.

use skrifa::instance::{LocationRef, Size};
use skrifa::MetadataProvider;
use std::sync::LazyLock;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
static MONO: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansMono-Bold.ttf");

/// Which of the three fonts a piece of text uses; `Mono` only for invitation codes (it lacks
/// some Vietnamese letters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
    Mono,
}

impl Face {
    fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => REGULAR,
            Face::Bold => BOLD,
            Face::Mono => MONO,
        }
    }

    /// The font for krilla (parsed once per face).
    pub fn font(self) -> Option<krilla::text::Font> {
        static FONTS: LazyLock<[Option<krilla::text::Font>; 3]> = LazyLock::new(|| {
            [Face::Regular, Face::Bold, Face::Mono]
                .map(|f| krilla::text::Font::new(f.bytes().into(), 0))
        });
        FONTS[self as usize].clone()
    }

    /// The width of `text` at `size` points: the sum of its glyphs' advances. Shaping adds
    /// no kerning to these fonts' Latin text, so this is the drawn width.
    pub fn width(self, text: &str, size: f32) -> f32 {
        let Ok(font) = skrifa::FontRef::new(self.bytes()) else {
            return 0.0;
        };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| {
                let glyph = charmap.map(c).unwrap_or_default();
                metrics.advance_width(glyph).unwrap_or(0.0)
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_face_loads_and_measures_vietnamese_text() {
        for face in [Face::Regular, Face::Bold, Face::Mono] {
            assert!(face.font().is_some(), "{face:?}");
            let w = face.width("Hiep hoi Doanh nghiep", 10.0);
            assert!(w > 50.0 && w < 150.0, "{face:?}: {w}");
        }
        // Monospace: every character has the same advance.
        assert_eq!(
            Face::Mono.width("WWWW", 10.0),
            Face::Mono.width("iiii", 10.0)
        );
    }

    #[test]
    fn every_vietnamese_letter_has_a_glyph() {
        let letters = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ";
        // DejaVu Sans Mono lacks some of them: it draws invitation codes only.
        for face in [Face::Regular, Face::Bold] {
            let font = skrifa::FontRef::new(face.bytes()).expect("font");
            let charmap = font.charmap();
            for c in letters.chars().chain(letters.to_uppercase().chars()) {
                assert!(charmap.map(c).is_some(), "{face:?} lacks {c}");
            }
        }
        let font = skrifa::FontRef::new(Face::Mono.bytes()).expect("font");
        for c in "0123456789ABCDEFGHJKMNPQRSTVWXYZ-".chars() {
            assert!(font.charmap().map(c).is_some(), "Mono lacks {c}");
        }
    }
}
