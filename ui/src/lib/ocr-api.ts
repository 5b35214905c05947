// Reading a screenshot (Diagnose): path or pasted bytes in, the text found with its boxes, the
// platform's message picked from it and a preview out; progress events; cancel.
import { commands, events } from "./bindings";
import type { OcrLine, OcrProgressEvent, ScreenshotText } from "./bindings";
import { unwrap } from "./api";

export type { OcrLine, OcrProgressEvent, ScreenshotText };

/** Image files the screenshot reader takes (it checks the content; the name only filters). */
export const IMAGE_EXTENSIONS = ["png", "jpg", "jpeg", "webp"];

export function isImagePath(path: string): boolean {
  return new RegExp(`\\.(${IMAGE_EXTENSIONS.join("|")})$`, "i").test(path.trim());
}

export const ocrApi = {
  /** `null` when cancelled or superseded by a newer job. */
  read: async (job: number, source: { path: string } | { bytes: Uint8Array }) =>
    unwrap(await commands.readScreenshot(job, "path" in source ? source.path : null, "bytes" in source ? Array.from(source.bytes) : null)),
  cancel: (job: number) => commands.cancelScreenshot(job),
  onProgress: (cb: (p: OcrProgressEvent) => void) => events.ocrProgressEvent.listen((e) => cb(e.payload)),
};

/** A box as percentages of the image, for an overlay that scales with the picture. */
export function boxStyle(line: OcrLine, width: number, height: number): string {
  const [x0, y0, x1, y1] = line.box;
  const pct = (v: number, of: number) => `${((v * 100) / of).toFixed(2)}%`;
  return `left:${pct(x0, width)};top:${pct(y0, height)};width:${pct(x1 - x0, width)};height:${pct(y1 - y0, height)}`;
}

/** The first image among pasted clipboard items, if any. */
export function pastedImage(data: DataTransfer | null): File | null {
  if (!data) return null;
  for (const item of Array.from(data.items ?? [])) {
    if (item.kind === "file" && item.type.startsWith("image/")) return item.getAsFile();
  }
  for (const file of Array.from(data.files ?? [])) {
    if (file.type.startsWith("image/")) return file;
  }
  return null;
}
