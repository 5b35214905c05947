//! The embedded knowledge base passes its own check, and the checker catches what it should.

use super::*;
use crate::kb_check::check_all;
use crate::rules::RuleFile;

fn file(path: &str, text: &str) -> RuleFile {
    RuleFile {
        path: path.into(),
        text: text.into(),
        from_user: true,
    }
}

const GOOD: &str = r#"
[[rule]]
id = "test.rule.one"
cause = "network.client"
platforms = ["*"]
likelihood = "high"
confidence = "medium"
checked = "2026-11-23"
zh.title = "网络"
zh.explanation = "网络问题"
zh.actions = ["换网络"]
en.title = "Network"
en.explanation = "Network problem"
en.actions = ["Switch network"]
sources = [{ title = "T", document = "D", confidence = "medium" }]
when = [{ network_ok = false }]
[[rule.tests]]
expect = "present"
case = { platform = "wechat", action = "withdraw", context = { network_ok = false } }
"#;

/// Problems in one rule file alone (the other folders' "every kind covered" checks would
/// otherwise report the missing routes and calendars of this one-file knowledge base).
fn problems_for(text: &str) -> Vec<Problem> {
    check_all(&[file("mine.toml", text)])
        .into_iter()
        .filter(|p| !p.file.contains('/'))
        .collect()
}

fn has(problems: &[Problem], id: &str, field: &str) -> bool {
    problems
        .iter()
        .any(|p| p.id == id && p.field.starts_with(field) && p.file == "mine.toml")
}

#[test]
fn embedded_knowledge_base_passes_kb_check() {
    let problems = check_all(&crate::rules::embedded());
    let text: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {} {}: {}", p.file, p.id, p.field, p.message))
        .collect();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        text.join("\n")
    );
}

#[test]
fn embedded_rules_cover_every_cause_of_the_taxonomy() {
    let kb = Kb::embedded();
    for cause in TAXONOMY {
        assert!(
            kb.list(Lang::En).iter().any(|r| r.cause == cause),
            "no rule for {cause}"
        );
    }
    assert!(
        kb.patterns().len() >= 80,
        "only {} message patterns",
        kb.patterns().len()
    );
}

#[test]
fn a_valid_rule_passes() {
    assert_eq!(problems_for(GOOD), vec![]);
}

#[test]
fn checker_names_file_id_and_field_of_each_mistake() {
    let cases: [(&str, &str, &str, &str); 9] = [
        (
            r#"cause = "network.client""#,
            r#"cause = "network.wifi""#,
            "test.rule.one",
            "cause",
        ),
        (
            r#"checked = "2026-11-23""#,
            r#"checked = "2026-13-40""#,
            "test.rule.one",
            "checked",
        ),
        (
            r#"sources = [{ title = "T", document = "D", confidence = "medium" }]"#,
            "sources = []",
            "test.rule.one",
            "sources",
        ),
        (
            r#"sources = [{ title = "T", document = "D", confidence = "medium" }]"#,
            r#"sources = [{ title = "T", confidence = "medium" }]"#,
            "test.rule.one",
            "sources[0]",
        ),
        (
            r#"when = [{ network_ok = false }]"#,
            r#"when = [{ network_okay = false }]"#,
            "test.rule.one",
            "when[0].network_okay",
        ),
        (
            r#"when = [{ network_ok = false }]"#,
            r#"when = [{ network_ok = true }]"#,
            "test.rule.one",
            "tests[0]",
        ),
        (
            r#"platforms = ["*"]"#,
            r#"platforms = ["casino"]"#,
            "test.rule.one",
            "platforms",
        ),
        (
            r#"confidence = "medium""#,
            r#"confidence = "certain""#,
            "test.rule.one",
            "confidence",
        ),
        (
            r#"en.actions = ["Switch network"]"#,
            r#"en.actions = ["Switch network", "again"]"#,
            "test.rule.one",
            "en.actions",
        ),
    ];
    for (from, to, id, field) in cases {
        let broken = GOOD.replacen(from, to, 1);
        assert_ne!(broken, GOOD, "{from}");
        let problems = problems_for(&broken);
        assert!(
            has(&problems, id, field),
            "{to}: want {id} {field}, got {problems:?}"
        );
    }
}

