//! The byte layout of the Stata writer, read back by a small reader that follows the map.

use super::*;
use std::collections::HashSet;

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

/// A NUL-terminated field as text.
fn text(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8(b[..end].to_vec()).expect("UTF-8 field")
}

/// What the reader finds: (K, N, dataset label, map offsets).
fn header(b: &[u8]) -> (u16, u64, String, Vec<u64>) {
    let start = b"<stata_dta><header><release>118</release><byteorder>LSF</byteorder><K>";
    assert!(b.starts_with(start));
    let k = u16_at(b, start.len());
    let mut at = start.len() + 2;
    assert_eq!(&b[at..at + 7], b"</K><N>");
    let n = u64_at(b, at + 7);
    at += 7 + 8;
    assert_eq!(&b[at..at + 11], b"</N><label>");
    let len = usize::from(u16_at(b, at + 11));
    let label = String::from_utf8(b[at + 13..at + 13 + len].to_vec()).expect("label");
    at += 13 + len;
    let rest = b"</label><timestamp>\0</timestamp></header><map>";
    assert_eq!(&b[at..at + rest.len()], rest);
    at += rest.len();
    let map = (0..14).map(|i| u64_at(b, at + 8 * i)).collect();
    assert_eq!(&b[at + 112..at + 118], b"</map>");
    (k, n, label, map)
}

fn sample() -> Dataset {
    Dataset {
        label: "DDCI 2024 — Lạng Sơn".into(),
        variables: vec![
            Variable {
                name: "response_id".into(),
                label: "Bí danh".into(),
                value_label: None,
                column: Column::Text(vec!["ab".into(), "Đồng".into()]),
            },
            Variable {
                name: "dep_tr01".into(),
                label: "Quy định được công khai".into(),
                value_label: Some("agree".into()),
                column: Column::Number(vec![Some(5.0), None]),
            },
        ],
        value_labels: vec![ValueLabel {
            name: "agree".into(),
            entries: vec![
                (5, "Hoàn toàn đồng ý".into()),
                (1, "Hoàn toàn không đồng ý".into()),
            ],
        }],
        characteristics: vec![(
            "dep_tr01".into(),
            "question".into(),
            "Câu hỏi đầy đủ".into(),
        )],
    }
}

