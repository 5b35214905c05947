//! The readiness score: "if I had to withdraw everything tomorrow, would I be at ease?"
//!
//! 100 points in five parts; each part lost (wholly or partly) gives a reason with the fix the
//! UI links to:
//!
//! | part | points | full marks when | fix id |
//! | --- | --- | --- | --- |
//! | test withdrawals | 30 | the money sits on platforms whose test is up to date (by balance; by count when the total is 0) | `add_test_withdrawal:PLATFORM` |
//! | concentration | 20 | the largest share is at most one half; falls linearly to 0 at 100 % | `spread_money` |
//! | emergency fund | 20 | at least 3 months outside platforms; linear below, 0 when not set | `set_emergency_fund` |
//! | danger signals | 20 | no money on platforms with a signal (logged or detected) | `review_platform:PLATFORM` |
//! | quarterly review | 10 | the review is not due | `quarterly_review` |
//!
//! The sum is exact (`Decimal`) and rounded half away from zero to a whole number.

use super::records::signal_label;
use super::PlatformHealth;
use crate::lang::Text;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Readiness {
    pub score: i64,
    /// The reasons as plain text in the chosen language (the contract's shape).
    pub reasons: Vec<String>,
    /// The same reasons in both languages, with the fix to link to and the points they cost.
    pub details: Vec<ReadinessReason>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReadinessReason {
    /// `test_withdrawal` | `concentration` | `emergency_fund` | `signals` | `quarterly_review`.
    pub part: String,
    pub text: Text,
    /// What the UI links to: `add_test_withdrawal:NAME`, `spread_money`, `set_emergency_fund`,
    /// `review_platform:NAME`, `quarterly_review`.
    pub fix: String,
    /// Points this reason costs, one decimal.
    pub points: String,
}

fn d(n: i64) -> Decimal {
    Decimal::from(n)
}

fn pts(x: Decimal) -> String {
    format!(
        "{:.1}",
        x.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
    )
}

/// The weight of a platform within the whole: its balance over the total, or one platform's
/// count share when no money is recorded anywhere.
fn weight(p: &PlatformHealth, total_fen: i64, count: usize) -> Decimal {
    if total_fen > 0 {
        d(p.balance.fen()) / d(total_fen)
    } else {
        d(1) / d(count as i64)
    }
}

pub(crate) fn score(
    platforms: &[PlatformHealth],
    total_fen: i64,
    months: Option<Decimal>,
    review_due: bool,
) -> Readiness {
    let mut details = Vec::new();
    let mut lost = Decimal::ZERO;
    let n = platforms.len();

    for p in platforms.iter().filter(|p| p.test_due) {
        let cost = d(30) * weight(p, total_fen, n);
        if cost.is_zero() {
            continue; // nothing on it: an overdue test does not threaten any money
        }
        lost += cost;
        let name = &p.name;
        let text = match &p.last_test_withdrawal {
            None => Text::new(
                format!("{name} 从未做过测试提现：不知道钱能不能取出来"),
                format!(
                    "{name} has never had a test withdrawal: you do not know the money comes out"
                ),
            ),
            Some(_) => Text::new(
                format!(
                    "{name} 的测试提现已过期（应于 {} 前再做一次）",
                    p.next_test_due
                ),
                format!(
                    "{name}'s test withdrawal is overdue (was due {})",
                    p.next_test_due
                ),
            ),
        };
        details.push(ReadinessReason {
            part: "test_withdrawal".into(),
            text,
            fix: format!("add_test_withdrawal:{name}"),
            points: pts(cost),
        });
    }

    if total_fen > 0 {
        if let Some(largest) = platforms
            .iter()
            .max_by(|a, b| a.balance.fen().cmp(&b.balance.fen()).then(b.id.cmp(&a.id)))
        {
            let share = d(largest.balance.fen()) / d(total_fen);
            if share > Decimal::new(5, 1) {
                let cost = d(40) * (share - Decimal::new(5, 1));
                lost += cost;
                let pct = (share * d(100))
                    .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
                details.push(ReadinessReason {
                    part: "concentration".into(),
                    text: Text::new(
                        format!(
                            "{}% 的平台资金在 {}，超过一半：分散到其他平台或银行卡",
                            pct, largest.name
                        ),
                        format!(
                            "{pct}% of your platform money is on {}, more than half: spread it out",
                            largest.name
                        ),
                    ),
                    fix: "spread_money".into(),
                    points: pts(cost),
                });
            }
        }
    }

    match months {
        None => {
            lost += d(20);
            details.push(ReadinessReason {
                part: "emergency_fund".into(),
                text: Text::new(
                    "未设置每月开销和平台外的钱：无法判断应急资金够用几个月",
                    "Monthly spending and money outside platforms are not set: the emergency fund is unknown",
                ),
                fix: "set_emergency_fund".into(),
                points: pts(d(20)),
            });
        }
        Some(m) if m < d(3) => {
            let cost = d(20) - d(20) * m / d(3);
            lost += cost;
            let m1 = m.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
            details.push(ReadinessReason {
                part: "emergency_fund".into(),
                text: Text::new(
                    format!("平台外的应急资金只够 {m1:.1} 个月，建议 3–6 个月"),
                    format!("Money outside platforms covers only {m1:.1} months; aim for 3–6"),
                ),
                fix: "set_emergency_fund".into(),
                points: pts(cost),
            });
        }
        Some(_) => {}
    }

    for p in platforms.iter().filter(|p| !p.signals.is_empty()) {
        let cost = d(20) * weight(p, total_fen, n);
        if cost.is_zero() {
            continue;
        }
        lost += cost;
        let labels: Vec<Text> = p.signals.iter().map(|s| signal_label(s)).collect();
        let zh: Vec<&str> = labels.iter().map(|t| t.zh.as_str()).collect();
        let en: Vec<&str> = labels.iter().map(|t| t.en.as_str()).collect();
        details.push(ReadinessReason {
            part: "signals".into(),
            text: Text::new(
                format!(
                    "{} 出现危险信号（{}）：考虑先把钱取出来",
                    p.name,
                    zh.join("、")
                ),
                format!(
                    "{} shows danger signals ({}): consider withdrawing first",
                    p.name,
                    en.join(", ")
                ),
            ),
            fix: format!("review_platform:{}", p.name),
            points: pts(cost),
        });
    }

    if review_due {
        lost += d(10);
        details.push(ReadinessReason {
            part: "quarterly_review".into(),
            text: Text::new(
                "季度检查到期：核对牌照、重读规则、测试提现、资金占比",
                "Quarterly review due: check licences, re-read rules, test withdrawals, shares",
            ),
            fix: "quarterly_review".into(),
            points: pts(d(10)),
        });
    }

    let score = (d(100) - lost).round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    let score = rust_decimal::prelude::ToPrimitive::to_i64(&score)
        .unwrap_or(0)
        .clamp(0, 100);
    let reasons = details.iter().map(|r| r.text.zh.clone()).collect();
    Readiness {
        score,
        reasons,
        details,
    }
}
