//! The bill layouts we know, each described by its header names (never by line numbers), and
//! how a header row is recognised among preamble lines. One small table per provider/layout:
//! WeChat Pay (CSV and XLSX share columns), Alipay's current app export, its 2021–22 app export
//! (same names, other order, no 备注), and the pre-2021 web export (交易号, 服务费, 成功退款).

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
    pub fn default_platform(self) -> (&'static str, crate::ledger::PlatformKind) {
        match self {
            Provider::Wechat => ("微信支付", crate::ledger::PlatformKind::Wechat),
            Provider::Alipay => ("支付宝", crate::ledger::PlatformKind::Alipay),
        }
    }
}

/// Which column holds what, by index into the row.
#[derive(Debug, Clone, Default)]
pub(crate) struct Columns {
    pub time: usize,
    pub direction: usize,
    pub amount: usize,
    pub txn_type: Option<usize>,
    pub counterparty: Option<usize>,
    pub goods: Option<usize>,
    pub method: Option<usize>,
    pub status: Option<usize>,
    pub txn_id: Option<usize>,
    pub merchant_id: Option<usize>,
    pub note: Option<usize>,
    pub fee: Option<usize>,
    pub refunded: Option<usize>,
}

/// A recognised header row.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub provider: Provider,
    /// The contract's `format` stem: `wechat`, `alipay`, `alipay-app`, `alipay-web`.
    pub name: &'static str,
    pub columns: Columns,
    /// The header cells, normalised (spaces trimmed, full-width brackets made ASCII).
    pub header: Vec<String>,
}

struct Spec {
    provider: Provider,
    name: &'static str,
    /// Names that must all be present for the row to be this layout's header.
    required: &'static [&'static str],
    time: &'static str,
    txn_type: &'static str,
    goods: &'static str,
    amount: &'static str,
    method: &'static str,
    status: &'static str,
    txn_id: &'static str,
    merchant_id: &'static str,
}

const WECHAT: Spec = Spec {
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
};

const ALIPAY_WEB: Spec = Spec {
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
};

const ALIPAY: Spec = Spec {
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
};

const SPECS: [&Spec; 3] = [&ALIPAY_WEB, &WECHAT, &ALIPAY];

/// Every name any layout knows, to find the row that was *meant* to be a header.
const KNOWN: [&str; 14] = [
    "交易时间",
    "交易类型",
    "交易分类",
    "交易对方",
    "商品",
    "商品说明",
    "收/支",
    "金额(元)",
    "金额",
    "支付方式",
    "当前状态",
    "交易状态",
    "交易单号",
    "交易订单号",
];

/// Trims spaces and TABs (ASCII and full-width) and makes full-width brackets ASCII, so
/// `金额（元）   ` and `金额(元)` are the same name.
pub(crate) fn normalise_name(cell: &str) -> String {
    cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .collect()
}

/// The layout whose header this row is, if any.
pub(crate) fn recognise(cells: &[String]) -> Option<Layout> {
    // Cheap reject: a header row always holds 收/支.
    if !cells.iter().any(|c| c.contains("收/支")) {
        return None;
    }
    let header: Vec<String> = cells.iter().map(|c| normalise_name(c)).collect();
    let find = |name: &str| {
        (!name.is_empty())
            .then(|| header.iter().position(|h| h == name))
            .flatten()
    };
    let spec = SPECS
        .iter()
        .find(|s| s.required.iter().all(|r| find(r).is_some()))?;
    let columns = Columns {
        time: find(spec.time)?,
        direction: find("收/支")?,
        amount: find(spec.amount)?,
        txn_type: find(spec.txn_type),
        counterparty: find("交易对方"),
        goods: find(spec.goods),
        method: find(spec.method),
        status: find(spec.status),
        txn_id: find(spec.txn_id),
        merchant_id: find(spec.merchant_id),
        note: find("备注"),
        fee: find("服务费(元)"),
        refunded: find("成功退款(元)"),
    };
    // The 2021–22 Alipay app export has the current names in another order, 收/支 first.
    let name = if spec.name == "alipay" && columns.direction == 0 {
        "alipay-app"
    } else {
        spec.name
    };
    Some(Layout {
        provider: spec.provider,
        name,
        columns,
        header,
    })
}

