import { describe, expect, it } from "vitest";
import { boxStyle, isImagePath } from "./ocr-api";

describe("screenshot reader helpers", () => {
  it("takes image file names only", () => {
    expect(isImagePath("/home/me/截图.PNG")).toBe(true);
    expect(isImagePath("a.webp ")).toBe(true);
    expect(isImagePath("bill.csv")).toBe(false);
  });

  it("places a box as percentages of the image", () => {
    const style = boxStyle({ text: "x", box: [108, 240, 540, 480], confidence: 0.9 }, 1080, 2400);
    expect(style).toBe("left:10.00%;top:10.00%;width:40.00%;height:10.00%");
  });
});
