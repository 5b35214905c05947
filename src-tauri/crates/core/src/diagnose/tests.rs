//! Engine tests: messages never seen by the patterns, ranking and its explanations, bad input.

use super::*;
use crate::time::parse_time;

fn now() -> Timestamp {
    parse_time("2026-06-01T12:00:00+08:00", crate::Field::At).unwrap()
}

fn run(json: &str) -> Diagnosis<'static> {
    diagnose(Kb::embedded(), &parse_case(json).unwrap(), Lang::En, &now())
}

fn ids<'a>(d: &'a Diagnosis<'_>) -> Vec<&'a str> {
    d.causes.iter().map(|c| c.id.as_ref()).collect()
}

/// Real-world phrasings that are not copies of any pattern's examples: other wording, full-width
/// characters, odd punctuation and spacing, different amounts. The expected cause must come first.
#[test]
fn unseen_messages_point_to_the_right_cause() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "wechat",
            "本次提现已超出当日可提现额度，请明日再试。",
            "limit.daily",
        ),
        ("wechat", "今天的零钱提现额度已经用完啦", "limit.daily"),
        (
            "alipay",
            "您今日的转账限额已达上限（50,000.00元）",
            "limit.daily",
        ),
        ("content", "每天最多只能提现 1 次", "limit.daily"),
        (
            "wechat",
            "单笔 提现 金额 最高 ２０，０００ 元",
            "limit.single",
        ),
        ("ecommerce", "每笔提现不能超过¥10000", "limit.single"),
        ("content", "余额满50元才可以提现哦", "limit.single"),
        ("alipay", "本月累计转出金额超出限制", "limit.periodic"),
        (
            "wechat",
            "根据监管要求，您的零钱余额付款额度已达上限，请完善身份信息",
            "account.class_limit",
        ),
        (
            "alipay",
            "该银行卡快捷支付单日额度不足，请联系发卡行提额",
            "bank.channel_limit",
        ),
        (
            "wechat",
            "转账失败：超过该卡的银行限额",
            "bank.channel_limit",
        ),
        (
            "wechat",
            "提现只能到账户本人的同名银行卡",
            "bank.card_not_own",
        ),
        // The name given does not match the card: a name mismatch first (the taxonomy's 户名不符),
        // a card in someone else's name second.
        ("alipay", "收款户名与卡号不匹配", "account.info_mismatch"),
        ("bank", "卡状态不正常，请联系开户行", "bank.card_problem"),
        (
            "wechat",
            "到账银行卡已被冻结或挂失，资金已退回",
            "bank.card_problem",
        ),
        ("alipay", "该储蓄卡为Ⅲ类户，无法转入", "bank.card_problem"),
        (
            "wechat",
            "您的账户因涉及案件已被公安机关止付",
            "account.frozen_by_authority",
        ),
        (
            "alipay",
            "因司法机关要求，该账户资金已冻结",
            "account.frozen_by_authority",
        ),
        (
            "content",
            "账号存在违规行为，收益已冻结，可提交申诉",
            // A content platform's own violation cause, since the taxonomy has one.
            "content.violation",
        ),
        (
            "wechat",
            "该帐户存在安全风险，暂无法提现",
            "account.restricted",
        ),
        ("content", "请您先进行实名认证！", "account.unverified"),
        (
            "ecommerce",
            "店铺未完成实名验证，无法发起提现",
            "account.unverified",
        ),
        (
            "alipay",
            "您的身份证件已超过有效期，请尽快更新",
            "account.id_expired",
        ),
        (
            "wechat",
            "证件已到期，需重新上传身份证",
            "account.id_expired",
        ),
        (
            "content",
            "请阅读并同意《提现服务协议》后继续",
            "account.terms_pending",
        ),
        (
            "alipay",
            "姓名和证件号码不一致，请核对",
            "account.info_mismatch",
        ),
        ("bank", "银行预留手机号不符", "account.info_mismatch"),
        (
            "wechat",
            "您操作太频繁了，请 10 分钟后再试",
            "risk.frequency",
        ),
        (
            "alipay",
            "检测到你正在使用新手机登录，需验证身份",
            "risk.new_device",
        ),
        (
            "wechat",
            "您的帐号在异地登陆，为保障安全已限制部分功能",
            "risk.remote_login",
        ),
        (
            "wechat",
            "为了你的资金安全，请先完成刷脸验证",
            "risk.pending_verification",
        ),
        (
            "alipay",
            "需要进行人脸识别才能继续提现",
            "risk.pending_verification",
        ),
        (
            "content",
            "您的提现已进入人工复核，请耐心等待",
            "risk.aml_review",
        ),
        ("bank", "请补充提供该笔资金的来源说明", "risk.aml_review"),
        (
            "ecommerce",
            "系统正在升级维护，预计2小时后恢复",
            "maintenance.platform",
        ),
        ("content", "提现服务暂停使用", "maintenance.platform"),
        ("wechat", "银行系统升级中，暂时无法到账", "maintenance.bank"),
        ("alipay", "发卡行通道繁忙", "maintenance.bank"),
        (
            "wechat",
            "零钱余额不足，无法完成提现",
            "fee.insufficient_balance",
        ),
        (
            "alipay",
            "可用余额不足以支付服务费0.10元",
            "fee.insufficient_balance",
        ),
        ("wechat", "网络连接超时，请检查您的网络", "network.client"),
        ("alipay", "当前网络不稳定", "network.client"),
        (
            "content",
            "收益正在结算中，T+3到账",
            // Since the taxonomy has creator-income causes: income in its settlement cycle.
            "content.income_review",
        ),
        (
            "wechat",
            "提现申请已受理，预计 1 - 3 个工作日到账",
            "processing.normal_delay",
        ),
        ("lending", "受市场影响，平台将延期兑付", "platform.distress"),
        ("investment", "平台进入清退程序", "platform.distress"),
        (
            "alipay",
            "花呗额度无法提现到银行卡或微信",
            "crossplatform.not_supported",
        ),
        (
            "alipay",
            "检测到您存在花呗套现行为",
            "crossplatform.cash_out_illegal",
        ),
    ];
    let mut wrong = Vec::new();
    for (platform, message, want) in cases {
        let json =
            serde_json::json!({"platform": platform, "action": "withdraw", "message": message})
                .to_string();
        let d = run(&json);
        if d.causes.first().map(|c| c.id.as_ref()) != Some(*want) {
            wrong.push(format!("{message}: want {want}, got {:?}", ids(&d)));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} wrong:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}

