//! Writes the fuzz targets' seed corpus, `fuzz/corpus/<target>/`, from the same generated
//! fixtures the property tests use (`tests/props/fixtures.rs`) and the repository's own
//! fixtures (`tests/fixtures/`, `rules/`) — nothing from outside the repository.
//!
//! Run: `cargo run -p tixian-core --example fuzz_corpus` (replaces the folder's files; the
//! password ZIPs and the backups take fresh salts and times, so those bytes change each run).

#[path = "../tests/props/fixtures.rs"]
mod fixtures;

use std::path::{Path, PathBuf};
use tixian_core::export::{self, BundleInput, EvidenceFile, ExportOptions, Summary};
use tixian_core::import::{self, ImportOptions};
use tixian_core::{time, Lang, Money, Store};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

struct Corpus {
    root: PathBuf,
}

impl Corpus {
    fn target(&self, name: &str) -> PathBuf {
        let dir = self.root.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write(&self, target: &str, files: &[(String, Vec<u8>)]) {
        let dir = self.target(target);
        for (name, bytes) in files {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
        println!("{target}: {} files", files.len());
    }
}

fn texts(items: &[&str]) -> Vec<(String, Vec<u8>)> {
    items
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("{i:02}.txt"), t.as_bytes().to_vec()))
        .collect()
}

fn now() -> time::Timestamp {
    time::parse_time("2026-07-01T09:00:00+08:00", tixian_core::Field::At).unwrap()
}

/// A store with an imported bill (so a platform, rows, a vault file), backed up.
fn backups(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let empty = Store::open(&dir.join("empty.db")).unwrap();
    tixian_core::health::backup(&empty, &dir.join("empty.zip"), &now()).unwrap();
    out.push((
        "empty.zip".to_string(),
        std::fs::read(dir.join("empty.zip")).unwrap(),
    ));
    let db = dir.join("full.db");
    let mut store = Store::open(&db).unwrap();
    let bill = fixtures::render(fixtures::Layout::WechatCsv, &fixtures::sample_rows());
    let vault = tixian_core::store::vault_dir(&db);
    import::import_bytes(
        &mut store,
        "wechat.csv",
        &bill,
        &ImportOptions::default(),
        &vault,
        &now(),
        &mut |_| {},
    )
    .unwrap();
    tixian_core::health::backup(&store, &dir.join("full.zip"), &now()).unwrap();
    out.push((
        "full.zip".to_string(),
        std::fs::read(dir.join("full.zip")).unwrap(),
    ));
    out
}

/// `db.sqlite` of each backup, repacked in 512-byte pages (a fifth of the size: the fuzzer
/// mutates small inputs faster).
fn databases(dir: &Path, archives: &[(String, Vec<u8>)]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    archives
        .iter()
        .map(|(name, bytes)| {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let mut db = Vec::new();
            zip.by_name("db.sqlite")
                .unwrap()
                .read_to_end(&mut db)
                .unwrap();
            let path = dir.join(name.replace(".zip", ".sqlite"));
            std::fs::write(&path, &db).unwrap();
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA page_size = 512; VACUUM;")
                .unwrap();
            drop(conn);
            (
                name.replace(".zip", ".sqlite"),
                std::fs::read(&path).unwrap(),
            )
        })
        .collect()
}

/// A bundle with a picture and a note.
fn bundle(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let png = dir.join("shot.png");
    std::fs::write(&png, fixtures::png(24, 16)).unwrap();
    let note = dir.join("note.txt");
    std::fs::write(&note, "95017 6 分钟\n").unwrap();
    let file = |path: &Path, name: &str, mime: &str| EvidenceFile {
        path: path.to_path_buf(),
        original_name: name.into(),
        caption: "提现失败截图".into(),
        taken_at: Some("2026-06-15T23:40:00+08:00".into()),
        taken_at_source: Some("user".into()),
        mime: mime.into(),
        added_at: "2026-06-16T09:00:00+08:00".into(),
        sha256: String::new(),
        tier: "core".into(),
        text: String::new(),
        text_checked: false,
    };
    let input = BundleInput {
        case_id: 1,
        title: "提现失败".into(),
        platform: "微信支付".into(),
        amount: Money::from_fen(123_450),
        occurred_at: "2026-06-15T23:40:00+08:00".into(),
        created_at: "2026-06-16T09:00:00+08:00".into(),
        exported_at: "2026-06-25T20:15:00+08:00".into(),
        lang: Lang::Zh,
        summary: Summary {
            background: "零钱提现".into(),
            problem: "提现失败".into(),
            demand: "退回".into(),
            key_facts: vec!["金额 1234.50".into()],
        },
        timeline: Vec::new(),
        contacts: Vec::new(),
        evidence: vec![
            file(&png, "shot.png", "image/png"),
            file(&note, "note.txt", "text/plain"),
        ],
        catalog: Vec::new(),
        applicant: String::new(),
    };
    let pdf = dir.join("bundle.pdf");
    export::export_bundle(&input, &pdf, &ExportOptions::default(), &mut |_| {}).unwrap();
    vec![("bundle.pdf".into(), std::fs::read(&pdf).unwrap())]
}

