//! Generated sample data for the bundle examples: screenshot-like images and a case.
#![allow(dead_code)]

use image::{DynamicImage, ImageEncoder, Rgb, RgbImage, RgbaImage};
use std::path::{Path, PathBuf};
use tixian_core::export::{BundleInput, ContactRow, EvidenceFile, Summary, TimelineRow};
use tixian_core::{Lang, Money};

/// A tiny deterministic generator (no extra dependency; the data only has to vary).
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407))
    }
    pub fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        if hi <= lo {
            return lo;
        }
        lo + self.next() % (hi - lo)
    }
}

/// A phone-screenshot-like image: status bar, header, chat bubbles of "text", a photo area.
/// A photo-like image that does not compress: each pixel random. As PNG it takes about
/// 3 bytes a pixel, so a test can make a file of a known size (600×600 ≈ 1.08 MB).
pub fn noise(seed: u64, w: u32, h: u32) -> RgbImage {
    let mut rng = Lcg::new(seed);
    RgbImage::from_fn(w, h, |_, _| {
        let v = rng.next();
        Rgb([v as u8, (v >> 8) as u8, (v >> 16) as u8])
    })
}

pub fn screenshot(seed: u64, w: u32, h: u32) -> RgbImage {
    let mut rng = Lcg::new(seed);
    let mut img = RgbImage::from_pixel(w, h, Rgb([237, 237, 237]));
    let hue = [
        rng.range(30, 200) as u8,
        rng.range(120, 220) as u8,
        rng.range(60, 240) as u8,
    ];
    fill(&mut img, 0, 0, w, 90, Rgb([20, 20, 20]));
    fill(&mut img, 0, 90, w, 160, Rgb(hue));
    let mut y = 300;
    while y + 200 < h {
        let right = rng.next().is_multiple_of(2);
        let lines = rng.range(1, 4);
        let bw = rng.range(w / 3, w - 200);
        let bh = lines * 56 + 40;
        let x = if right { w - 40 - bw } else { 40 };
        let bubble = if right {
            Rgb([149, 236, 105])
        } else {
            Rgb([255, 255, 255])
        };
        fill(&mut img, x, y, bw, bh, bubble);
        for l in 0..lines {
            let mut cx = x + 24;
            let ty = y + 24 + l * 56;
            while cx + 40 < x + bw - 24 {
                let gw = rng.range(24, 34);
                // A glyph-like blob: a few strokes with anti-aliased-ish edges.
                for s in 0..rng.range(2, 5) {
                    let sx = cx + rng.range(0, gw - 4);
                    let sy = ty + rng.range(0, 30);
                    let vertical = s % 2 == 0;
                    let (fw, fh) = if vertical {
                        (3, rng.range(8, 34 - (sy - ty).min(30)))
                    } else {
                        (rng.range(6, gw), 3)
                    };
                    fill(&mut img, sx, sy, fw, fh, Rgb([30 + (s * 20) as u8, 30, 30]));
                }
                cx += gw + 4;
            }
        }
        y += bh + rng.range(30, 70);
        if rng.next().is_multiple_of(7) && y + 700 < h {
            photo(&mut img, &mut rng, 60, y, w - 120, 560);
            y += 600;
        }
    }
    img
}

fn fill(img: &mut RgbImage, x: u32, y: u32, w: u32, h: u32, c: Rgb<u8>) {
    for yy in y..(y + h).min(img.height()) {
        for xx in x..(x + w).min(img.width()) {
            img.put_pixel(xx, yy, c);
        }
    }
}

/// A noisy gradient, like a photo inside a chat: hard for any compressor.
fn photo(img: &mut RgbImage, rng: &mut Lcg, x: u32, y: u32, w: u32, h: u32) {
    for yy in 0..h {
        for xx in 0..w {
            let n = (rng.next() % 24) as u8;
            let p = Rgb([
                (xx * 255 / w) as u8 / 2 + n,
                (yy * 255 / h) as u8 / 2 + n,
                120 + n,
            ]);
            if x + xx < img.width() && y + yy < img.height() {
                img.put_pixel(x + xx, y + yy, p);
            }
        }
    }
}

pub fn save_png(img: &DynamicImage, path: &Path) {
    img.save_with_format(path, image::ImageFormat::Png)
        .expect("write png");
}

pub fn save_jpeg(img: &RgbImage, path: &Path, quality: u8) {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .expect("encode jpeg");
    std::fs::write(path, out).expect("write jpeg");
}

/// An Android-style screenshot with an alpha channel (mostly opaque, a translucent corner).
pub fn with_alpha(img: &RgbImage) -> RgbaImage {
    RgbaImage::from_fn(img.width(), img.height(), |x, y| {
        let p = img.get_pixel(x, y).0;
        let a = if x < 120 && y < 120 { 128 } else { 255 };
        image::Rgba([p[0], p[1], p[2], a])
    })
}

pub fn evidence(path: PathBuf, caption: &str, taken: Option<&str>) -> EvidenceFile {
    EvidenceFile {
        original_name: path.file_name().unwrap().to_string_lossy().into_owned(),
        path,
        caption: caption.into(),
        taken_at: taken.map(str::to_string),
        taken_at_source: taken.map(|_| "exif".to_string()),
        mime: String::new(),
        added_at: "2026-06-16T09:00:00+08:00".into(),
        sha256: String::new(),
        tier: "core".into(),
        text: String::new(),
        text_checked: false,
    }
}

