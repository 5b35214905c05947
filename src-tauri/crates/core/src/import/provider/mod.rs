//! The bill providers, one module each (as double-entry-generator's `pkg/provider/<name>/`):
//! a provider's layouts (the header names that identify each and the column each field is
//! read from), the title of its XLSX sheet, the platform its bills go to by default, which of
//! its rows are withdrawals, and how its header is described when none is found. Everything else in `import` is the same for
//! every provider. Adding one: a module here, a [`Provider`] variant, its arms below, and its
//! layouts in [`LAYOUTS`].

mod alipay;
mod wechat;

use crate::ledger::{PlatformKind, WithdrawalStatus};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Wechat,
    Alipay,
}

impl Provider {
    /// The platform an import goes to when the user names none.
    pub fn default_platform(self) -> (&'static str, PlatformKind) {
        match self {
            Provider::Wechat => wechat::PLATFORM,
            Provider::Alipay => alipay::PLATFORM,
        }
    }

    /// Whether a row (its type or category, and its goods) is a withdrawal to a card.
    pub(crate) fn is_withdrawal(self, txn_type: &str, goods: &str) -> bool {
        match self {
            Provider::Wechat => wechat::is_withdrawal(txn_type, goods),
            Provider::Alipay => alipay::is_withdrawal(txn_type, goods),
        }
    }
}

/// Whether a header's columns are those of a layout's variant.
pub(crate) type IsVariant = fn(&super::layout::Columns) -> bool;

/// One layout of one provider's export, named by its header cells (never by line numbers).
pub(crate) struct LayoutSpec {
    pub provider: Provider,
    /// The contract's `format` stem: `wechat`, `alipay`, `alipay-web` (see [`Self::name_for`]).
    pub name: &'static str,
    /// Names that must all be present for the row to be this layout's header.
    pub required: &'static [&'static str],
    pub time: &'static str,
    pub txn_type: &'static str,
    pub goods: &'static str,
    pub amount: &'static str,
    /// Empty when the layout has no such column.
    pub method: &'static str,
    pub status: &'static str,
    pub txn_id: &'static str,
    pub merchant_id: &'static str,
    /// A variant of this layout told apart by where its columns are: `(is it, its name)`.
    pub variant: Option<(IsVariant, &'static str)>,
}

impl LayoutSpec {
    /// The `format` stem of a header with these columns.
    pub fn name_for(&self, columns: &super::layout::Columns) -> &'static str {
        match self.variant {
            Some((is_it, name)) if is_it(columns) => name,
            _ => self.name,
        }
    }
}

/// Every layout, in the order headers are tried.
pub(crate) const LAYOUTS: [&LayoutSpec; 3] = [&alipay::WEB, &wechat::LAYOUT, &alipay::CURRENT];

/// Names common to every layout, read whenever present (every header holds 收/支).
pub(crate) const DIRECTION: &str = "收/支";
pub(crate) const COUNTERPARTY: &str = "交易对方";
pub(crate) const NOTE: &str = "备注";
pub(crate) const FEE: &str = "服务费(元)";
pub(crate) const REFUNDED: &str = "成功退款(元)";

/// Whether a header cell is a name some provider's header holds, to find the row that was
/// *meant* to be a header.
pub(crate) fn is_known_name(name: &str) -> bool {
    [wechat::HEADER_NAMES, alipay::HEADER_NAMES]
        .iter()
        .any(|names| names.contains(&name))
}

/// Whether a sheet's first cell is a provider's title (`微信支付账单明细`, `支付宝交易明细`): of two
/// sheets with as many rows, the titled one is the export, the other a copy (Power Query …).
pub(crate) fn is_bill_title(cell: &str) -> bool {
    [wechat::TITLE, alipay::TITLE]
        .iter()
        .any(|t| cell.contains(t))
}

/// What the error says we expected when no header was found.
pub(crate) fn expected_header() -> (String, String) {
    (
        format!(
            "找不到账单表头：{}，{}",
            wechat::EXPECTED_HEADER.0,
            alipay::EXPECTED_HEADER.0
        ),
        format!(
            "no bill header found: {} and {}",
            wechat::EXPECTED_HEADER.1,
            alipay::EXPECTED_HEADER.1
        ),
    )
}

/// A withdrawal's outcome from the status words both providers use.
pub(crate) fn withdrawal_outcome(status: &str) -> WithdrawalStatus {
    if status.contains("退回") {
        WithdrawalStatus::Returned
    } else if status.contains("失败") || status.contains("关闭") {
        WithdrawalStatus::Failed
    } else if status.contains("到账") || status.contains("成功") || status.contains("完成") {
        WithdrawalStatus::Arrived
    } else {
        WithdrawalStatus::Requested
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_no_header_message_names_each_providers_header() {
        let (zh, en) = expected_header();
        assert_eq!(zh, "找不到账单表头：微信支付账单应有“交易时间,交易类型,交易对方,商品,收/支,金额(元),…,当前状态”一行，支付宝账单应有“交易时间,交易分类,…,收/支,金额,…,交易状态”一行");
        assert_eq!(en, "no bill header found: a WeChat Pay bill has a row 交易时间,交易类型,交易对方,商品,收/支,金额(元),…,当前状态 and an Alipay bill a row 交易时间,交易分类,…,收/支,金额,…,交易状态");
    }

    #[test]
    fn withdrawal_rows_are_each_providers_own() {
        assert!(Provider::Wechat.is_withdrawal("零钱提现", "/"));
        assert!(!Provider::Wechat.is_withdrawal("转账", "提现到卡"));
        assert!(Provider::Alipay.is_withdrawal("转账", "余额提现"));
        assert!(!Provider::Alipay.is_withdrawal("商户消费", "/"));
        assert_eq!(
            withdrawal_outcome("提现失败，已退回零钱"),
            WithdrawalStatus::Returned
        );
        assert_eq!(withdrawal_outcome("交易关闭"), WithdrawalStatus::Failed);
        assert_eq!(withdrawal_outcome("提现已到账"), WithdrawalStatus::Arrived);
        assert_eq!(
            withdrawal_outcome("提现处理中"),
            WithdrawalStatus::Requested
        );
    }
}
