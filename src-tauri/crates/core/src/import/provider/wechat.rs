//! WeChat Pay (微信支付): one layout for the CSV and both XLSX years (the 2026 XLSX adds note
//! lines above the header and stores amounts and times as numbers, which `table` reads);
//! withdrawals are 零钱提现 rows, their fee in 备注 (`服务费¥0.10`).

use super::{LayoutSpec, Provider};
use crate::ledger::PlatformKind;

pub(super) const PLATFORM: (&str, PlatformKind) = ("微信支付", PlatformKind::Wechat);

pub(super) const LAYOUT: LayoutSpec = LayoutSpec {
    provider: Provider::Wechat,
    name: "wechat",
    required: &["交易时间", "交易类型", "收/支", "金额(元)", "当前状态"],
    time: "交易时间",
    txn_type: "交易类型",
    goods: "商品",
    amount: "金额(元)",
    method: "支付方式",
    status: "当前状态",
    txn_id: "交易单号",
    merchant_id: "商户单号",
    variant: None,
};

/// The names a WeChat header holds (a row with three of any provider's is meant as a header).
pub(super) const HEADER_NAMES: &[&str] = &[
    "交易时间",
    "交易类型",
    "交易对方",
    "商品",
    "收/支",
    "金额(元)",
    "支付方式",
    "当前状态",
    "交易单号",
];

/// The XLSX sheet's title cell holds this (`微信支付账单明细`).
pub(super) const TITLE: &str = "账单明细";

pub(super) const EXPECTED_HEADER: (&str, &str) = (
    "微信支付账单应有“交易时间,交易类型,交易对方,商品,收/支,金额(元),…,当前状态”一行",
    "a WeChat Pay bill has a row 交易时间,交易类型,交易对方,商品,收/支,金额(元),…,当前状态",
);

/// 零钱提现 (the type says so; goods never do).
pub(super) fn is_withdrawal(txn_type: &str, _goods: &str) -> bool {
    txn_type.contains("提现")
}
