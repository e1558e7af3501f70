/** Helpers shared by the pictures of the overview: the web client's own
 * Chart.js (loaded on demand, as its graph view does), right-to-left and
 * number / date formats of the user's language. */
import { onWillStart, useEffect, useRef } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { localization } from "@web/core/l10n/localization";
import { formatFloat, formatInteger } from "@web/views/fields/formatters";

const { DateTime } = luxon;

export function loadChartJS() {
    return loadBundle("web.chartjs_lib");
}

/** A Chart.js chart on the component's `t-ref="canvas"`, made by
 * `config()` once Chart.js is loaded, made again when `deps()` change and
 * destroyed with the component.  Returns the canvas ref. */
export function useChart(config, deps) {
    const canvas = useRef("canvas");
    onWillStart(loadChartJS);
    useEffect(
        () => {
            const chart = new Chart(canvas.el, config());
            return () => chart.destroy();
        },
        deps
    );
    return canvas;
}

export function isRTL() {
    return localization.direction === "rtl";
}

// Distinct colours for the series of one chart.
const PALETTE = ["#3b8fd9", "#f08a4b", "#8e7cc3", "#1a7f37", "#d9383a", "#f2c14e"];

export function color(index) {
    return PALETTE[index % PALETTE.length];
}

/** A figure in the user's language (grouping, digits). */
export function formatNumber(value, digits = 0) {
    if (value === null || value === undefined) {
        return "";
    }
    return digits ? formatFloat(value, { digits: [16, digits] }) : formatInteger(Math.round(value));
}

/** The month starting on `isoDate` in the user's language and its calendar
 * ("Mar 2026"; in Persian the Jalali month, "دی ۱۴۰۴"): the browser's own
 * calendars through luxon, month and year from the same calendar. */
export function formatMonth(isoDate) {
    return DateTime.fromISO(isoDate).toLocaleString({ month: "short", year: "numeric" });
}

/** The year of `isoDate` in the user's calendar ("2026", "۱۴۰۵"). */
export function formatYear(isoDate) {
    return DateTime.fromISO(isoDate).toLocaleString({ year: "numeric" });
}

/** A Chart.js axis title naming the axis's unit. */
export function axisTitle(text) {
    return { display: Boolean(text), text: text || "" };
}
