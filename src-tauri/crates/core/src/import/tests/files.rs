//! Files as they arrive: Excel re-saves, BOMs, password ZIPs, ZIP bombs and hostile names, and
//! every kind of bad file (a clear error naming file, line and column; nothing imported).

use super::*;

// ---- ZIPs: passwords, bombs, hostile names ----

fn zip_with(entries: &[(&str, &[u8])], password: Option<&str>, aes: bool) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        let base =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let options = match (password, aes) {
            (Some(p), true) => base.with_aes_encryption(zip::AesMode::Aes256, p),
            (Some(p), false) => {
                use zip::unstable::write::FileOptionsExt;
                FileOptionsExt::with_deprecated_encryption(base, p.as_bytes()).unwrap()
            }
            (None, _) => base,
        };
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn password_zip_imports_with_the_right_password_only() {
    let xlsx = read("wechat-xlsx-2026.xlsx");
    for aes in [false, true] {
        let zip = zip_with(
            &[("微信支付账单(20250101-20250331).xlsx", &xlsx)],
            Some("123456"),
            aes,
        );
        let mut db = Db::new();
        let e = db.import("bill.zip", &zip, &opts()).unwrap_err();
        assert_eq!(e.field_name(), Some("password"), "no password, aes={aes}");
        crate::field::tests::assert_app_message_has_no_flag(&e);
        let wrong = ImportOptions {
            password: Some("654321".into()),
            ..opts()
        };
        let e = db.import("bill.zip", &zip, &wrong).unwrap_err();
        assert!(
            e.message(crate::Lang::En).contains("password is wrong"),
            "aes={aes}: {e}"
        );
        crate::field::tests::assert_app_message_has_no_flag(&e);
        assert_eq!(db.count("transactions"), 0);
        let right = ImportOptions {
            password: Some("123456".into()),
            ..opts()
        };
        let r = db.import("bill.zip", &zip, &right).unwrap();
        assert_eq!(
            (r.format.as_str(), r.imported, r.container.as_deref()),
            ("wechat-xlsx", 7, Some("zip"))
        );
        assert_eq!(
            r.sha256,
            vault::sha256_hex(&xlsx),
            "rows trace to the bill inside the ZIP"
        );
        let vault = db.dir.path().join("vault");
        assert!(
            vault::path_of(&vault, &vault::sha256_hex(&zip)).exists(),
            "the ZIP is kept too"
        );
    }
}

#[test]
fn zip_bomb_is_refused() {
    let zeros = vec![0u8; 40 * 1024 * 1024];
    let zip = zip_with(&[("bill.csv", &zeros)], None, false);
    assert!(zip.len() < 1024 * 1024);
    let e = parse("bomb.zip", &zip, None).unwrap_err();
    assert!(e.message(crate::Lang::En).contains("ZIP bomb"), "{e}");
}

#[test]
fn zip_entry_climbing_out_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let zip = zip_with(&[("../../x", &read("wechat-csv-utf8.csv"))], None, false);
    let cwd = std::env::current_dir().unwrap();
    let e = parse("evil.zip", &zip, None).unwrap_err();
    assert!(e.message(crate::Lang::En).contains("../../x"), "{e}");
    assert!(!cwd.join("../../x").exists() && !dir.path().join("../../x").exists());
}

// ---- Excel re-saves, BOMs and other encodings ----

