//! Platforms: add, look up, edit and delete (with undo).

use super::undo::{self, Deleted};
use super::PlatformKind;
use crate::error::{CoreError, Result};
use crate::time::{self, Timestamp};
use crate::Field;
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

/// What the user types to add a platform.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewPlatform {
    pub name: String,
    pub kind: PlatformKind,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Platform {
    pub id: i64,
    pub name: String,
    pub kind: PlatformKind,
    pub note: String,
    pub licence: String,
    pub operating_since: Option<String>,
    pub test_interval_days: i64,
    pub created_at: String,
}

/// A platform's editable facts; every field is replaced (the form sends them all).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlatformEdit {
    pub name: String,
    pub kind: PlatformKind,
    #[serde(default)]
    pub note: String,
    /// The licence the user recorded (e.g. a 支付业务许可证 number).
    #[serde(default)]
    pub licence: String,
    /// `YYYY-MM-DD`, or empty/null when unknown.
    #[serde(default)]
    pub operating_since: Option<String>,
    pub test_interval_days: i64,
}

fn validate_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CoreError::invalid(
            Field::PlatformName,
            "请填写平台名称，如 微信支付",
            "the platform needs a name, e.g. 微信支付",
        ));
    }
    if name.chars().count() > 60 {
        return Err(CoreError::invalid(
            Field::PlatformName,
            "名称请不超过 60 个字",
            "keep the name under 60 characters",
        ));
    }
    Ok(name.to_string())
}

pub fn add_platform(tx: &Transaction, new: &NewPlatform, now: &Timestamp) -> Result<Platform> {
    let name = validate_name(&new.name)?;
    if find_platform(tx, &name)?.is_some() {
        return Err(CoreError::Conflict {
            field: Field::PlatformName,
            message: crate::lang::Text::new(
                format!("已有名为“{name}”的平台"),
                format!("a platform named “{name}” already exists"),
            ),
        });
    }
    tx.execute(
        "INSERT INTO platforms(name, kind, note, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            name,
            new.kind.as_str(),
            new.note.trim(),
            time::to_rfc3339(now)
        ],
    )?;
    get_platform(tx, tx.last_insert_rowid())
}

/// A platforms row as read, before its kind is checked.
type PlatformRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    String,
);

pub(super) fn platform_from_row(r: &rusqlite::Row) -> rusqlite::Result<PlatformRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
    ))
}

const PLATFORM_COLUMNS: &str =
    "id, name, kind, note, licence, operating_since, test_interval_days, created_at";

fn build_platform(row: PlatformRow) -> Result<Platform> {
    let (id, name, kind, note, licence, operating_since, test_interval_days, created_at) = row;
    Ok(Platform {
        id,
        name,
        kind: kind
            .parse()
            .map_err(|_| CoreError::Internal(format!("stored kind “{kind}” is unknown")))?,
        note,
        licence,
        operating_since,
        test_interval_days,
        created_at,
    })
}

pub fn get_platform(conn: &rusqlite::Connection, id: i64) -> Result<Platform> {
    let row = conn
        .query_row(
            &format!("SELECT {PLATFORM_COLUMNS} FROM platforms WHERE id = ?1"),
            [id],
            platform_from_row,
        )
        .optional()?
        .ok_or(CoreError::NotFound {
            what: "platform",
            key: id.to_string(),
        })?;
    build_platform(row)
}

pub fn find_platform(conn: &rusqlite::Connection, name: &str) -> Result<Option<Platform>> {
    conn.prepare_cached(&format!(
        "SELECT {PLATFORM_COLUMNS} FROM platforms WHERE name = ?1"
    ))?
    .query_row([name.trim()], platform_from_row)
    .optional()?
    .map(build_platform)
    .transpose()
}

/// Looks a platform up by name; an unknown name is the user's error, naming the field.
pub fn require_platform(conn: &rusqlite::Connection, name: &str) -> Result<Platform> {
    find_platform(conn, name)?.ok_or_else(|| {
        CoreError::invalid(
            Field::Platform,
            format!(
                "没有名为“{}”的平台，请先添加（tixian platform add）",
                name.trim()
            ),
            format!(
                "no platform named “{}”; add it first (tixian platform add)",
                name.trim()
            ),
        )
    })
}

