//! The promise finder on realistic pastes: chat transcripts with timestamps and agent names,
//! emails, noise, demands on the user and references to the past. Dates avoid holidays (March
//! and November 2026), so the weekend-only stub and the real calendar agree.

use super::*;

fn t(s: &str) -> Timestamp {
    time::parse_time(s, crate::Field::At).unwrap()
}

fn find(text: &str, received: &str) -> Vec<PromiseProposal> {
    find_promises(text, &t(received), &Calendar::embedded())
}

/// Exactly one promise with this limit and due time; returns it for further checks.
#[track_caller]
fn one(text: &str, received: &str, limit: &str, due: &str) -> PromiseProposal {
    let found = find(text, received);
    assert_eq!(
        found.len(),
        1,
        "expected one promise in {text:?}, got {found:#?}"
    );
    let p = found.into_iter().next().unwrap();
    assert_eq!(p.limit, limit, "limit in {text:?}");
    assert_eq!(p.due, due, "due in {text:?}");
    p
}

#[track_caller]
fn none(text: &str, received: &str) {
    let found = find(text, received);
    assert!(
        found.is_empty(),
        "expected no promise in {text:?}, got {found:#?}"
    );
}

#[test]
fn working_days_end_at_the_end_of_the_working_day_with_name_and_transcript_time() {
    let p = one(
        "[2026-03-10 14:32:05] 客服小王：您好，您的提现申请已提交加急处理，我们会在3个工作日内处理完毕，请您耐心等待。",
        "2026-03-10 20:00",
        "3个工作日内",
        "2026-03-13T23:59:59+08:00",
    );
    assert_eq!(p.at, "2026-03-10T14:32:05+08:00");
    assert_eq!(p.agent.as_deref(), Some("客服小王"));
    assert_eq!(p.basis, DueBasis::WorkingDays);
    assert_eq!(p.channel, ContactChannel::Chat);
    assert!(p.promise.starts_with("您好，您的提现申请"));
}

#[test]
fn the_users_own_lines_are_not_promises_and_agent_ids_are_kept() {
    let text = "2026-03-10 10:02 我：我的提现500元三天了还没到账，你们说48小时内到账的\n\
                2026-03-10 10:03 在线客服（工号 8231）：非常抱歉给您带来不便，已为您反馈至相关部门，24小时内回复您。";
    let p = one(
        text,
        "2026-03-10 12:00",
        "24小时内",
        "2026-03-11T10:03:00+08:00",
    );
    assert_eq!(p.agent.as_deref(), Some("工号 8231"));
    assert_eq!(p.basis, DueBasis::Hours);
}

#[test]
fn hours_are_exact_from_the_received_time_when_the_text_has_none() {
    one(
        "客服：款项预计48小时内到账，如未到账可再次联系我们。",
        "2026-03-10 15:00",
        "48小时内",
        "2026-03-12T15:00:00+08:00",
    );
}

#[test]
fn this_week_is_friday_at_six_pm() {
    let p = one(
        "您好，本周内会有专员给您回电。",
        "2026-03-11 09:00",
        "本周内",
        "2026-03-13T18:00:00+08:00",
    );
    assert_eq!(p.basis, DueBasis::EndOfWeek);
}

#[test]
fn a_range_of_working_days_counts_to_its_upper_bound_once() {
    one(
        "一般1-3个工作日到账，请留意银行短信。",
        "2026-03-13 16:00",
        "1-3个工作日",
        "2026-03-18T23:59:59+08:00",
    );
}

#[test]
fn chinese_numerals_are_read() {
    one(
        "我们会在三个工作日内给您答复",
        "2026-03-12 11:00",
        "三个工作日内",
        "2026-03-17T23:59:59+08:00",
    );
    one(
        "专员会在二十四小时内联系您",
        "2026-03-12 11:00",
        "二十四小时内",
        "2026-03-13T11:00:00+08:00",
    );
}

