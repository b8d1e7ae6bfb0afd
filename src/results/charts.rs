//! Charts drawn on the server as SVG (plotters): they need no script, print sharply and stay
//! readable in black and white (every colour also has a label in the table next to it).

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Characters per line of a bar's label (14-point text, about 11 px, in the 300 px label area).
const LABEL_LINE: usize = 36;

/// Group colours, best group ("Rất tốt") first and darkest to the lowest ("Thấp") lightest:
/// the groups are ordered, so their colours are too. Six stops of viridis, which stays ordered
/// for every kind of colour blindness and in grey. The table's legend and row marks use these
/// very colours (`group_colour`, and `tr.gN` in static/style.css).
const GROUP_COLOURS: [RGBColor; 6] = [
    RGBColor(0x44, 0x01, 0x54),
    RGBColor(0x41, 0x44, 0x87),
    RGBColor(0x2a, 0x78, 0x8e),
    RGBColor(0x22, 0xa8, 0x84),
    RGBColor(0x7a, 0xd1, 0x51),
    RGBColor(0xfd, 0xe7, 0x25),
];
/// Lines of a trend chart are not ordered, only told apart: Okabe–Ito, colour-blind safe.
const SERIES_COLOURS: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(0, 158, 115),
    RGBColor(230, 159, 0),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
];
/// The outline of every bar, so that the lightest group stays visible on white.
const OUTLINE: RGBColor = RGBColor(60, 60, 60);
const UNRANKED: RGBColor = RGBColor(170, 170, 170);
const FONT: &str = "sans-serif";

/// One bar: a label, a value, an optional interval, a colour index (`None` = grey).
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub interval: Option<(f64, f64)>,
    pub group: Option<usize>,
    /// A reference mark drawn across the bar (the kind's median on scorecards).
    pub marker: Option<f64>,
}

/// An axis tick in the page's language (`75,5` in Vietnamese); whole numbers without decimals.
fn tick(v: f64, lang: &str) -> String {
    let decimals = if (v - v.round()).abs() < 1e-9 { 0 } else { 1 };
    super::format::number(Some(v), lang, decimals)
}

/// Horizontal bars, first bar at the top, on an axis from `min` to `max`, ticks in `lang`.
pub fn bars(
    bars: &[Bar],
    (min, max): (f64, f64),
    axis_label: &str,
    lang: &str,
) -> Result<String, String> {
    let n = bars.len().max(1) as i32;
    // Long names wrap over two or three lines instead of being cut; rows grow to hold them.
    let labels: Vec<Vec<String>> = bars.iter().map(|b| wrap(&b.label, LABEL_LINE)).collect();
    let lines = labels.iter().map(Vec::len).max().unwrap_or(1);
    let row = if lines <= 2 { 28 } else { 42 };
    let height = 60 + row * n as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        // The right margin leaves room for half of the last tick ("100"), which is centred on
        // the axis' end and would otherwise be cut.
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .margin_right(24)
            .x_label_area_size(36)
            .y_label_area_size(300)
            // n rows: plotters' integer ranges include their end, so 0..n−1 holds n segments
            // (0..n would leave an empty slot above the first bar).
            .build_cartesian_2d(min..max, (0..n - 1).into_segmented())
            .map_err(|e| e.to_string())?;
        // The unit names are drawn below, wrapped; the axis draws none.
        let label_of = |_: &SegmentValue<i32>| String::new();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .x_labels(11)
            .x_label_formatter(&|v| tick(*v, lang))
            .y_labels(n as usize + 1)
            .y_label_formatter(&label_of)
            .x_desc(axis_label)
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 14))
            .draw()
            .map_err(|e| e.to_string())?;
        let label_style = TextStyle::from((FONT, 14).into_font())
            .color(&BLACK)
            .pos(Pos::new(HPos::Right, VPos::Center));
        // Bars are drawn bottom-up, so row r sits at index n - 1 - r.
        for (r, lines) in labels.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(min, SegmentValue::CenterOf(n - 1 - r as i32)));
            let first = y - 7 * (lines.len() as i32 - 1);
            for (k, line) in lines.iter().enumerate() {
                root.draw(&Text::new(
                    line.clone(),
                    (x - 8, first + 14 * k as i32),
                    label_style.clone(),
                ))
                .map_err(|e| e.to_string())?;
            }
        }
        for (r, b) in bars.iter().enumerate() {
            let i = n - 1 - r as i32;
            let colour = b
                .group
                .map_or(UNRANKED, |g| GROUP_COLOURS[g % GROUP_COLOURS.len()]);
            let mut rect = Rectangle::new(
                [
                    (min, SegmentValue::Exact(i)),
                    (b.value, SegmentValue::Exact(i + 1)),
                ],
                colour.filled(),
            );
            rect.set_margin(4, 4, 0, 0);
            let mut outline = Rectangle::new(
                [
                    (min, SegmentValue::Exact(i)),
                    (b.value, SegmentValue::Exact(i + 1)),
                ],
                OUTLINE.stroke_width(1),
            );
            outline.set_margin(4, 4, 0, 0);
            chart
                .plotting_area()
                .draw(&rect)
                .map_err(|e| e.to_string())?;
            chart
                .plotting_area()
                .draw(&outline)
                .map_err(|e| e.to_string())?;
            // Whiskers and median marks are black over a white halo: the darkest group colours
            // would swallow a black line alone.
            let marks = [
                b.interval.map(|(lo, hi)| {
                    let centre = SegmentValue::CenterOf(i);
                    (vec![(lo, centre.clone()), (hi, centre)], 2)
                }),
                b.marker.map(|m| {
                    let ends = (SegmentValue::Exact(i), SegmentValue::Exact(i + 1));
                    (vec![(m, ends.0), (m, ends.1)], 3)
                }),
            ];
            for (points, width) in marks.into_iter().flatten() {
                for style in [WHITE.stroke_width(width + 2), BLACK.stroke_width(width)] {
                    chart
                        .plotting_area()
                        .draw(&PathElement::new(points.clone(), style))
                        .map_err(|e| e.to_string())?;
                }
            }
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(accessible(svg))
}