#[test]
fn rule_without_test_cases_and_duplicate_ids_fail() {
    let no_tests = GOOD.split("[[rule.tests]]").next().unwrap().to_string();
    assert!(has(&problems_for(&no_tests), "test.rule.one", "tests"));
    let twice = format!("{GOOD}\n{}", GOOD);
    assert!(has(&problems_for(&twice), "test.rule.one", "id"));
    // A duplicate across files (user file adding an id the embedded base already has) too.
    let mut files = crate::rules::embedded();
    files.push(file(
        "mine.toml",
        &GOOD.replace("test.rule.one", "generic.network.client"),
    ));
    assert!(check_all(&files)
        .iter()
        .any(|p| p.id == "generic.network.client" && p.field == "id"));
}

#[test]
fn broken_toml_and_bad_patterns_are_reported() {
    assert!(has(&problems_for("[[rule]\nid ="), "", "toml"));
    let pat = r#"
[meta]
checked = "2026-11-23"
sources = [{ title = "T", document = "D", confidence = "low" }]
[[pattern]]
id = "msg.test.one"
causes = ["limit.daily"]
match = ['今日(限额']
examples = ["今日限额"]
"#;
    assert!(has(&problems_for(pat), "msg.test.one", "match[0]"));
    let wrong_example = pat
        .replace("今日(限额", "今日限额")
        .replace("examples = [\"今日限额\"]", "examples = [\"单笔限额\"]");
    assert!(has(
        &problems_for(&wrong_example),
        "msg.test.one",
        "examples[0]"
    ));
    let unknown_cause = pat
        .replace("今日(限额", "今日限额")
        .replace("limit.daily", "limit.hourly");
    assert!(has(&problems_for(&unknown_cause), "msg.test.one", "causes"));
}

#[test]
fn user_file_overrides_the_embedded_one_and_is_marked() {
    let dir = tempfile::tempdir().unwrap();
    let text = crate::rules::embedded()
        .into_iter()
        .find(|f| f.path == "network.toml")
        .unwrap()
        .text;
    std::fs::write(
        dir.path().join("network.toml"),
        text.replace("本地网络或设备问题", "本地网络问题（用户版）"),
    )
    .unwrap();
    let files = crate::rules::load(Some(dir.path())).unwrap();
    let kb = Kb::load(&files).unwrap();
    let rule = kb
        .list(Lang::Zh)
        .into_iter()
        .find(|r| r.id == "generic.network.client")
        .unwrap();
    assert!(rule.overridden);
    assert_eq!(rule.title, "本地网络问题（用户版）");
    assert_ne!(kb.version(), Kb::embedded().version());
}

fn problem_fields(problems: &[Problem], id: &str) -> Vec<(String, String)> {
    problems
        .iter()
        .filter(|p| p.id == id && p.file == "mine.toml")
        .map(|p| (p.field.clone(), p.message.clone()))
        .collect()
}

#[test]
fn kb_check_fails_a_rule_whose_only_source_is_a_seed_article_unless_it_is_low() {
    // The seed articles are user research with invented figures: never shown as fact.
    let seed_only = GOOD.replace(
        r#"{ title = "T", document = "D", confidence = "medium" }"#,
        r#"{ title = "种子文章 003", document = "shared/seeds/003_1d07ed7b6f15b65f.txt", confidence = "medium" }"#,
    );
    assert_eq!(
        problem_fields(&problems_for(&seed_only), "test.rule.one"),
        vec![
            (
                "sources[0].confidence".to_string(),
                crate::rules::problem::SEED_SOURCE_NOT_LOW.to_string()
            ),
            (
                "confidence".to_string(),
                crate::rules::problem::SEED_ONLY_NOT_LOW.to_string()
            ),
        ]
    );
    // The source marked low but the rule still medium: the rule itself is refused.
    let rule_medium = seed_only.replace(
        r#"txt", confidence = "medium""#,
        r#"txt", confidence = "low""#,
    );
    assert_eq!(
        problem_fields(&problems_for(&rule_medium), "test.rule.one"),
        vec![
            (
                "confidence".to_string(),
                "higher than any of its sources".to_string()
            ),
            (
                "confidence".to_string(),
                crate::rules::problem::SEED_ONLY_NOT_LOW.to_string()
            ),
        ]
    );
    // Both low: clean.
    let low = rule_medium.replace(
        "confidence = \"medium\"\nchecked",
        "confidence = \"low\"\nchecked",
    );
    assert_eq!(problem_fields(&problems_for(&low), "test.rule.one"), vec![]);
}

