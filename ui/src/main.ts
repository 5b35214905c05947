import { mount } from "svelte";
import "./app.css";
import { setupI18n } from "./lib/i18n";
import App from "./App.svelte";

// Start-up marks ("tixian:…", printed by the scale benchmark): the bundle is loaded and its
// modules evaluated.
performance.mark("tixian:script");
setupI18n();
const app = mount(App, { target: document.getElementById("app")! });

export default app;