#[test]
fn two_days_is_counted_in_calendar_days() {
    let p = one(
        "两天内给您处理结果",
        "2026-03-09 11:00",
        "两天内",
        "2026-03-11T23:59:59+08:00",
    );
    assert_eq!(p.basis, DueBasis::CalendarDays);
}

#[test]
fn tomorrow_afternoon_is_six_pm_tomorrow() {
    one(
        "明天下午会有同事联系您",
        "2026-03-10 16:20",
        "明天下午",
        "2026-03-11T18:00:00+08:00",
    );
}

#[test]
fn month_end_is_the_last_day_of_the_month() {
    one(
        "保证金月底前退还到您的原支付账户",
        "2026-03-10 09:00",
        "月底前",
        "2026-03-31T23:59:59+08:00",
    );
    one(
        "By the end of this month the funds will be returned.",
        "2026-11-10 09:00",
        "end of this month",
        "2026-11-30T23:59:59+08:00",
    );
}

#[test]
fn an_english_email_names_the_agent_and_counts_working_days() {
    let text = "From: support@example.com\n\
                Subject: Re: Withdrawal #88123\n\
                Date: 2026-11-10 09:15\n\
                \n\
                Dear customer, this is Tom from the payments team. Your case has been escalated and we will resolve it within 7 working days.\n\
                Kind regards";
    let p = one(
        text,
        "2026-11-10 12:00",
        "7 working days",
        "2026-11-19T23:59:59+08:00",
    );
    assert_eq!(p.channel, ContactChannel::Email);
    assert_eq!(p.agent.as_deref(), Some("Tom"));
    assert_eq!(p.at, "2026-11-10T09:15:00+08:00");
}

#[test]
fn within_24_hours_in_english() {
    one(
        "We'll get back to you within 24 hours.",
        "2026-11-10 09:15",
        "24 hours",
        "2026-11-11T09:15:00+08:00",
    );
    one(
        "Refunds normally arrive in 3-5 business days.",
        "2026-11-10 09:15",
        "in 3-5 business days",
        "2026-11-17T23:59:59+08:00",
    );
}

#[test]
fn a_demand_on_the_user_is_not_a_promise() {
    none(
        "请您在24小时内完成人脸识别验证，否则提现将被退回。",
        "2026-03-10 09:00",
    );
    none(
        "Please reply within 3 working days with a photo of your ID.",
        "2026-11-10 09:00",
    );
}

#[test]
fn a_limit_pointing_to_the_past_is_not_a_promise() {
    none("您的申请已于3个工作日前提交成功。", "2026-03-10 09:00");
    none("客服：您这笔提现已经处理两天了。", "2026-03-10 09:00");
}

#[test]
fn order_numbers_amounts_and_agent_ids_are_noise_not_limits() {
    none(
        "订单号 2026031012345678，金额 500.00 元，工号 8231 为您服务。",
        "2026-03-10 09:00",
    );
    none(
        "人工客服工作时间：工作日周一至周五 9:00-18:00",
        "2026-03-10 09:00",
    );
    none(
        "亲亲，这边已经帮您催促了哦~ 稍后会有专员联系您",
        "2026-03-10 09:00",
    );
}

#[test]
fn a_transfer_to_a_supervisor_changes_the_agent_and_today_after_work_is_six_pm() {
    let text = "14:01 客服小李：正在为您转接主管，请稍候\n14:05 主管-陈经理：您好，我是陈经理，这个问题我们今天下班前给您答复。";
    let p = one(
        text,
        "2026-03-10 20:00",
        "今天下班前",
        "2026-03-10T18:00:00+08:00",
    );
    assert_eq!(p.agent.as_deref(), Some("陈经理"));
    assert_eq!(p.at, "2026-03-10T14:05:00+08:00");
}

#[test]
fn minutes_are_exact() {
    one(
        "系统维护预计30分钟内恢复，届时可重新提现。",
        "2026-03-10 09:00",
        "30分钟内",
        "2026-03-10T09:30:00+08:00",
    );
}

