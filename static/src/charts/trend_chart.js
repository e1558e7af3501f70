/** A 12-month (or fiscal-year) trend drawn with the web client's Chart.js:
 * bars per month and, on a second axis, a line (liability, renewal rate);
 * clicking it opens the full graph view of the records behind it. */
import { Component } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";
import { color, formatMonth, formatNumber, isRTL, useChart } from "./chart_utils";

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
        const labels = data.years ? data.labels : data.labels.map(formatMonth);
        const hasY1 = data.datasets.some((d) => d.axis === "y1");
        const tick = { callback: (value) => formatNumber(value) };
        const scales = {
            x: { reverse: rtl, stacked: data.datasets.some((d) => d.stack), ticks: {} },
            y: { position: rtl ? "right" : "left", beginAtZero: true, ticks: tick, stacked: true },
        };
        scales.y.stacked = data.datasets.some((d) => d.stack);
        if (hasY1) {
            scales.y1 = {
                position: rtl ? "left" : "right",
                beginAtZero: true,
                grid: { drawOnChartArea: false },
                ticks: tick,
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
