/** The pictures of the predictions (issue #28): the holdout check (actual
 * against predicted repeat purchases), the Lorenz curve of the predicted value
 * and the churn bands, drawn with the web client's Chart.js as lines or
 * grouped bars (never stacked), each axis naming its unit. A bar or point
 * with an action opens the records behind it. */
import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { color, formatNumber, isRTL, useChart } from "../charts/chart_utils";

export class IdicClvChart extends Component {
    static template = "partner_idic.ClvChart";
    static props = { chart: Object };

    setup() {
        this.action = useService("action");
        this.canvas = useChart(() => this.config(), () => [this.props.chart]);
    }

    config() {
        const data = this.props.chart;
        const rtl = isRTL();
        const digits = data.digits || 0;
        const axisTitle = (text) => ({ display: Boolean(text), text: text || "" });
        const tick = {
            callback: (value) => formatNumber(value, Number.isInteger(value) ? 0 : digits),
        };
        const scales = {
            x: { reverse: rtl, stacked: false, title: axisTitle(data.x_title) },
            y: {
                position: rtl ? "right" : "left",
                beginAtZero: true,
                stacked: false,
                title: axisTitle(data.y_title),
                ticks: tick,
            },
        };
        if (data.percent) {
            scales.y.max = 100;
        }
        if (data.datasets.some((d) => d.axis === "y1")) {
            scales.y1 = {
                position: rtl ? "left" : "right",
                beginAtZero: true,
                stacked: false,
                grid: { drawOnChartArea: false },
                title: axisTitle(data.y1_title),
                ticks: tick,
            };
        }
        return {
            type: data.kind,
            data: {
                labels: data.labels,
                datasets: data.datasets.map((d, i) => ({
                    label: d.label,
                    data: d.data,
                    yAxisID: d.axis || "y",
                    backgroundColor: color(i),
                    borderColor: color(i),
                    borderDash: d.dashed ? [6, 4] : [],
                    fill: false,
                    tension: 0,
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
                                `${item.dataset.label}: ${formatNumber(
                                    item.raw,
                                    Number.isInteger(item.raw) ? 0 : digits
                                )}`,
                        },
                    },
                },
                onClick: (_event, elements) => this.open(elements),
            },
        };
    }

    open(elements) {
        const chart = this.props.chart;
        const action =
            chart.actions && elements.length ? chart.actions[elements[0].index] : chart.action;
        if (action) {
            this.action.doAction(action);
        }
    }
}

registry.category("partner_idic.overview_charts").add("clv_chart", IdicClvChart);
