//! The Diagnose wizard's interview: from what the user saw (a symptom), the platform and the
//! message, it asks only the questions whose answers can still change the answer.
//!
//! "Can still change the answer" is decided by the engine itself, not by a table: for every
//! unanswered question the case is diagnosed once per candidate answer, and the question is kept
//! only when some candidate changes the top causes (ids, order or the top likelihood). A question
//! answered "don't know" is never asked again.

use super::{diagnose, Action, Case, Diagnosis, Status};
use crate::error::{CoreError, Result};
use crate::kb::Kb;
use crate::lang::Lang;
use crate::ledger::PlatformKind;
use crate::money::Money;
use crate::time::Timestamp;
use crate::Field;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What the user saw, the first thing the wizard asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Symptom {
    GreyedOut,
    Failed,
    Processing,
    UnderReview,
    NotArrived,
    Limited,
    Crossplatform,
}

/// One answer; an empty `value` means "don't know" (the question counts as answered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Answer {
    pub id: String,
    pub value: String,
}

/// Everything the wizard has gathered so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Interview {
    pub symptom: Symptom,
    pub platform: PlatformKind,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub answers: Vec<Answer>,
}

/// How a question is answered in the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    YesNo,
    Amount,
    Number,
    Choice,
}

/// A question still worth asking; its wording lives in the UI's i18n (`dx.q.<id>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Question {
    pub id: String,
    pub kind: AnswerKind,
    /// For `choice`: the values to offer (labels are `dx.choice.<value>`).
    pub choices: Vec<String>,
}

/// The wizard's state after the answers so far: the current diagnosis and what to ask next.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InterviewStep {
    pub diagnosis: Diagnosis<'static>,
    /// Questions that still change the top causes, most useful first.
    pub questions: Vec<Question>,
}

struct Spec {
    id: &'static str,
    kind: AnswerKind,
    /// Candidate answers tried when deciding whether the question matters.
    candidates: &'static [&'static str],
}

const FROM: &[&str] = &[
    "huabei",
    "jiebei",
    "baitiao",
    "credit_card",
    "alipay_balance",
    "yuebao",
    "wechat",
    "lingqiantong",
    "bank_card",
];
const TO: &[&str] = &["wechat", "alipay_balance", "bank_card"];
/// When the attempt was made: inside a trading day's hours (9:30–15:00), or outside them
/// (after 15:00, before 9:30, a weekend or a holiday).
const WHEN: &[&str] = &["trading_hours", "after_hours"];

/// The attempt time an answer to `when` stands for. Only the local hour matters to the rules
/// (`local_hour_between`), so, as for `id_expired`, one representative time stands for each
/// answer: 10:00 inside trading hours, 20:00 outside them (not night, which other rules read).
fn attempt_time(value: &str, id: &str) -> Result<Timestamp> {
    let clock = match value {
        "trading_hours" => "10:00",
        "after_hours" => "20:00",
        _ => {
            return Err(CoreError::invalid(
                Field::Answer(id.to_string()),
                "请选择“交易时段内”或“交易时段外”",
                "choose inside or outside trading hours",
            ))
        }
    };
    crate::time::parse_time(
        &format!("2026-06-02 {clock}"),
        Field::Answer(id.to_string()),
    )
}

/// In the order they are asked: the cheapest, most telling questions first.
const QUESTIONS: &[Spec] = &[
    Spec {
        id: "from",
        kind: AnswerKind::Choice,
        candidates: FROM,
    },
    Spec {
        id: "to",
        kind: AnswerKind::Choice,
        candidates: TO,
    },
    Spec {
        id: "verification",
        kind: AnswerKind::YesNo,
        candidates: &["yes", "no"],
    },
    Spec {
        id: "amount",
        kind: AnswerKind::Amount,
        candidates: &["100", "3000", "20000", "60000", "300000", "1000000"],
    },
    Spec {
        id: "hours",
        kind: AnswerKind::Number,
        candidates: &["0.5", "3", "12", "30", "80", "200"],
    },
    // When the attempt was made: brokers and fund apps move money only in trading hours, so
    // an investment withdrawal refused after 15:00 (or on a weekend) is told apart by it.
    Spec {
        id: "when",
        kind: AnswerKind::Choice,
        candidates: WHEN,
    },
    Spec {
        id: "id_expired",
        kind: AnswerKind::YesNo,
        candidates: &["yes", "no"],
    },
    Spec {
        id: "card_self",
        kind: AnswerKind::YesNo,
        candidates: &["yes", "no"],
    },
    Spec {
        id: "new_device",
        kind: AnswerKind::YesNo,
        candidates: &["yes", "no"],
    },
    Spec {
        id: "attempts",
        kind: AnswerKind::Number,
        candidates: &["1", "3", "6", "10"],
    },
    Spec {
        id: "real_name",
        kind: AnswerKind::YesNo,
        candidates: &["yes", "no"],
    },
    Spec {
        id: "violation",
        kind: AnswerKind::YesNo,
        candidates: &["yes", "no"],
    },
    Spec {
        id: "maintenance",
        kind: AnswerKind::YesNo,
        candidates: &["yes", "no"],
    },
    Spec {
        id: "network_ok",
        kind: AnswerKind::YesNo,
        candidates: &["yes", "no"],
    },
    // Merchant money on e-commerce platforms: a deposit shortfall and unsettled orders look the
    // same from the withdrawal page (greyed out, limited); these two tell them apart.
    Spec {
        id: "deposit_short",
        kind: AnswerKind::YesNo,
        candidates: &["yes", "no"],
    },
    Spec {
        id: "orders_unsettled",
        kind: AnswerKind::YesNo,
        candidates: &["yes", "no"],
    },
];

