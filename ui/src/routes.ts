// The seven screens of DESIGN.md as hash routes (the app is served from the binary, not a server).
import Home from "./routes/Home.svelte";
import Diagnose from "./routes/Diagnose.svelte";
import Platforms from "./routes/Platforms.svelte";
import PlatformDetail from "./routes/PlatformDetail.svelte";
import Health from "./routes/Health.svelte";
import Cases from "./routes/Cases.svelte";
import CaseDetail from "./routes/CaseDetail.svelte";
import Knowledge from "./routes/Knowledge.svelte";
import Settings from "./routes/Settings.svelte";

export const NAV = [
  { path: "/", key: "home", icon: "⌂" },
  { path: "/diagnose", key: "diagnose", icon: "?" },
  { path: "/platforms", key: "platforms", icon: "¥" },
  { path: "/health", key: "health", icon: "♥" },
  { path: "/cases", key: "cases", icon: "§" },
  { path: "/knowledge", key: "knowledge", icon: "i" },
  { path: "/settings", key: "settings", icon: "⚙" },
] as const;

export const routes = {
  "/": Home,
  "/diagnose": Diagnose,
  "/platforms": Platforms,
  "/platforms/:id": PlatformDetail,
  "/health": Health,
  "/cases": Cases,
  "/cases/:id": CaseDetail,
  "/knowledge": Knowledge,
  "/knowledge/:tab/:kind?": Knowledge,
  "/settings": Settings,
  "*": Home,
};
