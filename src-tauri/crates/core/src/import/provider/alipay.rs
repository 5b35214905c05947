//! Alipay (支付宝): the current app export (CSV or XLSX), the 2021–22 app export (the same
//! names in another order, 收/支 first, no 备注), and the pre-2021 web export (交易号, its own
//! 服务费 and 成功退款 columns); withdrawals are rows whose category or goods say 提现.

use super::{LayoutSpec, Provider};
use crate::import::layout::Columns;
use crate::ledger::PlatformKind;

pub(super) const PLATFORM: (&str, PlatformKind) = ("支付宝", PlatformKind::Alipay);

/// The current app export; with 收/支 as its first column it is the 2021–22 one.
pub(super) const CURRENT: LayoutSpec = LayoutSpec {
    provider: Provider::Alipay,
    name: "alipay",
    required: &["交易时间", "交易分类", "收/支", "金额", "交易状态"],
    time: "交易时间",
    txn_type: "交易分类",
    goods: "商品说明",
    amount: "金额",
    method: "收/付款方式",
    status: "交易状态",
    txn_id: "交易订单号",
    merchant_id: "商家订单号",
    variant: Some((is_app_2021, "alipay-app")),
};

fn is_app_2021(columns: &Columns) -> bool {
    columns.direction == 0
}

/// The pre-2021 web export.
pub(super) const WEB: LayoutSpec = LayoutSpec {
    provider: Provider::Alipay,
    name: "alipay-web",
    required: &["交易号", "交易创建时间", "收/支", "金额(元)", "交易状态"],
    time: "交易创建时间",
    txn_type: "类型",
    goods: "商品名称",
    amount: "金额(元)",
    method: "",
    status: "交易状态",
    txn_id: "交易号",
    merchant_id: "商家订单号",
    variant: None,
};

/// The names an Alipay header holds that a WeChat one does not (see `wechat::HEADER_NAMES`).
pub(super) const HEADER_NAMES: &[&str] =
    &["交易分类", "商品说明", "金额", "交易状态", "交易订单号"];

/// The XLSX sheet's title cell holds this (`支付宝交易明细`).
pub(super) const TITLE: &str = "交易明细";

pub(super) const EXPECTED_HEADER: (&str, &str) = (
    "支付宝账单应有“交易时间,交易分类,…,收/支,金额,…,交易状态”一行",
    "an Alipay bill a row 交易时间,交易分类,…,收/支,金额,…,交易状态",
);

/// 提现 in the category or in the goods.
pub(super) fn is_withdrawal(txn_type: &str, goods: &str) -> bool {
    txn_type.contains("提现") || goods.contains("提现")
}