/// The engine's case for the interview so far. Bad answers are reported with the question id
/// as the field.
pub fn case_of(interview: &Interview) -> Result<Case> {
    let (action, status) = match interview.symptom {
        Symptom::Crossplatform => (Action::Crossplatform, None),
        s => (Action::Withdraw, Some(status_of(s))),
    };
    let message = interview.message.trim();
    let mut case = Case {
        platform: interview.platform,
        action,
        from: None,
        to: None,
        amount: None,
        at: None,
        status,
        message: (!message.is_empty()).then(|| message.to_string()),
        hours_since_request: None,
        account: Default::default(),
        context: Default::default(),
    };
    for answer in &interview.answers {
        apply(&mut case, &answer.id, answer.value.trim())?;
    }
    Ok(case)
}

fn status_of(s: Symptom) -> Status {
    match s {
        Symptom::GreyedOut => Status::GreyedOut,
        Symptom::Failed => Status::Failed,
        Symptom::Processing => Status::Processing,
        Symptom::UnderReview => Status::UnderReview,
        Symptom::NotArrived => Status::NotArrived,
        Symptom::Limited | Symptom::Crossplatform => Status::Limited,
    }
}

fn apply(case: &mut Case, id: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Ok(());
    }
    let yes = || match value {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(CoreError::invalid(
            Field::Answer(id.to_string()),
            "请选择“是”或“不是”",
            "choose yes or no",
        )),
    };
    let number = || {
        value
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite() && *n >= 0.0)
            .ok_or_else(|| {
                CoreError::invalid(
                    Field::Answer(id.to_string()),
                    "请填写一个不小于 0 的数字",
                    "enter a number, 0 or more",
                )
            })
    };
    match id {
        "from" => case.from = Some(value.to_string()),
        "when" => case.at = Some(attempt_time(value, id)?),
        "to" => case.to = Some(value.to_string()),
        "amount" => {
            case.amount = Some(
                Money::parse_amount(value).map_err(|e| e.field(Field::Answer(id.to_string())))?,
            )
        }
        "hours" => case.hours_since_request = Some(number()?),
        "verification" => case.account.pending_verification = Some(yes()?),
        "id_expired" => {
            // Only "expired or not" matters to the rules; a far date stands for either side.
            let (y, m, d) = if yes()? { (2000, 1, 1) } else { (2099, 12, 31) };
            case.account.id_expires_on = NaiveDate::from_ymd_opt(y, m, d);
        }
        "card_self" => case.account.card_holder_is_self = Some(yes()?),
        "new_device" => case.context.device_age_hours = Some(if yes()? { 2.0 } else { 5000.0 }),
        "attempts" => case.context.attempts_last_10_min = Some(number()? as u32),
        "real_name" => case.account.real_name_verified = Some(yes()?),
        "violation" => case.account.violation_notice = Some(yes()?),
        "maintenance" => case.context.maintenance_notice = Some(yes()?),
        "network_ok" => case.context.network_ok = Some(yes()?),
        "deposit_short" => case.account.deposit_short = Some(yes()?),
        "orders_unsettled" => case.context.orders_unsettled = Some(yes()?),
        _ => {
            return Err(CoreError::invalid(
                Field::named("answers"),
                format!("未知的问题：{id}"),
                format!("unknown question: {id}"),
            ))
        }
    }
    Ok(())
}

