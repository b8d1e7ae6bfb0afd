//! What readers see beyond the numbers (issue 13): page titles and social previews, the line
//! printed on paper, the PCI page's labels, the results index's headlines, vi-VN counts.

use crate::common::{published_demo, run_ok, TestDb, TestServer};

fn get(server: &TestServer, path: &str) -> (u16, String) {
    let response = match ureq::get(&server.url(path)).call() {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    let status = response.status();
    (status, response.into_string().expect("text"))
}

/// A published 2025 cycle (departments and communes).
fn published(db: &TestDb) {
    published_demo(
        db,
        "2025",
        "300",
        "5",
        &["--bootstrap", "20", "--min-responses", "10"],
    );
}

fn title(html: &str) -> &str {
    let start = html.find("<title>").expect("a title") + "<title>".len();
    let end = html[start..].find("</title>").expect("closed") + start;
    &html[start..end]
}

#[test]
fn titles_name_unit_and_year_and_pages_carry_social_previews_and_a_printed_source() {
    let db = TestDb::new();
    published(&db);
    let server = TestServer::start(db.pool());

    let (_, ranking) = get(&server, "/results/2025");
    assert_eq!(title(&ranking), "Kết quả DDCI 2025 · DDCI Lạng Sơn");
    let (_, unit) = get(&server, "/results/2025/don-vi/DEP_VPUBND");
    assert_eq!(
        title(&unit),
        "Văn phòng UBND tỉnh · Phiếu điểm đơn vị 2025 · DDCI Lạng Sơn"
    );
    let (_, pci) = get(&server, "/results/2025/pci?lang=en");
    assert!(title(&pci).contains("PCI") && title(&pci).contains("2025"));
    for page in [&ranking, &unit, &pci] {
        for tag in ["og:title", "og:description", "og:type"] {
            assert!(
                page.contains(&format!("<meta property=\"{tag}\" content=\"")),
                "{tag}"
            );
        }
        assert!(!page.contains("og:image"), "no external image");
    }
    // The line only paper shows: title, year, province and source.
    for page in [&ranking, &unit] {
        assert!(
            page.contains("<p class=\"print-source\">DDCI Lạng Sơn 2025 — Chỉ số năng lực cạnh tranh cấp sở, ban, ngành và địa phương tỉnh Lạng Sơn. Nguồn: khảo sát doanh nghiệp DDCI năm 2025"),
            "print line"
        );
    }
    let css = get(&server, "/static/style.css").1;
    assert!(css.contains(".print-source { display: none; }"));
    assert!(css.contains("@media print { .print-source { display: block;"));
    // On a phone the header leaves the tagline out: brand and language, then the navigation.
    assert!(css.contains("header.site .tagline { display: none; }"));
}

#[test]
fn the_pci_page_names_the_communes_median_ranks_out_of_the_kind_and_explains_a_missing_weight() {
    let db = TestDb::new();
    published(&db);
    let server = TestServer::start(db.pool());
    let (status, page) = get(&server, "/results/2025/pci");
    assert_eq!(status, 200);
    let rows: Vec<&str> = page.split("<tr>").skip(2).collect();
    let land = rows
        .iter()
        .find(|r| r.contains("<th scope=\"row\">Tiếp cận đất đai</th>"))
        .expect("the land-access row");
    assert!(
        land.contains("Trung vị của ") && land.contains(" đơn vị UBND xã, phường: <strong>"),
        "the communes' median, named: {land}"
    );
    assert!(land.contains("Cơ quan chủ trì không được đánh giá ở chỉ số này"));
    assert!(!page.contains("loại khác"), "no unexplained 'other kind'");
    // A component asked about both kinds is named once, with both numbers under it.
    let transparency = rows
        .iter()
        .find(|r| r.contains("<th scope=\"row\">Tính minh bạch</th>"))
        .expect("the transparency row");
    assert_eq!(
        transparency
            .matches("Tính minh bạch và tiếp cận thông tin")
            .count(),
        1,
        "{transparency}"
    );
    assert!(transparency.contains("Điểm của cơ quan chủ trì: <strong>"));
    // Ranks out of the ranked units of the lead's kind.
    let rank = regex_rank(transparency).expect("a rank like 3/20");
    let (r, of) = rank.split_once('/').expect("r/of");
    assert!(r.parse::<u32>().expect("rank") <= of.parse::<u32>().expect("of"));
    // Security and order has no weight in plan 230: said so, not left blank.
    let security = rows
        .iter()
        .find(|r| r.contains("<th scope=\"row\">An ninh trật tự</th>"))
        .expect("the security row");
    assert!(security.contains("không có trọng số"), "{security}");
    let css = get(&server, "/static/style.css").1;
    assert!(
        css.contains("table.pci td[data-label]::before"),
        "stacked on a phone"
    );
}

/// The first `N/M` inside a rank cell.
fn regex_rank(row: &str) -> Option<String> {
    let at = row.find("data-label=\"Hạng\">")?;
    let cell = &row[at..];
    let start = cell.find("\">")? + 2;
    let cell = &cell[start..];
    let cell = cell.strip_prefix("<span title=\"")?;
    let start = cell.find("\">")? + 2;
    let end = cell[start..].find('<')? + start;
    Some(cell[start..end].to_string())
}

#[test]
fn the_results_index_gives_each_year_its_headline_and_counts_read_in_vi_vn() {
    let db = TestDb::new();
    published(&db);
    let server = TestServer::start(db.pool());
    let (status, index) = get(&server, "/results");
    assert_eq!(status, 200);
    assert!(index.contains("<h2><a href=\"/results/2025\">Kết quả DDCI năm 2025</a></h2>"));
    for kind in ["Sở, ban, ngành", "UBND xã, phường"] {
        assert!(index.contains(&format!("<h3>{kind}</h3>")), "{kind}");
    }
    assert!(index.contains("Cao nhất: <a href=\"/results/2025/don-vi/"));
    assert!(index.contains("Thấp nhất: <a href=\"/results/2025/don-vi/"));
    assert!(index.contains("Xếp hạng "), "how many were ranked");
    // 300 questionnaires rate more than a thousand units: the count is written "1.234".
    let at = index
        .find(" lượt doanh nghiệp đánh giá đơn vị")
        .expect("the evaluations");
    let before = &index[..at];
    let count = before
        .rsplit('>')
        .next()
        .expect("the count")
        .trim_matches(|c: char| !c.is_ascii_digit() && c != '.');
    assert!(
        count.len() >= 5 && count.contains('.'),
        "a vi-VN thousands dot: {count}"
    );
    let (_, english) = get(&server, "/results?lang=en");
    assert!(english.contains("Highest: <a href=") && english.contains(" units ranked"));

    // The landing page writes counts the same way: 1.500 questionnaires, not 1500.
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2026",
            "--responses",
            "1500",
            "--seed",
            "7",
        ],
    );
    let (_, landing) = get(&server, "/");
    assert!(
        landing.contains("<td class=\"num\">1.500</td>"),
        "{landing}"
    );
    let (_, english) = get(&server, "/?lang=en");
    assert!(english.contains("<td class=\"num\">1,500</td>"));
}

#[test]
fn the_method_reads_in_one_language_and_links_its_technical_annex() {
    let db = TestDb::new();
    let server = TestServer::start(db.pool());
    let (status, vi) = get(&server, "/method");
    assert_eq!(status, 200);
    assert!(vi.contains("<h1>Phương pháp tính điểm DDCI</h1>"));
    assert!(!vi.contains("Normalisation") && !vi.contains("ChaCha8"));
    assert!(vi.contains("href=\"/method/phu-luc\""));
    let (status, annex) = get(&server, "/method/phu-luc?lang=en");
    assert_eq!(status, 200);
    assert!(annex.contains("ChaCha8") && annex.contains("src/scoring/"));
    assert!(!annex.contains("Bộ sinh số ngẫu nhiên"), "English only");
    assert!(title(&annex).starts_with("Technical annex of the method"));
}
