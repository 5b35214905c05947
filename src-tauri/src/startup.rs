//! What happens between the process starting and the first screen: the start-up timeline
//! (printed to stderr with `TIXIAN_TRACE_START=1`, for profiling the cold start), the web
//! view's settings, and the background work that waits until the first screen is drawn.

use std::sync::{Once, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tauri::{AppHandle, Manager};

static BEGIN: OnceLock<Instant> = OnceLock::new();
static TRACE: OnceLock<bool> = OnceLock::new();

/// Set to anything to print the start-up timeline to stderr.
const TRACE_ENV: &str = "TIXIAN_TRACE_START";

/// Where the timeline starts (the top of `run`); later marks count from here.
pub fn begin() {
    BEGIN.get_or_init(Instant::now);
    mark("run");
}

/// One line of the timeline: milliseconds since [`begin`], and the wall clock in Unix
/// milliseconds so it lines up with the page's `performance.timeOrigin` and `/proc`.
pub fn mark(what: &str) {
    if !*TRACE.get_or_init(|| std::env::var_os(TRACE_ENV).is_some()) {
        return;
    }
    let since = BEGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0;
    let wall = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    eprintln!("tixian start: +{since:.1} ms (unix {wall} ms) {what}");
}

/// The web view's WebKitGTK settings, set before its first page is drawn: the smallest caches
/// (one local page, nothing fetched from elsewhere; hash routes never leave the page, so a
/// back-forward cache only holds memory). Hardware acceleration stays as WebKit decides: with
/// it off (`HardwareAccelerationPolicy::Never`, or `WEBKIT_DISABLE_COMPOSITING_MODE`) the
/// web process held less at a million rows, but WebKitGTK 2.50 then never answered a
/// WebDriver screenshot, and its non-composited path is the one it tests least.
pub fn configure_webview(app: &tauri::App) {
    #[cfg(target_os = "linux")]
    for window in app.webview_windows().into_values() {
        let configured = window.with_webview(|webview| {
            use webkit2gtk::{CacheModel, SettingsExt, WebContextExt, WebViewExt};
            let view = webview.inner();
            if let Some(context) = view.context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
            if let Some(settings) = view.settings() {
                settings.set_enable_page_cache(false);
            }
        });
        if let Err(e) = configured {
            eprintln!("tixian: web view settings not applied: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

/// The longest the background work waits for the UI to say its first screen is drawn.
const FIRST_SCREEN_AT_MOST: Duration = Duration::from_secs(15);

static STARTED: Once = Once::new();

/// Starts [`crate::background_work`] once the UI reported its first screen drawn
/// ([`first_screen_shown`]) or after [`FIRST_SCREEN_AT_MOST`], whichever comes first: both
/// jobs take the store's lock, which the first screen's reads wait for.
pub fn background_work_after_first_screen(app: &AppHandle) {
    let handle = app.clone();
    let spawned = std::thread::Builder::new()
        .name("start-background".into())
        .spawn(move || {
            std::thread::sleep(FIRST_SCREEN_AT_MOST);
            first_screen_shown(&handle);
        });
    if let Err(e) = spawned {
        eprintln!("tixian: background work started at once ({e})");
        first_screen_shown(app);
    }
}

/// The first screen is drawn (or the UI took too long to say so): the background work
/// starts, once.
pub fn first_screen_shown(app: &AppHandle) {
    STARTED.call_once(|| {
        mark("background work starts");
        crate::background_work(app);
    });
}