pub fn list_platforms(conn: &rusqlite::Connection) -> Result<Vec<Platform>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PLATFORM_COLUMNS} FROM platforms ORDER BY id"
    ))?;
    let rows = stmt.query_map([], platform_from_row)?;
    rows.map(|r| build_platform(r?)).collect()
}

fn name_taken(name: &str) -> CoreError {
    CoreError::Conflict {
        field: Field::PlatformName,
        message: crate::lang::Text::new(
            format!("已有名为“{name}”的平台"),
            format!("a platform named “{name}” already exists"),
        ),
    }
}

/// Sets how often (days, 1–366) platform `id` wants a test withdrawal, keeping its other facts.
pub fn set_test_interval(
    tx: &Transaction,
    id: i64,
    days: i64,
    now: &Timestamp,
) -> Result<Platform> {
    let p = get_platform(tx, id)?;
    let edit = PlatformEdit {
        name: p.name,
        kind: p.kind,
        note: p.note,
        licence: p.licence,
        operating_since: p.operating_since,
        test_interval_days: days,
    };
    update_platform(tx, id, &edit, now)
}

/// Replaces a platform's editable facts. Renaming onto another platform's name is a conflict.
pub fn update_platform(
    tx: &Transaction,
    id: i64,
    edit: &PlatformEdit,
    now: &Timestamp,
) -> Result<Platform> {
    get_platform(tx, id)?;
    let name = validate_name(&edit.name)?;
    if find_platform(tx, &name)?.is_some_and(|other| other.id != id) {
        return Err(name_taken(&name));
    }
    let operating_since = match edit.operating_since.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(
            time::parse_date(text, crate::Field::OperatingSince)?
                .format("%Y-%m-%d")
                .to_string(),
        ),
    };
    if !(1..=366).contains(&edit.test_interval_days) {
        return Err(CoreError::invalid(
            Field::TestIntervalDays,
            "测试提现间隔请填 1 到 366 天",
            "the test-withdrawal interval must be 1 to 366 days",
        ));
    }
    if edit.licence.chars().count() > 200 || edit.note.chars().count() > 2000 {
        return Err(CoreError::invalid(
            Field::Note,
            "备注或许可证信息过长",
            "the note or licence is too long",
        ));
    }
    tx.execute(
        "UPDATE platforms SET name = ?1, kind = ?2, note = ?3, licence = ?4, operating_since = ?5,
                test_interval_days = ?6, updated_at = ?7 WHERE id = ?8",
        params![
            name,
            edit.kind.as_str(),
            edit.note.trim(),
            edit.licence.trim(),
            operating_since,
            edit.test_interval_days,
            time::to_rfc3339(now),
            id
        ],
    )?;
    get_platform(tx, id)
}

/// Deletes a platform with its balances, withdrawals, imported rows, danger signals and saved
/// payout rules. The returned record holds all of it; [`undo::restore`] puts it back.
pub fn delete_platform(tx: &Transaction, id: i64) -> Result<Deleted> {
    get_platform(tx, id)?;
    let tables = vec![
        undo::capture(tx, "platforms", "id = ?1", id)?,
        undo::capture(tx, "transactions", "platform_id = ?1", id)?,
        undo::capture(tx, "balance_snapshots", "platform_id = ?1", id)?,
        undo::capture(tx, "withdrawals", "platform_id = ?1", id)?,
        undo::capture(tx, "danger_signals", "platform_id = ?1", id)?,
        undo::capture(tx, "rule_snapshots", "platform_id = ?1", id)?,
    ];
    let cleared = vec![
        undo::capture_ref(tx, "imports", "platform_id", id)?,
        undo::capture_ref(tx, "cases", "platform_id", id)?,
    ];
    tx.execute("DELETE FROM platforms WHERE id = ?1", [id])?;
    Ok(Deleted {
        what: "platform".into(),
        id,
        tables,
        cleared,
    })
}
