/** The IDIC funnel: customers per stage, centred bars drawn with the web
 * client's Chart.js, with the share that moved forward in the period;
 * clicking a stage opens its customers. */
import { Component } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";
import { color, formatNumber, isRTL, useChart } from "./chart_utils";

export class IdicFunnel extends Component {
    static template = "partner_idic.Funnel";
    static props = { chart: Object };

    setup() {
        this.action = useService("action");
        this.formatNumber = formatNumber;
        this.canvas = useChart(() => this.config(), () => [this.props.chart]);
    }

    config() {
        const stages = this.props.chart.stages;
        const max = Math.max(1, ...stages.map((s) => s.value));
        const rtl = isRTL();
        return {
            type: "bar",
            data: {
                labels: stages.map((s) => s.label),
                datasets: [
                    {
                        label: this.props.chart.title,
                        data: stages.map((s) => [-(s.value || max / 200) / 2, (s.value || max / 200) / 2]),
                        backgroundColor: stages.map((s, i) => color(i)),
                        borderSkipped: false,
                    },
                ],
            },
            options: {
                indexAxis: "y",
                maintainAspectRatio: false,
                animation: false,
                scales: {
                    x: { display: false, min: -max / 2, max: max / 2 },
                    y: { position: rtl ? "right" : "left", grid: { display: false } },
                },
                plugins: {
                    legend: { display: false },
                    tooltip: {
                        rtl,
                        callbacks: {
                            label: (item) => {
                                const stage = stages[item.dataIndex];
                                return `${formatNumber(stage.value)} · ${this.props.chart.legend}: ${formatNumber(stage.share, 1)}%`;
                            },
                        },
                    },
                },
                onClick: (event, elements) => {
                    if (elements.length) {
                        this.open(stages[elements[0].index]);
                    }
                },
            },
        };
    }

    open(stage) {
        this.action.doAction(stage.action);
    }
}
