//! The kill harness: runs the real `tixian` and kills it (SIGKILL) at random moments, many times,
//! during an import, an evidence add, a bundle export, a backup, a restore and a migration. After
//! each kill: `PRAGMA integrity_check` is ok; the action is all there or not there at all; no
//! half-written vault file, bundle or backup is under its final name; and the next start (the
//! next command) removes the temporary files the kill left.
//!
//! Bounded: `TIXIAN_KILLS` kills per action (default 40; the seed is printed and can be pinned
//! with `TIXIAN_KILL_SEED`), each iteration on a fresh copy of the same starting folder.

#![cfg(unix)]

mod common;

use common::{sha256_file, Sandbox};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TEMP_MARK: &str = tixian_core::fsutil::TEMP_MARK;

fn tixian(home: &Path, db: &Path) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("tixian"));
    c.env_remove("TIXIAN_DB")
        .env_remove("TIXIAN_NOW")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home)
        .env("LANG", "C")
        .arg("--lang")
        .arg("en")
        .arg("--db")
        .arg(db)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn ok(mut c: Command) -> String {
    let out = c.stdout(Stdio::piped()).output().unwrap();
    assert!(
        out.status.success(),
        "{c:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A small deterministic generator (xorshift), so a failing run can be repeated with its seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn query(db: &Path, sql: &str) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| {
        Ok(match r.get_ref(0)? {
            rusqlite::types::ValueRef::Integer(n) => n.to_string(),
            rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
            other => format!("{other:?}"),
        })
    })
    .unwrap()
}

fn integrity_ok(db: &Path) {
    assert_eq!(
        query(db, "PRAGMA integrity_check"),
        "ok",
        "{}",
        db.display()
    );
}

fn temps_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|it| {
            it.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(TEMP_MARK))
                .collect()
        })
        .unwrap_or_default()
}

/// Every file under a SHA-256 name in the vault hashes to its name (none half-written).
fn vault_whole(vault: &Path) {
    for e in std::fs::read_dir(vault).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.len() == 64 {
            assert_eq!(
                sha256_file(&e.path()),
                name,
                "vault file {name} is half-written"
            );
        }
    }
}

/// A bundle folder under its final name is complete: SHA256SUMS lists every file and each hash holds.
fn bundle_dir_whole(dir: &Path) {
    let sums =
        std::fs::read_to_string(dir.join("SHA256SUMS")).expect("SHA256SUMS in a final folder");
    let mut listed = 0;
    for line in sums.lines() {
        let (hash, name) = line.split_once("  ").unwrap();
        assert_eq!(
            sha256_file(&dir.join(name)),
            hash,
            "{name} in {}",
            dir.display()
        );
        listed += 1;
    }
    assert_eq!(std::fs::read_dir(dir).unwrap().count(), listed + 1);
}

struct World {
    sb: Sandbox,
    /// The starting folder copied for every iteration: `tixian.db` + `vault/`.
    base: PathBuf,
    archive: PathBuf,
    case_id: String,
    old_base: PathBuf,
}

fn world() -> World {
    let sb = Sandbox::new();
    let base = sb.path("base");
    let db = base.join("tixian.db");
    let image = sb.path("shot.png");
    // Large enough that decoding and thumbnailing take a while.
    image::RgbImage::from_fn(1600, 1600, |x, y| {
        image::Rgb([(x * 7) as u8, (y * 3) as u8, (x ^ y) as u8])
    })
    .save(&image)
    .unwrap();
    let home = sb.dir.path();
    let mut new_case = tixian(home, &db);
    new_case.args([
        "--json",
        "case",
        "new",
        "--platform",
        "微信支付",
        "--amount",
        "100",
        "--occurred",
        "2026-03-10 14:00",
        "--summary",
        "提现未到账",
    ]);
    let mut platform = tixian(home, &db);
    platform.args(["platform", "add", "微信支付", "--kind", "wechat"]);
    ok(platform);
    let id = serde_json::from_str::<serde_json::Value>(&ok(new_case)).unwrap()["id"].to_string();
    let mut ev = tixian(home, &db);
    ev.args(["case", "evidence", &id, image.to_str().unwrap()]);
    ok(ev);
    // The archive restored in the restore runs holds one more platform than the base.
    let extra = sb.path("extra");
    copy_dir(&base, &extra);
    let mut add = tixian(home, &extra.join("tixian.db"));
    add.args(["platform", "add", "备份里的", "--kind", "bank"]);
    ok(add);
    let archive = sb.path("restore-me.zip");
    let mut b = tixian(home, &extra.join("tixian.db"));
    b.args(["backup", archive.to_str().unwrap()]);
    ok(b);
    // A database from before migration 8, for the migration runs.
    let old_base = sb.path("old");
    std::fs::create_dir_all(&old_base).unwrap();
    let conn = rusqlite::Connection::open(old_base.join("tixian.db")).unwrap();
    for sql in [
        include_str!("../../core/migrations/0001_init.sql"),
        include_str!("../../core/migrations/0002_ledger_imports.sql"),
        include_str!("../../core/migrations/0003_cases.sql"),
        include_str!("../../core/migrations/0004_health.sql"),
        include_str!("../../core/migrations/0005_diagnoses.sql"),
        include_str!("../../core/migrations/0006_perf.sql"),
        include_str!("../../core/migrations/0007_compact_original.sql"),
    ] {
        conn.execute_batch(sql).unwrap();
    }
    conn.execute_batch(
        "INSERT INTO platforms(name, kind, note, created_at, updated_at) VALUES
           ('旧一', 'wechat', '', '2026-01-01T00:00:00+08:00', '2026-01-01T00:00:00+08:00'),
           ('旧二', 'bank', '', '2026-01-01T00:00:00+08:00', '2026-01-01T00:00:00+08:00');
         PRAGMA user_version = 7;",
    )
    .unwrap();
    drop(conn);
    World {
        sb,
        base,
        archive,
        case_id: id,
        old_base,
    }
}

