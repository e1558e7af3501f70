/** A 12-month (or fiscal-year) trend drawn with the web client's Chart.js:
 * grouped bars per month (stacked only for counts that add up, such as
 * members by status) and, on a second axis, a line (liability, renewal
 * rate); each axis names its unit; clicking it opens the full graph view of
 * the records behind it. */
import { Component } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";
import {
    axisTitle,
    color,
    formatMonth,
    formatNumber,
    formatYear,
    isRTL,
    useChart,
} from "./chart_utils";

export class IdicTrendChart extends Component {
    static template = "partner_idic.TrendChart";
    static props = { chart: Object };

    setup() {
        this.action = useService("action");
        this.canvas = useChart(() => this.config(), () => [this.props.chart]);
    }

    config() {
        const data = this.props.chart;
        const rtl = isRTL();
        const labels = data.labels.map(data.years ? formatYear : formatMonth);
        const hasY1 = data.datasets.some((d) => d.axis === "y1");
        const tick = { callback: (value) => formatNumber(value) };
        // Only counts that add up share a stack (the bars of one stack).
        const stacked = data.datasets.some((d) => d.stack);
        const scales = {
            x: { reverse: rtl, stacked, ticks: {} },
            y: {
                position: rtl ? "right" : "left",
                beginAtZero: true,
                ticks: tick,
                stacked,
                title: axisTitle(data.y_label),
            },
        };
        if (hasY1) {
            scales.y1 = {
                position: rtl ? "left" : "right",
                beginAtZero: true,
                grid: { drawOnChartArea: false },
                ticks: tick,
                stacked: false,
                title: axisTitle(data.y1_label),
            };
        }
        return {
            type: "bar",
            data: {
                labels,
                datasets: data.datasets.map((d, i) => ({
                    type: d.kind,
                    label: d.label,
                    data: d.data,
                    yAxisID: d.axis,
                    stack: d.stack || `s${i}`,
                    backgroundColor: d.color || color(i),
                    borderColor: d.color || color(i),
                    order: d.kind === "line" ? 0 : 1,
                    spanGaps: true,
                })),
            },
            options: {
                maintainAspectRatio: false,
                animation: false,
                scales,
                plugins: {
                    legend: { rtl, position: "bottom", labels: { boxWidth: 12 } },
                    tooltip: {
                        rtl,
                        callbacks: {
                            label: (item) =>
                                `${item.dataset.label}: ${formatNumber(item.raw, Number.isInteger(item.raw) ? 0 : 1)}`,
                        },
                    },
                },
                onClick: () => this.open(),
            },
        };
    }

    open() {
        if (this.props.chart.action) {
            this.action.doAction(this.props.chart.action);
        }
    }
}