#[test]
fn unknown_message_gives_no_cause_but_generic_first_steps() {
    let d = run(r#"{"platform":"wechat","action":"withdraw","message":"出了点问题 E1234"}"#);
    assert!(d.causes.is_empty(), "{:?}", ids(&d));
    assert!(d.first_steps.len() >= 6);
    assert_eq!(d.escalation.stage, "self_check");
    assert!(!d.kb_version.is_empty());
}

#[test]
fn unknown_message_falls_back_to_status_and_facts() {
    let d = run(
        r#"{"platform":"wechat","action":"withdraw","status":"processing","hours_since_request":1,"message":"奇怪的提示 XYZ"}"#,
    );
    assert_eq!(ids(&d)[0], "processing.normal_delay");
    assert_eq!(d.causes[0].because, vec!["status", "hours_since_request"]);
}

#[test]
fn vague_message_is_lowered_and_loses_to_a_specific_fact() {
    let vague =
        run(r#"{"platform":"wechat","action":"withdraw","message":"系统繁忙，请稍后再试"}"#);
    assert!(
        vague
            .causes
            .iter()
            .all(|c| c.likelihood != Likelihood::High),
        "{:?}",
        vague.causes
    );
    let with_fact = run(
        r#"{"platform":"wechat","action":"withdraw","message":"系统繁忙","account":{"pending_verification":true}}"#,
    );
    assert_eq!(ids(&with_fact)[0], "risk.pending_verification");
}

#[test]
fn contract_example_ranks_fee_and_limit_high_and_explains_why() {
    let d = run(
        r#"{"platform":"wechat","action":"withdraw","amount":"5000.00","at":"2026-03-05T23:40:00+08:00",
        "status":"failed","message":"当日提现金额已超过限额",
        "account":{"withdrawn_lifetime":"0.00","balance":"5003.00","payment_account_class":"II"},
        "context":{"device_age_hours":5,"login_distance_km":800,"attempts_last_10_min":4,"usual_amount":"300.00"}}"#,
    );
    let all = ids(&d);
    for want in [
        "limit.daily",
        "fee.insufficient_balance",
        "risk.new_device",
        "risk.remote_login",
        "risk.frequency",
        "risk.amount_spike",
        "risk.night",
    ] {
        assert!(all.contains(&want), "{want} missing from {all:?}");
    }
    // High-likelihood causes come before medium and low ones.
    let ranks: Vec<Likelihood> = d.causes.iter().map(|c| c.likelihood).collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");
    let fee = d
        .causes
        .iter()
        .find(|c| c.id == "fee.insufficient_balance")
        .unwrap();
    assert_eq!(fee.likelihood, Likelihood::High);
    assert!(fee.because.iter().any(|b| b == "account.balance"));
    let daily = d.causes.iter().find(|c| c.id == "limit.daily").unwrap();
    assert_eq!(daily.rule, "wechat.withdraw.daily-limit");
    assert!(daily.because.iter().any(|b| b == "message"));
    assert_eq!(daily.expected_wait.as_deref(), Some("next day 00:00"));
    assert!(!daily.sources.is_empty());
}

#[test]
fn more_pointing_inputs_rank_higher_at_equal_likelihood() {
    // Both medium; the amount spike uses two inputs (amount, usual_amount), the device one.
    let d = run(
        r#"{"platform":"alipay","action":"withdraw","amount":"9000.00","context":{"device_age_hours":3,"usual_amount":"1000.00"}}"#,
    );
    assert_eq!(ids(&d), vec!["risk.amount_spike", "risk.new_device"]);
}

#[test]
fn huabei_to_wechat_is_not_supported_and_cash_out_is_illegal() {
    let d = run(r#"{"platform":"alipay","action":"crossplatform","from":"huabei","to":"wechat"}"#);
    assert_eq!(
        ids(&d),
        vec![
            "crossplatform.not_supported",
            "crossplatform.cash_out_illegal"
        ]
    );
    assert_eq!(d.escalation.stage, "self_check");
    assert!(d.first_steps.iter().any(|s| s.contains("cash out")));
    let zh = diagnose(
        Kb::embedded(),
        &parse_case(r#"{"platform":"alipay","action":"crossplatform","from":"花呗","to":"微信"}"#)
            .unwrap(),
        Lang::Zh,
        &now(),
    );
    assert!(zh.causes[1].explanation.contains("非法经营"));
}

#[test]
fn escalation_follows_the_top_cause_and_elapsed_time() {
    let frozen = run(r#"{"platform":"alipay","action":"withdraw","message":"已被有权机关冻结"}"#);
    assert_eq!(frozen.escalation.stage, "authority");
    let long = run(
        r#"{"platform":"wechat","action":"withdraw","status":"not_arrived","hours_since_request":200}"#,
    );
    assert_eq!(long.escalation.stage, "formal_complaint");
    let month = run(
        r#"{"platform":"bank","action":"transfer","status":"not_arrived","hours_since_request":800}"#,
    );
    assert_eq!(month.escalation.stage, "regulator");
    assert!(
        month.escalation.next.contains("12378"),
        "{}",
        month.escalation.next
    );
    let wx = run(r#"{"platform":"wechat","action":"withdraw","status":"failed"}"#);
    assert!(wx.escalation.next.contains("95017"));
}

#[test]
fn id_expiry_uses_the_attempt_time_else_now() {
    let expired_now = run(
        r#"{"platform":"wechat","action":"withdraw","account":{"id_expires_on":"2026-05-31"}}"#,
    );
    assert_eq!(ids(&expired_now), vec!["account.id_expired"]);
    let not_then = run(
        r#"{"platform":"wechat","action":"withdraw","at":"2026-05-01 10:00","account":{"id_expires_on":"2026-05-31"}}"#,
    );
    assert!(not_then.causes.is_empty());
}

#[test]
fn output_is_in_the_chosen_language() {
    let case =
        parse_case(r#"{"platform":"wechat","action":"withdraw","context":{"network_ok":false}}"#)
            .unwrap();
    let zh = diagnose(Kb::embedded(), &case, Lang::Zh, &now());
    let en = diagnose(Kb::embedded(), &case, Lang::En, &now());
    assert_eq!(zh.causes[0].title, "本地网络或设备问题");
    assert_eq!(en.causes[0].title, "Local network or device problem");
    assert!(zh.first_steps[0].contains("停止重复提交"));
}