/// What counts as "the answer": the leading cause and how likely it is. Lower ranks shift with
/// almost any answer, so counting them would ask everything and defeat the interview.
fn signature<'a>(d: &'a Diagnosis<'_>) -> Option<(&'a str, super::Likelihood)> {
    d.causes.first().map(|c| (c.id.as_ref(), c.likelihood))
}

/// Diagnoses the interview so far and lists the questions that can still change the answer.
pub fn step(kb: &Kb, interview: &Interview, lang: Lang, now: &Timestamp) -> Result<InterviewStep> {
    let case = case_of(interview)?;
    let diagnosis = diagnose(kb, &case, lang, now);
    let base = signature(&diagnosis);
    let mut questions = Vec::new();
    for spec in QUESTIONS {
        if interview.answers.iter().any(|a| a.id == spec.id) {
            continue;
        }
        // Sources and destinations only mean something when moving money between products.
        if matches!(spec.id, "from" | "to") && case.action != Action::Crossplatform {
            continue;
        }
        let matters = spec.candidates.iter().any(|candidate| {
            let mut trial = case.clone();
            apply(&mut trial, spec.id, candidate).is_ok()
                && signature(&diagnose(kb, &trial, lang, now)) != base
        });
        if matters {
            questions.push(Question {
                id: spec.id.to_string(),
                kind: spec.kind,
                choices: match spec.kind {
                    AnswerKind::Choice => spec.candidates.iter().map(|c| c.to_string()).collect(),
                    _ => Vec::new(),
                },
            });
        }
    }
    Ok(InterviewStep {
        diagnosis: diagnosis.into_owned(),
        questions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        crate::time::parse_time("2026-03-10T10:00:00+08:00", crate::Field::At).unwrap()
    }

    fn iv(
        symptom: Symptom,
        platform: PlatformKind,
        message: &str,
        answers: &[(&str, &str)],
    ) -> Interview {
        Interview {
            symptom,
            platform,
            message: message.to_string(),
            answers: answers
                .iter()
                .map(|(id, value)| Answer {
                    id: id.to_string(),
                    value: value.to_string(),
                })
                .collect(),
        }
    }

    fn ids(step: &InterviewStep) -> Vec<&str> {
        step.questions.iter().map(|q| q.id.as_str()).collect()
    }

    #[test]
    fn crossplatform_asks_from_and_to_then_finds_not_supported() {
        let kb = Kb::embedded();
        let first = step(
            kb,
            &iv(Symptom::Crossplatform, PlatformKind::Alipay, "", &[]),
            Lang::Zh,
            &now(),
        )
        .unwrap();
        assert_eq!(ids(&first).first(), Some(&"from"));
        let done = step(
            kb,
            &iv(
                Symptom::Crossplatform,
                PlatformKind::Alipay,
                "",
                &[("from", "huabei"), ("to", "wechat")],
            ),
            Lang::Zh,
            &now(),
        )
        .unwrap();
        assert_eq!(done.diagnosis.causes[0].id, "crossplatform.not_supported");
        assert!(!ids(&done).contains(&"from"));
    }

    #[test]
    fn a_telling_message_leaves_fewer_questions_than_none() {
        let kb = Kb::embedded();
        let vague = step(
            kb,
            &iv(Symptom::Failed, PlatformKind::Wechat, "", &[]),
            Lang::Zh,
            &now(),
        )
        .unwrap();
        let frozen = step(
            kb,
            &iv(
                Symptom::Failed,
                PlatformKind::Wechat,
                "您的账户已被有权机关冻结",
                &[],
            ),
            Lang::Zh,
            &now(),
        )
        .unwrap();
        assert_eq!(frozen.diagnosis.causes[0].id, "account.frozen_by_authority");
        assert!(
            frozen.questions.len() < vague.questions.len(),
            "{:?} vs {:?}",
            ids(&frozen),
            ids(&vague)
        );
        assert!(
            !ids(&vague).contains(&"from"),
            "from/to only matter across platforms"
        );
    }

    #[test]
    fn a_shop_deposit_and_unsettled_orders_are_told_apart_by_two_questions() {
        let kb = Kb::embedded();
        let ask = |platform, answers: &[(&str, &str)]| {
            step(
                kb,
                &iv(Symptom::GreyedOut, platform, "", answers),
                Lang::Zh,
                &now(),
            )
            .unwrap()
        };
        let first = ask(PlatformKind::Ecommerce, &[]);
        assert!(ids(&first).contains(&"deposit_short"), "{:?}", ids(&first));
        assert!(
            ids(&first).contains(&"orders_unsettled"),
            "{:?}",
            ids(&first)
        );
        let deposit = ask(PlatformKind::Ecommerce, &[("deposit_short", "yes")]);
        assert_eq!(
            deposit.diagnosis.causes[0].id,
            "ecommerce.deposit_insufficient"
        );
        assert_eq!(
            deposit.diagnosis.causes[0].likelihood,
            super::super::Likelihood::High
        );
        let orders = ask(
            PlatformKind::Ecommerce,
            &[("deposit_short", "no"), ("orders_unsettled", "yes")],
        );
        assert_eq!(orders.diagnosis.causes[0].id, "ecommerce.settlement_hold");
        assert_eq!(
            orders.diagnosis.causes[0].likelihood,
            super::super::Likelihood::High
        );
        assert!(!ids(&orders).contains(&"orders_unsettled"));
        // Elsewhere neither answer can change the leading cause, so neither is asked.
        let wallet = ask(PlatformKind::Wechat, &[]);
        assert!(
            !ids(&wallet).contains(&"deposit_short"),
            "{:?}",
            ids(&wallet)
        );
        assert!(!ids(&wallet).contains(&"orders_unsettled"));
    }

    /// `investment.trading_hours` was reachable only from the message text: the interview now
    /// asks when the attempt was made, for investment platforms only (elsewhere the hour does
    /// not change the answer), and "outside trading hours" makes it the leading cause.
    #[test]
    fn the_trading_hours_cause_is_reached_by_asking_when_the_attempt_was_made() {
        let kb = Kb::embedded();
        let ask = |platform, answers: &[(&str, &str)]| {
            step(
                kb,
                &iv(Symptom::Failed, platform, "", answers),
                Lang::Zh,
                &now(),
            )
            .unwrap()
        };
        let first = ask(PlatformKind::Investment, &[]);
        let when = first
            .questions
            .iter()
            .find(|q| q.id == "when")
            .unwrap_or_else(|| panic!("{:?}", ids(&first)));
        assert_eq!(when.kind, AnswerKind::Choice);
        assert_eq!(when.choices, ["trading_hours", "after_hours"]);
        let after = ask(PlatformKind::Investment, &[("when", "after_hours")]);
        assert_eq!(
            after.diagnosis.causes[0].id, "investment.trading_hours",
            "{:#?}",
            after.diagnosis.causes
        );
        assert!(!ids(&after).contains(&"when"));
        let inside = ask(PlatformKind::Investment, &[("when", "trading_hours")]);
        assert!(inside
            .diagnosis
            .causes
            .first()
            .is_none_or(|c| c.id != "investment.trading_hours"));
        assert!(!ids(&ask(PlatformKind::Wechat, &[])).contains(&"when"));
        let bad = step(
            kb,
            &iv(
                Symptom::Failed,
                PlatformKind::Investment,
                "",
                &[("when", "noon")],
            ),
            Lang::Zh,
            &now(),
        )
        .unwrap_err();
        assert_eq!(bad.field_name(), Some("when"));
    }

    #[test]
    fn answered_questions_are_not_asked_again_and_dont_know_counts() {
        let kb = Kb::embedded();
        let first = step(
            kb,
            &iv(Symptom::Failed, PlatformKind::Wechat, "", &[]),
            Lang::Zh,
            &now(),
        )
        .unwrap();
        let q = first.questions[0].id.clone();
        let next = step(
            kb,
            &iv(Symptom::Failed, PlatformKind::Wechat, "", &[(&q, "")]),
            Lang::Zh,
            &now(),
        )
        .unwrap();
        assert!(!next.questions.iter().any(|x| x.id == q));
    }

    #[test]
    fn bad_answers_name_the_question() {
        let err = case_of(&iv(
            Symptom::Failed,
            PlatformKind::Wechat,
            "",
            &[("amount", "abc")],
        ))
        .unwrap_err();
        assert!(format!("{err:?}").contains("amount"), "{err:?}");
        let err = case_of(&iv(
            Symptom::Failed,
            PlatformKind::Wechat,
            "",
            &[("card_self", "maybe")],
        ))
        .unwrap_err();
        assert!(format!("{err:?}").contains("card_self"), "{err:?}");
    }

    #[test]
    fn daily_limit_message_on_wechat() {
        let kb = Kb::embedded();
        let s = step(
            kb,
            &iv(
                Symptom::Failed,
                PlatformKind::Wechat,
                "当日提现金额已超过限额",
                &[],
            ),
            Lang::Zh,
            &now(),
        )
        .unwrap();
        assert_eq!(s.diagnosis.causes[0].id, "limit.daily");
    }
}
