//! How a header row is recognised among preamble lines, by the names each layout in
//! [`provider`] lists (never by line numbers), and which column then holds what.

use super::provider::{self, Provider};

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
    if !cells.iter().any(|c| c.contains(provider::DIRECTION)) {
        return None;
    }
    let header: Vec<String> = cells.iter().map(|c| normalise_name(c)).collect();
    let find = |name: &str| {
        (!name.is_empty())
            .then(|| header.iter().position(|h| h == name))
            .flatten()
    };
    let spec = provider::LAYOUTS
        .iter()
        .find(|s| s.required.iter().all(|r| find(r).is_some()))?;
    let columns = Columns {
        time: find(spec.time)?,
        direction: find(provider::DIRECTION)?,
        amount: find(spec.amount)?,
        txn_type: find(spec.txn_type),
        counterparty: find(provider::COUNTERPARTY),
        goods: find(spec.goods),
        method: find(spec.method),
        status: find(spec.status),
        txn_id: find(spec.txn_id),
        merchant_id: find(spec.merchant_id),
        note: find(provider::NOTE),
        fee: find(provider::FEE),
        refunded: find(provider::REFUNDED),
    };
    Some(Layout {
        provider: spec.provider,
        name: spec.name_for(&columns),
        columns,
        header,
    })
}

/// For a row that looks like a header but is not a known one: the names it lacks for the
/// layout it comes closest to. `None` when the row does not look like a header at all.
pub(crate) fn near_miss(cells: &[String]) -> Option<(usize, Vec<&'static str>)> {
    let header: Vec<String> = cells.iter().map(|c| normalise_name(c)).collect();
    let known = header.iter().filter(|h| provider::is_known_name(h)).count();
    if known < 3 {
        return None;
    }
    provider::LAYOUTS
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