#[test]
fn a_seed_article_beside_a_primary_source_must_itself_be_low() {
    let mixed = GOOD.replace(
        r#"sources = [{ title = "T", document = "D", confidence = "medium" }]"#,
        r#"sources = [{ title = "T", document = "D", confidence = "medium" }, { title = "Seed", document = "seeds/000", confidence = "medium" }]"#,
    );
    assert_eq!(
        problem_fields(&problems_for(&mixed), "test.rule.one"),
        vec![(
            "sources[1].confidence".to_string(),
            crate::rules::problem::SEED_SOURCE_NOT_LOW.to_string()
        )]
    );
    // A conflict's seed source too.
    let conflict = GOOD.replace(
        "when = [{ network_ok = false }]\n",
        "when = [{ network_ok = false }]\nconflicts = [{ zh = \"甲\", en = \"A\", sources = [{ title = \"Seed\", document = \"seeds/003\", confidence = \"high\" }] }]\n",
    );
    assert_eq!(
        problem_fields(&problems_for(&conflict), "test.rule.one"),
        vec![(
            "conflicts[0].sources[0].confidence".to_string(),
            crate::rules::problem::SEED_SOURCE_NOT_LOW.to_string()
        )]
    );
}

#[test]
fn every_shipped_seed_citation_is_low() {
    // The shipped rules pass (embedded_knowledge_base_passes_kb_check); here, that the check
    // really sees them: the shipped files cite the seeds in both spellings.
    let files = crate::rules::embedded();
    let files_citing_seeds = files
        .iter()
        .filter(|f| {
            f.text.contains("document = \"seeds/") || f.text.contains("document = \"shared/seeds/")
        })
        .count();
    assert!(files_citing_seeds >= 10, "{files_citing_seeds}");
    let mut raised = files.clone();
    let f = raised
        .iter_mut()
        .find(|f| f.path == "platform_signals.toml")
        .unwrap();
    f.text = f.text.replace(
        r#"document = "seeds/003_1d07ed7b6f15b65f.txt", confidence = "low""#,
        r#"document = "seeds/003_1d07ed7b6f15b65f.txt", confidence = "medium""#,
    );
    let problems: Vec<(String, String)> = check_all(&raised)
        .into_iter()
        .filter(|p| p.id == "generic.platform.distress-signals")
        .map(|p| (p.field, p.message))
        .collect();
    assert_eq!(
        problems,
        vec![(
            "sources[0].confidence".to_string(),
            crate::rules::problem::SEED_SOURCE_NOT_LOW.to_string()
        )]
    );
}

#[test]
fn every_shipped_checked_date_is_from_the_issue_22_recheck() {
    // The re-check of every fact (issue 22) began on 2026-12-03: a shipped rule, route or text
    // checked before it was not re-opened. A source that could not be re-opened says so in its
    // `document` and carries a lowered confidence; its entry's date is the re-check's.
    let files = crate::rules::embedded();
    let mut dates = 0;
    for f in &files {
        for (n, line) in f.text.lines().enumerate() {
            for (_, rest) in line
                .match_indices("checked = \"")
                .map(|(i, m)| (i, &line[i + m.len()..]))
            {
                let date = &rest[..rest.find('"').unwrap_or(rest.len())];
                assert!(
                    date >= "2026-12-03",
                    "{}:{}: checked = {date}",
                    f.path,
                    n + 1
                );
                dates += 1;
            }
        }
    }
    assert!(dates >= 400, "{dates}");
}