/// One action under the harness: what to run in iteration folder `it`, and what must hold after
/// a kill (the folder's database is checked for integrity before `check` runs).
struct Action<'a> {
    name: &'static str,
    from: &'a Path,
    run: Box<dyn Fn(&Path) -> Command + 'a>,
    check: Box<dyn Fn(&Path) + 'a>,
    /// Folders outside `it` the action writes into (cleaned by the next action there).
    again: Box<dyn Fn(&Path) + 'a>,
}

fn harness(action: &Action, kills: usize, rng: &mut Rng, root: &Path) -> (usize, usize) {
    // How long the action takes when nothing stops it: the kill moments spread over that.
    let probe = root.join(format!("{}-probe", action.name));
    copy_dir(action.from, &probe);
    let started = Instant::now();
    let out = (action.run)(&probe).output().unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        action.name,
        String::from_utf8_lossy(&out.stderr)
    );
    let span = started.elapsed().as_micros() as u64 + 2_000;
    (action.check)(&probe);
    let (mut before_end, mut finished) = (0, 0);
    for i in 0..kills {
        let it = root.join(format!("{}-{i}", action.name));
        copy_dir(action.from, &it);
        let mut child = (action.run)(&it).stderr(Stdio::null()).spawn().unwrap();
        let wait = Duration::from_micros(rng.below(span));
        // The kill moment is the point of the harness: a random instant within the run.
        std::thread::sleep(wait);
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        if status.success() {
            finished += 1;
        } else {
            before_end += 1;
        }
        let db = it.join("tixian.db");
        if db.exists() && std::fs::metadata(&db).unwrap().len() > 0 {
            integrity_ok(&db);
        }
        vault_whole(&it.join("vault"));
        (action.check)(&it);
        // The next start removes what the kill left.
        let mut next = tixian(it.parent().unwrap(), &db);
        next.args(["platform", "list"]);
        ok(next);
        assert_eq!(temps_in(&it), Vec::<String>::new(), "{} #{i}", action.name);
        assert_eq!(
            temps_in(&it.join("vault")),
            Vec::<String>::new(),
            "{} #{i}",
            action.name
        );
        (action.again)(&it);
        integrity_ok(&db);
    }
    (before_end, finished)
}

