//! One catalog across the 2025 reorganisation: validity years, unit links, the cycles they give,
//! the bad catalogs `ddci seed` refuses, and the data packages of a 2024 and a 2025 cycle.

use crate::common::{ddci, run_ok, TestDb};
use ddci::catalog::{Relation, SeedCatalog, EMBEDDED};
use ddci::db;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const SOURCE: &str = include_str!("../../seeds/reform-2025/lang-son-communes-2025.csv");

/// The built-in catalog written to a folder, with `edit` applied to one file.
fn catalog_dir(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    for (name, text) in EMBEDDED {
        let text = if *name == file {
            edit(text)
        } else {
            text.to_string()
        };
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

fn refused(file: &str, edit: impl Fn(&str) -> String) -> String {
    let dir = catalog_dir(file, edit);
    SeedCatalog::from_dir(dir.path())
        .expect_err("must be refused")
        .to_string()
}

/// The shared list: name → (official code, former districts).
fn source_communes() -> BTreeMap<String, (String, Vec<String>)> {
    let mut r = csv::Reader::from_reader(SOURCE.as_bytes());
    r.records()
        .map(|rec| {
            let rec = rec.expect("row");
            let districts = rec[4].split(';').map(|d| d.trim().to_string()).collect();
            (rec[0].to_string(), (rec[2].to_string(), districts))
        })
        .collect()
}

#[test]
fn each_year_gets_the_units_of_its_era() {
    let c = SeedCatalog::embedded().expect("valid");
    let count = |cat: &SeedCatalog, kind: &str| cat.units.iter().filter(|u| u.kind == kind).count();
    let old = c.for_year(2024);
    assert_eq!(
        (count(&old, "department"), count(&old, "district")),
        (25, 11)
    );
    assert_eq!(count(&old, "commune"), 0);
    assert!(old.unit_links.is_empty(), "2024 units succeed nothing");
    assert!(old
        .profile_questions
        .iter()
        .any(|q| q.code == "PROFILE_DISTRICT"));
    let new = c.for_year(2025);
    assert_eq!(count(&new, "district"), 0);
    assert_eq!(count(&new, "commune"), 65);
    assert_eq!(count(&new, "department"), 21);
    let codes: BTreeSet<&str> = new.units.iter().map(|u| u.code.as_str()).collect();
    for gone in [
        "DEP_KHDT",
        "DEP_GTVT",
        "DEP_TNMT",
        "DEP_LDTBXH",
        "DEP_CUC_THUE",
    ] {
        assert!(!codes.contains(gone), "{gone} ended in 2024");
    }
    for kept in ["DEP_VPUBND", "DEP_THANH_TRA", "DEP_BHXH", "DEP_CONG_AN"] {
        assert!(codes.contains(kept), "{kept} keeps its code");
    }
    let police = new
        .units
        .iter()
        .find(|u| u.code == "DEP_CONG_AN")
        .expect("police");
    assert_eq!(police.name_vi, "Công an tỉnh Lạng Sơn");
    assert!(new
        .profile_questions
        .iter()
        .any(|q| q.code == "PROFILE_COMMUNE"));
    assert!(!new
        .profile_questions
        .iter()
        .any(|q| q.code == "PROFILE_DISTRICT"));
    let commune = new.kind("commune").expect("commune kind");
    assert_eq!(commune.estimator.as_str(), "shrunk");
    assert!(commune.intro_vi.contains("12 tháng") && commune.intro_vi.contains("1/7/2025"));
    assert!(commune.intro_en.contains("1 July 2025"));
}

#[test]
fn the_communes_are_exactly_those_of_the_shared_list_with_their_territory_links() {
    let c = SeedCatalog::embedded().expect("valid").for_year(2025);
    let source = source_communes();
    let communes: BTreeMap<String, String> = c
        .units
        .iter()
        .filter(|u| u.kind == "commune")
        .map(|u| {
            (
                u.name_vi.clone(),
                u.official_code.clone().expect("official code"),
            )
        })
        .collect();
    let expected: BTreeMap<String, String> = source
        .iter()
        .map(|(n, (code, _))| (n.clone(), code.clone()))
        .collect();
    assert_eq!(communes, expected);
    for u in c.units.iter().filter(|u| u.kind == "commune") {
        let districts = c
            .unit_links
            .iter()
            .filter(|l| l.unit_code == u.code && l.relation == Relation::Territory)
            .count();
        assert_eq!(districts, source[&u.name_vi].1.len(), "{}", u.name_vi);
    }
    let two = c.units.iter().filter(|u| {
        c.unit_links
            .iter()
            .filter(|l| l.unit_code == u.code)
            .count()
            == 2
            && u.kind == "commune"
    });
    assert_eq!(two.count(), 4, "four communes cross a former district line");
}

#[test]
fn a_business_can_find_its_commune_by_any_former_name() {
    let c = SeedCatalog::embedded().expect("valid").for_year(2025);
    let former: BTreeSet<(String, String)> = c
        .profile_choices
        .iter()
        .filter(|ch| ch.question_code == "PROFILE_COMMUNE")
        .flat_map(|ch| {
            ch.former_names
                .iter()
                .map(|n| (n.clone(), ch.label_vi.clone()))
        })
        .collect();
    let mut r = csv::Reader::from_reader(SOURCE.as_bytes());
    let mut units = 0;
    for rec in r.records() {
        let rec = rec.expect("row");
        for part in rec[3].split(';') {
            let name = part.split(" [").next().expect("name").trim().to_string();
            assert!(
                former.contains(&(name.clone(), rec[0].to_string())),
                "{name}"
            );
            units += 1;
        }
    }
    assert_eq!(
        units, 196,
        "194 former units, two of them split between two communes"
    );
    let choices = c
        .profile_choices
        .iter()
        .filter(|ch| ch.question_code == "PROFILE_COMMUNE");
    assert_eq!(choices.count(), 66, "65 communes and outside the province");
}

#[test]
fn the_pci_map_names_the_merged_departments_from_2025_and_keeps_the_old_one_before() {
    let c = SeedCatalog::embedded().expect("valid");
    let leads = |year: i32, pci: &str| -> Vec<String> {
        c.for_year(year)
            .pci_links
            .iter()
            .filter(|l| l.pci_code == pci)
            .map(|l| l.lead_unit_code.clone())
            .collect()
    };
    assert_eq!(leads(2024, "PCI_ENTRY"), ["DEP_KHDT"]);
    assert_eq!(leads(2025, "PCI_ENTRY"), ["DEP_TAI_CHINH_KHDT"]);
    assert_eq!(leads(2024, "PCI_LAND"), ["DEP_TNMT"]);
    assert_eq!(leads(2025, "PCI_LAND"), ["DEP_NN_MT"]);
    assert_eq!(leads(2024, "PCI_LABOUR_TRAINING"), ["DEP_LDTBXH"]);
    assert_eq!(
        leads(2025, "PCI_LABOUR_TRAINING"),
        ["DEP_GDDT", "DEP_NOI_VU_LDTBXH"]
    );
}

#[test]
fn a_link_naming_an_unknown_unit_is_refused() {
    let msg = refused("unit_links.csv", |t| {
        format!("{t}COM_DONG_DANG,DIS_NOWHERE,territory,\n")
    });
    assert_eq!(
        msg,
        "unit_links.csv, line 84, column `predecessor_code`: unknown unit `DIS_NOWHERE` (not in units.csv)"
    );
}

#[test]
fn a_cycle_of_links_is_refused() {
    let msg = refused("unit_links.csv", |t| {
        format!("{t}DEP_TAI_CHINH,DEP_TAI_CHINH_KHDT,renamed,\n")
    });
    assert_eq!(
        msg,
        "unit_links.csv, line 84, column `predecessor_code`: this link closes a cycle of links: \
         DEP_TAI_CHINH → DEP_TAI_CHINH_KHDT → DEP_TAI_CHINH"
    );
}

#[test]
fn a_commune_without_a_territory_link_is_refused() {
    let msg = refused("unit_links.csv", |t| {
        t.lines()
            .filter(|l| !l.starts_with("COM_THAT_KHE,"))
            .map(|l| format!("{l}\n"))
            .collect()
    });
    assert!(
        msg.starts_with(
            "units.csv, line 48, column `code`: commune `COM_THAT_KHE` has no `territory` link"
        ),
        "{msg}"
    );
}

#[test]
fn overlapping_validity_years_for_one_code_are_refused() {
    let msg = refused("units.csv", |t| {
        t.replacen(
            "Lang Son Provincial Social Insurance,20,2025,",
            "Lang Son Provincial Social Insurance,20,2024,",
            1,
        )
    });
    assert_eq!(
        msg,
        "units.csv, line 39, column `code`: duplicate code `DEP_BHXH` (first at units.csv line 21) \
         with overlapping validity years"
    );
}

#[test]
fn a_predecessor_valid_after_its_successor_starts_is_refused() {
    let msg = refused("units.csv", |t| {
        t.replacen(
            "Department of Planning and Investment,1,,2024,",
            "Department of Planning and Investment,1,,2025,",
            1,
        )
    });
    assert_eq!(
        msg,
        "unit_links.csv, line 3, column `predecessor_code`: predecessor `DEP_KHDT` is valid until \
         2025 but `DEP_TAI_CHINH_KHDT` starts in 2025: a predecessor must end before its successor starts"
    );
}

#[test]
fn an_unknown_relation_is_refused() {
    let msg = refused("unit_links.csv", |t| {
        t.replacen(",merged,", ",absorbed,", 1)
    });
    assert_eq!(
        msg,
        "unit_links.csv, line 2, column `relation`: `absorbed` is not a valid relation \
         (expected one of: renamed merged split_from territory)"
    );
}

#[test]
fn ddci_seed_refuses_a_bad_catalog_and_changes_nothing() {
    let db = TestDb::new();
    run_ok(&db, &["seed"]);
    let pool = db.pool();
    let before = db::catalog::load(&mut pool.get().expect("conn")).expect("load");
    let dir = catalog_dir("unit_links.csv", |t| {
        format!("{t}DEP_TAI_CHINH,DEP_TAI_CHINH_KHDT,renamed,\n")
    });
    let out = ddci(&db)
        .args(["seed", "--dir"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unit_links.csv, line 84, column `predecessor_code`"),
        "{err}"
    );
    let after = db::catalog::load(&mut pool.get().expect("conn")).expect("load");
    assert_eq!(before, after);
}

#[test]
fn a_cycle_copies_the_units_kinds_and_links_valid_in_its_year() {
    let db = TestDb::new();
    run_ok(&db, &["seed"]);
    run_ok(&db, &["cycle", "create", "2024"]);
    run_ok(&db, &["cycle", "open", "2025"]);
    let mut conn = db.pool().get().expect("conn");
    let load = |conn: &mut db::Conn, year: i32| {
        let cycle = db::cycles::get(conn, year).expect("cycle");
        db::cycle_catalog::load(conn, cycle.id, vec![]).expect("catalog")
    };
    let old = load(&mut conn, 2024);
    assert_eq!(old.units.len(), 36);
    assert!(old.unit_links.is_empty());
    let new = load(&mut conn, 2025);
    assert_eq!(new.units.len(), 86);
    let kinds: Vec<&str> = new.kinds.iter().map(|k| k.code.as_str()).collect();
    assert_eq!(kinds, ["department", "commune"]);
    assert_eq!(new.kind("commune").expect("kind").min_responses, Some(10));
    let dong_dang = new
        .units
        .iter()
        .find(|u| u.code == "COM_DONG_DANG")
        .expect("unit");
    assert_eq!(dong_dang.official_code.as_deref(), Some("06184"));
    assert_eq!(dong_dang.valid_from, Some(2025));
    let merged: BTreeSet<&str> = new
        .unit_links
        .iter()
        .filter(|l| l.relation == Relation::Merged)
        .map(|l| l.unit_code.as_str())
        .collect();
    assert_eq!(merged.len(), 5);
    let choices = new
        .profile_choices
        .iter()
        .find(|c| c.code == "dong_dang")
        .expect("choice");
    assert!(
        choices
            .former_names
            .iter()
            .any(|n| n == "Thị trấn Đồng Đăng"),
        "{choices:?}"
    );
}

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let headers = r.headers().expect("header").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("row");
            headers
                .iter()
                .map(String::from)
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn run_year(db: &TestDb, year: &str, responses: &str, out: &Path) {
    run_ok(
        db,
        &[
            "demo",
            "--cycle",
            year,
            "--responses",
            responses,
            "--seed",
            "7",
        ],
    );
    run_ok(db, &["score", "--cycle", year, "--bootstrap", "20"]);
    run_ok(db, &["publish", "--cycle", year]);
    run_ok(
        db,
        &[
            "export",
            "--cycle",
            year,
            "--out",
            out.to_str().expect("path"),
        ],
    );
}

#[test]
fn the_2024_and_2025_packages_hold_the_units_of_their_era() {
    let db = TestDb::new();
    let tmp = tempfile::tempdir().expect("tmp");
    run_ok(&db, &["seed"]);
    let (p24, p25) = (tmp.path().join("2024"), tmp.path().join("2025"));
    run_year(&db, "2024", "600", &p24);
    run_year(&db, "2025", "800", &p25);

    let units24 = read_csv(&p24.join("units.csv"));
    assert_eq!(
        units24.iter().filter(|u| u["kind"] == "district").count(),
        11
    );
    assert!(read_csv(&p24.join("unit_links.csv")).is_empty());

    let units25 = read_csv(&p25.join("units.csv"));
    let communes: BTreeMap<String, String> = units25
        .iter()
        .filter(|u| u["kind"] == "commune")
        .map(|u| (u["name_vi"].clone(), u["official_code"].clone()))
        .collect();
    let expected: BTreeMap<String, String> = source_communes()
        .into_iter()
        .map(|(n, (code, _))| (n, code))
        .collect();
    assert_eq!(
        communes, expected,
        "exactly the 65 communes, names and codes as listed"
    );
    assert!(!units25.iter().any(|u| u["kind"] == "district"));
    let names: BTreeSet<&str> = units25.iter().map(|u| u["name_vi"].as_str()).collect();
    for gone in [
        "Sở Kế hoạch và Đầu tư",
        "Sở Giao thông vận tải",
        "Sở Tài nguyên và Môi trường",
        "Sở Lao động - Thương binh và Xã hội",
    ] {
        assert!(!names.contains(gone), "{gone}");
    }
    for new in [
        "Sở Nông nghiệp và Môi trường",
        "Sở Dân tộc và Tôn giáo",
        "Thuế tỉnh Lạng Sơn",
    ] {
        assert!(names.contains(new), "{new}");
    }

    let links = read_csv(&p25.join("unit_links.csv"));
    let merged: BTreeSet<&str> = links
        .iter()
        .filter(|l| l["relation"] == "merged")
        .map(|l| l["unit_code"].as_str())
        .collect();
    assert!(merged.len() >= 5, "{merged:?}");
    for u in units25.iter().filter(|u| u["kind"] == "commune") {
        assert!(
            links
                .iter()
                .any(|l| l["unit_code"] == u["unit_code"] && l["relation"] == "territory"),
            "{}",
            u["unit_code"]
        );
    }

    let scores = read_csv(&p25.join("scores.csv"));
    let few = scores
        .iter()
        .filter(|s| s["kind"] == "commune")
        .filter(|s| s["responses"].parse::<u32>().expect("count") < 5)
        .count();
    assert!(few >= 1, "some communes get fewer than 5 evaluations");
    let descriptor: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p25.join("datapackage.json")).expect("json"))
            .expect("valid json");
    let kinds = descriptor["ddci"]["kinds"].as_array().expect("kinds");
    assert!(kinds
        .iter()
        .any(|k| k["kind"] == "commune" && k["estimator"] == "shrunk"));
    let resources = descriptor["resources"].as_array().expect("resources");
    assert!(resources.iter().any(|r| r["path"] == "unit_links.csv"));
}

#[test]
fn scorecards_say_whom_a_unit_succeeds_with_the_backcast_or_the_other_units_result() {
    let db = TestDb::new();
    let tmp = tempfile::tempdir().expect("tmp");
    run_ok(&db, &["seed"]);
    run_year(&db, "2024", "600", &tmp.path().join("2024"));
    run_year(&db, "2025", "800", &tmp.path().join("2025"));
    let server = crate::common::TestServer::start(db.pool());
    let page = |path: &str| {
        ureq::get(&server.url(path))
            .call()
            .expect("200")
            .into_string()
            .expect("html")
    };
    let merged = page("/results/2025/don-vi/DEP_TAI_CHINH_KHDT");
    assert!(
        merged.contains("hợp nhất Sở Kế hoạch và Đầu tư và Sở Tài chính"),
        "{merged}"
    );
    assert!(
        merged.contains("Năm 2024 ước tính lại (backcast)"),
        "{merged}"
    );
    let english = page("/results/2025/don-vi/DEP_TAI_CHINH_KHDT?lang=en");
    assert!(english.contains("Formed by merging"), "{english}");
    let commune = page("/results/2025/don-vi/COM_THAT_KHE");
    assert!(
        commune.contains("Địa bàn trước đây thuộc UBND huyện Tràng Định"),
        "{commune}"
    );
    // A commune whose former district was ranked in 2024 shows that result as context,
    // labelled as another unit's.
    let ranked_2024: BTreeMap<String, String> = read_csv(&tmp.path().join("2024/scores.csv"))
        .into_iter()
        .filter(|r| r["ranked"] == "true" && r["kind"] == "district")
        .map(|r| (r["unit_code"].clone(), r["total"].clone()))
        .collect();
    let names_2024: BTreeMap<String, String> = read_csv(&tmp.path().join("2024/units.csv"))
        .into_iter()
        .map(|r| (r["unit_code"].clone(), r["name_vi"].clone()))
        .collect();
    let (code, district) = read_csv(&tmp.path().join("2025/unit_links.csv"))
        .into_iter()
        .find(|l| l["relation"] == "territory" && ranked_2024.contains_key(&l["predecessor_code"]))
        .map(|l| (l["unit_code"].clone(), l["predecessor_code"].clone()))
        .expect("a commune of a district ranked in 2024");
    let commune = page(&format!("/results/2025/don-vi/{code}"));
    let context = format!(
        "Kết quả năm 2024 của {} (một đơn vị khác, chỉ để tham khảo)",
        names_2024[&district]
    );
    assert!(commune.contains(&context), "{context}: {commune}");
    assert!(
        !commune.contains("class=\"trend\""),
        "a commune's first year has no trend to draw"
    );
    let renamed = page("/results/2025/don-vi/DEP_THUE_TINH");
    assert!(renamed.contains("Trước đây là Cục Thuế tỉnh"), "{renamed}");
    let unchanged = page("/results/2025/don-vi/DEP_Y_TE");
    assert!(!unchanged.contains("class=\"notice succession\""));
}
