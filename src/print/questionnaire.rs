//! The cycle's questionnaire on paper, for interviews and for businesses without internet:
//! the profile, then one part per kind of unit with a place to write the unit and boxes to
//! tick, the list of units with their codes, and page numbers. Every question shows its code
//! and every box its value, so staff key the forms into the entry template
//! ([`super::entry_template`]) without looking anything up.

use super::fonts::Face;
use super::layout::{render, Flow, Item, Page, Style, MARGIN};
use crate::catalog::{IndicatorDef, Scale, SeedCatalog};
use crate::locale::{text, text_with};

const BODY: Style = Style::new(Face::Regular, 10.0);
const BODY_EN: Style = Style::new(Face::Regular, 8.5).grey();
const HEAD: Style = Style::new(Face::Bold, 12.0);
const OPTION: Style = Style::new(Face::Regular, 8.5);
/// Where questions' texts and boxes start, right of their numbers.
const INDENT: f32 = MARGIN + 22.0;

/// The PDF of the questionnaire of `year`'s catalog.
pub fn questionnaire_pdf(catalog: &SeedCatalog, year: i32) -> anyhow::Result<Vec<u8>> {
    let title = text_with("vi", "paper-title", &[("year", year.to_string().as_str())]);
    render(&pages(catalog, year), &title)
}

fn pages(catalog: &SeedCatalog, year: i32) -> Vec<Page> {
    let mut flow = Flow::new();
    front(&mut flow, year);
    profile(&mut flow, catalog);
    for (n, kind) in catalog.kinds.iter().enumerate() {
        unit_part(&mut flow, catalog, n + 1, kind);
    }
    units_list(&mut flow, catalog);
    flow.finish(|page, pages| {
        let (p, n) = (page.to_string(), pages.to_string());
        let args = [("page", p.as_str()), ("pages", n.as_str())];
        format!(
            "{} · {}",
            text_with("vi", "paper-page", &args),
            text_with("en", "paper-page", &args)
        )
    })
}

/// Vietnamese then English of `key`, as paragraphs at `x`.
fn bilingual(flow: &mut Flow, key: &str, args: &[(&str, &str)], style: Style, x: f32) {
    flow.paragraph(&text_with("vi", key, args), style, x);
    flow.paragraph(&text_with("en", key, args), BODY_EN, x);
}

fn front(flow: &mut Flow, year: i32) {
    let y = year.to_string();
    let args = [("year", y.as_str())];
    flow.paragraph(
        &text_with("vi", "paper-title", &args),
        Style::new(Face::Bold, 15.0),
        MARGIN,
    );
    flow.paragraph(
        &text_with("en", "paper-title", &args),
        Style::new(Face::Regular, 11.0).grey(),
        MARGIN,
    );
    bilingual(flow, "site-tagline", &[], BODY, MARGIN);
    flow.gap(8.0);
    // The form number ties the paper to its rows in the entry template.
    let label = format!(
        "{} / {}",
        text("vi", "paper-form-id"),
        text("en", "paper-form-id")
    );
    flow.paragraph(&label, Style::new(Face::Bold, 9.5), MARGIN);
    let top = flow.y + 2.0;
    flow.push(Item::Rect {
        x: MARGIN,
        y: top,
        w: 160.0,
        h: 22.0,
        filled: false,
    });
    flow.y = top + 30.0;
    bilingual(flow, "paper-how", &[], BODY, MARGIN);
    flow.gap(4.0);
    for (lang, style) in [("vi", BODY), ("en", BODY_EN)] {
        let promise = format!(
            "{} {}",
            text(lang, "landing-promise-title"),
            text(lang, "landing-promise")
        );
        flow.paragraph(&promise, style, MARGIN);
    }
    flow.gap(10.0);
}

fn profile(flow: &mut Flow, catalog: &SeedCatalog) {
    heading(flow, "paper-profile", &[]);
    for (n, q) in catalog.profile_questions.iter().enumerate() {
        numbered(flow, &format!("A{}", n + 1), &q.text_vi, &q.text_en);
        if q.question_type == "number" {
            number_line(flow);
        } else {
            let labels: Vec<String> = catalog
                .profile_choices
                .iter()
                .filter(|c| c.question_code == q.code)
                .map(|c| same_or_both(&c.label_vi, &c.label_en))
                .collect();
            flow.choices(&labels, OPTION, INDENT);
        }
        flow.gap(8.0);
    }
}

fn unit_part(flow: &mut Flow, catalog: &SeedCatalog, n: usize, kind: &crate::catalog::Kind) {
    flow.new_page();
    if n == 1 {
        heading(flow, "paper-units", &[]);
        bilingual(flow, "paper-units-intro", &[], BODY, MARGIN);
        flow.gap(8.0);
    }
    let number = n.to_string();
    flow.ensure(60.0);
    flow.paragraph(
        &text_with(
            "vi",
            "paper-kind",
            &[("n", number.as_str()), ("kind", kind.name_vi.as_str())],
        ),
        HEAD,
        MARGIN,
    );
    flow.paragraph(
        &text_with(
            "en",
            "paper-kind",
            &[("n", number.as_str()), ("kind", kind.name_en.as_str())],
        ),
        BODY_EN,
        MARGIN,
    );
    if !kind.intro_vi.is_empty() {
        flow.paragraph(&kind.intro_vi, BODY, MARGIN);
        flow.paragraph(&kind.intro_en, BODY_EN, MARGIN);
    }
    flow.gap(6.0);
    bilingual(
        flow,
        "paper-unit-line",
        &[],
        Style::new(Face::Bold, 10.0),
        MARGIN,
    );
    flow.gap(8.0);
    let questions = catalog.indicators.iter().filter(|i| i.kind == kind.code);
    for (k, indicator) in questions.enumerate() {
        question(flow, k + 1, indicator);
    }
}

