//! The exported package as a reader sees it: file names, headers, schema, bytes.

use super::fixture::*;
use super::*;

#[test]
fn the_package_holds_datapackage_json_then_the_csv_files_of_sections_7_and_8() {
    let names: Vec<String> = text_files(&fixture()).into_iter().map(|(n, _)| n).collect();
    let mut expected = vec!["datapackage.json".to_string()];
    expected.extend(HEADERS.iter().map(|(n, _)| n.to_string()));
    assert_eq!(names, expected);
}

#[test]
fn write_dir_writes_csv_files_whose_headers_are_exactly_those_of_section_7() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("nested").join("ddci-2024");
    write_dir(&fixture().input(), &out).expect("written");
    for (name, header) in HEADERS {
        let bytes = std::fs::read(out.join(name)).expect(name);
        assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "{name} has a BOM");
        let text = String::from_utf8(bytes).expect("utf-8");
        assert_eq!(text.lines().next(), Some(*header), "{name}");
    }
    assert!(out.join("datapackage.json").is_file());
}

#[test]
fn datapackage_json_describes_every_file_with_its_columns_and_types() {
    let f = fixture();
    let all = text_files(&f);
    let json: serde_json::Value = serde_json::from_str(&all[0].1).expect("valid JSON");
    assert_eq!(json["profile"], "tabular-data-package");
    assert_eq!(json["name"], "ddci-2024");
    let resources = json["resources"].as_array().expect("resources");
    assert_eq!(resources.len(), HEADERS.len());
    assert_eq!(resources[1]["path"], "unit_links.csv");
    assert_eq!(resources[11]["path"], "shrinkage.csv");
    for (res, (name, text)) in resources.iter().zip(&all[1..]) {
        assert_eq!(res["path"], name.as_str());
        assert_eq!(res["format"], "csv");
        assert_eq!(res["mediatype"], "text/csv");
        assert_eq!(res["encoding"], "utf-8");
        let fields = res["schema"]["fields"].as_array().expect("fields");
        let names: Vec<&str> = fields.iter().filter_map(|f| f["name"].as_str()).collect();
        assert_eq!(names.join(","), text.lines().next().unwrap_or_default());
        for field in fields {
            let ty = field["type"].as_str().unwrap_or_default();
            assert!(
                ["string", "number", "integer", "boolean"].contains(&ty),
                "{field}"
            );
        }
    }
    let fields_of = |path: &str| {
        let res = resources.iter().find(|r| r["path"] == path).expect(path);
        res["schema"]["fields"].clone()
    };
    let scores = fields_of("scores.csv");
    assert_eq!(scores[2]["type"], "integer");
    assert_eq!(scores[3]["type"], "boolean");
    assert_eq!(fields_of("responses.csv")[2]["type"], "string");
    let units = fields_of("units.csv");
    assert_eq!(units[4]["type"], "integer", "valid_from");
    assert_eq!(
        units[6]["type"], "string",
        "official_code keeps its leading zeros"
    );
}

#[test]
fn the_ddci_object_holds_the_runs_configuration_and_nothing_else() {
    let all = text_files(&fixture());
    let json: serde_json::Value = serde_json::from_str(&all[0].1).expect("valid JSON");
    let ddci = json["ddci"].as_object().expect("ddci object");
    let mut keys: Vec<&str> = ddci.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let expected = [
        "bootstrap",
        "cycle",
        "engine_version",
        "groups",
        "kinds",
        "min_responses",
        "pool_years",
        "pooled_cycles",
        "sensitivity",
        "status",
    ];
    assert_eq!(keys, expected);
    assert_eq!(ddci["cycle"], 2024);
    assert_eq!(ddci["status"], "published");
    assert_eq!(ddci["min_responses"], 30);
    assert_eq!(ddci["pool_years"], 1);
    assert_eq!(ddci["pooled_cycles"], serde_json::json!([2023]));
    let bootstrap =
        serde_json::json!({"replicates": 1000, "seed": 20211121, "intervals": "calibrated"});
    assert_eq!(ddci["bootstrap"], bootstrap);
    assert_eq!(ddci["engine_version"], "0.1.0");
    let groups = ddci["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 6);
    assert_eq!(groups[0]["label_vi"], "Rất tốt");
    assert_eq!(groups[0]["label_en"], "Excellent");
    assert_eq!(groups[0]["min_total"].as_f64(), Some(80.0));
    assert!(groups[5]["min_total"].is_null());
    // §8: every kind of the catalog with its estimator and minimum (direct, 30 by default).
    let kinds = ddci["kinds"].as_array().expect("kinds");
    let department = kinds
        .iter()
        .find(|k| k["kind"] == "department")
        .expect("department");
    assert_eq!(department["estimator"], "direct");
    assert_eq!(department["min_responses"], 30);
}

#[test]
fn formula_like_catalog_text_is_written_with_a_leading_quote() {
    let mut f = fixture();
    f.catalog.units[0].name_en = "=HYPERLINK(\"x\")".into();
    let r = rows(&file(&f, "units.csv"));
    assert_eq!(r[0][3], "'=HYPERLINK(\"x\")");
}

#[test]
fn the_same_input_gives_the_same_zip_bytes_holding_the_same_files() {
    let f = fixture();
    let a = zip_bytes(&f.input()).expect("zip");
    assert_eq!(a, zip_bytes(&f.input()).expect("zip"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(a)).expect("readable zip");
    for (name, bytes) in files(&f.input()).expect("files") {
        let mut entry = archive.by_name(&name).expect("entry");
        let mut read = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut read).expect("read");
        assert_eq!(read, bytes, "{name}");
    }
}

#[test]
fn an_empty_secret_is_refused() {
    let f = fixture();
    let input = PackageInput {
        secret: b"",
        ..f.input()
    };
    assert!(matches!(files(&input), Err(PackageError::EmptySecret)));
}

#[test]
fn a_weight_that_singles_out_fewer_than_five_businesses_is_refused() {
    let mut f = fixture();
    // Four businesses weigh 2; the other five keep 1.5.
    for r in f.responses.iter_mut().filter(|r| r.id <= 4) {
        r.weight = 2.0;
    }
    let err = files(&f.input()).expect_err("refused");
    let message = err.to_string();
    assert!(
        message.contains("weight 2") && message.contains("only 4 business"),
        "{message}"
    );
    assert!(message.contains("stratum weights"), "{message}");
    // A fifth business with that weight makes it a stratum, and a tenth business keeps five at
    // 1.5: exported.
    if let Some(r) = f.responses.iter_mut().find(|r| r.id == 5) {
        r.weight = 2.0;
    }
    f.responses.push(stored(10));
    assert!(files(&f.input()).is_ok());
}
