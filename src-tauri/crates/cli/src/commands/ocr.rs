//! `tixian ocr IMAGE [--json]`: the text in a screenshot, read offline.

use crate::Ctx;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use tixian_core::ocr::{self, OcrResult};
use tixian_core::{CoreError, Lang};

#[derive(Args)]
pub struct OcrArgs {
    /// The screenshot: PNG, JPEG or WebP.
    image: PathBuf,
}

pub fn run(ctx: &Ctx, args: OcrArgs) -> Result<ExitCode, CoreError> {
    let result = ocr::read_file(&args.image)?;
    ctx.out.print(&result, |lang| human(&result, lang));
    Ok(ExitCode::SUCCESS)
}

fn human(r: &OcrResult, lang: Lang) -> String {
    if r.lines.is_empty() {
        return match lang {
            Lang::Zh => "（图片中没有找到文字）".into(),
            Lang::En => "(no text found in the image)".into(),
        };
    }
    r.text.clone()
}
