// Chart.js set-up shared by the Health charts: only the parts used are registered (tree-shaken),
// colours come from the app's CSS variables so light and dark themes both read well, and
// animation is off (calmer, and screenshots show the final picture).
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type Plugin,
} from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

export { Chart };

export interface ChartTheme {
  dark: boolean;
  text: string;
  muted: string;
  grid: string;
  surface: string;
  danger: string;
  warn: string;
  series: string[];
}

const LIGHT_SERIES = ["#16806e", "#2f6fd1", "#c26a00", "#8e44ad", "#c0397a", "#0e7c95", "#6b7d1f"];
const DARK_SERIES = ["#3fb39c", "#6ea4f0", "#f0a54a", "#c08ae0", "#ec7fb0", "#52c4dc", "#b6c95a"];

export function prefersDark(): boolean {
  return typeof window !== "undefined" && !!window.matchMedia?.("(prefers-color-scheme: dark)").matches;
}

/** Reads the app's colours (app.css) for the current colour scheme. */
export function readTheme(): ChartTheme {
  const dark = prefersDark();
  const css = typeof document !== "undefined" ? getComputedStyle(document.documentElement) : null;
  // Axis and legend text in the app's own (CJK-friendly) fonts.
  if (css?.fontFamily) Chart.defaults.font.family = css.fontFamily;
  const v = (name: string, fallback: string) => css?.getPropertyValue(name).trim() || fallback;
  return {
    dark,
    text: v("--text", dark ? "#e6ece9" : "#1d2521"),
    muted: v("--muted", dark ? "#9aa9a2" : "#5e6b65"),
    grid: v("--border", dark ? "#2e3a35" : "#dfe5e1"),
    surface: v("--surface", dark ? "#1a211e" : "#ffffff"),
    danger: v("--danger", dark ? "#f2867c" : "#b3261e"),
    warn: dark ? "#f3c14b" : "#b57a00",
    series: dark ? DARK_SERIES : LIGHT_SERIES,
  };
}

/** A dashed reference line across the plot at `value` on the given axis, with a label on a
 * backing of the surface colour so it stays readable over grid lines and data. A vertical line's
 * label sits above the plot (give the chart `layout.padding.top`); a horizontal one's sits at the
 * right end, just above the line. */
export function referenceLine(
  id: string,
  axis: "x" | "y",
  value: () => number | null,
  label: () => string,
  color: () => string,
  surface: () => string,
): Plugin {
  return {
    id,
    afterDatasetsDraw(chart) {
      const v = value();
      if (v === null) return;
      const scale = chart.scales[axis];
      if (!scale) return;
      const { ctx, chartArea } = chart;
      const pos = scale.getPixelForValue(v);
      if (axis === "x" && (pos < chartArea.left || pos > chartArea.right)) return;
      if (axis === "y" && (pos < chartArea.top || pos > chartArea.bottom)) return;
      ctx.save();
      ctx.strokeStyle = color();
      ctx.lineWidth = 1.5;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      if (axis === "x") {
        ctx.moveTo(pos, chartArea.top);
        ctx.lineTo(pos, chartArea.bottom);
      } else {
        ctx.moveTo(chartArea.left, pos);
        ctx.lineTo(chartArea.right, pos);
      }
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.font = "600 12px system-ui, sans-serif";
      ctx.textBaseline = "bottom";
      const text = label();
      const w = ctx.measureText(text).width;
      let x: number;
      let y: number;
      if (axis === "x") {
        x = Math.min(Math.max(pos - w / 2, chartArea.left), chartArea.right - w);
        y = chartArea.top - 3;
      } else {
        x = chartArea.right - w - 6;
        y = Math.max(pos - 3, chartArea.top + 14);
      }
      ctx.fillStyle = surface();
      ctx.fillRect(x - 3, y - 15, w + 6, 16);
      ctx.fillStyle = color();
      ctx.textAlign = "left";
      ctx.fillText(text, x, y);
      ctx.restore();
    },
  };
}
