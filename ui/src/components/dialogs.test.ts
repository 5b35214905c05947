// The main dialogs, mounted in jsdom with @testing-library/svelte and the API door mocked: what
// submit sends (exact arguments), and core's `{code, message, field}` error shown beside the
// field it names (else as a toast), never a stored change the dialog did not ask for.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { addMessages, init, locale } from "svelte-i18n";
import zh from "../lib/i18n/zh.json";
import en from "../lib/i18n/en.json";
import type { ApiError } from "../lib/bindings";

const mocks = vi.hoisted(() => ({
  addPlatform: vi.fn(),
  addBalance: vi.fn(),
  listPlatforms: vi.fn(),
  moneyOverview: vi.fn(),
  homeDue: vi.fn(),
  createCase: vi.fn(),
  toastError: vi.fn(),
  toastSuccess: vi.fn(),
}));

// The door: lib/api.ts keeps its real CommandError and unwrap, its commands are mocked.
vi.mock("../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../lib/api")>();
  return {
    ...real,
    api: {
      ...real.api,
      addPlatform: mocks.addPlatform,
      addBalance: mocks.addBalance,
      listPlatforms: mocks.listPlatforms,
      moneyOverview: mocks.moneyOverview,
      homeDue: mocks.homeDue,
    },
  };
});
vi.mock("../lib/cases-api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../lib/cases-api")>();
  return { ...real, casesApi: { ...real.casesApi, create: mocks.createCase } };
});
vi.mock("svelte-sonner", async (importOriginal) => {
  const real = await importOriginal<typeof import("svelte-sonner")>();
  return { ...real, toast: Object.assign(vi.fn(), { error: mocks.toastError, success: mocks.toastSuccess }) };
});

import { CommandError } from "../lib/api";
import { ledger } from "../lib/ledger.svelte";
import AddPlatformDialog from "./AddPlatformDialog.svelte";
import BalanceDialog from "./BalanceDialog.svelte";
import EraseDialog from "./EraseDialog.svelte";
import NewCaseDialog from "./cases/NewCaseDialog.svelte";

function fail(e: ApiError): CommandError {
  return new CommandError(e);
}

const OVERVIEW = {
  platforms: [
    { id: 1, name: "微信支付" },
    { id: 2, name: "支付宝" },
  ],
};

beforeAll(() => {
  addMessages("zh", zh);
  addMessages("en", en);
  init({ fallbackLocale: "zh", initialLocale: "zh" });
});

beforeEach(() => {
  vi.clearAllMocks();
  locale.set("zh");
  mocks.moneyOverview.mockResolvedValue(OVERVIEW);
  mocks.homeDue.mockResolvedValue([]);
  mocks.listPlatforms.mockResolvedValue([]);
});

afterEach(() => {
  cleanup();
});

async function type(selector: string, value: string) {
  const el = document.querySelector(selector) as HTMLInputElement | HTMLTextAreaElement | null;
  expect(el, selector).not.toBeNull();
  await fireEvent.input(el!, { target: { value } });
}

/** The error paragraph inside the `.field` that holds `#id` (beside the field, not elsewhere). */
function errorBeside(id: string): string | null {
  const field = document.getElementById(id)?.closest(".field");
  return field?.querySelector(".error")?.textContent?.trim() ?? null;
}