#[test]
fn the_map_points_at_every_section_in_order() {
    let b = write(&sample()).expect("writes");
    let (k, n, label, map) = header(&b);
    assert_eq!((k, n, label.as_str()), (2, 2, "DDCI 2024 — Lạng Sơn"));
    let tags: [&[u8]; 13] = [
        b"<stata_dta>",
        b"<map>",
        b"<variable_types>",
        b"<varnames>",
        b"<sortlist>",
        b"<formats>",
        b"<value_label_names>",
        b"<variable_labels>",
        b"<characteristics>",
        b"<data>",
        b"<strls>",
        b"<value_labels>",
        b"</stata_dta>",
    ];
    for (tag, &offset) in tags.iter().zip(&map) {
        let at = usize::try_from(offset).expect("offset");
        assert_eq!(&b[at..at + tag.len()], *tag, "offset {offset}");
    }
    assert_eq!(
        map[13],
        b.len() as u64,
        "the last entry is the end of the file"
    );
    assert!(map.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn descriptors_and_data_read_back() {
    let b = write(&sample()).expect("writes");
    let (_, _, _, map) = header(&b);
    let at = |i: usize| usize::try_from(map[i]).expect("offset");
    let types = at(2) + b"<variable_types>".len();
    // "Đồng" is 7 bytes (Đ 2, ồ 3): str7; then a double.
    assert_eq!((u16_at(&b, types), u16_at(&b, types + 2)), (7, 65_526));
    let names = at(3) + b"<varnames>".len();
    assert_eq!(text(&b[names..names + 129]), "response_id");
    assert_eq!(text(&b[names + 129..names + 258]), "dep_tr01");
    let sortlist = at(4) + b"<sortlist>".len();
    assert_eq!(&b[sortlist..sortlist + 6], &[0; 6]);
    assert_eq!(&b[sortlist + 6..sortlist + 17], b"</sortlist>");
    let formats = at(5) + b"<formats>".len();
    assert_eq!(text(&b[formats..formats + 57]), "%-7s");
    assert_eq!(text(&b[formats + 57..formats + 114]), "%10.0g");
    let vl = at(6) + b"<value_label_names>".len();
    assert_eq!(text(&b[vl..vl + 129]), "");
    assert_eq!(text(&b[vl + 129..vl + 258]), "agree");
    let labels = at(7) + b"<variable_labels>".len();
    assert_eq!(
        text(&b[labels + 321..labels + 642]),
        "Quy định được công khai"
    );
    let data = at(9) + b"<data>".len();
    assert_eq!(&b[data..data + 7], b"ab\0\0\0\0\0");
    assert_eq!(u64_at(&b, data + 7), 5.0f64.to_bits());
    assert_eq!(&b[data + 15..data + 22], "Đồng".as_bytes());
    assert_eq!(u64_at(&b, data + 22), MISSING, "None is Stata's `.`");
    assert_eq!(&b[data + 30..data + 37], b"</data>");
}

#[test]
fn value_labels_are_tables_of_offsets_values_and_texts() {
    let b = write(&sample()).expect("writes");
    let (_, _, _, map) = header(&b);
    let at = usize::try_from(map[11]).expect("offset") + b"<value_labels><lbl>".len();
    let len = usize::try_from(u32_at(&b, at)).expect("len");
    assert_eq!(text(&b[at + 4..at + 133]), "agree");
    let t = at + 4 + 129 + 3;
    assert_eq!((u32_at(&b, t), u32_at(&b, t + 4)), (2, len as u32 - 24));
    let (off, val, txt) = (t + 8, t + 16, t + 24);
    assert_eq!(
        (u32_at(&b, val), u32_at(&b, val + 4)),
        (1, 5),
        "sorted by value"
    );
    let first = txt + usize::try_from(u32_at(&b, off)).expect("o");
    let second = txt + usize::try_from(u32_at(&b, off + 4)).expect("o");
    assert_eq!(text(&b[first..]), "Hoàn toàn không đồng ý");
    assert_eq!(text(&b[second..]), "Hoàn toàn đồng ý");
    assert_eq!(&b[t + len..t + len + 6], b"</lbl>");
}

#[test]
fn long_labels_are_cut_at_a_character_boundary() {
    let mut ds = sample();
    // 200 × "ồ" (3 bytes): Stata's 80 characters (240 bytes) stay.
    ds.variables[1].label = "ồ".repeat(200);
    let b = write(&ds).expect("writes");
    let (_, _, _, map) = header(&b);
    let labels = usize::try_from(map[7]).expect("offset") + b"<variable_labels>".len();
    let second = text(&b[labels + 321..labels + 642]);
    assert_eq!(second, "ồ".repeat(80));
    // 80 four-byte characters fill the 320 bytes exactly; one byte less keeps 79 of them.
    assert_eq!(label(&"𝔸".repeat(90), 320), "𝔸".repeat(80));
    assert_eq!(label(&"𝔸".repeat(90), 319), "𝔸".repeat(79));
    assert_eq!(cut("aồ", 2), "a");
    assert_eq!(cut("aồ", 4), "aồ");
}

#[test]
fn characteristics_hold_a_variable_a_name_and_a_text() {
    let b = write(&sample()).expect("writes");
    let (_, _, _, map) = header(&b);
    let at = usize::try_from(map[8]).expect("offset") + b"<characteristics><ch>".len();
    let len = usize::try_from(u32_at(&b, at)).expect("len");
    assert_eq!(len, 258 + "Câu hỏi đầy đủ".len() + 1);
    assert_eq!(text(&b[at + 4..at + 133]), "dep_tr01");
    assert_eq!(text(&b[at + 133..at + 262]), "question");
    assert_eq!(text(&b[at + 262..]), "Câu hỏi đầy đủ");
    assert_eq!(
        &b[at + 4 + len..at + 4 + len + 23],
        b"</ch></characteristics>"
    );
}

#[test]
fn names_are_made_valid_and_unique() {
    let mut taken = HashSet::new();
    assert_eq!(name_for("DEP_TR01", &mut taken), "DEP_TR01");
    assert_eq!(name_for("DEP_TR01", &mut taken), "DEP_TR01_2");
    assert_eq!(name_for("2024-số", &mut taken), "_2024_s_");
    assert_eq!(name_for("in", &mut taken), "in_2");
    let long = name_for(&"x".repeat(40), &mut taken);
    assert_eq!(long.len(), 32);
    assert!(valid_name(&long));
    assert!(!valid_name("str12") && !valid_name("1abc") && !valid_name("số"));
}

#[test]
fn bad_datasets_are_refused_with_the_variable_named() {
    let mut ds = sample();
    ds.variables[1].name = "số".into();
    assert_eq!(write(&ds), Err(StataError::BadName("số".into())));
    let mut ds = sample();
    ds.variables[1].column = Column::Number(vec![None]);
    assert!(matches!(write(&ds), Err(StataError::Ragged { .. })));
    let mut ds = sample();
    ds.variables[0].column = Column::Text(vec!["x".repeat(2046), String::new()]);
    assert!(matches!(
        write(&ds),
        Err(StataError::TooLong { bytes: 2046, .. })
    ));
    let mut ds = sample();
    ds.value_labels.clear();
    assert!(matches!(
        write(&ds),
        Err(StataError::UnknownValueLabel { .. })
    ));
}