/// A case with Chinese (or English) texts, `timeline_rows` timeline entries and the evidence.
pub fn case(lang: Lang, timeline_rows: usize, evidence: Vec<EvidenceFile>) -> BundleInput {
    let zh = lang == Lang::Zh;
    let pick = |a: &str, b: &str| if zh { a.to_string() } else { b.to_string() };
    let mut timeline: Vec<TimelineRow> = vec![
        TimelineRow { at: "2026-06-15T23:40:00+08:00".into(), text: pick("在微信零钱发起提现 ¥5,000.00 到工商银行储蓄卡（尾号 1234），页面提示“当日提现金额已超过限额”。", "Requested a withdrawal of ¥5,000.00 from WeChat Balance to an ICBC card (ending 1234); the app said “daily withdrawal limit exceeded”.") },
        TimelineRow { at: "2026-06-16T09:05:00+08:00".into(), text: pick("再次提现，状态一直显示“处理中”，余额已扣除。", "Tried again; the status stays “processing” and the balance was deducted.") },
        TimelineRow { at: "2026-06-17T10:30:00+08:00".into(), text: pick("致电客服 95017，客服表示 24 小时内到账。", "Called customer service 95017; told the money would arrive within 24 hours.") },
    ];
    for i in timeline.len()..timeline_rows {
        timeline.push(TimelineRow {
            at: format!("2026-06-{:02}T{:02}:{:02}:00+08:00", 18 + (i / 24) % 10, i % 24, (i * 7) % 60),
            text: if zh {
                format!("第 {} 次查询提现进度：仍显示“处理中”，客服未给出具体原因。截图已保存（编号 {}）。", i + 1, i + 1)
            } else {
                format!("Checked the withdrawal for the {}th time: still “processing”, no reason given. Screenshot saved (no. {}).", i + 1, i + 1)
            },
        });
    }
    BundleInput {
        case_id: 12,
        title: pick("微信零钱提现 ¥5,000.00 未到账，客服承诺 24 小时内处理未兑现", "WeChat Balance withdrawal of ¥5,000.00 not received; the promise to fix it within 24 hours was broken"),
        platform: pick("微信支付", "WeChat Pay"),
        amount: Money::from_fen(500_000),
        occurred_at: "2026-06-15T23:40:00+08:00".into(),
        created_at: "2026-06-16T09:00:00+08:00".into(),
        exported_at: "2026-06-25T20:15:00+08:00".into(),
        lang,
        summary: Summary {
            background: pick("本人自 2019 年起使用微信支付，账户已完成实名认证（支付账户 II 类），绑定本人名下工商银行一类储蓄卡。平时每月提现 1～2 次，单次约 ¥300.00，从未出现异常。", "I have used WeChat Pay since 2019; the account is real-name verified (payment account class II) and linked to my own ICBC class I debit card. I usually withdraw once or twice a month, about ¥300.00 each time, without problems."),
            problem: pick("2026 年 6 月 15 日晚发起 ¥5,000.00 提现后，余额已扣除但银行卡至今未到账，状态一直为“处理中”。客服于 6 月 17 日承诺 24 小时内处理，逾期未兑现，也未说明原因。😀", "After requesting a ¥5,000.00 withdrawal on the evening of 15 June 2026, the balance was deducted but the money never reached the card; the status has stayed “processing”. On 17 June customer service promised to resolve it within 24 hours; the promise was broken and no reason was given. 😀"),
            demand: pick("请在 7 个工作日内将 ¥5,000.00 退回微信零钱或打入银行卡，并书面说明延迟原因。", "Return ¥5,000.00 to WeChat Balance or pay it to the card within 7 working days, and explain the delay in writing."),
            key_facts: vec![
                pick("余额已于 2026-06-15 23:40 扣除 ¥5,000.00，银行卡未收到。", "¥5,000.00 was deducted on 2026-06-15 23:40; the card never received it."),
                pick("客服 6 月 17 日承诺“24 小时内到账”，至今已逾期 8 天。", "On 17 June customer service promised arrival “within 24 hours”; now 8 days overdue."),
                pick("账户实名、银行卡为本人名下一类卡，不存在信息不一致。", "Real-name account, own class I card: no mismatch of details."),
            ],
        },
        timeline,
        contacts: vec![
            ContactRow { at: "2026-06-16T09:20:00+08:00".into(), channel: "chat".into(), agent: pick("小李", "Li"), said: pick("系统正在处理，请耐心等待。", "The system is processing it, please wait."), promise: String::new(), due: None, outcome: pick("无结果", "no result"), overdue: false },
            ContactRow { at: "2026-06-17T10:30:00+08:00".into(), channel: "phone".into(), agent: pick("工号 8842", "agent no. 8842"), said: pick("提现被风控延迟，已加急处理。", "The withdrawal was held by risk control and has been escalated."), promise: pick("24 小时内到账", "money arrives within 24 hours"), due: Some("2026-06-18T10:30:00+08:00".into()), outcome: pick("未到账", "not received"), overdue: true },
            ContactRow { at: "2026-06-20T15:00:00+08:00".into(), channel: "ticket".into(), agent: String::new(), said: pick("工单已受理，工单号 WX20260620-0173。", "Ticket accepted, number WX20260620-0173."), promise: pick("3 个工作日内回复", "reply within 3 working days"), due: Some("2026-06-25T15:00:00+08:00".into()), outcome: pick("等待中", "waiting"), overdue: false },
        ],
        evidence,
        catalog: Vec::new(),
        applicant: String::new(),
    }
}
