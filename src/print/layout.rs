//! A4 pages as plain lists of things to draw, laid out top to bottom with line wrapping and
//! page breaks, then rendered to PDF by krilla. Keeping the layout as data lets the tests
//! check that nothing leaves the page without reading a PDF.

use super::fonts::Face;
use anyhow::Context;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::TextDirection;

/// A4 in points.
pub const WIDTH: f32 = 595.28;
pub const HEIGHT: f32 = 841.89;
pub const MARGIN: f32 = 50.0;
/// Room kept at the bottom of every page for its footer.
const FOOTER: f32 = 30.0;

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Text with its baseline at `y`; `grey` for the English beside the Vietnamese.
    Text {
        x: f32,
        y: f32,
        face: Face,
        size: f32,
        text: String,
        grey: bool,
    },
    /// A rectangle: filled black, or outlined (answer boxes, frames).
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        filled: bool,
    },
}

impl Item {
    /// The right edge of what this item draws.
    pub fn right(&self) -> f32 {
        match self {
            Item::Text {
                x,
                face,
                size,
                text,
                ..
            } => x + face.width(text, *size),
            Item::Rect { x, w, .. } => x + w,
        }
    }
}

/// One page: what to draw on it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub items: Vec<Item>,
}

/// The style of a paragraph.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub face: Face,
    pub size: f32,
    pub grey: bool,
}

impl Style {
    pub const fn new(face: Face, size: f32) -> Style {
        Style {
            face,
            size,
            grey: false,
        }
    }

    pub const fn grey(self) -> Style {
        Style { grey: true, ..self }
    }

    fn leading(self) -> f32 {
        self.size * 1.3
    }
}

/// Lines of `text` no wider than `width`: words are kept whole where they fit, and a word
/// wider than a line is cut between characters (never inside one).
pub fn wrap(text: &str, style: Style, width: f32) -> Vec<String> {
    let fits = |s: &str| style.face.width(s, style.size) <= width;
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if fits(&candidate) {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                line.push(c);
                if !fits(&line) && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::replace(&mut line, c.to_string()));
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// At most `max` lines of `text`, the last one ending in "…" when some text was left out.
pub fn wrap_at_most(text: &str, style: Style, width: f32, max: usize) -> Vec<String> {
    let mut lines = wrap(text, style, width);
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && style.face.width(&format!("{last}…"), style.size) > width {
                last.pop();
            }
            last.push('…');
        }
    }
    lines
}

/// Content flowing down A4 pages, starting a new page when the next piece does not fit.
pub struct Flow {
    pages: Vec<Page>,
    /// The top of the free space on the current page.
    pub y: f32,
}

impl Default for Flow {
    fn default() -> Self {
        Flow::new()
    }
}

impl Flow {
    pub fn new() -> Flow {
        Flow {
            pages: vec![Page::default()],
            y: MARGIN,
        }
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Starts a new page.
    pub fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = MARGIN;
    }

    /// Makes room for `height` points, on a new page if this one has too little left.
    pub fn ensure(&mut self, height: f32) {
        if self.y + height > HEIGHT - MARGIN - FOOTER && self.y > MARGIN {
            self.new_page();
        }
    }

    pub fn gap(&mut self, height: f32) {
        self.y += height;
    }

    pub fn push(&mut self, item: Item) {
        if let Some(page) = self.pages.last_mut() {
            page.items.push(item);
        }
    }

    /// Pre-wrapped lines at `x`, each line kept whole on a page.
    pub fn lines(&mut self, lines: &[String], style: Style, x: f32) {
        for line in lines {
            self.ensure(style.leading());
            self.y += style.leading();
            self.push(Item::Text {
                x,
                y: self.y - style.size * 0.3,
                face: style.face,
                size: style.size,
                text: line.clone(),
                grey: style.grey,
            });
        }
    }

    /// A paragraph wrapped between `x` and the right margin.
    pub fn paragraph(&mut self, text: &str, style: Style, x: f32) {
        let lines = wrap(text, style, WIDTH - MARGIN - x);
        self.lines(&lines, style, x);
    }

    /// A row of answer boxes, each a square with its label, wrapped like words; `indent` is
    /// where rows start.
    pub fn choices(&mut self, labels: &[String], style: Style, indent: f32) {
        let side = style.size;
        let (mut x, right) = (indent, WIDTH - MARGIN);
        self.ensure(style.leading() + 4.0);
        self.y += style.leading() + 4.0;
        for label in labels {
            let label = wrap_at_most(label, style, right - indent - side - 6.0, 1).join("");
            let w = side + 5.0 + style.face.width(&label, style.size) + 14.0;
            if x > indent && x + w > right {
                x = indent;
                self.ensure(style.leading() + 4.0);
                self.y += style.leading() + 4.0;
            }
            self.answer_box(x, side, &label, style);
            x += w;
        }
    }