/// For a row that looks like a header but is not a known one: the names it lacks for the
/// layout it comes closest to. `None` when the row does not look like a header at all.
pub(crate) fn near_miss(cells: &[String]) -> Option<(usize, Vec<&'static str>)> {
    let header: Vec<String> = cells.iter().map(|c| normalise_name(c)).collect();
    let known = header
        .iter()
        .filter(|h| KNOWN.contains(&h.as_str()))
        .count();
    if known < 3 {
        return None;
    }
    SPECS
        .iter()
        .map(|s| {
            s.required
                .iter()
                .copied()
                .filter(|r| !header.iter().any(|h| h == r))
                .collect::<Vec<_>>()
        })
        .min_by_key(|missing| missing.len())
        .map(|missing| (known, missing))
}

/// What the error says we expected when no header was found.
pub(crate) const EXPECTED_ZH: &str = "找不到账单表头：微信支付账单应有“交易时间,交易类型,交易对方,商品,收/支,金额(元),…,当前状态”一行，支付宝账单应有“交易时间,交易分类,…,收/支,金额,…,交易状态”一行";
pub(crate) const EXPECTED_EN: &str = "no bill header found: a WeChat Pay bill has a row 交易时间,交易类型,交易对方,商品,收/支,金额(元),…,当前状态 and an Alipay bill a row 交易时间,交易分类,…,收/支,金额,…,交易状态";

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(line: &str) -> Vec<String> {
        line.split(',').map(str::to_string).collect()
    }

    #[test]
    fn recognises_each_layout_by_its_names() {
        let w = recognise(&cells("交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注")).unwrap();
        assert_eq!(
            (w.name, w.columns.amount, w.columns.note),
            ("wechat", 5, Some(10))
        );
        let a = recognise(&cells("交易时间            ,交易分类   ,交易对方 ,对方账号 ,商品说明 ,收/支  ,金额  ,收/付款方式 ,交易状态 ,交易订单号 ,商家订单号 ,备注 ,")).unwrap();
        assert_eq!(
            (a.name, a.columns.time, a.columns.direction),
            ("alipay", 0, 5)
        );
        let app = recognise(&cells("收/支 ,交易对方 ,对方账号 ,商品说明 ,收/付款方式 ,金额 ,交易状态 ,交易分类 ,交易订单号 ,商家订单号 ,交易时间 ,")).unwrap();
        assert_eq!(
            (app.name, app.columns.time, app.columns.note),
            ("alipay-app", 10, None)
        );
        let web = recognise(&cells("交易号 ,商家订单号 ,交易创建时间 ,付款时间 ,最近修改时间 ,交易来源地 ,类型 ,交易对方 ,商品名称 ,金额（元） ,收/支 ,交易状态 ,服务费（元） ,成功退款（元） ,备注 ,资金状态 ,")).unwrap();
        assert_eq!(
            (web.name, web.columns.fee, web.columns.refunded),
            ("alipay-web", Some(12), Some(13))
        );
    }

    #[test]
    fn preamble_lines_are_not_headers_and_near_misses_say_what_is_missing() {
        assert!(recognise(&cells("收入：1笔 0.35元,,,")).is_none());
        let renamed = cells(
            "交易时间,交易类型,交易对方,商品,收/支,金额,支付方式,当前状态,交易单号,商户单号,备注",
        );
        assert!(recognise(&renamed).is_none());
        let (_, missing) = near_miss(&renamed).unwrap();
        assert_eq!(missing, vec!["金额(元)"]);
        assert!(near_miss(&cells("a,b,c")).is_none());
    }
}