describe("AddPlatformDialog", () => {
  it("sends the name, kind and note as typed and closes", async () => {
    mocks.addPlatform.mockResolvedValue({ id: 3, name: "某某理财" });
    render(AddPlatformDialog, { props: { open: true } });
    await type("#platform-name", "某某理财");
    const kind = document.querySelector("#platform-kind") as HTMLSelectElement;
    await fireEvent.change(kind, { target: { value: "investment" } });
    await type("#platform-note", "年化 8%");
    await fireEvent.click(screen.getByTestId("add-platform-submit"));
    await waitFor(() => expect(mocks.addPlatform).toHaveBeenCalledTimes(1));
    expect(mocks.addPlatform).toHaveBeenCalledWith({ name: "某某理财", kind: "investment", note: "年化 8%" });
    await waitFor(() => expect(screen.queryByTestId("add-platform-form")).toBeNull());
    expect(mocks.toastSuccess).toHaveBeenCalledWith("已添加平台“某某理财”");
    expect(mocks.moneyOverview).toHaveBeenCalledTimes(1);
  });

  it("shows core's message beside the field it names and stays open", async () => {
    mocks.addPlatform.mockRejectedValue(fail({ code: "conflict", message: "已有名为 微信支付 的平台", field: "name" }));
    render(AddPlatformDialog, { props: { open: true } });
    await type("#platform-name", "微信支付");
    await fireEvent.click(screen.getByTestId("add-platform-submit"));
    await waitFor(() => expect(errorBeside("platform-name")).toBe("已有名为 微信支付 的平台"));
    expect(document.getElementById("platform-name")?.getAttribute("aria-invalid")).toBe("true");
    expect(errorBeside("platform-note")).toBeNull();
    expect(screen.getByTestId("add-platform-form")).toBeTruthy();
    expect(mocks.toastError).not.toHaveBeenCalled();
  });

  it("shows an error without a field as a toast", async () => {
    mocks.addPlatform.mockRejectedValue(fail({ code: "internal", message: "数据库忙", field: null }));
    render(AddPlatformDialog, { props: { open: true } });
    await type("#platform-name", "甲");
    await fireEvent.click(screen.getByTestId("add-platform-submit"));
    await waitFor(() => expect(mocks.toastError).toHaveBeenCalledWith("数据库忙"));
    expect(document.querySelectorAll(".field .error")).toHaveLength(0);
  });

  it("shows an error on a field the form has no input for as a toast, not nowhere", async () => {
    mocks.addPlatform.mockRejectedValue(fail({ code: "invalid", message: "数据库已加锁", field: "passphrase" }));
    render(AddPlatformDialog, { props: { open: true } });
    await type("#platform-name", "甲");
    await fireEvent.click(screen.getByTestId("add-platform-submit"));
    await waitFor(() => expect(mocks.toastError).toHaveBeenCalledWith("数据库已加锁"));
    expect(document.querySelectorAll(".field .error")).toHaveLength(0);
    expect(screen.getByTestId("add-platform-form")).toBeTruthy();
  });
});

describe("BalanceDialog", () => {
  beforeEach(async () => {
    await ledger.refresh();
  });

  it("sends the first platform, the amount as typed and no time when none is given", async () => {
    mocks.addBalance.mockResolvedValue({ platform: "微信支付", amount: "1234.50" });
    render(BalanceDialog, { props: { open: true } });
    await waitFor(() => expect((document.querySelector("#balance-platform") as HTMLSelectElement).value).toBe("微信支付"));
    await type("#balance-amount", "1,234.50");
    await fireEvent.click(screen.getByTestId("balance-submit"));
    await waitFor(() => expect(mocks.addBalance).toHaveBeenCalledTimes(1));
    expect(mocks.addBalance).toHaveBeenCalledWith("微信支付", "1,234.50", null);
    await waitFor(() => expect(screen.queryByTestId("balance-form")).toBeNull());
  });

  it("sends the chosen platform and the time trimmed", async () => {
    mocks.addBalance.mockResolvedValue({ platform: "支付宝", amount: "9.00" });
    render(BalanceDialog, { props: { open: true, platform: "支付宝" } });
    await type("#balance-amount", "9");
    await type("#balance-at", "  2026-03-01 10:00 ");
    await fireEvent.click(screen.getByTestId("balance-submit"));
    await waitFor(() => expect(mocks.addBalance).toHaveBeenCalledWith("支付宝", "9", "2026-03-01 10:00"));
  });

  it("shows a bad amount beside the amount field", async () => {
    mocks.addBalance.mockRejectedValue(fail({ code: "bad_input", message: "金额最多两位小数", field: "amount" }));
    render(BalanceDialog, { props: { open: true } });
    await type("#balance-amount", "1.234");
    await fireEvent.click(screen.getByTestId("balance-submit"));
    await waitFor(() => expect(errorBeside("balance-amount")).toBe("金额最多两位小数"));
    expect(errorBeside("balance-at")).toBeNull();
    expect(errorBeside("balance-platform")).toBeNull();
    expect(screen.getByTestId("balance-form")).toBeTruthy();
  });

  it("shows a bad time beside the time field", async () => {
    mocks.addBalance.mockRejectedValue(fail({ code: "bad_input", message: "看不懂这个时间", field: "at" }));
    render(BalanceDialog, { props: { open: true } });
    await type("#balance-amount", "5");
    await type("#balance-at", "明天");
    await fireEvent.click(screen.getByTestId("balance-submit"));
    await waitFor(() => expect(errorBeside("balance-at")).toBe("看不懂这个时间"));
    expect(errorBeside("balance-amount")).toBeNull();
  });
});

