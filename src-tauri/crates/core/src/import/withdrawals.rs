//! Withdrawal rows of a bill (零钱提现 / 提现) as ledger withdrawals, the fee taken off.

use super::layout::Columns;
use super::normalise::Txn;
use crate::ledger::NewWithdrawal;
use crate::money::Money;

/// A 零钱提现 / 提现 row as a withdrawal. The bill's amount left the balance including the fee,
/// so the amount paid out is the row amount minus the fee.
pub(super) fn withdrawal_from_row(t: &Txn, c: &Columns, platform: &str) -> NewWithdrawal {
    let (amount, fee) = if t.amount.fen() > t.fee.fen() {
        (Money(t.amount.fen() - t.fee.fen()), t.fee)
    } else {
        (t.amount, Money::ZERO)
    };
    NewWithdrawal {
        platform: platform.to_string(),
        amount,
        fee,
        status: t
            .withdrawal
            .unwrap_or(crate::ledger::WithdrawalStatus::Requested),
        is_test: false,
        requested_at: t.at,
        arrived_at: None,
        card_tail: card_tail(t.text(c.counterparty))
            .or_else(|| card_tail(t.text(c.method)))
            .unwrap_or_default(),
        message: t.text(c.status).to_string(),
    }
}

/// `招商银行(9876)` → `9876`.
pub(super) fn card_tail(text: &str) -> Option<String> {
    let open = text.rfind(['(', '（'])?;
    let inner = text[open..].trim_start_matches(['(', '（']);
    let digits: String = inner.chars().take_while(|c| c.is_ascii_digit()).collect();
    (!digits.is_empty() && digits.len() <= 6).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_tails_come_from_brackets() {
        assert_eq!(card_tail("招商银行(9876)").as_deref(), Some("9876"));
        assert_eq!(card_tail("招商银行()"), None);
        assert_eq!(card_tail("工商银行"), None);
    }
}