/// What Excel on Chinese Windows makes of the WeChat CSV: GBK, CRLF, every field quoted,
/// TAB suffixes gone, times as 2019/9/26 12:45:27, amounts without ¥.
fn excel_resave() -> Vec<u8> {
    let text = String::from_utf8(read("wechat-csv-utf8.csv")).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(line.as_bytes());
        let rec = rdr.records().next().unwrap().unwrap();
        let cells: Vec<String> = rec
            .iter()
            .enumerate()
            .map(|(c, v)| {
                let v = v.trim();
                let v = if i >= 17 && c == 0 {
                    let t = time::parse_time(v, crate::Field::At).unwrap();
                    t.format("%Y/%-m/%-d %H:%M:%S").to_string()
                } else if i >= 17 && c == 5 {
                    v.trim_start_matches('¥').to_string()
                } else {
                    v.to_string()
                };
                format!("\"{}\"", v.replace('"', "\"\""))
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    encoding_rs::GBK.encode(&out).0.into_owned()
}

#[test]
fn excel_resaved_gbk_csv_is_the_same_bill() {
    let bill = parse("resaved.csv", &excel_resave(), None).unwrap();
    assert_eq!((bill.format.as_str(), bill.rows()), ("wechat-csv", 7));
    assert_eq!(totals(&bill), OWNED_TOTALS);
    let mut db = Db::new();
    db.import("w.csv", &read("wechat-csv-utf8.csv"), &opts())
        .unwrap();
    let r = db.import("resaved.csv", &excel_resave(), &opts()).unwrap();
    assert_eq!(
        (r.imported, r.duplicates),
        (0, 7),
        "a re-save is not new transactions"
    );
}

#[test]
fn utf8_bom_is_ignored() {
    let bytes = [&b"\xEF\xBB\xBF"[..], &read("wechat-csv-utf8.csv")].concat();
    assert_eq!(parse("bom.csv", &bytes, None).unwrap().rows(), 7);
}

// ---- bad files: a clear error naming file, line, column; nothing imported ----

#[test]
fn bad_files_import_nothing_and_say_where() {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[0u8; 64]);
    // A deterministic stream of "random" bytes.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect();
    let noise_without_nul: Vec<u8> = noise.iter().map(|b| b.max(&1) | 0x80).collect();
    let full = read("wechat-csv-utf8.csv");
    // The last row cut off after its 当前状态 (ids and note gone).
    let truncated = full[..full.len() - 34].to_vec();
    assert!(truncated.ends_with("\"支付成功\"".as_bytes()));
    let bad_amount = wechat_csv(&["2025-01-01 10:00:00,转账,A,/,支出,¥12.3.4,零钱,ok,1\t,2\t,/"]);
    let bad_time = wechat_csv(&["2025-13-01 10:00:00,转账,A,/,支出,¥12.34,零钱,ok,1\t,2\t,/"]);
    let wrong_header =
        "交易时间,交易类型,交易对方,商品,收/支,金额,支付方式,当前状态,交易单号,商户单号,备注\n"
            .as_bytes()
            .to_vec();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.csv", Vec::new(), "empty.csv: the file is empty"),
        (
            "photo.csv",
            png,
            "photo.csv: this is not a bill export (it is a PNG image)",
        ),
        (
            "noise.csv",
            noise,
            "noise.csv: this is not a bill export (it is binary data)",
        ),
        ("noise2.csv", noise_without_nul, "noise2.csv"),
        ("cut.csv", truncated, "cut.csv:24: the file is incomplete"),
        (
            "amount.csv",
            bad_amount,
            "amount.csv:4:6: 金额(元): “¥12.3.4” is not an amount",
        ),
        (
            "time.csv",
            bad_time,
            "time.csv:4:1: 交易时间: “2025-13-01 10:00:00” is not a time",
        ),
        (
            "header.csv",
            wrong_header,
            "header.csv:1: header: the header lacks 金额(元)",
        ),
        (
            "broken.xlsx",
            {
                let xlsx = read("wechat-xlsx-2025.xlsx");
                xlsx[..xlsx.len() / 2].to_vec()
            },
            "broken.xlsx",
        ),
    ];
    let mut db = Db::new();
    for (name, bytes, expected) in cases {
        let e = db.import(name, &bytes, &opts()).unwrap_err();
        assert_eq!(e.exit_code(), 2, "{name}: {e}");
        let msg = e.message(crate::Lang::En);
        assert!(
            msg.starts_with(expected),
            "{name}: got “{msg}”, want “{expected}…”"
        );
    }
    assert_eq!(
        (
            db.count("transactions"),
            db.count("imports"),
            db.count("platforms")
        ),
        (0, 0, 0)
    );
}