/// Each rule file behind its index byte (the rules target's input), cut at a table boundary
/// to at most 12 KB so the fuzzer's inputs stay small. Of the knowledge base's own files (each
/// input loads the whole knowledge base, the slow loader) only a few kinds.
fn rule_seeds() -> Vec<(String, Vec<u8>)> {
    const KB_SEEDS: [&str; 6] = [
        "messages.toml",
        "limits.toml",
        "risk.toml",
        "first_steps.toml",
        "messages/lexicon.toml",
        "messages/alipay.toml",
    ];
    let mut files = tixian_core::rules::embedded();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            let kb = !f.path.contains('/') || f.path.starts_with("messages/");
            !kb || KB_SEEDS.contains(&f.path.as_str())
        })
        .map(|(i, f)| {
            let mut text = f.text.as_str();
            if text.len() > 12_000 {
                let mut cut = 12_000;
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                text = &text[..text[..cut].rfind("\n[").unwrap_or(cut)];
            }
            let mut bytes = vec![i as u8];
            bytes.extend_from_slice(text.as_bytes());
            (f.path.replace('/', "_"), bytes)
        })
        .collect()
}

fn folder(path: &Path, ext: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(path)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn main() {
    let corpus = Corpus {
        root: Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus"),
    };
    let work = tempfile::tempdir().unwrap();

    corpus.write(
        "money",
        &texts(&[
            "1234.50",
            "¥1,234.50",
            " １２３．４ ",
            "-5.10",
            "12.5元",
            "+￥0.01",
            "1,000,000",
            "10000000000000.00",
            "-¥9,999,999,999,999.99",
        ]),
    );
    corpus.write(
        "time",
        &texts(&[
            "2026-03-05T23:40:00+08:00",
            "2026-03-05 23:40",
            "2026/3/5 23:40:00",
            "2026-03-05",
            "2026-03-05T15:40:00.123456789Z",
            "+10000-01-01 10:00",
            "0000-01-01T00:00:00+08:00",
            "9999-12-31T23:59:59Z",
            "1991-04-14 02:30",
        ]),
    );
    let mut bills = fixtures::bill_files();
    bills.extend(folder(&repo().join("tests/fixtures/hostile"), "xlsx"));
    corpus.write("bill", &bills);
    let cases: Vec<(String, Vec<u8>)> = fixtures::case_files()
        .into_iter()
        .map(|(n, t)| (n, t.into_bytes()))
        .collect();
    corpus.write("case", &cases);
    corpus.write("rules", &rule_seeds());
    let mut notices = folder(&repo().join("tests/fixtures/calendar/notices"), "txt");
    notices.extend(folder(&repo().join("tests/fixtures/calendar"), "txt"));
    corpus.write("notice", &notices);
    corpus.write("image", &fixtures::image_files());
    let archives = backups(work.path());
    corpus.write("backup_db", &databases(work.path(), &archives));
    corpus.write("backup", &archives);
    corpus.write("verify", &bundle(work.path()));
    corpus.write(
        "text",
        &texts(&[
            "[2026-03-10 14:32:05] 客服小王：您好，您的提现申请已提交加急处理，我们会在3个工作日内处理完毕，请您耐心等待。",
            "2026-03-10 10:02 我：我的提现500元三天了还没到账，你们说48小时内到账的\n2026-03-10 10:03 在线客服（工号 8231）：非常抱歉给您带来不便，已为您反馈至相关部门，24小时内回复您。",
            "主题：提现问题\n发件人：service@example.com\n\nWe will process it within 24 hours. 本周内给您答复，最迟月底。",
            "提现规则\n单笔提现门槛 100元\n手续费 0.1%，最低 0.1元\n到账时间：2小时内\n每日最多 3笔\n单笔提现门槛 200元\n手续费 0.6％\n单日上限 5万元",
            "14:05\n提现\n您的账户存在异常，暂时无法提现\n请联系客服 95017\n确定",
        ]),
    );
}