/// One question: its number and code, its texts, and its boxes or the line for a number.
fn question(flow: &mut Flow, k: usize, i: &IndicatorDef) {
    flow.ensure(60.0);
    numbered(
        flow,
        &k.to_string(),
        &format!("{} [{}]", i.text_vi, i.code),
        &i.text_en,
    );
    if i.scale == Scale::Number {
        if !i.unit_vi.is_empty() {
            let unit = same_or_both(&i.unit_vi, &i.unit_en);
            flow.paragraph(
                &text_with("vi", "number-unit", &[("unit", unit.as_str())]),
                OPTION,
                INDENT,
            );
        }
        number_line(flow);
    }
    let mut labels = options(i.scale);
    if i.dont_know {
        labels.push(format!(
            "{} / {}",
            text("vi", "dont-know"),
            text("en", "dont-know")
        ));
    }
    if !labels.is_empty() {
        flow.choices(&labels, OPTION, INDENT);
    }
    flow.gap(7.0);
}

/// The boxes of a scale, each with the value staff key in: "4 Đồng ý / Agree".
fn options(scale: Scale) -> Vec<String> {
    let label =
        |value: &str, key: &str| format!("{value} {} / {}", text("vi", key), text("en", key));
    match scale {
        Scale::Agree | Scale::Quality | Scale::Frequency => (1..=5)
            .map(|v| label(&v.to_string(), &format!("scale-{}-{v}", scale.as_str())))
            .collect(),
        Scale::YesNo => vec![label("1", "answer-yes"), label("0", "answer-no")],
        Scale::Number => Vec::new(),
    }
}

fn units_list(flow: &mut Flow, catalog: &SeedCatalog) {
    flow.new_page();
    heading(flow, "paper-units-list", &[]);
    for kind in &catalog.kinds {
        flow.ensure(40.0);
        flow.gap(6.0);
        flow.paragraph(
            &same_or_both(&kind.name_vi, &kind.name_en),
            Style::new(Face::Bold, 10.0),
            MARGIN,
        );
        for u in catalog.units.iter().filter(|u| u.kind == kind.code) {
            flow.paragraph(
                &format!("{}   {}", u.code, same_or_both(&u.name_vi, &u.name_en)),
                OPTION,
                INDENT,
            );
        }
    }
}

fn heading(flow: &mut Flow, key: &str, args: &[(&str, &str)]) {
    flow.ensure(50.0);
    flow.paragraph(&text_with("vi", key, args), HEAD, MARGIN);
    flow.paragraph(&text_with("en", key, args), BODY_EN, MARGIN);
    flow.gap(6.0);
}

/// A question's number at the margin and its texts beside it.
fn numbered(flow: &mut Flow, number: &str, vi: &str, en: &str) {
    flow.ensure(40.0);
    let top = flow.y;
    flow.paragraph(vi, BODY, INDENT);
    let first_baseline = top + BODY.size * 1.3 - BODY.size * 0.3;
    flow.push(Item::Text {
        x: MARGIN,
        y: first_baseline,
        face: Face::Bold,
        size: BODY.size,
        text: format!("{number}."),
        grey: false,
    });
    if !en.is_empty() && en != vi {
        flow.paragraph(en, BODY_EN, INDENT);
    }
}

fn number_line(flow: &mut Flow) {
    let line = format!(
        "{}   {}",
        text("vi", "paper-number"),
        text("en", "paper-number")
    );
    flow.paragraph(&line, OPTION, INDENT);
}

/// "vi / en", or one of them when both say the same (names of places).
fn same_or_both(vi: &str, en: &str) -> String {
    if vi == en || en.is_empty() {
        vi.to_string()
    } else {
        format!("{vi} / {en}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::layout::WIDTH;

    #[test]
    fn every_scale_shows_its_values_and_words_in_both_languages() {
        let agree = options(Scale::Agree);
        assert_eq!(agree.len(), 5);
        assert_eq!(agree[0], "1 Hoàn toàn không đồng ý / Strongly disagree");
        assert_eq!(agree[4], "5 Hoàn toàn đồng ý / Strongly agree");
        assert_eq!(options(Scale::YesNo), ["1 Có / Yes", "0 Không / No"]);
        assert!(options(Scale::Number).is_empty());
    }

    #[test]
    fn the_2025_questionnaire_stays_inside_its_pages_and_numbers_them() {
        let catalog = SeedCatalog::embedded().expect("catalog").for_year(2025);
        let pages = pages(&catalog, 2025);
        assert!(pages.len() > 3, "{} pages", pages.len());
        for item in pages.iter().flat_map(|p| &p.items) {
            assert!(item.right() <= WIDTH - MARGIN + 0.5, "{item:?}");
        }
        let last = format!("Trang {0}/{0} · Page {0} of {0}", pages.len());
        let footer = pages.last().and_then(|p| p.items.last());
        assert!(matches!(footer, Some(Item::Text { text, .. }) if *text == last));
    }
}