#[test]
fn named_weekdays_and_next_week() {
    let p = one(
        "We will update you by Friday.",
        "2026-11-09 10:00",
        "by Friday",
        "2026-11-13T23:59:59+08:00",
    );
    assert_eq!(p.basis, DueBasis::Weekday);
    one(
        "下周一前给您结果",
        "2026-03-12 10:00",
        "下周一前",
        "2026-03-16T23:59:59+08:00",
    );
    one(
        "下周会有专人回访处理",
        "2026-03-10 10:00",
        "下周",
        "2026-03-20T18:00:00+08:00",
    );
}

#[test]
fn a_day_of_the_month() {
    one(
        "15号之前一定到账",
        "2026-03-10 10:00",
        "15号之前",
        "2026-03-15T23:59:59+08:00",
    );
}

#[test]
fn full_width_digits_are_read() {
    one(
        "我们会在３个工作日内处理",
        "2026-11-02 10:00",
        "3个工作日内",
        "2026-11-05T23:59:59+08:00",
    );
}

#[test]
fn two_promises_in_one_message_become_two_proposals() {
    let found = find(
        "客服小张：今天先给您退回手续费，剩余款项7个工作日内到账。",
        "2026-03-10 10:00",
    );
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(found[0].limit, "今天");
    assert_eq!(found[0].due, "2026-03-10T23:59:59+08:00");
    assert_eq!(found[1].limit, "7个工作日内");
    assert_eq!(found[1].due, "2026-03-19T23:59:59+08:00");
    assert!(found.iter().all(|p| p.agent.as_deref() == Some("客服小张")));
}

#[test]
fn a_wechat_style_transcript_with_names_above_messages() {
    let text = "客服小美 10:15\n您好，很高兴为您服务\n我 10:16\n提现一直显示处理中\n客服小美 10:18\n已帮您提交工单，工号 5566，我们会在2个工作日内电话联系您";
    let p = one(
        text,
        "2026-11-11 12:00",
        "2个工作日内",
        "2026-11-13T23:59:59+08:00",
    );
    assert_eq!(p.at, "2026-11-11T10:18:00+08:00");
    assert_eq!(p.agent.as_deref(), Some("客服小美 工号 5566"));
}

#[test]
fn this_week_said_on_friday_evening_ends_that_day_not_before_it() {
    one(
        "本周内会给您处理好",
        "2026-03-13 19:30",
        "本周内",
        "2026-03-13T23:59:59+08:00",
    );
}

#[test]
fn a_proposal_becomes_a_contact_whose_due_is_not_before_it() {
    let p = one(
        "客服：3个工作日内处理",
        "2026-03-10 15:00",
        "3个工作日内",
        "2026-03-13T23:59:59+08:00",
    );
    let c = p.to_contact().unwrap();
    assert!(crate::cases::log::validate_contact(&c).is_ok());
    assert_eq!(c.promise, "3个工作日内处理");
}

#[test]
fn numbers_parse_in_both_scripts() {
    use super::limits::num;
    assert_eq!(num("两"), Some(2));
    assert_eq!(num("十五"), Some(15));
    assert_eq!(num("四十八"), Some(48));
    assert_eq!(num("forty-eight"), Some(48));
    assert_eq!(num("0"), None);
}

/// A working-day limit counted into 2027 (no schedule built in) is marked estimated; a named
/// weekday or an hour limit is not counted on the calendar, so it is not.
#[test]
fn a_limit_counted_into_a_year_without_a_schedule_is_estimated() {
    let p = one(
        "客服：3个工作日内处理",
        "2026-12-30 10:00",
        "3个工作日内",
        "2027-01-04T23:59:59+08:00",
    );
    assert_eq!(p.calendar, CalendarKind::Estimated);
    let p = one(
        "客服：3个工作日内处理",
        "2026-11-16 10:00",
        "3个工作日内",
        "2026-11-19T23:59:59+08:00",
    );
    assert_eq!(p.calendar, CalendarKind::Official);
    let found = find("客服：24小时内回复您", "2026-12-31 10:00");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].calendar, CalendarKind::Official);
}