    fn answer_box(&mut self, x: f32, side: f32, label: &str, style: Style) {
        let baseline = self.y - style.size * 0.3;
        self.push(Item::Rect {
            x,
            y: baseline - side * 0.85,
            w: side,
            h: side,
            filled: false,
        });
        self.push(Item::Text {
            x: x + side + 5.0,
            y: baseline,
            face: style.face,
            size: style.size,
            text: label.to_string(),
            grey: style.grey,
        });
    }

    /// The finished pages, each with `footer(page, of)` centred at its bottom.
    pub fn finish(mut self, footer: impl Fn(usize, usize) -> String) -> Vec<Page> {
        let total = self.pages.len();
        let style = Style::new(Face::Regular, 8.0).grey();
        for (i, page) in self.pages.iter_mut().enumerate() {
            let text = footer(i + 1, total);
            if text.is_empty() {
                continue;
            }
            let w = style.face.width(&text, style.size);
            page.items.push(Item::Text {
                x: (WIDTH - w) / 2.0,
                y: HEIGHT - MARGIN + 10.0,
                face: style.face,
                size: style.size,
                text,
                grey: true,
            });
        }
        self.pages
    }
}

/// The PDF of `pages`, with `title` and Vietnamese as its language in the metadata.
pub fn render(pages: &[Page], title: &str) -> anyhow::Result<Vec<u8>> {
    let mut document = krilla::Document::new();
    document.set_metadata(
        krilla::metadata::Metadata::new()
            .title(title.to_string())
            .language("vi".to_string())
            .creator("ddci".to_string()),
    );
    let settings = PageSettings::from_wh(WIDTH, HEIGHT).context("A4 page size")?;
    for page in pages {
        let mut pdf_page = document.start_page_with(settings.clone());
        let mut surface = pdf_page.surface();
        for item in &page.items {
            draw(&mut surface, item)?;
        }
        surface.finish();
        pdf_page.finish();
    }
    document
        .finish()
        .map_err(|e| anyhow::anyhow!("cannot write the PDF: {e}"))
}

fn fill(grey: bool) -> Fill {
    let level = if grey { 80 } else { 0 };
    Fill {
        paint: luma::Color::new(level).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn draw(surface: &mut krilla::surface::Surface<'_>, item: &Item) -> anyhow::Result<()> {
    match item {
        Item::Text {
            x,
            y,
            face,
            size,
            text,
            grey,
        } => {
            let font = face.font().context("the vendored font cannot be read")?;
            surface.set_stroke(None);
            surface.set_fill(Some(fill(*grey)));
            surface.draw_text(
                Point::from_xy(*x, *y),
                font,
                *size,
                text,
                false,
                TextDirection::Auto,
            );
        }
        Item::Rect { x, y, w, h, filled } => {
            let mut path = PathBuilder::new();
            path.push_rect(Rect::from_xywh(*x, *y, *w, *h).context("a rectangle")?);
            let path = path.finish().context("a rectangle")?;
            if *filled {
                surface.set_stroke(None);
                surface.set_fill(Some(fill(false)));
            } else {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    width: 0.8,
                    ..Default::default()
                }));
            }
            surface.draw_path(&path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: Style = Style::new(Face::Regular, 10.0);

    #[test]
    fn wrapped_lines_fit_and_keep_every_word() {
        let text = "Thực hiện Kế hoạch số 230/KH-UBND ngày 21/11/2021 của Ủy ban nhân dân tỉnh Lạng Sơn, Hiệp hội Doanh nghiệp tỉnh tổ chức khảo sát.";
        let lines = wrap(text, BODY, 150.0);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(BODY.face.width(l, 10.0) <= 150.0, "{l}");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut_between_characters() {
        let word = "Đồng".repeat(30);
        let lines = wrap(&word, BODY, 100.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), word, "no character lost or split");
        assert!(lines.iter().all(|l| BODY.face.width(l, 10.0) <= 100.0));
    }

    #[test]
    fn at_most_n_lines_ends_with_an_ellipsis_that_fits() {
        let lines = wrap_at_most(&"Công ty TNHH Hoàng Long ".repeat(20), BODY, 200.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert!(lines.iter().all(|l| BODY.face.width(l, 10.0) <= 200.0));
    }

    #[test]
    fn a_flow_breaks_pages_and_numbers_them() {
        let mut flow = Flow::new();
        for _ in 0..200 {
            flow.paragraph("Một dòng chữ.", BODY, MARGIN);
        }
        let pages = flow.finish(|p, n| format!("Trang {p}/{n}"));
        assert!(pages.len() >= 3);
        let last = pages.last().and_then(|p| p.items.last());
        let expected = format!("Trang {}/{}", pages.len(), pages.len());
        assert!(matches!(last, Some(Item::Text { text, .. }) if *text == expected));
        for item in pages.iter().flat_map(|p| &p.items) {
            if let Item::Text { y, .. } = item {
                assert!(*y > MARGIN && *y < HEIGHT - MARGIN + 12.0, "{y}");
            }
        }
    }
}
