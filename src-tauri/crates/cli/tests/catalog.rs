//! `tixian case catalog`, `case form` and `case export --split` from outside: the 证据目录 read,
//! changed and refused by key; the case laid out for a regulator's form; one PDF per item and
//! volumes, each verifiable.

mod common;

#[path = "../examples/support/gen.rs"]
mod gen;

use common::Sandbox;
use image::DynamicImage;
use serde_json::Value;

const AT: &str = "2026-11-20 10:00";

/// A case with two photos of noise (600×600, about 1.08 MB each as PNG) and a promise from
/// customer service.
fn case() -> Sandbox {
    let s = Sandbox::new();
    s.json(&[
        "case",
        "new",
        "--platform",
        "某某理财",
        "--amount",
        "1,234.50",
        "--occurred",
        "2026-11-02 10:00",
        "--summary",
        "提现一直审核中",
    ]);
    for (i, caption) in ["提现失败页面", "客服聊天截图"].iter().enumerate() {
        let png = s.path(&format!("shot{i}.png"));
        gen::save_png(
            &DynamicImage::ImageRgb8(gen::noise(i as u64 + 7, 600, 600)),
            &png,
        );
        s.json(&[
            "case",
            "evidence",
            "1",
            png.to_str().unwrap(),
            "--caption",
            caption,
        ]);
    }
    s.json(&[
        "case",
        "contact",
        "1",
        "--at",
        "2026-11-10 09:00",
        "--channel",
        "phone",
        "--promise",
        "3 个工作日内处理",
    ]);
    s
}

fn keys(view: &Value) -> Vec<String> {
    view["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_catalog_is_read_changed_and_read_back() {
    let s = case();
    let view = s.json(&["case", "catalog", "1", "--at", AT]);
    assert_eq!(
        keys(&view),
        ["evidence:1", "evidence:2", "contacts", "timeline"]
    );
    assert_eq!(view["applicant"], "");
    assert_eq!(
        view["rows"][2]["suggested_purpose"],
        "证明平台于 11 月 10 日承诺 3 个工作日内处理"
    );

    let view = s.json(&[
        "case",
        "catalog",
        "1",
        "--at",
        AT,
        "--applicant",
        "张三",
        "--purpose",
        "evidence:2=证明客服承诺处理",
        "--name",
        "timeline=经过",
        "--order",
        "contacts,evidence:2",
    ]);
    assert_eq!(
        keys(&view),
        ["contacts", "evidence:2", "evidence:1", "timeline"]
    );
    assert_eq!(view["applicant"], "张三");
    assert_eq!(view["rows"][1]["purpose"], "证明客服承诺处理");
    assert_eq!(view["rows"][3]["name"], "经过");
    // Stored: a plain read shows the same.
    let again = s.json(&["case", "catalog", "1", "--at", AT]);
    assert_eq!(keys(&again), keys(&view));
    // An empty text goes back to the suggestion.
    let reset = s.json(&["case", "catalog", "1", "--at", AT, "--name", "timeline="]);
    assert_eq!(reset["rows"][3]["name"], "");
}

#[test]
fn a_catalog_key_that_is_not_a_row_is_refused_naming_it() {
    let s = case();
    for args in [
        &["--purpose", "evidence:99=x"][..],
        &["--order", "nothing"][..],
        &["--name", "no-equals-sign"][..],
    ] {
        let out = s
            .cmd(&[&["case", "catalog", "1"], args].concat())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        let named = args[1].split('=').next().unwrap();
        assert!(err.contains(named), "{args:?}: {err}");
    }
    let view = s.json(&["case", "catalog", "1"]);
    assert_eq!(keys(&view)[0], "evidence:1", "nothing was changed");
}

#[test]
fn the_form_lays_the_case_out_field_by_field() {
    let s = case();
    s.json(&["case", "catalog", "1", "--applicant", "张三"]);
    let form = s.json(&["case", "form", "1", "--for", "12363", "--at", AT]);
    assert_eq!(form["channel"], "12363");
    let fields = form["fields"].as_array().unwrap();
    let labels: Vec<&str> = fields
        .iter()
        .map(|f| f["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "投诉人",
            "被投诉方",
            "涉及金额",
            "发生时间",
            "投诉请求",
            "主要事实和相关依据",
            "与被投诉方协商情况",
            "证据材料"
        ]
    );
    assert_eq!(fields[0]["value"], "张三");
    assert_eq!(fields[2]["value"], "¥1,234.50");
    assert_eq!(fields[3]["value"], "2026-11-02");
    assert!(fields[6]["value"]
        .as_str()
        .unwrap()
        .contains("3 个工作日内处理"));
    assert!(form["text"].as_str().unwrap().contains("【投诉请求】"));
    let out = s
        .cmd(&["case", "form", "1", "--for", "110"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--for"));
}

fn verify(s: &Sandbox, pdf: &str) {
    let out = s.cmd(&["verify", pdf]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{pdf}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn export_split_by_item_and_in_volumes_from_the_cli() {
    let s = case();
    let out = s.path("b.pdf");
    let report = s.json(&[
        "case",
        "export",
        "1",
        "--out",
        out.to_str().unwrap(),
        "--split",
        "items",
        "--at",
        AT,
    ]);
    let parts = report["parts"].as_array().unwrap();
    let names: Vec<String> = parts
        .iter()
        .map(|p| {
            let pdf = p["pdf"].as_str().unwrap();
            verify(&s, pdf);
            std::path::Path::new(pdf)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        ["b.pdf", "b-1-1.pdf", "b-2-1.pdf", "b-3-1.pdf", "b-4-1.pdf"]
    );

    // Each photo is over 1 MB, so a 2 MB cap puts them in different volumes.
    let sizes: Vec<u64> = ["shot0.png", "shot1.png"]
        .iter()
        .map(|n| std::fs::metadata(s.path(n)).unwrap().len())
        .collect();
    assert!(
        sizes.iter().all(|&n| n > 1_000_000 && n < 1_800_000),
        "{sizes:?}"
    );
    let vol = s.path("v.pdf");
    let report = s.json(&[
        "case",
        "export",
        "1",
        "--out",
        vol.to_str().unwrap(),
        "--split",
        "volumes",
        "--max-mb",
        "2",
        "--at",
        AT,
    ]);
    let parts = report["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2, "{parts:?}");
    for (k, p) in parts.iter().enumerate() {
        let pdf = p["pdf"].as_str().unwrap();
        assert!(pdf.ends_with(&format!("v-vol{}.pdf", k + 1)));
        assert!(p["pdf_size"].as_u64().unwrap() <= 2_000_000);
        assert_eq!(p["over_limit"], false);
        verify(&s, pdf);
    }
    assert_eq!(parts[0]["items"], serde_json::json!(["1-1"]));
    assert_eq!(parts[1]["items"], serde_json::json!(["2-1", "3-1", "4-1"]));
}

#[test]
fn bad_split_flags_are_refused_before_anything_is_written() {
    let s = case();
    let out = s.path("x.pdf");
    let out = out.to_str().unwrap();
    for (args, field) in [
        (&["--split", "pages"][..], "--split"),
        (&["--max-mb", "5"][..], "--max-mb"),
        (&["--split", "volumes", "--max-mb", "0"][..], "--max-mb"),
        (&["--split", "volumes", "--max-mb", "1.5"][..], "--max-mb"),
    ] {
        let o = s
            .cmd(&[&["case", "export", "1", "--out", out], args].concat())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(field),
            "{args:?}"
        );
    }
    assert!(!s.path("x.pdf").exists() && !s.path("x.files").exists());
}
