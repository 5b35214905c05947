import type { PlatformKind } from "./bindings";

/** Every platform kind, in the order the contract lists them. */
export const PLATFORM_KINDS: PlatformKind[] = [
  "wechat", "alipay", "unionpay", "bank", "ecommerce", "content", "investment", "lending", "crossborder", "other",
];
