/** A figure's 12-month sparkline drawn with the web client's own Chart.js:
 * a small line without axes, legend or grid, the months running from right
 * to left in a right-to-left language as on the other charts; months
 * without a value are gaps. */
import { Component } from "@odoo/owl";
import { formatNumber, isRTL, useChart } from "../charts/chart_utils";

export class IdicSparkline extends Component {
    static template = "partner_idic.Sparkline";
    static props = { values: Array, labels: { type: Array, optional: true } };

    setup() {
        this.canvas = useChart(() => this.config(), () => [this.props.values]);
    }

    config() {
        const values = this.props.values;
        const labels = this.props.labels || values.map((_v, i) => String(i + 1));
        // The figure's tone (the text colour of the card), as the SVG drew it.
        const tone = getComputedStyle(this.canvas.el).color;
        return {
            type: "line",
            data: {
                labels,
                datasets: [
                    {
                        data: values,
                        borderColor: tone,
                        borderWidth: 1.5,
                        pointRadius: 0,
                        pointHitRadius: 4,
                        tension: 0.2,
                        fill: false,
                        spanGaps: false,
                    },
                ],
            },
            options: {
                maintainAspectRatio: false,
                animation: false,
                events: ["mousemove", "mouseout"],
                layout: { padding: 2 },
                scales: {
                    x: { display: false, reverse: isRTL() },
                    y: { display: false, grace: "5%" },
                },
                plugins: {
                    legend: { display: false },
                    tooltip: {
                        rtl: isRTL(),
                        displayColors: false,
                        callbacks: {
                            title: () => "",
                            label: (item) =>
                                formatNumber(item.raw, Number.isInteger(item.raw) ? 0 : 1),
                        },
                    },
                },
            },
        };
    }
}