#[test]
fn a_bad_row_late_in_the_file_rolls_back_every_row() {
    let mut db = Db::new();
    let mut rows: Vec<String> = (0..50)
        .map(|i| {
            format!(
                "2025-01-01 10:00:{:02},转账,A,/,支出,¥1.00,零钱,ok,id{i}\t,/\t,/",
                i % 60
            )
        })
        .collect();
    rows.push("2025-01-02 10:00:00,转账,A,/,支出,abc,零钱,ok,bad\t,/\t,/".into());
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let e = db
        .import("late.csv", &wechat_csv(&refs), &opts())
        .unwrap_err();
    assert!(e.to_string().starts_with("late.csv:54:6"), "{e}");
    assert_eq!(db.count("transactions"), 0);
}

#[test]
fn platform_option_must_exist_and_fit_the_bill() {
    let mut db = Db::new();
    let e = db.import(
        "a.csv",
        &read("alipay-csv-2023-gbk.csv"),
        &ImportOptions {
            platform: Some("微信".into()),
            ..opts()
        },
    );
    let e = e.unwrap_err();
    assert_eq!(e.field_name(), Some("platform"));
    crate::field::tests::assert_app_message_has_no_flag(&e);
    db.store
        .transaction(|tx| {
            ledger::add_platform(
                tx,
                &NewPlatform {
                    name: "微信".into(),
                    kind: PlatformKind::Wechat,
                    note: String::new(),
                },
                &now(),
            )
        })
        .unwrap();
    let e = db.import(
        "a.csv",
        &read("alipay-csv-2023-gbk.csv"),
        &ImportOptions {
            platform: Some("微信".into()),
            ..opts()
        },
    );
    assert_eq!(e.unwrap_err().field_name(), Some("platform"));
    let r = db.import(
        "w.csv",
        &read("wechat-csv-utf8.csv"),
        &ImportOptions {
            platform: Some("微信".into()),
            ..opts()
        },
    );
    assert_eq!(r.unwrap().platform, "微信");
}

/// A bill row dated in year 10000 was imported (and then every read of the ledger failed).
#[test]
fn bill_row_dated_in_year_10000_was_imported() {
    let bill = wechat_csv(&[
        "2025-01-01 10:00:00,转账,A,/,支出,¥1.00,零钱,ok,1\t,2\t,/",
        "+10000-01-01 10:00:00,转账,A,/,支出,¥12.34,零钱,ok,3\t,4\t,/",
    ]);
    let mut db = Db::new();
    let e = db.import("future.csv", &bill, &opts()).unwrap_err();
    assert_eq!(
        e.message(crate::Lang::En),
        "future.csv:5:1: 交易时间: “+10000-01-01 10:00:00” has a year out of range (only 0000 to 9999)"
    );
    assert_eq!(db.count("transactions"), 0);
}

/// A bill imported from a password-protected ZIP used to be kept decrypted in the vault beside
/// the database, readable by anyone who opens the folder; only the encrypted ZIP is kept now.
#[test]
fn password_zip_bill_was_kept_decrypted_in_the_vault() {
    let xlsx = read("wechat-xlsx-2026.xlsx");
    let zip = zip_with(&[("bill.xlsx", &xlsx)], Some("123456"), true);
    let mut db = Db::new();
    let right = ImportOptions {
        password: Some("123456".into()),
        ..opts()
    };
    let r = db.import("bill.zip", &zip, &right).unwrap();
    assert_eq!(
        (r.imported, r.sha256.clone()),
        (7, vault::sha256_hex(&xlsx))
    );
    let vault = db.dir.path().join("vault");
    assert!(vault::path_of(&vault, &vault::sha256_hex(&zip)).exists());
    assert!(!vault::path_of(&vault, &vault::sha256_hex(&xlsx)).exists());
    assert_eq!(std::fs::read_dir(&vault).unwrap().count(), 1);
    // An unencrypted ZIP keeps both, as before.
    let plain = zip_with(
        &[("bill.csv", &read("alipay-csv-2023-gbk.csv"))],
        None,
        false,
    );
    db.import("plain.zip", &plain, &opts()).unwrap();
    assert_eq!(std::fs::read_dir(&vault).unwrap().count(), 3);
}