describe("EraseDialog", () => {
  const erased = { rows: 12, files_removed: ["a", "b"] };

  it("keeps the button disabled until the name is typed exactly, then erases once", async () => {
    const erase = vi.fn().mockResolvedValue(erased);
    const onerased = vi.fn();
    render(EraseDialog, {
      props: { open: true, kind: "platform", label: "微信支付", confirmText: "微信支付", erase, onerased },
    });
    const button = screen.getByTestId("erase-confirm") as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    await type("#erase-confirm", "微信");
    expect(button.disabled).toBe(true);
    // Submitting the form by Enter does nothing either while the name does not match.
    await fireEvent.submit(screen.getByTestId("erase-form"));
    expect(erase).not.toHaveBeenCalled();
    await type("#erase-confirm", "微信支付");
    expect(button.disabled).toBe(false);
    await fireEvent.click(button);
    await waitFor(() => expect(onerased).toHaveBeenCalledWith(erased));
    expect(erase).toHaveBeenCalledTimes(1);
    expect(mocks.toastSuccess).toHaveBeenCalledWith("已永久删除：12 条记录，2 个原件");
  });

  it("says what goes, in the chosen language", async () => {
    locale.set("en");
    render(EraseDialog, {
      props: { open: true, kind: "case", label: "提现未到账", confirmText: "提现未到账", erase: vi.fn() },
    });
    const text = document.body.textContent ?? "";
    expect(text).toContain(en.erase.caseTitle);
    expect(text).toContain(en.erase.caseWhat.replace("{name}", "提现未到账"));
    expect(text).toContain(en.erase.noUndo);
  });

  it("without a name to type, the button works at once", async () => {
    const erase = vi.fn().mockResolvedValue(erased);
    render(EraseDialog, { props: { open: true, kind: "evidence", label: "截图 1", erase } });
    const button = screen.getByTestId("erase-confirm") as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    await fireEvent.click(button);
    await waitFor(() => expect(erase).toHaveBeenCalledTimes(1));
  });

  it("shows a failure in the dialog and stays open", async () => {
    const erase = vi.fn().mockRejectedValue(fail({ code: "busy", message: "另一个提现助手程序正在使用数据库", field: null }));
    render(EraseDialog, { props: { open: true, kind: "platform", label: "甲", confirmText: "甲", erase } });
    await type("#erase-confirm", "甲");
    await fireEvent.click(screen.getByTestId("erase-confirm"));
    await waitFor(() => expect(screen.getByTestId("erase-form").textContent).toContain("另一个提现助手程序正在使用数据库"));
    expect(mocks.toastSuccess).not.toHaveBeenCalled();
  });
});

describe("NewCaseDialog", () => {
  const input = {
    platform: "某某理财",
    amount: "3,000",
    occurred: "2026-03-10T14:00",
    summary: "提现审核中二十天未到账",
    account: "138****0000",
    message: "您的提现正在审核中",
  };

  async function fill() {
    await type("#case-platform", input.platform);
    await type("#case-amount", input.amount);
    await type("#case-occurred", input.occurred);
    await type("#case-summary", input.summary);
    await type("#case-account", input.account);
    await type("#case-message", input.message);
  }

  it("offers the ledger's platforms and sends every field as typed", async () => {
    mocks.listPlatforms.mockResolvedValue([{ id: 1, name: "微信支付" }]);
    const created = { id: 7 };
    mocks.createCase.mockResolvedValue(created);
    const oncreated = vi.fn();
    render(NewCaseDialog, { props: { open: true, oncreated } });
    await waitFor(() => expect(document.querySelector("#case-platform-list option")?.getAttribute("value")).toBe("微信支付"));
    await fill();
    await fireEvent.click(screen.getByTestId("new-case-submit"));
    await waitFor(() => expect(oncreated).toHaveBeenCalledWith(created));
    expect(mocks.createCase).toHaveBeenCalledTimes(1);
    expect(mocks.createCase).toHaveBeenCalledWith(input);
  });

  it("shows core's message beside the platform field", async () => {
    mocks.createCase.mockRejectedValue(fail({ code: "bad_input", message: "请写上平台名称", field: "platform" }));
    render(NewCaseDialog, { props: { open: true, oncreated: vi.fn() } });
    await fill();
    await type("#case-platform", "");
    await fireEvent.click(screen.getByTestId("new-case-submit"));
    await waitFor(() => expect(screen.getByTestId("case-platform-error").textContent).toBe("请写上平台名称"));
    expect(errorBeside("case-platform")).toBe("请写上平台名称");
    expect(errorBeside("case-amount")).toBeNull();
    expect(screen.getByTestId("new-case-form")).toBeTruthy();
  });

  it("shows a bad amount beside the amount field", async () => {
    mocks.createCase.mockRejectedValue(fail({ code: "bad_input", message: "金额最多两位小数", field: "amount" }));
    render(NewCaseDialog, { props: { open: true, oncreated: vi.fn() } });
    await fill();
    await fireEvent.click(screen.getByTestId("new-case-submit"));
    await waitFor(() => expect(errorBeside("case-amount")).toBe("金额最多两位小数"));
    expect(errorBeside("case-platform")).toBeNull();
    expect(errorBeside("case-summary")).toBeNull();
  });
});
