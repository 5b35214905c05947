import { beforeEach, describe, expect, it, vi } from "vitest";

const toastError = vi.hoisted(() => vi.fn());
vi.mock("svelte-sonner", () => ({ toast: { error: toastError } }));

import { CommandError } from "./api";
import { formErrors, inputFor } from "./form-errors";

const fail = (field: string | null, message = "金额格式不对") => new CommandError({ code: "invalid", message, field });

beforeEach(() => toastError.mockClear());

describe("the form error pattern", () => {
  it("puts core's message beside the input for the field it names", () => {
    expect(formErrors(fail("amount"), ["platform", "amount"], "未知错误")).toEqual({ amount: "金额格式不对" });
    expect(toastError).not.toHaveBeenCalled();
  });

  it("maps a field to the input that shows it", () => {
    expect(formErrors(fail("file", "文件不存在"), { file: "path" }, "未知错误")).toEqual({ path: "文件不存在" });
    expect(inputFor("caption", { file: "path" })).toBeNull();
    expect(inputFor("toString", { file: "path" })).toBeNull();
  });

  it("toasts an error on a field the form does not show, or on none", () => {
    expect(formErrors(fail("password", "密码不正确"), ["amount"], "未知错误")).toEqual({});
    expect(formErrors(fail(null, "数据库已损坏"), ["amount"], "未知错误")).toEqual({});
    expect(formErrors(new Error(""), ["amount"], "未知错误")).toEqual({});
    expect(toastError.mock.calls).toEqual([["密码不正确"], ["数据库已损坏"], ["未知错误"]]);
  });
});
