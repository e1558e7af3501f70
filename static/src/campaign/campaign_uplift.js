/** Overview > Actions: the last campaigns, the share of the target and of the
 * control group who bought in the window (grouped bars, never stacked), the
 * uplift and its 95 % interval in the tooltip; a bar opens its campaign. */
import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { color, formatNumber, isRTL, useChart } from "../charts/chart_utils";

export class IdicCampaignUplift extends Component {
    static template = "partner_idic.CampaignUplift";
    static props = { chart: Object };

    setup() {
        this.action = useService("action");
        this.canvas = useChart(() => this.config(), () => [this.props.chart]);
    }

    config() {
        const data = this.props.chart;
        const rtl = isRTL();
        return {
            type: "bar",
            data: {
                labels: data.labels,
                datasets: data.datasets.map((d, i) => ({
                    label: d.label,
                    data: d.data,
                    backgroundColor: color(i),
                    borderColor: color(i),
                })),
            },
            options: {
                maintainAspectRatio: false,
                animation: false,
                scales: {
                    x: { reverse: rtl },
                    y: {
                        position: rtl ? "right" : "left",
                        beginAtZero: true,
                        title: { display: true, text: data.y_label },
                        ticks: { callback: (value) => formatNumber(value) },
                    },
                },
                plugins: {
                    legend: { rtl, position: "bottom", labels: { boxWidth: 12 } },
                    tooltip: {
                        rtl,
                        callbacks: {
                            label: (item) => `${item.dataset.label}: ${formatNumber(item.raw, 1)}%`,
                            footer: (items) => (items.length ? data.uplifts[items[0].dataIndex] : ""),
                        },
                    },
                },
                onClick: (event, elements) => {
                    if (elements.length) {
                        this.action.doAction(data.actions[elements[0].index]);
                    }
                },
            },
        };
    }
}

registry.category("partner_idic.overview_charts").add("campaign_uplift", IdicCampaignUplift);