#[test]
fn a_kill_at_any_moment_lost_or_half_wrote_something() {
    let w = world();
    let kills: usize = std::env::var("TIXIAN_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let seed: u64 = std::env::var("TIXIAN_KILL_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    println!("kill harness: seed {seed} (TIXIAN_KILL_SEED), {kills} kills per action");
    let mut rng = Rng(seed);
    let root = w.sb.path("runs");
    let home = w.sb.dir.path().to_path_buf();
    let bill = common::owned_bill("wechat-xlsx-2026.xlsx");
    let rows = common::owned_expected("wechat-xlsx-2026.xlsx")["rows"]
        .as_i64()
        .unwrap();
    let count = |it: &Path, table: &str| -> i64 {
        query(
            &it.join("tixian.db"),
            &format!("SELECT count(*) FROM {table}"),
        )
        .parse()
        .unwrap()
    };
    let case = w.case_id.clone();
    let image = w.sb.path("second.png");
    image::RgbImage::from_fn(1600, 1200, |x, y| {
        image::Rgb([(y * 5) as u8, (x * 11) as u8, 40])
    })
    .save(&image)
    .unwrap();
    let archive = w.archive.clone();
    let actions = vec![
        Action {
            name: "import",
            from: &w.base,
            run: Box::new(|it| {
                let mut c = tixian(&home, &it.join("tixian.db"));
                c.arg("import").arg(&bill);
                c
            }),
            check: Box::new(|it| {
                let (got, imports) = (count(it, "transactions"), count(it, "imports"));
                assert!(
                    (got, imports) == (0, 0) || (got, imports) == (rows, 1),
                    "import half there: {got} rows, {imports} imports"
                );
            }),
            again: Box::new(|_| {}),
        },
        Action {
            name: "evidence",
            from: &w.base,
            run: Box::new(|it| {
                let mut c = tixian(&home, &it.join("tixian.db"));
                c.args(["case", "evidence", &case])
                    .arg(&image)
                    .args(["--caption", "again"]);
                c
            }),
            check: Box::new(|it| {
                let n = count(it, "evidence_items");
                assert!(n == 1 || n == 2, "{n} evidence items");
            }),
            again: Box::new(|_| {}),
        },
        Action {
            name: "export",
            from: &w.base,
            run: Box::new(|it| {
                let mut c = tixian(&home, &it.join("tixian.db"));
                c.args(["case", "export", &case, "--out"])
                    .arg(it.join("out").join("bundle.pdf"));
                std::fs::create_dir_all(it.join("out")).unwrap();
                c
            }),
            check: Box::new(|it| {
                let out = it.join("out");
                let pdf = out.join("bundle.pdf");
                let dir = out.join("bundle.files");
                if dir.exists() {
                    bundle_dir_whole(&dir);
                }
                if pdf.exists() {
                    assert!(dir.exists(), "a PDF without its folder");
                    let mut v = tixian(&home, &it.join("tixian.db"));
                    v.arg("verify").arg(&pdf);
                    ok(v);
                }
            }),
            again: Box::new(|it| {
                let mut c = tixian(&home, &it.join("tixian.db"));
                c.args(["case", "export", &case, "--out"])
                    .arg(it.join("out").join("second.pdf"));
                ok(c);
                assert_eq!(temps_in(&it.join("out")), Vec::<String>::new());
            }),
        },
        Action {
            name: "backup",
            from: &w.base,
            run: Box::new(|it| {
                let mut c = tixian(&home, &it.join("tixian.db"));
                c.arg("backup").arg(it.join("b").join("backup.zip"));
                std::fs::create_dir_all(it.join("b")).unwrap();
                c
            }),
            check: Box::new(|it| {
                let zip = it.join("b").join("backup.zip");
                if zip.exists() {
                    let mut r = tixian(&home, &it.join("scratch").join("t.db"));
                    r.arg("restore").arg(&zip).arg("--yes");
                    ok(r);
                }
            }),
            again: Box::new(|it| {
                let mut c = tixian(&home, &it.join("tixian.db"));
                c.arg("backup").arg(it.join("b").join("second.zip"));
                ok(c);
                assert_eq!(temps_in(&it.join("b")), Vec::<String>::new());
            }),
        },
        Action {
            name: "restore",
            from: &w.base,
            run: Box::new(|it| {
                let mut c = tixian(&home, &it.join("tixian.db"));
                c.arg("restore").arg(&archive).arg("--yes");
                c
            }),
            check: Box::new(|it| {
                let names = query(&it.join("tixian.db"), "SELECT group_concat(name, ',') FROM (SELECT name FROM platforms ORDER BY name)");
                assert!(
                    names == "微信支付" || names == "备份里的,微信支付",
                    "platforms after a killed restore: {names}"
                );
            }),
            again: Box::new(|_| {}),
        },
        Action {
            name: "migration",
            from: &w.old_base,
            run: Box::new(|it| {
                let mut c = tixian(&home, &it.join("tixian.db"));
                c.args(["platform", "list"]);
                c
            }),
            check: Box::new(|it| {
                let db = it.join("tixian.db");
                let v: i64 = query(&db, "PRAGMA user_version").parse().unwrap();
                assert!(
                    v == 7 || v == tixian_core::store::SCHEMA_VERSION,
                    "schema {v}"
                );
                assert_eq!(count(it, "platforms"), 2);
                let bak = it.join("tixian.db.v7.bak");
                if bak.exists() {
                    integrity_ok(&bak);
                    assert_eq!(query(&bak, "PRAGMA user_version"), "7");
                }
            }),
            again: Box::new(|_| {}),
        },
    ];
    for action in &actions {
        let (killed, finished) = harness(action, kills, &mut rng, &root);
        println!(
            "kill harness: {:<9} {killed} killed mid-way, {finished} finished before the kill",
            action.name
        );
    }
}
