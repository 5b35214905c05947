//! A case's closed vocabularies: status, escalation stage, contact channel, evidence tier. Each
//! is stored and sent as its snake_case id and parsed strictly, naming the choices.

use crate::error::{CoreError, Result};
use crate::lang::Lang;
use crate::Field;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Declares a string enum with its ids, zh/en labels, `FromStr` (bad input names `field`) and
/// `Display`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $field:expr, [$($variant:ident = $id:literal, $zh:literal, $en:literal;)+]) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        // After the derives, so a `serde(rename)` among them is a known helper attribute.
        $(#[$meta])*
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }

            /// What people read, in their language.
            pub fn label(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(($name::$variant, Lang::Zh) => $zh, ($name::$variant, Lang::En) => $en,)+
                }
            }

            /// Reads a stored value; an unknown one is our fault, not the user's.
            pub(crate) fn from_stored(s: &str) -> Result<$name> {
                s.parse().map_err(|_| CoreError::Internal(format!("stored {} “{s}” is unknown", $field.key())))
            }
        }

        impl FromStr for $name {
            type Err = CoreError;
            fn from_str(s: &str) -> Result<Self> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s.trim()).ok_or_else(|| {
                    let all: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                    CoreError::invalid(
                        $field,
                        format!("“{s}”不是可选值，可选：{}", all.join("、")),
                        format!("“{s}” is not allowed; use one of {}", all.join(", ")),
                    )
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// Where a case stands.
    CaseStatus, Field::CaseStatus, [
        Open = "open", "处理中", "open";
        Waiting = "waiting", "等待答复", "waiting";
        Escalated = "escalated", "已升级", "escalated";
        Resolved = "resolved", "已解决", "resolved";
        Closed = "closed", "已关闭", "closed";
    ]
);

vocabulary!(
    /// The escalation ladder, lowest first: each step is taken when the one before failed. Also
    /// the stage of each rung in `route` (one vocabulary).
    Stage, Field::Stage, [
        CustomerService = "customer_service", "普通客服", "customer service";
        Supervisor = "supervisor", "客服主管", "supervisor";
        PlatformComplaint = "platform_complaint", "平台官方投诉渠道", "platform complaint channel";
        Regulator = "regulator", "监管部门投诉", "regulator";
        Mediation = "mediation", "调解", "mediation";
        Court = "court", "诉讼（小额诉讼/互联网法院）", "court (small claims / internet court)";
    ]
);

impl Stage {
    /// The next rung of the ladder, if any.
    pub fn next(self) -> Option<Stage> {
        let i = Stage::ALL.iter().position(|s| *s == self)?;
        Stage::ALL.get(i + 1).copied()
    }
}

vocabulary!(
    /// How a customer-service contact happened.
    ContactChannel, Field::Channel, [
        Phone = "phone", "电话", "phone";
        Chat = "chat", "在线客服", "chat";
        Email = "email", "邮件", "email";
        Ticket = "ticket", "工单", "ticket";
        InPerson = "in_person", "当面", "in person";
    ]
);

vocabulary!(
    /// Evidence tier: submit core first, keep reserve for the investigation stage (seed 003).
    Tier, Field::Tier, [
        Core = "core", "核心证据", "core";
        Reserve = "reserve", "备用证据", "reserve";
    ]
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_unknown_values_name_the_field() {
        for s in Stage::ALL {
            assert_eq!(s.as_str().parse::<Stage>().unwrap(), *s);
        }
        let e = "phonecall".parse::<ContactChannel>().unwrap_err();
        assert_eq!(e.field_name(), Some("channel"));
        assert!(e.message(Lang::En).contains("in_person"));
    }

    #[test]
    fn the_ladder_goes_up_one_rung_at_a_time() {
        assert_eq!(Stage::CustomerService.next(), Some(Stage::Supervisor));
        assert_eq!(Stage::Regulator.next(), Some(Stage::Mediation));
        assert_eq!(Stage::Court.next(), None);
    }

    #[test]
    fn serde_uses_the_ids() {
        assert_eq!(
            serde_json::to_string(&ContactChannel::InPerson).unwrap(),
            "\"in_person\""
        );
        assert_eq!(
            serde_json::to_string(&Stage::PlatformComplaint).unwrap(),
            "\"platform_complaint\""
        );
    }
}