/// One line of a trend chart.
pub struct Series {
    pub label: String,
    pub points: Vec<(i32, f64)>,
}

/// Lines over survey years, on an axis from `min` to `max`, with a legend.
pub fn trend(
    series: &[Series],
    (min, max): (f64, f64),
    axis_label: &str,
    lang: &str,
) -> Result<String, String> {
    let years: Vec<i32> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .collect();
    let first = years.iter().min().copied().unwrap_or(2020);
    let last = years.iter().max().copied().unwrap_or(first);
    let mut svg = String::new();
    {
        let height = 300 + 18 * series.len() as u32;
        let root = SVGBackend::with_string(&mut svg, (760, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(48)
            .build_cartesian_2d(first - 1..last + 1, min..max)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .x_labels((last - first + 3) as usize)
            .x_label_formatter(&|y| {
                if years.contains(y) {
                    y.to_string()
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|v| tick(*v, lang))
            .y_desc(axis_label)
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 14))
            .draw()
            .map_err(|e| e.to_string())?;
        for (k, s) in series.iter().enumerate() {
            let colour = SERIES_COLOURS[k % SERIES_COLOURS.len()];
            chart
                .draw_series(LineSeries::new(s.points.clone(), colour.stroke_width(2)))
                .map_err(|e| e.to_string())?
                .label(shorten(&s.label, 60))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(3))
                });
            chart
                .draw_series(s.points.iter().map(|&p| Circle::new(p, 4, colour.filled())))
                .map_err(|e| e.to_string())?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font((FONT, 12))
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(accessible(svg))
}

/// The colour of a group as CSS, for the legend next to a chart.
pub fn group_colour(group: usize) -> String {
    let RGBColor(r, g, b) = GROUP_COLOURS[group % GROUP_COLOURS.len()];
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// `label` in lines of at most `width` characters, broken between words (a word longer than a
/// line stands alone); never more than three lines, the last one shortened if it must be.
fn wrap(label: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in label.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    if lines.len() > 3 {
        let rest = lines.split_off(2).join(" ");
        lines.push(shorten(&rest, width));
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

fn shorten(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        return label.to_string();
    }
    let cut: String = label.chars().take(max - 1).collect();
    format!("{cut}…")
}

/// Inline SVG is an image to assistive technology; its figure caption describes it, and the
/// table beside it carries every number.
/// Text between tags also has its `=` written as `&#x3D;`, as the page's templates write it,
/// so that no name from the catalog reads as markup to any filter (`onerror=`).
fn accessible(svg: String) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut in_tag = false;
    for c in svg.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            '=' if !in_tag => {
                out.push_str("&#x3D;");
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out.replacen(
        "<svg ",
        "<svg role=\"img\" aria-hidden=\"true\" focusable=\"false\" ",
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: f64, group: Option<usize>) -> Bar {
        Bar {
            label: label.into(),
            value,
            interval: Some((value - 3.0, value + 3.0)),
            group,
            marker: None,
        }
    }

    #[test]
    fn long_names_wrap_between_words_and_are_not_cut() {
        let name = "Dong Dang - Lang Son Border Gate Economic Zone Management Board";
        let lines = wrap(name, LABEL_LINE);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| l.chars().count() <= LABEL_LINE));
        assert_eq!(lines.join(" "), name);
        assert_eq!(wrap("Sở Tư pháp", LABEL_LINE), vec!["Sở Tư pháp"]);
        let svg = bars(&[bar(name, 80.0, Some(0))], (0.0, 100.0), "x", "en").expect("svg");
        for line in &lines {
            assert!(svg.contains(line.as_str()), "{line}");
        }
        assert!(!svg.contains('…'));
        let evil = "=HYPERLINK(\"http://evil.example\")<img src=x onerror=alert(2)>";
        let svg = bars(&[bar(evil, 80.0, Some(0))], (0.0, 100.0), "x", "en").expect("svg");
        assert!(
            !svg.contains("onerror=alert") && !svg.contains("<img"),
            "{svg}"
        );
        assert!(svg.contains("onerror&#x3D;alert"));
    }

    #[test]
    fn a_ranking_chart_is_svg_with_every_label_and_escaped_text() {
        let svg = bars(
            &[
                bar("Sở Tài chính", 72.5, Some(0)),
                bar("<script>alert(1)</script>", 55.0, Some(2)),
                bar("Sở Y tế", 40.0, None),
            ],
            (0.0, 100.0),
            "Điểm",
            "vi",
        )
        .expect("chart");
        assert!(svg.starts_with("<svg role=\"img\""));
        assert!(svg.contains("Sở Tài chính"));
        assert!(svg.contains("Sở Y tế"));
        assert!(!svg.contains("<script>"), "labels must be escaped");
        assert!(
            svg.contains(&group_colour(0)[1..].to_uppercase()) || svg.contains(&group_colour(0))
        );
    }

    #[test]
    fn a_trend_chart_labels_its_years() {
        let svg = trend(
            &[Series {
                label: "Tổng".into(),
                points: vec![(2024, 60.0), (2025, 64.5)],
            }],
            (0.0, 100.0),
            "Điểm",
            "vi",
        )
        .expect("chart");
        let labels = texts(&svg);
        assert!(
            labels.contains(&"2024") && labels.contains(&"2025"),
            "{labels:?}"
        );
        assert!(!labels.contains(&"2023"), "no label for the padding years");
        assert!(labels.contains(&"Tổng"));
    }

    /// The text of every `<text>` element, trimmed.
    fn texts(svg: &str) -> Vec<&str> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.trim()))
            .collect()
    }

    #[test]
    fn ticks_are_written_as_the_page_reads_them() {
        assert_eq!(tick(100.0, "vi"), "100");
        assert_eq!(tick(2.5, "vi"), "2,5");
        assert_eq!(tick(2.5, "en"), "2.5");
        let svg = bars(&[bar("A", 50.0, Some(0))], (0.0, 10.0), "Điểm", "vi").expect("chart");
        assert!(
            texts(&svg).contains(&"10"),
            "whole ticks: {:?}",
            texts(&svg)
        );
    }

    #[test]
    fn group_colours_darken_from_the_lowest_group_to_the_best() {
        let luminance = |i: usize| {
            let RGBColor(r, g, b) = GROUP_COLOURS[i];
            0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b)
        };
        for i in 1..GROUP_COLOURS.len() {
            assert!(
                luminance(i - 1) < luminance(i),
                "group {i} is lighter than {}",
                i - 1
            );
        }
    }

    #[test]
    fn long_labels_are_shortened() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
    }
}
